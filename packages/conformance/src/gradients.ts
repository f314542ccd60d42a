/**
 * The loss variants and their gradients: reference vectors (infonce_grad.json), agreement between
 * compute and computeWithGrad, chunked = unchunked, and invariants of the analytic gradient.
 * Called by runConformance inside its describe block.
 */
import { type Backend, CONTRASTIVE_VARIANTS, type Matrix, Random, SpikeContrastiveLoss } from '@contraspike/core';
import { describe, expect, it } from 'vitest';
import { infonceGradCases, tensorToMatrix } from './fixtures.js';
import { compareArrays, isClose, maxAbs, type Tolerance } from './tolerance.js';

export interface SuiteContext {
  readonly backend: Backend;
  readonly tol: Tolerance;
}

function randomRates(rng: Random, rows: number, cols: number): Matrix {
  // Spike rates: non-negative, with some silent entries, as a spiking layer produces.
  const data = Float32Array.from({ length: rows * cols }, () => (rng.next() < 0.3 ? 0 : rng.next()));
  return { rows, cols, data };
}

function expectArrayClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, scale: number) {
  const problem = compareArrays(actual, expected, tol, scale);
  expect(problem, problem).toBeUndefined();
}

export function describeGradients(context: () => SuiteContext, seed: number): void {
  const loss = (variant: (typeof CONTRASTIVE_VARIANTS)[number], temperature = 0.5, chunkSize?: number) =>
    new SpikeContrastiveLoss({ temperature, variant, backend: context().backend, ...(chunkSize ? { chunkSize } : {}) });

  describe('reference vectors: infonce_grad.json (all variants, gradients by finite differences)', () => {
    for (const c of infonceGradCases) {
      it(c.name, () => {
        const { tol } = context();
        const l = loss(c.variant, c.temperature);
        const a = tensorToMatrix(c.viewA);
        const b = tensorToMatrix(c.viewB);
        const r = l.computeWithGrad(a, b);
        expect(isClose(r.loss, c.loss, tol), `loss ${r.loss} vs ${c.loss}`).toBe(true);
        expect(isClose(l.compute(a, b), c.loss, tol), 'compute() agrees').toBe(true);
        // Central differences carry ~1e-7 of their own error; the scale is the largest gradient.
        const scale = Math.max(maxAbs(c.gradA.data), maxAbs(c.gradB.data));
        expect([r.gradA.rows, r.gradA.cols]).toEqual(c.gradA.shape);
        expect([r.gradB.rows, r.gradB.cols]).toEqual(c.gradB.shape);
        expectArrayClose(r.gradA.data, c.gradA.data, tol, scale);
        expectArrayClose(r.gradB.data, c.gradB.data, tol, scale);
      });
    }
  });

  describe('loss variants and gradients', () => {
    const rng = new Random(seed + 100);
    const cases = [
      [2, 3],
      [7, 5],
      [16, 24],
    ] as const;

    for (const variant of CONTRASTIVE_VARIANTS) {
      it(`${variant}: compute and computeWithGrad agree, chunked or not`, () => {
        const { tol } = context();
        for (const [rows, cols] of cases) {
          const a = randomRates(rng, rows, cols);
          const b = randomRates(rng, rows, cols);
          const whole = loss(variant, 0.2).computeWithGrad(a, b);
          expect(isClose(loss(variant, 0.2).compute(a, b), whole.loss, tol)).toBe(true);
          for (const chunkSize of [1, 3]) {
            const chunked = loss(variant, 0.2, chunkSize);
            expect(chunked.compute(a, b)).toBe(loss(variant, 0.2).compute(a, b));
            const r = chunked.computeWithGrad(a, b);
            expect(r.loss).toBe(whole.loss);
            const scale = Math.max(maxAbs(whole.gradA.data), maxAbs(whole.gradB.data));
            expectArrayClose(r.gradA.data, whole.gradA.data, tol, scale);
            expectArrayClose(r.gradB.data, whole.gradB.data, tol, scale);
          }
        }
      });

      it(`${variant}: gradients are orthogonal to their rows and scale as 1/c when a view is scaled by c`, () => {
        const { tol } = context();
        const a = randomRates(rng, 9, 11);
        const b = randomRates(rng, 9, 11);
        const r = loss(variant, 0.3).computeWithGrad(a, b);
        const scale = Math.max(maxAbs(r.gradA.data), maxAbs(r.gradB.data));
        for (const [x, g] of [
          [a, r.gradA],
          [b, r.gradB],
        ] as const) {
          for (let i = 0; i < x.rows; i++) {
            let dot = 0;
            let mag = 0;
            for (let j = 0; j < x.cols; j++) {
              dot += (x.data[i * x.cols + j] as number) * (g.data[i * x.cols + j] as number);
              mag += Math.abs(x.data[i * x.cols + j] as number) * scale;
            }
            expect(Math.abs(dot)).toBeLessThanOrEqual(tol.atol * mag + 1e-12);
          }
        }
        const c = 4;
        const scaled = { rows: a.rows, cols: a.cols, data: a.data.map((v) => v * c) };
        const r2 = loss(variant, 0.3).computeWithGrad(scaled, b);
        expect(isClose(r2.loss, r.loss, tol)).toBe(true);
        expectArrayClose(
          r2.gradA.data,
          r.gradA.data.map((v) => v / c),
          tol,
          scale,
        );
      });

      it(`${variant}: one gradient-descent step on the views lowers the loss`, () => {
        const a = randomRates(rng, 8, 12);
        const b = randomRates(rng, 8, 12);
        const l = loss(variant, 0.5);
        const r = l.computeWithGrad(a, b);
        const step = 0.05;
        const a2 = { rows: 8, cols: 12, data: a.data.map((v, k) => v - step * (r.gradA.data[k] as number)) };
        const b2 = { rows: 8, cols: 12, data: b.data.map((v, k) => v - step * (r.gradB.data[k] as number)) };
        expect(l.compute(a2, b2)).toBeLessThan(r.loss);
      });
    }

    it('the seed variant caps rows and gives capped rows zero gradient; infonce does not cap', () => {
      // Each row's positive is orthogonal to it and its negative identical: p_ii ≈ 0 at τ = 0.01.
      const a = [
        [1, 0],
        [0, 1],
      ];
      const b = [a[1] as number[], a[0] as number[]];
      const seedLoss = loss('seed', 0.01).computeWithGrad(a, b);
      expect(Array.from(seedLoss.gradA.data)).toEqual([0, 0, 0, 0]);
      expect(Array.from(seedLoss.gradB.data)).toEqual([0, 0, 0, 0]);
      const plain = loss('infonce', 0.01).computeWithGrad(a, b);
      expect(plain.loss).toBeGreaterThan(seedLoss.loss);
      expect(maxAbs(plain.gradA.data)).toBeGreaterThan(1);
    });

    it('a batch of one row has loss 0 and zero gradients of the right shape', () => {
      for (const variant of CONTRASTIVE_VARIANTS) {
        const r = loss(variant).computeWithGrad([[1, 2, 3]], [[3, 2, 1]]);
        expect(r.loss).toBe(0);
        expect([r.gradA.rows, r.gradA.cols, Array.from(r.gradA.data)]).toEqual([1, 3, [0, 0, 0]]);
        expect([r.gradB.rows, r.gradB.cols]).toEqual([1, 3]);
      }
    });

    it('computeWithGrad never writes to its inputs and returns fresh gradients each call', () => {
      const a = randomRates(rng, 5, 6);
      const b = randomRates(rng, 5, 6);
      const before = [a.data.slice(), b.data.slice()];
      const l = loss('ntxent');
      const first = l.computeWithGrad(a, b);
      const kept = first.gradA.data.slice();
      l.computeWithGrad(b, a);
      expect(first.gradA.data).toEqual(kept);
      expect([a.data, b.data]).toEqual(before);
    });
  });
}
