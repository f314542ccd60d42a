/**
 * MNIST in Node: reads the `mnist` package's digits (one JSON file per class) and splits them with
 * the seeded split of `mnist-split.ts`, which the web page shares.
 */
import { createRequire } from 'node:module';
import { CLASSES, type MnistSplit, type SplitOptions, splitDigits } from './mnist-split.js';

export * from './mnist-split.js';

/** The raw digits of each class, as stored by the `mnist` package. */
export function loadDigits(): Float32Array[] {
  const require = createRequire(import.meta.url);
  return Array.from({ length: CLASSES }, (_, c) =>
    Float32Array.from((require(`mnist/src/digits/${c}.json`) as { data: number[] }).data),
  );
}

/** The seeded split of the `mnist` package's digits (read in Node unless `digits` are given). */
export function mnistSplit(options: SplitOptions = {}, digits: Float32Array[] = loadDigits()): MnistSplit {
  return splitDigits(digits, options);
}
