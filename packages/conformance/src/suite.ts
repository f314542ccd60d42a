/**
 * runConformance(provider): the one suite every backend runs, from its own test file.
 * Nothing in it is skipped by name; tolerances come from the backend's declared capabilities.
 */
import {
  type Backend,
  BackendError,
  type BackendProvider,
  CSDPRule,
  getBackend,
  InputTypeError,
  InvalidValueError,
  isArgumentError,
  listBackends,
  MAX_ROW_LOSS,
  type Matrix,
  type OuterTerm,
  Random,
  registerBackend,
  ShapeError,
  SpikeContrastiveLoss,
  setBackend,
} from '@contraspike/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csdpCases, infonceCases, tensorToMatrix } from './fixtures.js';
import { describeGradients } from './gradients.js';
import { describeLearning } from './learning.js';
import {
  adamStepOracle,
  type Expected,
  gemmOracle,
  type LifOracleState,
  lifStepOracle,
  outerUpdateOracle,
  rowCrossEntropyOracle,
  rowNormalizeBackwardOracle,
  rowSoftmaxOracle,
  rowSumSquaresOracle,
  scaleRowsOracle,
} from './oracle.js';
import { compareArrays, isClose, maxAbs, type Tolerance, toleranceFor } from './tolerance.js';

export interface ConformanceOptions<Options> {
  /** Passed to `provider.create` and `setBackend` (e.g. `{ mode: 'cpu' }`). */
  createOptions?: Options;
  /** Shown in the suite title; defaults to the provider name plus the options. */
  label?: string;
  /** Seed of every random input (fixed, so a failure reproduces). Default 20240607. */
  seed?: number;
  /** Runs per property test. Default 40. */
  propertyRuns?: number;
  /** Replaces the tolerance derived from the backend's capabilities (for a backend still being tuned). */
  tolerance?: Tolerance;
}

/** A random `rows × cols` float32 matrix with entries uniform in [lo, hi). */
export function randomMatrix(rng: Random, rows: number, cols: number, lo = -1, hi = 1): Matrix {
  const data = new Float32Array(rows * cols);
  for (let k = 0; k < data.length; k++) data[k] = lo + (hi - lo) * rng.next();
  return { rows, cols, data };
}

function randomVector(rng: Random, n: number, lo = 0, hi = 1): Float32Array {
  return randomMatrix(rng, 1, n, lo, hi).data;
}

function binaryVector(rng: Random, n: number, p = 0.5): Float32Array {
  return Float32Array.from({ length: n }, () => (rng.next() < p ? 1 : 0));
}

function permuteRows(m: Matrix, perm: Int32Array): Matrix {
  const data = new Float32Array(m.data.length);
  for (let i = 0; i < m.rows; i++)
    data.set(m.data.subarray((perm[i] as number) * m.cols, ((perm[i] as number) + 1) * m.cols), i * m.cols);
  return { rows: m.rows, cols: m.cols, data };
}

function expectClose(actual: ArrayLike<number>, expected: Expected | ArrayLike<number>, tol: Tolerance, scale = 1) {
  const oracle = !Array.isArray(expected) && 'scale' in expected ? (expected as Expected) : undefined;
  const problem = compareArrays(actual, oracle?.values ?? (expected as ArrayLike<number>), tol, oracle?.scale ?? scale);
  expect(problem, problem).toBeUndefined();
}

function expectNumberClose(actual: number, expected: number, tol: Tolerance, scale = 1) {
  expect(
    isClose(actual, expected, tol, scale),
    `got ${actual}, expected ${expected} (rtol ${tol.rtol}, atol ${tol.atol}·${scale})`,
  ).toBe(true);
}

/** fast-check arbitrary: a `rows × cols` float32 matrix with entries in [-4, 4]. */
function matrixArb(rows: number, cols: number): fc.Arbitrary<Matrix> {
  return fc
    .array(fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }), {
      minLength: rows * cols,
      maxLength: rows * cols,
    })
    .map((values) => ({ rows, cols, data: Float32Array.from(values) }));
}

const shapeArb = fc.record({ rows: fc.integer({ min: 2, max: 12 }), cols: fc.integer({ min: 1, max: 24 }) });

/** Deep snapshot of an input (number[][], typed array or Matrix) for immutability checks. */
function snapshot(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v));
}

export function runConformance<Options>(
  provider: BackendProvider<Options>,
  options: ConformanceOptions<Options> = {},
): void {
  const label =
    options.label ??
    (options.createOptions === undefined ? provider.name : `${provider.name} ${JSON.stringify(options.createOptions)}`);
  const seed = options.seed ?? 20240607;
  const numRuns = options.propertyRuns ?? 40;

  describe(`conformance: ${label}`, () => {
    let backend: Backend;
    let tol: Tolerance;
    const loss = (temperature = 0.5) => new SpikeContrastiveLoss({ temperature, backend });
    const rule = (lr = 0.01, decay = 0.001) => new CSDPRule({ lr, decay, backend });

    beforeAll(async () => {
      backend = await provider.create(options.createOptions, { auto: false });
      tol = options.tolerance ?? toleranceFor(backend.capabilities);
    });
    afterAll(() => backend?.dispose());

    describe('identity and registry', () => {
      it('declares a name that starts with the provider name, and capabilities', () => {
        expect(backend.name === provider.name || backend.name.startsWith(`${provider.name}:`)).toBe(true);
        expect(['cpu', 'gpu', 'wasm']).toContain(backend.capabilities.device);
        expect(['float32', 'float64']).toContain(backend.capabilities.storage);
        expect(['float32', 'float64']).toContain(backend.capabilities.accumulation);
      });

      it('is selectable explicitly with setBackend, and getBackend() reports it', async () => {
        registerBackend(provider as BackendProvider<never>);
        const active = await setBackend(provider.name, options.createOptions);
        expect(getBackend()).toBe(active);
        expect(active.name.split(':')[0]).toBe(provider.name);
        expect(listBackends().find((b) => b.name === provider.name)?.active).toBe(true);
        // The active backend computes without a per-instance override.
        expect(new SpikeContrastiveLoss().compute([[1, 0]], [[1, 0]])).toBe(0);
      });

      it('refuses an unknown backend name loudly instead of falling back', async () => {
        await expect(setBackend(`${provider.name}-does-not-exist`)).rejects.toSatisfy(BackendError.isInstance);
      });
    });

    describe('kernels against float64 oracles', () => {
      const rng = new Random(seed);
      const shapes: Array<[number, number, number]> = [
        [1, 1, 1],
        [3, 5, 2],
        [7, 13, 9],
        [16, 33, 17],
        [32, 64, 48],
      ];
      for (const [m, k, n] of shapes) {
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            it(`gemm ${m}×${k}·${k}×${n} transA=${transA} transB=${transB}`, () => {
              const a = transA ? randomMatrix(rng, k, m) : randomMatrix(rng, m, k);
              const b = transB ? randomMatrix(rng, n, k) : randomMatrix(rng, k, n);
              const c = randomMatrix(rng, m, n);
              for (const o of [
                { transA, transB },
                { transA, transB, alpha: -0.75, beta: 0.5 },
              ]) {
                const out = { rows: m, cols: n, data: c.data.slice() };
                backend.gemm(a, b, out, o);
                expectClose(out.data, gemmOracle(a, b, c, o), tol);
              }
            });
          }
        }
      }

      it('gemm with beta = 0 ignores whatever out held (even NaN)', () => {
        const a = randomMatrix(rng, 4, 6);
        const b = randomMatrix(rng, 6, 5);
        const out = { rows: 4, cols: 5, data: new Float32Array(20).fill(Number.NaN) };
        backend.gemm(a, b, out);
        expectClose(out.data, gemmOracle(a, b, out, {}), tol);
      });

      it('gemm on binary (spike) operands, mostly zeros', () => {
        const a = { rows: 8, cols: 40, data: binaryVector(rng, 320, 0.1) };
        const b = randomMatrix(rng, 40, 12);
        const out = { rows: 8, cols: 12, data: new Float32Array(96) };
        backend.gemm(a, b, out);
        expectClose(out.data, gemmOracle(a, b, out, {}), tol);
      });

      it('gemm with binary, sparse op(a) (spikes × weights, event-driven on CPU), both layouts, alpha and beta', () => {
        const rng = new Random(seed + 1); // its own stream: the inputs of the other cases stay as they were
        for (const [m, k, n] of [
          [6, 50, 9],
          [24, 130, 70],
        ] as const) {
          for (const transA of [false, true]) {
            // Ones at 10 %; row 0 of op(a) silent, row 1 all ones.
            const data = new Float32Array(m * k);
            for (let i = 0; i < m; i++) {
              for (let p = 0; p < k; p++) {
                const on = i === 1 || (i > 1 && rng.next() < 0.1);
                data[transA ? p * m + i : i * k + p] = on ? 1 : 0;
              }
            }
            const a = transA ? { rows: k, cols: m, data } : { rows: m, cols: k, data };
            const dense = randomMatrix(rng, k, n);
            const sparse = randomMatrix(rng, k, n);
            for (let q = 0; q < sparse.data.length; q++) if (rng.next() < 0.9) sparse.data[q] = 0;
            const c = randomMatrix(rng, m, n);
            for (const b of [dense, sparse]) {
              for (const o of [
                { transA },
                { transA, alpha: 0.1 },
                { transA, alpha: -0.5, beta: 1 },
                { transA, beta: -2 },
              ]) {
                const out = { rows: m, cols: n, data: c.data.slice() };
                backend.gemm(a, b, out, o);
                expectClose(out.data, gemmOracle(a, b, c, o), tol);
              }
            }
          }
        }
      });

      it('gemm aᵀ·b with sparse operands on both sides (the shape of a learning rule)', () => {
        for (const [k, m, n] of [
          [30, 17, 23],
          [64, 40, 300],
        ] as const) {
          const a = { rows: k, cols: m, data: binaryVector(rng, k * m, 0.15) };
          const b = randomMatrix(rng, k, n);
          for (let q = 0; q < b.data.length; q++) if (rng.next() < 0.9) b.data[q] = 0;
          b.data.fill(0, 0, n); // a sample with no activity at all
          const c = randomMatrix(rng, m, n);
          for (const o of [{ transA: true }, { transA: true, alpha: 0.3, beta: -1 }]) {
            const out = { rows: m, cols: n, data: c.data.slice() };
            backend.gemm(a, b, out, o);
            expectClose(out.data, gemmOracle(a, b, c, o), tol);
          }
        }
      });

      it('rowSumSquares', () => {
        for (const [r, c] of [
          [1, 1],
          [5, 300],
          [17, 31],
        ] as const) {
          const x = randomMatrix(rng, r, c, -3, 3);
          const out = new Float64Array(r);
          backend.rowSumSquares(x, out);
          expectClose(out, rowSumSquaresOracle(x), tol);
        }
      });

      it('scaleRows, also in place', () => {
        const x = randomMatrix(rng, 9, 21, -2, 2);
        const scales = Float64Array.from({ length: 9 }, () => rng.next() * 4 - 2);
        const expected = scaleRowsOracle(x, scales);
        const out = { rows: 9, cols: 21, data: new Float32Array(9 * 21) };
        backend.scaleRows(x, scales, out);
        expectClose(out.data, expected, tol);
        backend.scaleRows(x, scales, x);
        expectClose(x.data, expected, tol);
      });

      it('rowCrossEntropy, including large logits', () => {
        for (const [r, c, span] of [
          [2, 2, 1],
          [8, 8, 10],
          [12, 30, 200],
        ] as const) {
          const x = randomMatrix(rng, r, c, -span, span);
          const targets = Int32Array.from({ length: r }, () => rng.int(c));
          const out = new Float64Array(r);
          backend.rowCrossEntropy(x, targets, out);
          expectClose(out, rowCrossEntropyOracle(x, targets), tol, span);
        }
      });

      it('rowSoftmax, including large logits and a masked column, also in place', () => {
        for (const [r, c, span] of [
          [1, 1, 1],
          [3, 7, 5],
          [9, 40, 200],
        ] as const) {
          const x = randomMatrix(rng, r, c, -span, span);
          if (c > 1) x.data[0] = -1e30; // a masked logit gets probability 0
          const expected = rowSoftmaxOracle(x);
          const out = { rows: r, cols: c, data: new Float32Array(r * c) };
          const lse = new Float64Array(r);
          backend.rowSoftmax(x, out, lse);
          expectClose(out.data, expected.probabilities, tol);
          expectClose(lse, expected.logSumExp, tol, span);
          if (c > 1) expect(out.data[0]).toBe(0);
          backend.rowSoftmax(x, x, lse);
          expectClose(x.data, expected.probabilities, tol);
        }
      });

      it('rowNormalizeBackward, also in place', () => {
        for (const [r, c] of [
          [1, 1],
          [6, 9],
          [13, 70],
        ] as const) {
          const x = randomMatrix(rng, r, c);
          const scales = new Float64Array(r);
          backend.rowSumSquares(x, scales);
          for (let i = 0; i < r; i++) scales[i] = 1 / Math.sqrt(scales[i] as number);
          const xHat = { rows: r, cols: c, data: new Float32Array(r * c) };
          backend.scaleRows(x, scales, xHat);
          if (r > 1) xHat.data.fill(0, 0, c); // a zero row (its gradient is scales · grad)
          const grad = randomMatrix(rng, r, c);
          const expected = rowNormalizeBackwardOracle(xHat, grad, scales);
          const out = { rows: r, cols: c, data: new Float32Array(r * c) };
          backend.rowNormalizeBackward(xHat, grad, scales, out);
          expectClose(out.data, expected, tol);
          backend.rowNormalizeBackward(xHat, grad, scales, grad);
          expectClose(grad.data, expected, tol);
        }
      });

      for (const adaptation of [0, 0.004]) {
        it(`lifStep over several steps: potentials, resets, traces, spikes, counts (threshold adaptation ${adaptation})`, () => {
          const [batch, neurons] = [5, 37];
          const params = { leak: 0.3, traceDecay: 0.77, thresholdAdaptation: adaptation, thresholdMinimum: 0.035 };
          const zeros = () => ({ rows: batch, cols: neurons, data: new Float32Array(batch * neurons) });
          const base = randomVector(rng, neurons, 0.03, 0.08);
          const threshold = { rows: batch, cols: neurons, data: new Float32Array(batch * neurons) };
          for (let b = 0; b < batch; b++) threshold.data.set(base, b * neurons);
          const initial = Array.from(threshold.data);
          const state = { v: zeros(), threshold, trace: zeros(), spikes: zeros(), counts: zeros() };
          const f64 = () => new Float64Array(batch * neurons);
          const expected: LifOracleState = {
            v: f64(),
            threshold: Float64Array.from(threshold.data),
            trace: f64(),
            spikes: f64(),
            counts: f64(),
            margin: Number.POSITIVE_INFINITY,
          };
          let fired = 0;
          for (let t = 0; t < 8; t++) {
            const current = randomMatrix(rng, batch, neurons, 0, 0.3);
            backend.lifStep(current, state, params);
            lifStepOracle(current, expected, params);
            expect(Array.from(state.spikes.data)).toEqual(Array.from(expected.spikes));
            expectClose(state.v.data, expected.v, tol);
            expectClose(state.trace.data, expected.trace, tol);
            expectClose(state.threshold.data, expected.threshold, tol);
            fired += expected.spikes.reduce((s, v) => s + v, 0);
          }
          expect(Array.from(state.counts.data)).toEqual(Array.from(expected.counts));
          // The data stays clear of exact ties, and the steps exercise both spiking and silence.
          expect(expected.margin).toBeGreaterThan(1e-5);
          expect(fired).toBeGreaterThan(10);
          expect(fired).toBeLessThan(batch * neurons * 8 - 10);
          if (adaptation > 0) {
            expect(Array.from(state.threshold.data)).not.toEqual(initial);
            expect(Math.min(...state.threshold.data)).toBeGreaterThanOrEqual(Math.fround(0.035));
          }
          // Without counts, the rest of the state advances the same way.
          const { counts: _ignored, ...noCounts } = state;
          const current = randomMatrix(rng, batch, neurons, 0, 0.3);
          backend.lifStep(current, noCounts, params);
          lifStepOracle(current, expected, params);
          expect(Array.from(state.spikes.data)).toEqual(Array.from(expected.spikes));
          expectClose(state.v.data, expected.v, tol);
        });
      }

      it('adamStep over several steps, with and without clipping', () => {
        for (const clip of [undefined, 0.05]) {
          const p = randomMatrix(rng, 7, 19, -0.1, 0.1);
          const m = { rows: 7, cols: 19, data: new Float32Array(7 * 19) };
          const v = { rows: 7, cols: 19, data: new Float32Array(7 * 19) };
          for (let step = 1; step <= 4; step++) {
            const grad = randomMatrix(rng, 7, 19, -3, 3);
            const o = { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step, ...(clip ? { clip } : {}) };
            const expected = adamStepOracle(p, grad, m, v, o);
            const gradBefore = grad.data.slice();
            backend.adamStep(p, grad, m, v, o);
            expectClose(m.data, expected.m, tol, 3);
            expectClose(v.data, expected.v, tol, 9);
            expectClose(p.data, expected.param, tol);
            expect(grad.data).toEqual(gradBefore);
          }
          if (clip) expect(maxAbs(p.data)).toBeLessThanOrEqual(Math.fround(clip));
        }
      });

      it('outerUpdate with 0, 1 and 2 terms, also in place', () => {
        for (const count of [0, 1, 2]) {
          const w = randomMatrix(rng, 11, 23, -0.1, 0.1);
          const terms: OuterTerm[] = Array.from({ length: count }, () => ({
            coef: rng.next() - 0.5,
            u: binaryVector(rng, 11),
            v: randomVector(rng, 23),
          }));
          const alpha = 0.9;
          const expected = outerUpdateOracle(w, alpha, terms);
          const out = { rows: 11, cols: 23, data: new Float32Array(11 * 23) };
          backend.outerUpdate(w, alpha, terms, out);
          expectClose(out.data, expected, tol);
          backend.outerUpdate(w, alpha, terms, w);
          expectClose(w.data, expected, tol);
        }
      });

      it('outerUpdate reports whether its output is finite: NaN or ±Infinity in W (first, middle, last entry), overflow', () => {
        // 40 × 1000 floats (160 KB) span more than one block of a backend that streams W in blocks.
        const [rows, cols] = [40, 1000];
        const size = rows * cols;
        const w = randomMatrix(rng, rows, cols, -0.1, 0.1);
        const vector = () => randomVector(rng, cols);
        const ones = new Float32Array(rows).fill(1);
        const silent = new Float32Array(rows);
        const setups: Array<[string, number, OuterTerm[]]> = [
          [
            'two active terms',
            0.999,
            [
              { coef: 0.01, u: binaryVector(rng, rows), v: vector() },
              { coef: -0.01, u: ones, v: vector() },
            ],
          ],
          ['scaling only', 0.999, []],
          ['the identity (alpha 1, silent terms)', 1, [{ coef: 0.01, u: silent, v: vector() }]],
        ];
        const out = { rows, cols, data: new Float32Array(size) };
        for (const [setup, alpha, terms] of setups) {
          expect(backend.outerUpdate(w, alpha, terms, out), `${setup}: finite W`).toBe(true);
          for (const k of [0, (size >> 1) + 1, size - 1]) {
            for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
              const x = { rows, cols, data: w.data.slice() };
              x.data[k] = bad;
              const what = `${setup}: W[${Math.floor(k / cols)}][${k % cols}] = ${bad}`;
              expect(backend.outerUpdate(x, alpha, terms, out), `${what}, into out`).toBe(false);
              expect(Number.isFinite(out.data[k] as number), `${what}: out entry`).toBe(false);
              expect(backend.outerUpdate(x, alpha, terms, x), `${what}, in place`).toBe(false);
            }
          }
        }
        // Overflow: finite W and terms whose sum leaves float32, at the last entry of a middle row.
        const big = 3e38;
        for (const sign of [1, -1]) {
          const x = { rows, cols, data: w.data.slice() };
          const k = 20 * cols - 1;
          x.data[k] = sign * big;
          const v = new Float32Array(cols);
          v[cols - 1] = sign * big;
          const terms = [{ coef: 0.5, u: ones, v }];
          expect(backend.outerUpdate(x, 1, terms, out), `overflow to ${sign * Number.POSITIVE_INFINITY}`).toBe(false);
          expect(out.data[k]).toBe(sign * Number.POSITIVE_INFINITY);
          // Half of it stays in range (1.5e38 + 1.5e38 = 3e38).
          expect(backend.outerUpdate(x, 0.5, [{ coef: 0.5, u: ones, v }], out), 'near the float32 maximum').toBe(true);
          expect(backend.outerUpdate(x, 1, terms, x), 'overflow in place').toBe(false);
        }
      });
    });

    describe('reference vectors: infonce.json (seed algorithm, float64)', () => {
      for (const c of infonceCases) {
        it(`${c.name}${c.note ? ` (${c.note})` : ''}`, () => {
          const got = loss(c.temperature).compute(tensorToMatrix(c.viewA), tensorToMatrix(c.viewB));
          expectNumberClose(got, c.loss, tol);
        });
      }
    });

    describe('reference vectors: csdp.json (seed algorithm, float64)', () => {
      for (const c of csdpCases) {
        it(`${c.name}${c.note ? ` (${c.note})` : ''}`, () => {
          const r = rule(c.lr, c.decay);
          const W = tensorToMatrix(c.weights);
          const scale = maxAbs(c.contrastiveStep.data);
          expectClose(r.positiveUpdate(W, c.posPre, c.posPost).data, c.positiveUpdate.data, tol, scale);
          expectClose(r.negativeUpdate(W, c.negPre, c.negPost).data, c.negativeUpdate.data, tol, scale);
          const step = r.contrastiveStep(W, c.posPre, c.posPost, c.negPre, c.negPost);
          expectClose(step.data, c.contrastiveStep.data, tol, scale);
          expect([step.rows, step.cols]).toEqual(c.contrastiveStep.shape);
          expectNumberClose(r.goodness(c.posPost), c.goodnessPosPost, tol);
          expectNumberClose(r.goodness(c.negPre), c.goodnessNegPre, tol);
        });
      }
    });

    describeGradients(() => ({ backend, tol }), seed);
    describeLearning(() => ({ backend, tol }), seed);

    describe('edge cases', () => {
      it('a batch of fewer than 2 rows gives 0 (also an empty batch)', () => {
        expect(loss().compute([[1, 2, 3]], [[3, 2, 1]])).toBe(0);
        expect(loss().compute([], [])).toBe(0);
      });

      it('zero rows normalise to zero instead of dividing by zero', () => {
        const a = [
          [0, 0, 0],
          [1, 2, 3],
        ];
        const got = loss().compute(a, a);
        // Row 0: all similarities 0 → p = 1/2. Row 1: s = [0, 2] → p = e²/(1 + e²).
        const expected = (Math.log(2) + Math.log1p(Math.exp(-2))) / 2;
        expectNumberClose(got, expected, tol);
      });

      it('the probability floor caps every row at −log(1e-10)', () => {
        const a = [
          [1, 0],
          [0, 1],
        ];
        const b = [
          [0, 1],
          [1, 0],
        ];
        expectNumberClose(loss(0.001).compute(a, b), MAX_ROW_LOSS, tol);
      });

      it('a tiny temperature with identical views stays finite and near 0', () => {
        const rng = new Random(seed + 1);
        const a = randomMatrix(rng, 6, 10, 0, 1);
        const got = loss(1e-3).compute(a, a);
        expect(Number.isFinite(got)).toBe(true);
        expect(got).toBeGreaterThanOrEqual(0);
        expect(got).toBeLessThan(1e-3);
      });

      it('accepts Matrix, number[][], Float32Array and Float64Array rows alike', () => {
        const rng = new Random(seed + 2);
        const a = randomMatrix(rng, 5, 7);
        const b = randomMatrix(rng, 5, 7);
        const rows = (m: Matrix) =>
          Array.from({ length: m.rows }, (_, i) => m.data.subarray(i * m.cols, (i + 1) * m.cols));
        const ref = loss().compute(a, b);
        expect(
          loss().compute(
            rows(a).map((r) => Array.from(r)),
            rows(b).map((r) => Array.from(r)),
          ),
        ).toBe(ref);
        expect(loss().compute(rows(a), rows(b))).toBe(ref);
        expect(
          loss().compute(
            rows(a).map((r) => Float64Array.from(r)),
            rows(b).map((r) => Float64Array.from(r)),
          ),
        ).toBe(ref);
      });

      it('goodness of a matrix is the sum over all entries; of an empty vector, 0', () => {
        const r = rule();
        expectNumberClose(
          r.goodness([
            [1, 2],
            [3, 4],
          ]),
          30,
          tol,
        );
        expect(r.goodness([])).toBe(0);
        expectNumberClose(r.goodness(Float64Array.from([0.5, -0.5])), 0.5, tol);
      });

      it('zero learning rate and zero decay leave W unchanged (bit for bit)', () => {
        const rng = new Random(seed + 3);
        const W = randomMatrix(rng, 4, 6);
        const out = rule(0, 0).contrastiveStep(
          W,
          randomVector(rng, 6),
          randomVector(rng, 4),
          randomVector(rng, 6),
          randomVector(rng, 4),
        );
        expect(Array.from(out.data)).toEqual(Array.from(W.data));
      });

      it('the out option writes into a given matrix, and out = W updates in place', () => {
        const rng = new Random(seed + 4);
        const W = randomMatrix(rng, 5, 8, -0.05, 0.05);
        const v = [randomVector(rng, 8), binaryVector(rng, 5), randomVector(rng, 8), binaryVector(rng, 5)] as const;
        const r = rule();
        const fresh = r.contrastiveStep(W, ...v);
        const out = { rows: 5, cols: 8, data: new Float32Array(40) };
        expect(r.contrastiveStep(W, ...v, { out })).toBe(out);
        expect(Array.from(out.data)).toEqual(Array.from(fresh.data));
        expect(r.contrastiveStep(W, ...v, { out: W })).toBe(W);
        expect(Array.from(W.data)).toEqual(Array.from(fresh.data));
      });
    });

    describe('invariants (seeded property tests)', () => {
      const params = { seed, numRuns };

      it('loss is invariant to permuting the rows of both views together', () => {
        fc.assert(
          fc.property(
            shapeArb.chain(({ rows, cols }) =>
              fc.tuple(matrixArb(rows, cols), matrixArb(rows, cols), fc.integer({ min: 0, max: 2 ** 31 - 1 })),
            ),
            ([a, b, permSeed]) => {
              const perm = new Random(permSeed).permutation(a.rows);
              const l = loss(0.5);
              const before = l.compute(a, b);
              const after = l.compute(permuteRows(a, perm), permuteRows(b, perm));
              return isClose(after, before, tol);
            },
          ),
          params,
        );
      });

      it('identical views never score worse than shuffled views', () => {
        fc.assert(
          fc.property(
            shapeArb.chain(({ rows, cols }) =>
              fc.tuple(matrixArb(rows, cols), fc.integer({ min: 0, max: 2 ** 31 - 1 })),
            ),
            fc.constantFrom(0.05, 0.1, 0.5, 1, 2),
            ([a, permSeed], temperature) => {
              const l = loss(temperature);
              const same = l.compute(a, a);
              const shuffled = l.compute(a, permuteRows(a, new Random(permSeed).permutation(a.rows)));
              return same <= shuffled + tol.atol + tol.rtol * Math.abs(shuffled);
            },
          ),
          params,
        );
      });

      it('loss is within [0, −log(1e-10)] and unchanged by scaling a view', () => {
        fc.assert(
          fc.property(
            shapeArb.chain(({ rows, cols }) => fc.tuple(matrixArb(rows, cols), matrixArb(rows, cols))),
            fc.double({ min: 0.125, max: 8, noNaN: true }),
            ([a, b], c) => {
              // Below the 1e-8 norm floor a row is not normalised, so scale invariance needs rows
              // that are either exactly zero or well above it.
              for (let i = 0; i < a.rows; i++) {
                const norm = Math.hypot(...a.data.subarray(i * a.cols, (i + 1) * a.cols));
                fc.pre(norm === 0 || norm > 1e-4);
              }
              const l = loss(0.2);
              const value = l.compute(a, b);
              const scaled = { rows: a.rows, cols: a.cols, data: a.data.map((x) => x * c) };
              return value >= 0 && value <= MAX_ROW_LOSS && isClose(l.compute(scaled, b), value, tol);
            },
          ),
          params,
        );
      });

      it('updates are linear in lr (decay fixed) and the fused step equals positive then negative', () => {
        fc.assert(
          fc.property(
            fc.integer({ min: 1, max: 12 }),
            fc.integer({ min: 1, max: 20 }),
            fc.double({ min: 0, max: 0.5, noNaN: true }),
            fc.double({ min: 0, max: 0.1, noNaN: true }),
            fc.integer({ min: 0, max: 2 ** 31 - 1 }),
            (nPost, nPre, lr, decay, s) => {
              const rng = new Random(s);
              const W = randomMatrix(rng, nPost, nPre, -0.1, 0.1);
              const pre = binaryVector(rng, nPre);
              const post = binaryVector(rng, nPost);
              const base = new CSDPRule({ lr: 0, decay, backend }).positiveUpdate(W, pre, post).data;
              const once = new CSDPRule({ lr, decay, backend }).positiveUpdate(W, pre, post).data;
              const twice = new CSDPRule({ lr: 2 * lr, decay, backend }).positiveUpdate(W, pre, post).data;
              const scale = maxAbs(twice, 1e-3);
              const linear = compareArrays(
                twice.map((v, k) => v - (base[k] as number)),
                once.map((v, k) => 2 * (v - (base[k] as number))),
                tol,
                scale,
              );
              const r = new CSDPRule({ lr, decay, backend });
              const negPre = randomVector(rng, nPre);
              const negPost = binaryVector(rng, nPost);
              const fused = r.contrastiveStep(W, pre, post, negPre, negPost).data;
              const chained = r.negativeUpdate(r.positiveUpdate(W, pre, post), negPre, negPost).data;
              return linear === undefined && compareArrays(fused, chained, tol, scale) === undefined;
            },
          ),
          params,
        );
      });

      it('goodness is ≥ 0 and equals the sum of squares', () => {
        fc.assert(
          fc.property(
            fc.array(fc.float({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true }), { maxLength: 200 }),
            (values) => {
              const g = rule().goodness(values);
              const expected = values.reduce((s, v) => s + v * v, 0);
              return g >= 0 && isClose(g, expected, tol, 1);
            },
          ),
          params,
        );
      });
    });

    describe('bad input gets a typed error naming the argument', () => {
      const two = [
        [1, 2],
        [3, 4],
      ];
      const cases: Array<[string, () => unknown, (e: unknown) => boolean, RegExp]> = [
        [
          'NaN in viewA',
          () =>
            loss().compute(
              [
                [1, 2],
                [3, Number.NaN],
              ],
              two,
            ),
          InvalidValueError.isInstance,
          /viewA\[1\]\[1\].*NaN/,
        ],
        [
          'Infinity in viewB',
          () =>
            loss().compute(two, [
              [1, Number.POSITIVE_INFINITY],
              [3, 4],
            ]),
          InvalidValueError.isInstance,
          /viewB\[0\]\[1\].*Infinity/,
        ],
        [
          '-Infinity in a Matrix view',
          () =>
            loss().compute(
              { rows: 1, cols: 2, data: Float32Array.of(Number.NEGATIVE_INFINITY, 1) },
              { rows: 1, cols: 2, data: Float32Array.of(1, 1) },
            ),
          InvalidValueError.isInstance,
          /viewA\[0\]\[0\].*-Infinity/,
        ],
        [
          'a value that overflows float32',
          () =>
            loss().compute(
              [
                [1e39, 1],
                [1, 1],
              ],
              two,
            ),
          InvalidValueError.isInstance,
          /viewA\[0\]\[0\].*float32/,
        ],
        [
          'views of different shapes',
          () =>
            loss().compute(two, [
              [1, 2, 3],
              [4, 5, 6],
            ]),
          ShapeError.isInstance,
          /viewB.*\[2, 2\].*\[2, 3\]/,
        ],
        ['different batch sizes', () => loss().compute(two, [[1, 2]]), ShapeError.isInstance, /viewB/],
        [
          'ragged rows',
          () => loss().compute([[1, 2], [3]], two),
          ShapeError.isInstance,
          /viewA\[1\].*length 2.*length 1/,
        ],
        [
          'empty features',
          () => loss().compute([[], []], [[], []]),
          ShapeError.isInstance,
          /viewA.*at least 1 feature/,
        ],
        [
          'a string instead of a matrix',
          () => loss().compute('1,2' as never, two),
          InputTypeError.isInstance,
          /viewA.*matrix/,
        ],
        [
          'a string inside a row',
          () =>
            loss().compute(
              [
                [1, '2' as never],
                [3, 4],
              ],
              two,
            ),
          InputTypeError.isInstance,
          /viewA\[0\]\[1\].*number/,
        ],
        [
          'Matrix data of the wrong length',
          () => loss().compute({ rows: 2, cols: 2, data: new Float32Array(3) }, two),
          ShapeError.isInstance,
          /viewA\.data.*4.*3/,
        ],
        ['temperature 0', () => new SpikeContrastiveLoss(0), InvalidValueError.isInstance, /temperature.*> 0.*got 0/],
        [
          'temperature < 0',
          () => new SpikeContrastiveLoss({ temperature: -1 }),
          InvalidValueError.isInstance,
          /temperature.*got -1/,
        ],
        [
          'temperature NaN',
          () => new SpikeContrastiveLoss(Number.NaN),
          InvalidValueError.isInstance,
          /temperature.*NaN/,
        ],
        [
          'temperature Infinity',
          () => new SpikeContrastiveLoss(Number.POSITIVE_INFINITY),
          InvalidValueError.isInstance,
          /temperature.*Infinity/,
        ],
        [
          'temperature as a string',
          () => new SpikeContrastiveLoss({ temperature: '0.5' as never }),
          InputTypeError.isInstance,
          /temperature/,
        ],
        [
          'a misspelt option',
          () => new SpikeContrastiveLoss({ temprature: 0.1 } as never),
          InputTypeError.isInstance,
          /options\.temprature: expected one of the options temperature, variant, chunkSize, backend, got an unknown option/,
        ],
        [
          'an unknown loss variant',
          () => new SpikeContrastiveLoss({ variant: 'simclr' as never }),
          InvalidValueError.isInstance,
          /variant: expected one of "seed", "infonce", "symmetric", "ntxent", got "simclr"/,
        ],
        [
          'a chunkSize of 0',
          () => new SpikeContrastiveLoss({ chunkSize: 0 }),
          InvalidValueError.isInstance,
          /chunkSize: expected an integer ≥ 1, got 0/,
        ],
        [
          'NaN in a view given to computeWithGrad',
          () =>
            loss().computeWithGrad(two, [
              [1, 2],
              [3, Number.NaN],
            ]),
          InvalidValueError.isInstance,
          /viewB\[1\]\[1\].*NaN/,
        ],
        [
          'a string as the options',
          () => new SpikeContrastiveLoss('0.5' as never),
          InputTypeError.isInstance,
          /options: expected an options object/,
        ],
        [
          'a backend option that is neither a name nor a Backend',
          () => new CSDPRule({ backend: 42 as never }),
          InputTypeError.isInstance,
          /backend: expected a registered backend name or a Backend object, got 42/,
        ],
        [
          'positional CSDPRule arguments',
          () => new CSDPRule(0.05 as never),
          InputTypeError.isInstance,
          /options: expected an options object \{ lr\?, decay\?, backend\? \}, got 0\.05/,
        ],
        ['negative lr', () => new CSDPRule({ lr: -0.1 }), InvalidValueError.isInstance, /lr.*≥ 0.*-0\.1/],
        ['non-finite lr', () => new CSDPRule({ lr: Number.NaN }), InvalidValueError.isInstance, /lr.*NaN/],
        ['negative decay', () => new CSDPRule({ decay: -1 }), InvalidValueError.isInstance, /decay.*-1/],
        [
          'infinite decay',
          () => new CSDPRule({ decay: Number.POSITIVE_INFINITY }),
          InvalidValueError.isInstance,
          /decay.*Infinity/,
        ],
        [
          'W not (post, pre)',
          () => rule().positiveUpdate(two, [1, 0, 1], [1, 0]),
          ShapeError.isInstance,
          /W.*\[2, 3\].*\[2, 2\]/,
        ],
        [
          'W transposed',
          () =>
            rule().contrastiveStep(
              [
                [0, 0, 0],
                [0, 0, 0],
              ],
              [1, 0],
              [1, 0, 1],
              [1, 0],
              [1, 0, 1],
            ),
          ShapeError.isInstance,
          /W.*\[3, 2\].*\[2, 3\]/,
        ],
        [
          'negative-phase vector of the wrong length',
          () => rule().contrastiveStep(two, [1, 0], [1, 0], [1, 0, 1], [1, 0]),
          ShapeError.isInstance,
          /negPre.*length 2.*length 3/,
        ],
        [
          'NaN in pre',
          () => rule().negativeUpdate(two, [1, Number.NaN], [1, 0]),
          InvalidValueError.isInstance,
          /pre\[1\].*NaN/,
        ],
        ['empty pre', () => rule().positiveUpdate(two, [], [1, 0]), ShapeError.isInstance, /pre.*empty/],
        [
          'NaN in W',
          () =>
            rule().positiveUpdate(
              [
                [0, Number.NaN],
                [0, 0],
              ],
              [1, 0],
              [1, 0],
            ),
          InvalidValueError.isInstance,
          /W\[0\]\[1\].*NaN/,
        ],
        [
          'NaN in a Float32 W (checked in the update pass)',
          () => rule().positiveUpdate({ rows: 2, cols: 2, data: Float32Array.of(0, 0, 0, Number.NaN) }, [1, 0], [1, 0]),
          InvalidValueError.isInstance,
          /^W\[1\]\[1\]: expected a finite number, got NaN$/,
        ],
        [
          '-Infinity in a Float32 W, into a separate out',
          () => {
            const W = { rows: 2, cols: 2, data: Float32Array.of(0, Number.NEGATIVE_INFINITY, 0, 0) };
            const out = { rows: 2, cols: 2, data: new Float32Array(4) };
            return rule().contrastiveStep(W, [1, 0], [1, 0], [0, 1], [0, 1], { out });
          },
          InvalidValueError.isInstance,
          /^W\[0\]\[1\]: expected a finite number, got -Infinity$/,
        ],
        [
          'Infinity in a Float32 W updated in place',
          () => {
            const W = { rows: 2, cols: 2, data: Float32Array.of(0, 0, Number.POSITIVE_INFINITY, 0) };
            return rule().contrastiveStep(W, [1, 0], [1, 0], [0, 1], [0, 1], { out: W });
          },
          InvalidValueError.isInstance,
          /^W\[1\]\[0\]: expected a finite number.*got Infinity after W was updated in place/,
        ],
        [
          'an update that overflows float32',
          () =>
            rule(1, 0).positiveUpdate({ rows: 2, cols: 2, data: Float32Array.of(0, 3e38, 0, 0) }, [0, 2e38], [1, 0]),
          InvalidValueError.isInstance,
          /^W\[0\]\[1\]: expected an update that stays finite in float32.*got Infinity: the update of W\[0\]\[1\] = [\d.]+e\+38 overflowed float32/,
        ],
        [
          'a Set instead of a vector',
          () => rule().goodness(new Set([1]) as never),
          InputTypeError.isInstance,
          /activations/,
        ],
        [
          'a gradient output of the wrong shape',
          () => loss().computeWithGrad(two, two, { gradA: { rows: 2, cols: 3, data: new Float32Array(6) } }),
          ShapeError.isInstance,
          /options\.gradA.*\[2, 2\].*\[2, 3\]/,
        ],
        [
          'one matrix as both gradient outputs',
          () => {
            const g = { rows: 2, cols: 2, data: new Float32Array(4) };
            return loss().computeWithGrad(two, two, { gradA: g, gradB: g });
          },
          InvalidValueError.isInstance,
          /options\.gradB/,
        ],
        [
          'an unknown gradient output',
          () => loss().computeWithGrad(two, two, { gradC: two } as never),
          InputTypeError.isInstance,
          /options\.gradC/,
        ],
        [
          'out of the wrong shape',
          () => rule().positiveUpdate(two, [1, 0], [1, 0], { out: { rows: 1, cols: 4, data: new Float32Array(4) } }),
          ShapeError.isInstance,
          /options\.out.*\[2, 2\].*\[1, 4\]/,
        ],
        [
          'out without Float32Array data',
          () => rule().positiveUpdate(two, [1, 0], [1, 0], { out: { rows: 2, cols: 2, data: [0, 0, 0, 0] as never } }),
          InputTypeError.isInstance,
          /options\.out.*Float32Array/,
        ],
      ];
      for (const [name, call, isKind, pattern] of cases) {
        it(name, () => {
          let caught: unknown;
          try {
            call();
          } catch (error) {
            caught = error;
          }
          expect(caught, 'expected an error').toBeDefined();
          expect(isKind(caught), String(caught)).toBe(true);
          expect(isArgumentError(caught)).toBe(true);
          expect(caught instanceof RangeError || caught instanceof TypeError).toBe(true);
          expect((caught as Error).message).toMatch(pattern);
          for (const field of ['argument', 'expected', 'actual'] as const) {
            expect(typeof (caught as Record<string, unknown>)[field]).toBe('string');
          }
        });
      }
    });

    describe('caller inputs are never mutated', () => {
      it('by SpikeContrastiveLoss.compute (arrays, typed rows and Matrix)', () => {
        const rng = new Random(seed + 5);
        const a = randomMatrix(rng, 6, 9);
        const b = randomMatrix(rng, 6, 9);
        const rowsA = Array.from({ length: 6 }, (_, i) => Array.from(a.data.subarray(i * 9, (i + 1) * 9)));
        const rowsB = Array.from({ length: 6 }, (_, i) => Float64Array.from(b.data.subarray(i * 9, (i + 1) * 9)));
        const before = [a, b, rowsA, rowsB].map(snapshot);
        loss(0.3).compute(a, b);
        loss(0.3).compute(rowsA, rowsB);
        expect([a, b, rowsA, rowsB].map(snapshot)).toEqual(before);
      });

      it('by CSDPRule updates and goodness (unless out = W is asked for)', () => {
        const rng = new Random(seed + 6);
        const W = randomMatrix(rng, 4, 7, -0.1, 0.1);
        const Wrows = Array.from({ length: 4 }, (_, i) => Array.from(W.data.subarray(i * 7, (i + 1) * 7)));
        const posPre = Array.from(binaryVector(rng, 7));
        const posPost = binaryVector(rng, 4);
        const negPre = Float64Array.from(randomVector(rng, 7));
        const negPost = Array.from(binaryVector(rng, 4));
        const inputs = [W, Wrows, posPre, posPost, negPre, negPost];
        const before = inputs.map(snapshot);
        const r = rule(0.1, 0.01);
        r.positiveUpdate(W, posPre, posPost);
        r.negativeUpdate(Wrows, negPre, negPost);
        r.contrastiveStep(W, posPre, posPost, negPre, negPost);
        r.contrastiveStep(Wrows, posPre, posPost, negPre, negPost, {
          out: { rows: 4, cols: 7, data: new Float32Array(28) },
        });
        r.goodness(negPre);
        r.goodness(Wrows);
        expect(inputs.map(snapshot)).toEqual(before);
      });
    });
  });
}
