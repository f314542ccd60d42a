/**
 * The seed library's two tutorial examples (Tutorial 80), run through contraspike.
 * Their inputs are built exactly as the examples build them, drawn by numpy with seed 42 (the
 * InfoNCE example seeds RandomState(42) itself; the CSDP example is unseeded in the seed) and
 * stored as float32 in the reference vectors, so every printed number can be checked against
 * the seed's own float64 result.
 */

import { csdpCases, infonceCases, tensorToMatrix } from '@contraspike/conformance/fixtures';
import { type Backend, CSDPRule, type Matrix, SpikeContrastiveLoss } from '@contraspike/core';

export interface DemoResult {
  readonly backend: string;
  readonly loss: { readonly value: number; readonly seed: number; readonly batch: number; readonly features: number };
  readonly csdp: {
    readonly shape: readonly [number, number];
    readonly posGoodness: number;
    readonly negGoodness: number;
    readonly seedPosGoodness: number;
    readonly meanAbsChange: number;
    /** Largest |contraspike − seed| over the updated weights. */
    readonly maxDeviation: number;
  };
}

function find<T extends { name: string }>(cases: readonly T[], name: string): T {
  const found = cases.find((c) => c.name === name);
  if (!found) throw new Error(`reference case ${name} is missing`);
  return found;
}

function meanAbsDiff(a: Matrix, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.data.length; k++) s += Math.abs((a.data[k] as number) - (b[k] as number));
  return s / a.data.length;
}

function maxAbsDiff(a: Matrix, b: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < a.data.length; k++) m = Math.max(m, Math.abs((a.data[k] as number) - (b[k] as number)));
  return m;
}

export function runSeedExamples(backend: Backend): DemoResult {
  // Example 1: loss_fn = SpikeContrastiveLoss(temperature=0.5); view_a = |randn(16, 128)|;
  // view_b = view_a + 0.1 · randn(16, 128).
  const ex1 = find(infonceCases, 'seed-example-16x128');
  const viewA = tensorToMatrix(ex1.viewA);
  const lossFn = new SpikeContrastiveLoss({ temperature: ex1.temperature, backend });
  const loss = lossFn.compute(viewA, tensorToMatrix(ex1.viewB));

  // Example 2: csdp = CSDPRule(lr=0.01, decay=0.001); W = randn(64, 128) · 0.01; binary
  // positive spikes, uniform negative "corrupted" rates; one contrastive step.
  const ex2 = find(csdpCases, 'seed-example-64x128');
  const csdp = new CSDPRule({ lr: ex2.lr, decay: ex2.decay, backend });
  const W = tensorToMatrix(ex2.weights);
  const updated = csdp.contrastiveStep(W, ex2.posPre, ex2.posPost, ex2.negPre, ex2.negPost);

  return {
    backend: backend.name,
    loss: { value: loss, seed: ex1.loss, batch: viewA.rows, features: viewA.cols },
    csdp: {
      shape: [updated.rows, updated.cols],
      posGoodness: csdp.goodness(ex2.posPost),
      negGoodness: csdp.goodness(ex2.negPost),
      seedPosGoodness: ex2.goodnessPosPost,
      meanAbsChange: meanAbsDiff(updated, W.data),
      maxDeviation: maxAbsDiff(updated, ex2.contrastiveStep.data),
    },
  };
}
