/**
 * crossCheck(mode): gpujs in `mode` against js on seeded random inputs of several shapes — square
 * and not, one row, odd sizes — for every kernel and for both algorithms, within the float32
 * tolerance. Run in Node (cpu, webasm) and in the browser (webgl2).
 */
import { jsBackend } from '@contraspike/backend-js';
import {
  gemmOracle,
  maxAbs,
  outerUpdateOracle,
  randomMatrix,
  rowNormalizeBackwardOracle,
  type Tolerance,
  toleranceFor,
} from '@contraspike/conformance';
import { type Backend, CSDPRule, type Matrix, Random, SpikeContrastiveLoss } from '@contraspike/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GpujsBackend, type GpujsMode, gpujsBackend } from '../src/index.js';

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
const zeros = (rows: number, cols: number): Matrix => ({ rows, cols, data: new Float32Array(rows * cols) });

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, scale: number, what: string) {
  expect(actual.length, what).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) {
    const a = actual[k] as number;
    const e = expected[k] as number;
    const ok = Math.abs(a - e) <= tol.atol * scale + tol.rtol * Math.abs(e);
    if (!ok) expect.fail(`${what}: element ${k}: gpujs ${a}, js ${e} (rtol ${tol.rtol}, atol ${tol.atol}·${scale})`);
  }
}

export function crossCheck(mode: GpujsMode): void {
  describe(`gpujs:${mode} agrees with js`, () => {
    let gpu: GpujsBackend;
    let js: Backend;
    let tol: Tolerance;
    const rng = new Random(2024 + mode.length);

    beforeAll(async () => {
      gpu = await gpujsBackend.create({ mode }, { auto: false });
      js = jsBackend.create();
      tol = toleranceFor(gpu.capabilities);
    });
    afterAll(() => {
      gpu?.dispose();
      js?.dispose();
    });

    /** Runs `kernel` on both backends with fresh copies of the same outputs and returns both. */
    function both<T>(make: () => T, kernel: (b: Backend, out: T) => void): [T, T] {
      const outGpu = make();
      const outJs = make();
      kernel(gpu, outGpu);
      kernel(js, outJs);
      return [outGpu, outJs];
    }

    for (const [rows, cols] of SHAPES) {
      const shape = `${rows}×${cols}`;

      it(`gemm, every transpose, with and without beta: ${shape} · ${cols}×${rows + 2}`, () => {
        const n = rows + 2;
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            const a = transA ? randomMatrix(rng, cols, rows) : randomMatrix(rng, rows, cols);
            const b = transB ? randomMatrix(rng, n, cols) : randomMatrix(rng, cols, n);
            const c = randomMatrix(rng, rows, n);
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
      });

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
        js.rowSumSquares(x, norms);
        const scales = norms.map((s) => 1 / Math.max(Math.sqrt(s), 1e-8));
        const xHat = zeros(rows, cols);
        js.scaleRows(x, scales, xHat);
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
            gpu.lifStep(current, sg, params);
            js.lifStep(current, sj, params);
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
          gpu.adamStep(pg, grad, mg, vg, o);
          js.adamStep(pj, grad, mj, vj, o);
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
          close([lossOf(gpu)], [lossOf(js)], tol, 1, `InfoNCE τ=${temperature}`);
        }
        const W = randomMatrix(rng, rows, cols, -0.05, 0.05);
        const spikes = (n: number) => Float32Array.from({ length: n }, () => (rng.next() < 0.4 ? 1 : 0));
        const args = [spikes(cols), spikes(rows), randomMatrix(rng, 1, cols, 0, 1).data, spikes(rows)] as const;
        const step = (backend: Backend) =>
          new CSDPRule({ lr: 0.02, decay: 0.001, backend }).contrastiveStep(W, ...args);
        close(step(gpu).data, step(js).data, tol, 0.1, 'contrastiveStep');
      });
    }
  });
}
