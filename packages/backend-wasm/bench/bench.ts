/**
 * backend-wasm benchmark in Node: js against wasm on 1 and 2 threads, side by side in one process,
 * on the same seeded inputs; each row is the median of `--repeats` runs after warm-up.
 *   pnpm --filter @contraspike/backend-wasm bench [-- --json] [-- --repeats N]
 * Cases: gemm â·b̂ᵀ (the similarity matrix of InfoNCE), InfoNCE forward (seed variant) at 256×1024 and
 * 1024×1024, CSDPRule.contrastiveStep on W 1024×4096 in place, next to one plain copy of W (the
 * memory-bandwidth floor), and the heap and memory growth over 1,000 repeated calls.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { jsBackend } from '@contraspike/backend-js';
import { type Backend, CSDPRule, type Matrix, Random, SpikeContrastiveLoss } from '@contraspike/core';
import { type WasmBackend, wasmBackend } from '../src/index.js';

interface Row {
  op: string;
  shape: number[];
  backend: string;
  /** Median. */
  ms: number;
  /** Fastest run (less sensitive to other processes on a shared machine). */
  minMs: number;
  /** CPU time of the process (all threads) per run, mean: the work done, whatever the OS scheduled. */
  cpuMs: number;
}

function random(rng: Random, rows: number, cols: number): Matrix {
  const data = new Float32Array(rows * cols);
  for (let k = 0; k < data.length; k++) data[k] = rng.next();
  return { rows, cols, data };
}

function time(repeats: number, run: () => void): { ms: number; minMs: number; cpuMs: number } {
  for (let w = 0; w < 3; w++) run();
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  times.sort((x, y) => x - y);
  return {
    ms: times[Math.floor(times.length / 2)] as number,
    minMs: times[0] as number,
    cpuMs: (cpu.user + cpu.system) / 1000 / repeats,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { json: { type: 'boolean' }, repeats: { type: 'string', default: '15' } },
  });
  const repeats = Number(values.repeats);
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`--repeats: expected a positive integer`);
  const rng = new Random(7);
  const backends: Array<[string, Backend]> = [
    ['js', jsBackend.create()],
    ['wasm threads=1', await wasmBackend.create({ threads: 1 })],
    ['wasm threads=2', await wasmBackend.create({ threads: 2 })],
  ];
  const rows: Row[] = [];
  for (const [n, d] of [
    [256, 1024],
    [1024, 1024],
  ] as const) {
    const a = random(rng, n, d);
    const b = random(rng, n, d);
    const s: Matrix = { rows: n, cols: n, data: new Float32Array(n * n) };
    for (const [label, backend] of backends) {
      const slow = label === 'js' && n > 256;
      const reps = slow ? 3 : repeats;
      rows.push({
        op: 'gemm a·bᵀ',
        shape: [n, d, n],
        backend: label,
        ...time(reps, () => backend.gemm(a, b, s, { transB: true, alpha: 2 })),
      });
      const loss = new SpikeContrastiveLoss({ temperature: 0.5, backend });
      rows.push({ op: 'infonce', shape: [n, d], backend: label, ...time(reps, () => loss.compute(a, b)) });
    }
  }
  const [post, pre] = [1024, 4096];
  const w = random(rng, post, pre);
  const spikes = (len: number) => Float32Array.from({ length: len }, () => (rng.next() < 0.2 ? 1 : 0));
  const args = [spikes(pre), spikes(post), spikes(pre), spikes(post)] as const;
  const copy = new Float32Array(w.data.length);
  const terms = [
    { coef: 0.001, u: args[1], v: args[0] },
    { coef: -0.001, u: args[3], v: args[2] },
  ];
  const out = { rows: post, cols: pre, data: new Float32Array(w.data.length) };
  rows.push({
    op: 'copy W (Float32Array.set)',
    shape: [post, pre],
    backend: '-',
    ...time(repeats, () => copy.set(w.data)),
  });
  for (const [label, backend] of backends) {
    const rule = new CSDPRule({ lr: 0.001, decay: 0.0001, backend });
    const step = () => rule.contrastiveStep(w, ...args, { out: w });
    rows.push({ op: 'csdp_step (out = W)', shape: [post, pre], backend: label, ...time(repeats, step) });
    const inPlace = () => backend.outerUpdate(w, 0.9999, terms, w);
    rows.push({ op: 'outerUpdate kernel, in place', shape: [post, pre], backend: label, ...time(repeats, inPlace) });
    const toOut = () => backend.outerUpdate(w, 0.9999, terms, out);
    rows.push({ op: 'outerUpdate kernel, to out', shape: [post, pre], backend: label, ...time(repeats, toOut) });
  }
  // The input current of a spiking layer: binary input spikes (10 % ones) times the weights, and the
  // same product through the dense path (the spikes given transposed, with transA).
  const input = {
    rows: 256,
    cols: 784,
    data: Float32Array.from({ length: 256 * 784 }, () => (rng.next() < 0.1 ? 1 : 0)),
  };
  const inputT = { rows: 784, cols: 256, data: new Float32Array(256 * 784) };
  for (let i = 0; i < 256; i++) {
    for (let j = 0; j < 784; j++) inputT.data[j * 256 + i] = input.data[i * 784 + j] as number;
  }
  const weights = random(rng, 784, 1024);
  const current = { rows: 256, cols: 1024, data: new Float32Array(256 * 1024) };
  for (const [label, backend] of backends) {
    const events = () => backend.gemm(input, weights, current);
    rows.push({
      op: 'gemm spikes(10%)·W, event-driven',
      shape: [256, 784, 1024],
      backend: label,
      ...time(repeats, events),
    });
    const dense = () => backend.gemm(inputT, weights, current, { transA: true });
    const reps = label === 'js' ? 3 : repeats;
    rows.push({ op: 'gemm spikes(10%)·W, dense', shape: [256, 784, 1024], backend: label, ...time(reps, dense) });
  }
  if (values.json) {
    for (const r of rows) console.log(JSON.stringify(r));
  } else {
    console.log(
      `node ${process.version}, ${process.platform}/${process.arch}; ${cpus().length} CPUs, load ${loadavg()[0]?.toFixed(1)}`,
    );
    console.log(`${'ms per run:'.padEnd(65)}   median   fastest  cpu(all threads)`);
    for (const r of rows) {
      const shape = r.shape.join('×');
      const ms = [r.ms, r.minMs, r.cpuMs].map((t) => t.toFixed(2).padStart(9)).join(' ');
      console.log(`${r.op.padEnd(34)} ${shape.padEnd(14)} ${r.backend.padEnd(15)} ${ms}`);
    }
  }
  // Steady state: 1,000 more InfoNCE calls of one shape neither grow the heap nor the wasm memory.
  const wasm = backends[2]?.[1] as WasmBackend;
  const a = random(rng, 64, 128);
  const b = random(rng, 64, 128);
  const loss = new SpikeContrastiveLoss({ backend: wasm });
  loss.compute(a, b);
  const mem0 = wasm.memoryBytes;
  const heap0 = process.memoryUsage().heapUsed;
  for (let i = 0; i < 1000; i++) loss.compute(a, b);
  const heap1 = process.memoryUsage().heapUsed;
  const line = {
    op: 'steady state (1,000 InfoNCE 64×128)',
    heapGrowthBytes: heap1 - heap0,
    wasmMemoryGrowthBytes: wasm.memoryBytes - mem0,
  };
  console.log(
    values.json
      ? JSON.stringify(line)
      : `${line.op}: heap ${line.heapGrowthBytes} bytes, wasm memory ${line.wasmMemoryGrowthBytes} bytes`,
  );
  for (const [, backend] of backends) backend.dispose();
}

main().catch((error: unknown) => {
  console.error(`backend-wasm bench: ${(error as Error).message}`);
  process.exitCode = 1;
});
