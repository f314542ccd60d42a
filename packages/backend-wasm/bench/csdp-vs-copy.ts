/**
 * CSDPRule.contrastiveStep on W 1024×4096 against one plain copy of W (Float32Array.set, the
 * memory-bandwidth floor of a pass over W), timed alternately in one process so that both see the
 * same machine load: wasm on 1 and 2 threads and js, in place (`out: W`) and into a separate `out`.
 * The "+ separate scan" rows add one finiteness scan of W (core's `allFinite`) before the step:
 * the boundary validation the updates ran before it was fused into the kernel's pass.
 *   pnpm --filter @contraspike/backend-wasm bench:csdp [-- --runs N]
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { jsBackend } from '@contraspike/backend-js';
import { allFinite, type Backend, CSDPRule, type Matrix, Random } from '@contraspike/core';
import { wasmBackend } from '../src/index.js';

// `pnpm bench:csdp -- --runs N` hands the `--` on: drop it.
const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: { runs: { type: 'string', default: '31' } },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs: expected a positive integer');

const rng = new Random(7);
const [post, pre] = [1024, 4096];
const w: Matrix = { rows: post, cols: pre, data: new Float32Array(post * pre) };
for (let k = 0; k < w.data.length; k++) w.data[k] = 0.01 * rng.normal();
const spikes = (n: number) => Float32Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0));
const [posPre, posPost, negPre, negPost] = [spikes(pre), spikes(post), spikes(pre), spikes(post)];
const copy = new Float32Array(w.data.length);
const out: Matrix = { rows: post, cols: pre, data: new Float32Array(w.data.length) };

const backends: Array<[string, Backend]> = [
  ['wasm threads=1', await wasmBackend.create({ threads: 1 })],
  ['wasm threads=2', await wasmBackend.create({ threads: 2 })],
  ['js', jsBackend.create()],
];
console.log(
  `node ${process.version}; ${cpus().length} CPUs, load ${loadavg()[0]?.toFixed(1)}; W ${post}×${pre} float32`,
);
console.log(`${'median of runs, alternating with the copy'.padEnd(52)}     ms   × copy`);
for (const [label, backend] of backends) {
  // The seed's constants (lr 0.01, decay 0.001): W stays finite over the runs.
  const rule = new CSDPRule({ backend });
  const step = (into: Matrix) => rule.contrastiveStep(w, posPre, posPost, negPre, negPost, { out: into });
  const variants: Array<[string, () => unknown]> = [
    ['copy of W', () => copy.set(w.data)],
    ['contrastiveStep in place', () => step(w)],
    ['contrastiveStep into out', () => step(out)],
    ['contrastiveStep in place + separate scan', () => allFinite(w.data) && step(w)],
    ['contrastiveStep into out + separate scan', () => allFinite(w.data) && step(out)],
  ];
  const times = variants.map((): number[] => []);
  for (let r = -3; r < runs; r++) {
    variants.forEach(([, run], v) => {
      const t0 = performance.now();
      run();
      if (r >= 0) times[v]?.push(performance.now() - t0);
    });
  }
  const medians = times.map((t) => t.sort((a, b) => a - b)[t.length >> 1] as number);
  const floor = medians[0] as number;
  variants.forEach(([name], v) => {
    const ms = medians[v] as number;
    console.log(`${label.padEnd(15)} ${name.padEnd(41)} ${ms.toFixed(2).padStart(6)}   ${(ms / floor).toFixed(2)}`);
  });
}
for (const [, backend] of backends) backend.dispose();
