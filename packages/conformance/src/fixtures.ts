/**
 * The reference vectors shipped with the suite: computed from the seed library's algorithms in
 * float64 from float32 inputs (copied unchanged from the project's shared reference folder).
 */
import type { Matrix } from '@contraspike/core';
import csdpJson from './fixtures/csdp.json' with { type: 'json' };
import infonceJson from './fixtures/infonce.json' with { type: 'json' };
import infonceGradJson from './fixtures/infonce_grad.json' with { type: 'json' };

/** A row-major tensor as stored in the fixture files. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

export interface InfonceCase {
  readonly name: string;
  readonly temperature: number;
  readonly viewA: Tensor;
  readonly viewB: Tensor;
  readonly loss: number;
  readonly note?: string;
}

export interface CsdpCase {
  readonly name: string;
  readonly lr: number;
  readonly decay: number;
  readonly weights: Tensor;
  readonly posPre: readonly number[];
  readonly posPost: readonly number[];
  readonly negPre: readonly number[];
  readonly negPost: readonly number[];
  readonly positiveUpdate: Tensor;
  readonly negativeUpdate: Tensor;
  readonly contrastiveStep: Tensor;
  readonly goodnessPosPost: number;
  readonly goodnessNegPre: number;
  readonly note?: string;
}

export interface InfonceGradCase {
  readonly name: string;
  readonly variant: 'seed' | 'infonce' | 'symmetric' | 'ntxent';
  readonly temperature: number;
  readonly viewA: Tensor;
  readonly viewB: Tensor;
  readonly loss: number;
  /** ∂loss/∂viewA and ∂loss/∂viewB (central differences in float64). */
  readonly gradA: Tensor;
  readonly gradB: Tensor;
}

export const infonceGradCases: readonly InfonceGradCase[] = (infonceGradJson as { cases: InfonceGradCase[] }).cases;
export const infonceCases: readonly InfonceCase[] = (infonceJson as { cases: InfonceCase[] }).cases;
export const csdpCases: readonly CsdpCase[] = (csdpJson as unknown as { cases: CsdpCase[] }).cases;

/** A fixture tensor as a fresh Float32 Matrix. */
export function tensorToMatrix(t: Tensor): Matrix {
  const [rows = 0, cols = 0] = t.shape;
  return { rows, cols, data: Float32Array.from(t.data) };
}
