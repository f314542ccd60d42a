/**
 * The benchmark's inputs: generated once per shape with core's seeded Random, shared by every
 * backend and peer (numpy reads them from a binary file, see numpy.ts).
 */
import { type Matrix, Random, zeros } from '@contraspike/core';
import type { Op } from './args.js';

/** InfoNCE forward, the seed variant, at the seed's default temperature. */
export interface InfonceCase {
  readonly op: 'infonce';
  readonly shape: readonly [batch: number, features: number];
  readonly temperature: number;
  /** Spike-rate-like views: `|N(0,1)|`, and the same plus `0.1·N(0,1)` (the seed's tutorial). */
  readonly viewA: Matrix;
  readonly viewB: Matrix;
}

/**
 * The seed's `CSDPRule.contrastiveStep` on W `(n_post, n_pre)` into a separate `out`
 * (`csdp_step`) or in place (`csdp_step_inplace`, `{ out: W }`), and one plain copy of W.
 */
export interface CsdpCase {
  readonly op: 'csdp_step' | 'csdp_step_inplace' | 'copy';
  readonly shape: readonly [post: number, pre: number];
  readonly lr: number;
  readonly decay: number;
  readonly W: Matrix;
  readonly posPre: Float32Array;
  readonly posPost: Float32Array;
  readonly negPre: Float32Array;
  readonly negPost: Float32Array;
}

/** One CSDPNetwork training step: `batch` positives (plus as many negatives), one time step. */
export interface NetworkCase {
  readonly op: 'csdp_network_step';
  readonly shape: readonly [batch: number, inputs: number, hidden: number];
  /** Fraction of input pixels that are on (intensity 1); the rest are 0. */
  readonly activity: number;
  readonly x: Matrix;
  readonly seed: number;
}

/** One LIF time step of a `batch × neurons` layer, in place on its state. */
export interface LifCase {
  readonly op: 'lif_step';
  readonly shape: readonly [batch: number, neurons: number];
  readonly current: Matrix;
}

export type BenchCase = InfonceCase | CsdpCase | NetworkCase | LifCase;

export interface Sizes {
  readonly infonce: readonly (readonly [number, number])[];
  readonly csdp: readonly (readonly [number, number])[];
  readonly network: readonly (readonly [number, number, number])[];
  readonly lif: readonly (readonly [number, number])[];
}

/** The sizes of issue 6. */
export const FULL_SIZES: Sizes = {
  infonce: [
    [64, 128],
    [256, 1024],
    [1024, 1024],
  ],
  csdp: [
    [64, 128],
    [1024, 4096],
  ],
  network: [[256, 784, 1024]],
  lif: [[256, 1024]],
};

/** `--quick`: small enough for tests on a loaded 2-core machine. */
export const QUICK_SIZES: Sizes = {
  infonce: [
    [8, 16],
    [32, 64],
  ],
  csdp: [
    [16, 32],
    [64, 128],
  ],
  network: [[16, 784, 64]],
  lif: [[16, 64]],
};

/** The seed's defaults: SpikeContrastiveLoss(temperature=0.5), CSDPRule(lr=0.01, decay=0.001). */
export const SEED_TEMPERATURE = 0.5;
export const SEED_LR = 0.01;
export const SEED_DECAY = 0.001;
export const NETWORK_ACTIVITY = 0.1;

function fill(rows: number, cols: number, value: () => number): Matrix {
  const m = zeros(rows, cols);
  for (let k = 0; k < m.data.length; k++) m.data[k] = value();
  return m;
}

function vector(n: number, value: () => number): Float32Array {
  const v = new Float32Array(n);
  for (let k = 0; k < n; k++) v[k] = value();
  return v;
}

export function infonceCase(rng: Random, batch: number, features: number): InfonceCase {
  const viewA = fill(batch, features, () => Math.abs(rng.normal()));
  let k = 0;
  const viewB = fill(batch, features, () => (viewA.data[k++] as number) + 0.1 * rng.normal());
  return { op: 'infonce', shape: [batch, features], temperature: SEED_TEMPERATURE, viewA, viewB };
}

export function csdpCase(rng: Random, post: number, pre: number, op: CsdpCase['op'] = 'csdp_step'): CsdpCase {
  const bit = () => (rng.next() < 0.5 ? 1 : 0);
  return {
    op,
    shape: [post, pre],
    lr: SEED_LR,
    decay: SEED_DECAY,
    W: fill(post, pre, () => 0.01 * rng.normal()),
    posPre: vector(pre, bit),
    posPost: vector(post, bit),
    negPre: vector(pre, () => rng.next()),
    negPost: vector(post, bit),
  };
}

export function networkCase(rng: Random, batch: number, inputs: number, hidden: number): NetworkCase {
  const x = fill(batch, inputs, () => (rng.next() < NETWORK_ACTIVITY ? 1 : 0));
  return { op: 'csdp_network_step', shape: [batch, inputs, hidden], activity: NETWORK_ACTIVITY, x, seed: 7 };
}

export function lifCase(rng: Random, batch: number, neurons: number): LifCase {
  // Currents around the firing range of the default neurons (θ ≈ 0.055, leak 0.3).
  return { op: 'lif_step', shape: [batch, neurons], current: fill(batch, neurons, () => 0.2 * Math.abs(rng.normal())) };
}

/** Every case of the selected ops, generated in a fixed order from one seed. */
export function makeCases(ops: readonly Op[], sizes: Sizes, seed: number): BenchCase[] {
  const rng = new Random(seed);
  const cases: BenchCase[] = [];
  const want = (op: Op) => ops.includes(op);
  // Each size is generated whether or not its op is selected, so a case's inputs do not depend on --only.
  for (const [b, f] of sizes.infonce) {
    const c = infonceCase(rng, b, f);
    if (want('infonce')) cases.push(c);
  }
  for (const [post, pre] of sizes.csdp) {
    const c = csdpCase(rng, post, pre);
    if (want('csdp_step')) cases.push(c);
    if (want('csdp_step_inplace')) cases.push({ ...c, op: 'csdp_step_inplace' });
    if (want('copy')) cases.push({ ...c, op: 'copy' });
  }
  for (const [b, i, h] of sizes.network) {
    const c = networkCase(rng, b, i, h);
    if (want('csdp_network_step')) cases.push(c);
  }
  for (const [b, n] of sizes.lif) {
    const c = lifCase(rng, b, n);
    if (want('lif_step')) cases.push(c);
  }
  return cases;
}
