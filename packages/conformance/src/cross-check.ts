/**
 * crossCheck(provider, { reference }): a backend against a reference backend (normally reference) on seeded
 * random inputs of several shapes — square and not, one row, odd sizes, and optionally large gemms
 * (e.g. big enough to be split across threads) — for every kernel, in place where the interface
 * allows it, and for both algorithms, within the tolerance of the candidate's declared precision.
 */
import {
  type Backend,
  type BackendProvider,
  CSDPRule,
  type Matrix,
  Random,
  SpikeContrastiveLoss,
  zeros,
} from '@contraspike/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gemmOracle, outerUpdateOracle, rowNormalizeBackwardOracle } from './oracle.js';
import { randomMatrix } from './suite.js';
import { compareArrays, maxAbs, type Tolerance, toleranceFor } from './tolerance.js';

/** Options of {@link crossCheck}. */
export interface CrossCheckOptions<Options> {
  /** The backend whose results are taken as right (created with no options), e.g. reference. */
  readonly reference: BackendProvider<never>;
  /** Passed to the candidate's `create`. */
  readonly createOptions?: Options;
  /** Names the describe block (default: provider name and options). */
  readonly label?: string;
  /** Extra gemm shapes `[m, k, n]`, run with every transpose, with and without alpha/beta. */
  readonly gemmShapes?: ReadonlyArray<readonly [number, number, number]>;
  /** Seed of the random inputs. */
  readonly seed?: number;
}

/** [rows, cols] of the matrices the kernels see. */
const SHAPES: ReadonlyArray<readonly [number, number]> = [
  [1, 1],
  [1, 9],
  [2, 3],
  [7, 1],
  [5, 17],
  [33, 8],
  [64, 129],
];

const copy = (m: Matrix): Matrix => ({ rows: m.rows, cols: m.cols, data: m.data.slice() });

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, scale: number, what: string) {
  expect(compareArrays(actual, expected, tol, scale), what).toBeUndefined();
}

export function crossCheck<Options>(provider: BackendProvider<Options>, options: CrossCheckOptions<Options>): void {
  const label =
    options.label ??
    (options.createOptions === undefined ? provider.name : `${provider.name} ${JSON.stringify(options.createOptions)}`);
  describe(`${label} agrees with ${options.reference.name}`, () => {
    let candidate: Backend;
    let reference: Backend;
    let tol: Tolerance;
    const rng = new Random(options.seed ?? 2024 + label.length);

    beforeAll(async () => {
      candidate = await provider.create(options.createOptions, { auto: false });
      reference = await options.reference.create(undefined as never, { auto: false });
      tol = toleranceFor(candidate.capabilities);
    });
    afterAll(() => {
      candidate?.dispose();
      reference?.dispose();
    });

    /** Runs `kernel` on both backends with fresh copies of the same outputs and returns both. */
    function both<T>(make: () => T, kernel: (b: Backend, out: T) => void): [T, T] {
      const outCandidate = make();
      const outReference = make();
      kernel(candidate, outCandidate);
      kernel(reference, outReference);
      return [outCandidate, outReference];
    }

    /** gemm of (m × k) · (k × n) with every transpose, with and without alpha and beta. */
    function checkGemm(m: number, k: number, n: number): void {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const a = transA ? randomMatrix(rng, k, m) : randomMatrix(rng, m, k);
          const b = transB ? randomMatrix(rng, n, k) : randomMatrix(rng, k, n);
          const c = randomMatrix(rng, m, n);
          for (const o of [
            { transA, transB },
            { transA, transB, alpha: 1.5, beta: -0.25 },
          ]) {
            const [g, j] = both(
              () => copy(c),
              (be, out) => be.gemm(a, b, out, o),
            );
            close(g.data, j.data, tol, gemmOracle(a, b, c, o).scale, `gemm ${JSON.stringify(o)}`);
          }
        }
      }
    }

    for (const [m, k, n] of options.gemmShapes ?? []) {
      // Large shapes take seconds on a busy 2-core machine (the float64 oracle is a plain triple loop).
      it(
        `gemm ${m}×${k}·${k}×${n}, every transpose, with and without alpha and beta`,
        () => checkGemm(m, k, n),
        60_000,
      );
    }

    for (const [rows, cols] of SHAPES) {
      const shape = `${rows}×${cols}`;

      it(`gemm, every transpose, with and without beta: ${shape} · ${cols}×${rows + 2}`, () =>
        checkGemm(rows, cols, rows + 2));

      it(`rowSumSquares, scaleRows, rowCrossEntropy and rowSoftmax: ${shape}`, () => {
        const x = randomMatrix(rng, rows, cols, -3, 3);
        const [gs, js2] = both(
          () => new Float64Array(rows),
          (be, out) => be.rowSumSquares(x, out),
        );
        close(gs, js2, tol, maxAbs(js2), 'rowSumSquares');

        const scales = Float64Array.from({ length: rows }, () => rng.next() * 4 - 2);
        const [g, j] = both(
          () => zeros(rows, cols),
          (be, out) => be.scaleRows(x, scales, out),
        );
        close(g.data, j.data, tol, 0, 'scaleRows');

        const logits = randomMatrix(rng, rows, cols, -40, 40);
        const targets = Int32Array.from({ length: rows }, () => rng.int(cols));
        const [gc, jc] = both(
          () => new Float64Array(rows),
          (be, out) => be.rowCrossEntropy(logits, targets, out),
        );
        close(gc, jc, tol, 40, 'rowCrossEntropy');

        if (cols > 1) logits.data[rows * cols - 1] = -1e30; // a masked column
        const [gp, jp] = both(
          () => ({ p: zeros(rows, cols), lse: new Float64Array(rows) }),
          (be, out) => be.rowSoftmax(logits, out.p, out.lse),
        );
        close(gp.p.data, jp.p.data, tol, 1, 'rowSoftmax probabilities');
        close(gp.lse, jp.lse, tol, 40, 'rowSoftmax logSumExp');
      });

      it(`rowNormalizeBackward and outerUpdate: ${shape}`, () => {
        const x = randomMatrix(rng, rows, cols);
        const norms = new Float64Array(rows);
        reference.rowSumSquares(x, norms);
        const scales = norms.map((s) => 1 / Math.max(Math.sqrt(s), 1e-8));
        const xHat = zeros(rows, cols);
        reference.scaleRows(x, scales, xHat);
        const grad = randomMatrix(rng, rows, cols);
        const [g, j] = both(
          () => zeros(rows, cols),
          (be, out) => be.rowNormalizeBackward(xHat, grad, scales, out),
        );
        close(g.data, j.data, tol, rowNormalizeBackwardOracle(xHat, grad, scales).scale, 'rowNormalizeBackward');

        const w = randomMatrix(rng, rows, cols, -0.1, 0.1);
        const terms = [0.01, -0.02, 0.5].map((coef) => ({
          coef,
          u: randomMatrix(rng, 1, rows, 0, 1).data,
          v: randomMatrix(rng, 1, cols, 0, 1).data,
        }));
        for (let count = 0; count <= terms.length; count++) {
          const used = terms.slice(0, count);
          const [go, jo] = both(
            () => zeros(rows, cols),
            (be, out) => be.outerUpdate(w, 0.999, used, out),
          );
          close(go.data, jo.data, tol, outerUpdateOracle(w, 0.999, used).scale, `outerUpdate, ${count} terms`);
        }
      });

      it(`in place where the interface allows it: scaleRows, rowSoftmax, rowNormalizeBackward, outerUpdate: ${shape}`, () => {
        const x = randomMatrix(rng, rows, cols, -3, 3);
        const scales = Float64Array.from({ length: rows }, () => rng.next() + 0.5);
        const separate = zeros(rows, cols);
        candidate.scaleRows(x, scales, separate);
        const inPlace = copy(x);
        candidate.scaleRows(inPlace, scales, inPlace);
        expect(Array.from(inPlace.data), 'scaleRows in place').toEqual(Array.from(separate.data));

        const lse = new Float64Array(rows);
        candidate.rowSoftmax(x, separate, lse);
        const softmax = copy(x);
        candidate.rowSoftmax(softmax, softmax, lse);
        expect(Array.from(softmax.data), 'rowSoftmax in place').toEqual(Array.from(separate.data));

        const xHat = randomMatrix(rng, rows, cols);
        const grad = randomMatrix(rng, rows, cols);
        candidate.rowNormalizeBackward(xHat, grad, scales, separate);
        const g = copy(grad);
        candidate.rowNormalizeBackward(xHat, g, scales, g);
        expect(Array.from(g.data), 'rowNormalizeBackward in place').toEqual(Array.from(separate.data));

        const terms = [0.01, -0.02].map((coef) => ({
          coef,
          u: randomMatrix(rng, 1, rows, 0, 1).data,
          v: randomMatrix(rng, 1, cols, 0, 1).data,
        }));
        candidate.outerUpdate(x, 0.999, terms, separate);
        const w = copy(x);
        candidate.outerUpdate(w, 0.999, terms, w);
        expect(Array.from(w.data), 'outerUpdate in place').toEqual(Array.from(separate.data));
      });

      it(`lifStep and adamStep over several steps: ${shape}`, () => {
        for (const thresholdAdaptation of [0, 0.004]) {
          const params = { leak: 0.3, traceDecay: 0.77, thresholdAdaptation, thresholdMinimum: 0.025 };
          const threshold = randomMatrix(rng, rows, cols, 0.03, 0.08);
          const state = () => ({
            v: zeros(rows, cols),
            threshold: copy(threshold),
            trace: zeros(rows, cols),
            spikes: zeros(rows, cols),
            counts: zeros(rows, cols),
          });
          const [sg, sj] = [state(), state()];
          for (let t = 0; t < 6; t++) {
            const current = randomMatrix(rng, rows, cols, 0, 0.3);
            candidate.lifStep(current, sg, params);
            reference.lifStep(current, sj, params);
            expect(Array.from(sg.spikes.data), `spikes at step ${t}`).toEqual(Array.from(sj.spikes.data));
            close(sg.v.data, sj.v.data, tol, 1, 'lifStep v');
            close(sg.trace.data, sj.trace.data, tol, 1, 'lifStep trace');
            close(sg.threshold.data, sj.threshold.data, tol, 0.1, 'lifStep threshold');
          }
          expect(Array.from(sg.counts.data)).toEqual(Array.from(sj.counts.data));
        }

        const param = randomMatrix(rng, rows, cols, -0.1, 0.1);
        const [pg, pj] = [copy(param), copy(param)];
        const [mg, mj, vg, vj] = [zeros(rows, cols), zeros(rows, cols), zeros(rows, cols), zeros(rows, cols)];
        for (let step = 1; step <= 3; step++) {
          const grad = randomMatrix(rng, rows, cols, -2, 2);
          const o = { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step, clip: 0.1 };
          candidate.adamStep(pg, grad, mg, vg, o);
          reference.adamStep(pj, grad, mj, vj, o);
          close(mg.data, mj.data, tol, 2, 'adamStep m');
          close(vg.data, vj.data, tol, 4, 'adamStep v');
          close(pg.data, pj.data, tol, 1, 'adamStep param');
        }
      });

      it(`SpikeContrastiveLoss.compute and CSDPRule.contrastiveStep: ${shape}`, () => {
        const a = randomMatrix(rng, rows, cols, 0, 1);
        const b = { rows, cols, data: a.data.map((v) => Math.abs(v + 0.2 * (rng.next() - 0.5))) };
        for (const temperature of [0.07, 0.5, 2]) {
          const lossOf = (backend: Backend) => new SpikeContrastiveLoss({ temperature, backend }).compute(a, b);
          close([lossOf(candidate)], [lossOf(reference)], tol, 1, `InfoNCE τ=${temperature}`);
        }
        const W = randomMatrix(rng, rows, cols, -0.05, 0.05);
        const spikes = (n: number) => Float32Array.from({ length: n }, () => (rng.next() < 0.4 ? 1 : 0));
        const args = [spikes(cols), spikes(rows), randomMatrix(rng, 1, cols, 0, 1).data, spikes(rows)] as const;
        const step = (backend: Backend) =>
          new CSDPRule({ lr: 0.02, decay: 0.001, backend }).contrastiveStep(W, ...args);
        close(step(candidate).data, step(reference).data, tol, 0.1, 'contrastiveStep');
      });
    }
  });
}
