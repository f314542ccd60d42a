/**
 * pnpm --filter @contraspike/backend-js bench:step [-- batch hidden steps reps]
 *
 * One CSDPNetwork training step (784 inputs, default batch 256 positives + 256 negatives,
 * 1024 hidden, input activity ≈ 10 %) on js with the event-driven gemm paths and with plain
 * dense products (`{ eventDriven: false }`), run alternately in one process; then where the
 * event-driven step spends its time, kernel by kernel. Needs `pnpm build` first.
 */
import { CSDPNetwork, Random } from '@contraspike/core';
import { jsBackend } from '../dist/index.js';
import { timed } from './timed.mjs';

const [batch = 256, hidden = 1024, steps = 2, reps = 5] = process.argv.slice(2).map(Number);
const inputSize = 784;

const rng = new Random(1);
const x = { rows: batch, cols: inputSize, data: new Float32Array(batch * inputSize) };
for (let q = 0; q < x.data.length; q++) x.data[q] = 0.2 * rng.next(); // mean intensity 0.1

const variants = [
  { name: 'event-driven', ...timed(jsBackend.create(undefined)) },
  { name: 'dense product', ...timed(jsBackend.create({ eventDriven: false })) },
];
for (const v of variants) {
  v.net = new CSDPNetwork({ inputSize, hidden: [hidden], steps, seed: 0, backend: v.proxy });
  v.net.trainBatch(x); // warm-up: compiles the kernels, sizes every buffer
  v.totals.clear();
  v.times = [];
}
for (let r = 0; r < reps; r++) {
  for (const v of variants) {
    const started = performance.now();
    v.net.trainBatch(x);
    v.times.push((performance.now() - started) / steps);
  }
}
const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
console.log(
  `CSDP step, ${inputSize}→${hidden}, ${batch} + ${batch} rows, ${steps} steps × ${reps} runs (median ms/step)`,
);
for (const v of variants) console.log(`  ${v.name.padEnd(14)} ${median(v.times).toFixed(1).padStart(8)} ms`);
console.log(`  speed-up       ${(median(variants[1].times) / median(variants[0].times)).toFixed(1).padStart(8)} ×`);
const same = variants[0].net.weights().data.every((w, k) => Object.is(w, variants[1].net.weights().data[k]));
console.log(`  weights after ${reps + 1} batches bit-identical: ${same}`);
const total = reps * steps;
for (const v of variants) {
  console.log(`${v.name} step by kernel (ms/step):`);
  for (const [label, ms] of [...v.totals].sort((p, q) => q[1] - p[1])) {
    console.log(`  ${(ms / total).toFixed(2).padStart(8)}  ${label}`);
  }
}
