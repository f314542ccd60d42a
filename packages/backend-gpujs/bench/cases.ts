/**
 * The benchmark cases and their timing, shared by the Node benchmark (bench.ts) and the browser
 * one (webgl2.browser.ts): per kernel, the first call on a fresh backend (gpu.js compiles the
 * kernel then) and the steady-state median, at the shapes of InfoNCE 256×1024 and of a 1024×4096
 * CSDP step, then both algorithms end to end.
 */
import { type Backend, CSDPRule, type Matrix, Random, SpikeContrastiveLoss } from '@contraspike/core';

export interface Row {
  readonly op: string;
  readonly shape: string;
  readonly backend: string;
  /** The first call on a fresh backend (includes gpu.js's compile). */
  readonly firstMs: number;
  /** Median of the timed calls after it. */
  readonly medianMs: number;
}

const rng = new Random(7);
const now = () => performance.now();

function random(rows: number, cols: number, lo = -1, hi = 1): Matrix {
  const data = new Float32Array(rows * cols);
  for (let k = 0; k < data.length; k++) data[k] = lo + (hi - lo) * rng.next();
  return { rows, cols, data };
}

const zeros = (rows: number, cols: number): Matrix => ({ rows, cols, data: new Float32Array(rows * cols) });
const spikes = (n: number, p: number) => Float32Array.from({ length: n }, () => (rng.next() < p ? 1 : 0));

/** One benchmark case: a name, a shape label, and a call to time on a given backend. */
export interface Case {
  readonly op: string;
  readonly shape: string;
  readonly run: (backend: Backend) => void;
}

const B = 256;
const F = 1024;
const [POST, PRE] = [1024, 4096];

export function cases(): Case[] {
  const x = random(B, F, 0, 1);
  const y = random(B, F, 0, 1);
  const scales = Float64Array.from({ length: B }, () => 1 + rng.next());
  const sim = random(B, B, -2, 2);
  const targets = Int32Array.from({ length: B }, (_, i) => i);
  const W = random(POST, PRE, -0.05, 0.05);
  const terms = [
    { coef: 0.01, u: spikes(POST, 0.5), v: spikes(PRE, 0.5) },
    { coef: -0.01, u: spikes(POST, 0.5), v: random(1, PRE, 0, 1).data },
  ];
  const lif = {
    v: zeros(500, 1000),
    threshold: random(500, 1000, 0.03, 0.08),
    trace: zeros(500, 1000),
    spikes: zeros(500, 1000),
    counts: zeros(500, 1000),
  };
  const current = random(500, 1000, 0, 0.3);
  const lifParams = { leak: 0.3, traceDecay: 0.77, thresholdAdaptation: 0.001, thresholdMinimum: 0.025 };
  const [param, grad, m, v] = [random(784, 1000, -0.1, 0.1), random(784, 1000), zeros(784, 1000), zeros(784, 1000)];
  let step = 0;
  const sumsOut = new Float64Array(B);
  const xHat = zeros(B, F);
  const simOut = zeros(B, B);
  const wOut = zeros(POST, PRE);
  const csdpArgs = [spikes(PRE, 0.5), spikes(POST, 0.5), random(1, PRE, 0, 1).data, spikes(POST, 0.5)] as const;
  return [
    { op: 'rowSumSquares', shape: `${B}×${F}`, run: (b) => b.rowSumSquares(x, sumsOut) },
    { op: 'scaleRows', shape: `${B}×${F}`, run: (b) => b.scaleRows(x, scales, xHat) },
    { op: 'gemm (a·bᵀ)', shape: `${B}×${F}·${F}×${B}`, run: (b) => b.gemm(x, y, simOut, { transB: true, alpha: 2 }) },
    { op: 'rowCrossEntropy', shape: `${B}×${B}`, run: (b) => b.rowCrossEntropy(sim, targets, sumsOut) },
    { op: 'rowSoftmax', shape: `${B}×${B}`, run: (b) => b.rowSoftmax(sim, simOut, sumsOut) },
    { op: 'rowNormalizeBackward', shape: `${B}×${F}`, run: (b) => b.rowNormalizeBackward(x, y, scales, xHat) },
    { op: 'outerUpdate (2 terms)', shape: `${POST}×${PRE}`, run: (b) => b.outerUpdate(W, 0.999, terms, wOut) },
    {
      op: 'lifStep (adaptive θ)',
      shape: '500×1000',
      run: (b) => b.lifStep(current, lif, lifParams),
    },
    {
      op: 'adamStep (clip)',
      shape: '784×1000',
      run: (b) =>
        b.adamStep(param, grad, m, v, { lr: 0.002, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step: ++step, clip: 1 }),
    },
    {
      op: 'InfoNCE compute',
      shape: `${B}×${F}`,
      run: (backend) => new SpikeContrastiveLoss({ temperature: 0.5, backend }).compute(x, y),
    },
    {
      op: 'CSDP contrastiveStep (out)',
      shape: `${POST}×${PRE}`,
      run: (backend) =>
        new CSDPRule({ lr: 0.01, decay: 0.001, backend }).contrastiveStep(W, ...csdpArgs, { out: wOut }),
    },
  ];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Times every case on a fresh backend: the first call, then `repeats` more. */
export function measure(list: readonly Case[], backend: Backend, repeats: number): Row[] {
  return list.map(({ op, shape, run }) => {
    let start = now();
    run(backend);
    const firstMs = now() - start;
    run(backend); // one untimed warm-up call after the compile
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      start = now();
      run(backend);
      times.push(now() - start);
    }
    return { op, shape, backend: backend.name, firstMs, medianMs: median(times) };
  });
}

export const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

/** The rows as a Markdown table: one line per case, first call and median per backend. */
export function table(list: readonly Case[], rows: readonly Row[], names: readonly string[]): string[] {
  const lines = [
    `| op | shape | ${names.map((n) => `${n} first | ${n} median`).join(' | ')} |`,
    `| --- | --- | ${names.map(() => '---: | ---:').join(' | ')} |`,
  ];
  for (const { op, shape } of list) {
    const cells = names.map((n) => {
      const r = rows.find((row) => row.op === op && row.backend === n) as Row;
      return `${fmt(r.firstMs)} | ${fmt(r.medianMs)}`;
    });
    lines.push(`| ${op} | ${shape} | ${cells.join(' | ')} |`);
  }
  return lines;
}
