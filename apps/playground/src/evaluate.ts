/**
 * Measuring features with a linear probe, shared by the CLI pipeline (`learn.ts`) and the web page's
 * worker (no Node-only code).
 */
import { type Backend, LinearProbe, type Matrix } from '@contraspike/core';
import { CLASSES } from './mnist-split.js';

/** Fits a seeded linear probe on `train` and reports its accuracy and confusion matrix on `test`. */
export function probeAccuracy(
  train: Matrix,
  trainY: Int32Array,
  test: Matrix,
  testY: Int32Array,
  seed: number,
  backend: Backend,
) {
  const probe = new LinearProbe({ classes: CLASSES, seed, backend });
  probe.fit(train, trainY);
  return { accuracy: probe.accuracy(test, testY), confusion: probe.confusion(test, testY) };
}
