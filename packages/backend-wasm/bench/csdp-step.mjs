/**
 * pnpm --filter @contraspike/backend-wasm bench:step [-- batch hidden steps runs threads]
 *
 * Where one CSDPNetwork training step on wasm spends its time, kernel by kernel (gemm by shape and
 * options): 784 inputs, default batch 500 positives + 500 negatives, 1500 hidden (the shapes of
 * `pnpm bench:learn`), input activity ≈ 13 % (MNIST's mean intensity). Needs `pnpm build` first.
 */
import { CSDPNetwork, Random } from '@contraspike/core';
// The per-kernel timer of backend-js's step benchmark (one truth for both).
import { timed } from '../../backend-js/bench/timed.mjs';
import { wasmBackend } from '../dist/index.js';

const [batch = 500, hidden = 1500, steps = 4, reps = 3, threads = 2] = process.argv.slice(2).map(Number);
const inputSize = 784;

const rng = new Random(1);
const x = { rows: batch, cols: inputSize, data: new Float32Array(batch * inputSize) };
for (let q = 0; q < x.data.length; q++) x.data[q] = 0.26 * rng.next();

const backend = await wasmBackend.create({ threads });
const { proxy, totals } = timed(backend);
const net = new CSDPNetwork({ inputSize, hidden: [hidden], steps, seed: 0, backend: proxy });
net.trainBatch(x); // warm-up: sizes every buffer and the kernels' memory
totals.clear();
const times = [];
for (let r = 0; r < reps; r++) {
  const started = performance.now();
  net.trainBatch(x);
  times.push((performance.now() - started) / steps);
}
times.sort((p, q) => p - q);
console.log(
  `CSDP step on wasm (${backend.threads} thread(s)), ${inputSize}→${hidden}, ${batch} + ${batch} rows, ` +
    `${steps} steps × ${reps} runs: median ${times[Math.floor(reps / 2)].toFixed(1)} ms/step`,
);
const total = reps * steps;
for (const [label, ms] of [...totals].sort((p, q) => q[1] - p[1])) {
  console.log(`  ${(ms / total).toFixed(2).padStart(8)}  ${label}`);
}
backend.dispose();
