/**
 * Spike encoders and spike-train augmentations. A spike train is an array of `T` matrices, one per
 * time step, each `batch × neurons` with entries 0 or 1. Randomness always comes from a seeded
 * {@link Random}: the same seed gives the same spikes on every backend and platform.
 */
import type { Matrix } from './backend.js';
import { describeValue, InputTypeError, InvalidValueError, ShapeError } from './errors.js';
import { Random } from './random.js';
import {
  checkOptions,
  integerInRange,
  type MatrixInput,
  numberInRange,
  oneOf,
  toMatrix,
  unitInterval,
} from './validate.js';

/** `T` matrices of 0/1 spikes, each `batch × neurons`. */
export type SpikeTrain = Matrix[];

export interface RateEncodeOptions {
  /** Number of time steps T. Default 20. */
  steps?: number;
  /**
   * `'bernoulli'`: a spike with probability `gain · x` per step (clipped to 1);
   * `'poisson'`: with probability `1 − exp(−gain · x)` (a Poisson process sampled per step).
   * Default `'bernoulli'`.
   */
  kind?: 'bernoulli' | 'poisson';
  /** Scales intensities before sampling. Default 1. */
  gain?: number;
  /** Seed (or a Random to draw from). Default 0. */
  seed?: number | Random;
}

/** A Random from a seed, or the given Random itself (so a caller can chain draws). */
export function toRandom(seed: number | Random | undefined, argument = 'seed'): Random {
  if (seed instanceof Random) return seed;
  return new Random(integerInRange(seed ?? 0, argument, 0, 0xffffffff));
}

/**
 * Samples one step of rate-coded spikes into `out`: `out[k] = 1` with probability
 * `min(gain · x[k], 1)`. Used by {@link encodeRates} and by the spiking networks, which draw one
 * step at a time instead of storing the whole train.
 */
export function sampleBernoulli(x: Float32Array, gain: number, rng: Random, out: Float32Array): void {
  for (let k = 0; k < x.length; k++) {
    const p = (x[k] as number) * gain;
    out[k] = p > 0 && rng.next() < p ? 1 : 0;
  }
}

/** Rate coding: intensities in [0, 1] (`batch × features`) → a spike train of T steps. */
export function encodeRates(intensities: MatrixInput, options: RateEncodeOptions = {}): SpikeTrain {
  const o = checkOptions(options, ['steps', 'kind', 'gain', 'seed']);
  const x = toMatrix(intensities, 'intensities');
  unitInterval(x, 'intensities');
  const steps = integerInRange(o.steps ?? 20, 'steps', 1);
  const kind = oneOf(o.kind ?? 'bernoulli', ['bernoulli', 'poisson'] as const, 'kind');
  const gain = numberInRange(o.gain ?? 1, 'gain', 0, 1e6);
  const rng = toRandom(o.seed);
  const probabilities = kind === 'poisson' ? x.data.map((v) => 1 - Math.exp(-gain * v)) : x.data;
  const g = kind === 'poisson' ? 1 : gain;
  return Array.from({ length: steps }, () => {
    const out = new Float32Array(x.data.length);
    sampleBernoulli(probabilities, g, rng, out);
    return { rows: x.rows, cols: x.cols, data: out };
  });
}

/**
 * Latency (time-to-first-spike) coding: each input with intensity above `cutoff` fires exactly once,
 * at step `round((1 − x) · (T − 1))` — brighter fires earlier. Deterministic.
 */
export function encodeLatency(intensities: MatrixInput, options: { steps?: number; cutoff?: number } = {}): SpikeTrain {
  const o = checkOptions(options, ['steps', 'cutoff']);
  const x = toMatrix(intensities, 'intensities');
  unitInterval(x, 'intensities');
  const steps = integerInRange(o.steps ?? 20, 'steps', 1);
  const cutoff = numberInRange(o.cutoff ?? 0.1, 'cutoff', 0, 1);
  const train = emptyTrain(steps, x.rows, x.cols);
  x.data.forEach((v, k) => {
    if (v > cutoff) (train[Math.round((1 - v) * (steps - 1))] as Matrix).data[k] = 1;
  });
  return train;
}

/** Augmentation: each spike is deleted with probability `p`. */
export function dropSpikes(train: SpikeTrain, p: number, seed?: number | Random): SpikeTrain {
  const t = checkTrain(train, 'train');
  const prob = numberInRange(p, 'p', 0, 1);
  const rng = toRandom(seed);
  return t.map((m) => ({ ...m, data: m.data.map((s) => (s !== 0 && rng.next() >= prob ? 1 : 0)) }));
}

/** Augmentation: adds background spikes, each silent (step, neuron) firing with probability `rate`. */
export function addNoiseSpikes(train: SpikeTrain, rate: number, seed?: number | Random): SpikeTrain {
  const t = checkTrain(train, 'train');
  const prob = numberInRange(rate, 'rate', 0, 1);
  const rng = toRandom(seed);
  return t.map((m) => ({ ...m, data: m.data.map((s) => (s !== 0 || rng.next() < prob ? 1 : 0)) }));
}

/** Augmentation: moves each spike by a uniform random number of steps in [−maxShift, maxShift] (kept inside the train). */
export function jitterSpikes(train: SpikeTrain, maxShift: number, seed?: number | Random): SpikeTrain {
  const t = checkTrain(train, 'train');
  const shift = integerInRange(maxShift, 'maxShift', 0);
  const rng = toRandom(seed);
  const first = t[0] as Matrix;
  const out = emptyTrain(t.length, first.rows, first.cols);
  t.forEach((m, step) => {
    m.data.forEach((s, k) => {
      if (s === 0) return;
      const to = Math.min(Math.max(step + rng.int(2 * shift + 1) - shift, 0), t.length - 1);
      (out[to] as Matrix).data[k] = 1;
    });
  });
  return out;
}

/** Augmentation: each (step, neuron) takes its spike from `a` with probability `alpha`, else from `b`. */
export function mixSpikes(a: SpikeTrain, b: SpikeTrain, alpha: number, seed?: number | Random): SpikeTrain {
  const ta = checkTrain(a, 'a');
  const tb = checkTrain(b, 'b');
  const first = ta[0] as Matrix;
  const other = tb[0] as Matrix;
  if (tb.length !== ta.length || other.rows !== first.rows || other.cols !== first.cols) {
    throw new ShapeError({
      argument: 'b',
      expected: `a train like a: ${ta.length} steps of [${first.rows}, ${first.cols}]`,
      actual: `${tb.length} steps of [${other.rows}, ${other.cols}]`,
    });
  }
  const w = numberInRange(alpha, 'alpha', 0, 1);
  const rng = toRandom(seed);
  return ta.map((m, step) => {
    const bd = (tb[step] as Matrix).data;
    return { ...m, data: m.data.map((s, k) => (rng.next() < w ? s : (bd[k] as number))) };
  });
}

/** Spike rates (spikes per step) of a train: `batch × neurons`. */
export function spikeRates(train: SpikeTrain): Matrix {
  const t = checkTrain(train, 'train');
  const first = t[0] as Matrix;
  const data = new Float32Array(first.data.length);
  for (const m of t) for (let k = 0; k < data.length; k++) data[k] = (data[k] as number) + (m.data[k] as number);
  for (let k = 0; k < data.length; k++) data[k] = (data[k] as number) / t.length;
  return { rows: first.rows, cols: first.cols, data };
}

function emptyTrain(steps: number, rows: number, cols: number): SpikeTrain {
  return Array.from({ length: steps }, () => ({ rows, cols, data: new Float32Array(rows * cols) }));
}

/** A non-empty array of same-shaped 0/1 matrices. */
function checkTrain(train: unknown, argument: string): SpikeTrain {
  if (!Array.isArray(train) || train.length === 0) {
    throw new InputTypeError({
      argument,
      expected: 'a spike train: a non-empty array of Matrix',
      actual: describeValue(train),
    });
  }
  const first = toMatrix(train[0], `${argument}[0]`);
  return train.map((m, step) => {
    const x = step === 0 ? first : toMatrix(m, `${argument}[${step}]`);
    if (x.rows !== first.rows || x.cols !== first.cols) {
      throw new ShapeError({
        argument: `${argument}[${step}]`,
        expected: `shape [${first.rows}, ${first.cols}] like step 0`,
        actual: `shape [${x.rows}, ${x.cols}]`,
      });
    }
    const k = x.data.findIndex((v) => v !== 0 && v !== 1);
    if (k >= 0) {
      throw new InvalidValueError({
        argument: `${argument}[${step}]`,
        expected: 'spikes of 0 or 1',
        actual: String(x.data[k]),
      });
    }
    return x;
  });
}
