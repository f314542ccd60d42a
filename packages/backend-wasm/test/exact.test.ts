/**
 * lifStep and adamStep run their float64 formulas in f64x2 lanes, rounding to float32 once per value
 * as backend-js does element by element: the results are the same bits, not merely close, on shapes
 * whose columns are not a multiple of the vector width.
 */
import { jsBackend } from '@contraspike/backend-js';
import { type Matrix, Random } from '@contraspike/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WasmBackend, wasmBackend } from '../src/index.js';

function uniform(rng: Random, rows: number, cols: number, lo: number, hi: number): Matrix {
  return { rows, cols, data: Float32Array.from({ length: rows * cols }, () => lo + (hi - lo) * rng.next()) };
}
const zeros = (rows: number, cols: number): Matrix => ({ rows, cols, data: new Float32Array(rows * cols) });
const copy = (x: Matrix): Matrix => ({ rows: x.rows, cols: x.cols, data: x.data.slice() });
const bits = (x: Matrix) => Array.from(new Uint32Array(x.data.buffer, x.data.byteOffset, x.data.length));

describe('wasm lifStep and adamStep: the bits of backend-js', () => {
  let backend: WasmBackend;
  const js = jsBackend.create(undefined);
  beforeAll(async () => {
    backend = await wasmBackend.create({ threads: 1 });
  });
  afterAll(() => backend?.dispose());

  it.each([
    [37, 43],
    [3, 8],
    [1, 3],
  ])('lifStep %i×%i over 8 steps, with and without threshold adaptation and counts', (rows, cols) => {
    const rng = new Random(rows * cols);
    for (const thresholdAdaptation of [0, 0.004]) {
      const params = { leak: 0.3, traceDecay: 0.77, thresholdAdaptation, thresholdMinimum: 0.025 };
      const threshold = uniform(rng, rows, cols, 0.03, 0.08);
      const state = (counts: boolean) => ({
        v: zeros(rows, cols),
        threshold: copy(threshold),
        trace: zeros(rows, cols),
        spikes: zeros(rows, cols),
        ...(counts ? { counts: zeros(rows, cols) } : {}),
      });
      const counted = thresholdAdaptation !== 0;
      const [w, j] = [state(counted), state(counted)];
      let fired = 0;
      for (let t = 0; t < 8; t++) {
        const current = uniform(rng, rows, cols, -0.05, 0.3);
        backend.lifStep(current, w, params);
        js.lifStep(current, j, params);
        for (const key of ['v', 'threshold', 'trace', 'spikes', 'counts'] as const) {
          const [a, b] = [w[key], j[key]];
          if (a && b) expect(bits(a), `${key} at step ${t}`).toEqual(bits(b));
        }
        fired += w.spikes.data.reduce((s, x) => s + x, 0);
      }
      expect(fired).toBeGreaterThan(0);
    }
  });

  it.each([
    [37, 43, 0.1],
    [1, 5, undefined],
  ])('adamStep %i×%i over 4 steps (clip %s)', (rows, cols, clip) => {
    const rng = new Random(rows + cols);
    const param = uniform(rng, rows, cols, -0.1, 0.1);
    const [pw, pj] = [copy(param), copy(param)];
    const [mw, mj, vw, vj] = [zeros(rows, cols), zeros(rows, cols), zeros(rows, cols), zeros(rows, cols)];
    for (let step = 1; step <= 4; step++) {
      const grad = uniform(rng, rows, cols, -2, 2);
      const o = { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step, ...(clip ? { clip } : {}) };
      backend.adamStep(pw, grad, mw, vw, o);
      js.adamStep(pj, grad, mj, vj, o);
      expect(bits(mw), `m at step ${step}`).toEqual(bits(mj));
      expect(bits(vw), `v at step ${step}`).toEqual(bits(vj));
      expect(bits(pw), `param at step ${step}`).toEqual(bits(pj));
    }
  });
});
