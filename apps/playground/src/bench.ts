/**
 * contraspike benchmark: median wall time of the seed's two operations on every backend that
 * initialises here, after warm-up, in one process.
 *   pnpm bench [-- --json] [-- --repeats N]
 */
import { parseArgs } from 'node:util';
import { jsBackend } from '@contraspike/backend-js';
import {
  type Backend,
  CSDPRule,
  listBackends,
  type Matrix,
  Random,
  registerBackend,
  SpikeContrastiveLoss,
  setBackend,
} from '@contraspike/core';

interface Row {
  op: string;
  shape: number[];
  backend: string;
  ms: number;
  repeats: number;
  note?: string;
}

function randomMatrix(rng: Random, rows: number, cols: number, scale = 1, abs = false): Matrix {
  const data = new Float32Array(rows * cols);
  for (let k = 0; k < data.length; k++) data[k] = abs ? Math.abs(rng.normal()) * scale : rng.normal() * scale;
  return { rows, cols, data };
}

function spikes(rng: Random, n: number, p: number): Float32Array {
  return Float32Array.from({ length: n }, () => (rng.next() < p ? 1 : 0));
}

/** Median of `repeats` timed calls after `warmup` untimed ones, in milliseconds. */
function time(fn: () => void, repeats: number, warmup = 3): number {
  for (let i = 0; i < warmup; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = process.hrtime.bigint();
    fn();
    t.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)] as number;
}

function cases(backend: Backend, repeats: number): Row[] {
  const rng = new Random(42);
  const rows: Row[] = [];
  for (const [b, f] of [
    [64, 128],
    [256, 1024],
    [1024, 1024],
  ] as const) {
    const a = randomMatrix(rng, b, f, 1, true);
    const v = { rows: b, cols: f, data: a.data.map((x) => x + 0.1 * rng.normal()) };
    const loss = new SpikeContrastiveLoss({ temperature: 0.5, backend });
    rows.push({
      op: 'infonce',
      shape: [b, f],
      backend: backend.name,
      ms: time(() => loss.compute(a, v), repeats),
      repeats,
    });
  }
  for (const [post, pre] of [
    [64, 128],
    [1024, 4096],
  ] as const) {
    const W = randomMatrix(rng, post, pre, 0.01);
    const args = [
      spikes(rng, pre, 0.5),
      spikes(rng, post, 0.5),
      Float32Array.from({ length: pre }, () => rng.next()),
      spikes(rng, post, 0.5),
    ] as const;
    const rule = new CSDPRule({ lr: 0.01, decay: 0.001, backend });
    rows.push({
      op: 'csdp_step',
      shape: [post, pre],
      backend: backend.name,
      ms: time(() => rule.contrastiveStep(W, ...args), repeats),
      repeats,
      note: 'new matrix',
    });
    const out = { rows: post, cols: pre, data: new Float32Array(post * pre) };
    rows.push({
      op: 'csdp_step',
      shape: [post, pre],
      backend: backend.name,
      ms: time(() => rule.contrastiveStep(W, ...args, { out }), repeats),
      repeats,
      note: 'out',
    });
    const copy = new Float32Array(post * pre);
    rows.push({
      op: 'copy_w',
      shape: [post, pre],
      backend: 'memory',
      ms: time(() => copy.set(W.data), repeats),
      repeats,
      note: 'one plain copy of W (bandwidth floor)',
    });
  }
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'boolean' }, repeats: { type: 'string', default: '15' } } });
  const repeats = Number(values.repeats);
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new Error(`--repeats: expected a positive integer, got ${values.repeats}`);
  registerBackend(jsBackend);
  const rows: Row[] = [];
  for (const { name } of listBackends()) rows.push(...cases(await setBackend(name), repeats));
  if (values.json) {
    for (const r of rows) console.log(JSON.stringify(r));
    return;
  }
  console.log(`node ${process.version}, ${process.platform}/${process.arch}; median of ${repeats} runs after warm-up`);
  console.log(`${'op'.padEnd(10)} ${'shape'.padEnd(11)} ${'backend'.padEnd(8)} ${'ms'.padStart(9)}  note`);
  for (const r of rows) {
    console.log(
      `${r.op.padEnd(10)} ${r.shape.join('×').padEnd(11)} ${r.backend.padEnd(8)} ${r.ms.toFixed(3).padStart(9)}  ${r.note ?? ''}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(`contraspike-bench: ${(error as Error).message}`);
  process.exitCode = 1;
});
