/**
 * The event-driven gemm: for a binary, sparse op(a) (input spikes, or their transpose with transA),
 * op(a) · b sums the rows of b selected by the ones — bit for bit the dense product, which the same
 * b given as bᵀ with transB runs (the event-driven path needs b's rows).
 */
import { Random } from '@contraspike/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WasmBackend, wasmBackend } from '../src/index.js';

function spikes(rng: Random, rows: number, cols: number, p: number) {
  return { rows, cols, data: Float32Array.from({ length: rows * cols }, () => (rng.next() < p ? 1 : 0)) };
}
function random(rng: Random, rows: number, cols: number) {
  return { rows, cols, data: Float32Array.from({ length: rows * cols }, () => rng.next() * 2 - 1) };
}
function transpose(x: { rows: number; cols: number; data: Float32Array }) {
  const data = new Float32Array(x.data.length);
  for (let i = 0; i < x.rows; i++)
    for (let j = 0; j < x.cols; j++) data[j * x.rows + i] = x.data[i * x.cols + j] as number;
  return { rows: x.cols, cols: x.rows, data };
}
const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

for (const threads of [1, 2]) {
  describe(`event-driven gemm, threads ${threads}`, () => {
    let backend: WasmBackend;
    const rng = new Random(11 + threads);
    beforeAll(async () => {
      backend = await wasmBackend.create({ threads });
    });
    afterAll(() => backend?.dispose());

    it.each([
      [128, 784, 520, 0.1],
      [7, 300, 19, 0.05],
      [1, 513, 33, 0.15],
      [64, 1, 9, 0.05],
      [33, 260, 8, 0],
      [5, 300, 2100, 0.1],
      [3, 1000, 2051, 0.18],
    ])('spikes %i×%i · b %i columns, density %d: identical to the dense product, aᵀ too', (m, k, n, p) => {
      const a = spikes(rng, m, k, p);
      const b = random(rng, k, n);
      const c = random(rng, m, n);
      const aT = transpose(a);
      const bT = transpose(b);
      for (const o of [{}, { alpha: 0.5 }, { alpha: -1.5, beta: 0.25 }, { beta: 1 }]) {
        const run = (x: typeof a, y: typeof b, options: object, event: boolean) => {
          const events = backend.eventDrivenGemms;
          const result = { rows: m, cols: n, data: c.data.slice() };
          backend.gemm(x, y, result, { ...o, ...options });
          expect(backend.eventDrivenGemms).toBe(events + (event ? 1 : 0));
          return bits(result.data);
        };
        const dense = run(a, bT, { transB: true }, false);
        expect(run(aT, bT, { transA: true, transB: true }, false), JSON.stringify(o)).toEqual(dense);
        expect(run(a, b, {}, true), JSON.stringify(o)).toEqual(dense);
        expect(run(aT, b, { transA: true }, true), JSON.stringify(o)).toEqual(dense);
      }
    });

    it.each([
      [40, 1000, 1500, 0.13, 0.003],
      [9, 300, 2100, 0.1, 0.03],
      [5, 260, 7, 0.15, 0],
      [40, 1000, 1500, 0.13, -0.02],
      [9, 300, 2100, 0.1, -0.03],
    ])(
      'spikes %i×%i · sparse b %i columns, densities %d and %d (< 0: not binary): scattered, identical to the dense product',
      (m, k, n, pa, pb) => {
        const a = spikes(rng, k, m, pa);
        const b = spikes(rng, k, n, Math.abs(pb));
        // Nonzeros of both signs and signed zeros, which the scatter skips where the dense sums add them.
        if (pb < 0) {
          for (let q = 0; q < b.data.length; q++)
            b.data[q] = b.data[q] ? rng.next() * 2 - 1 : rng.next() < 0.5 ? 0 : -0;
        }
        const c = random(rng, m, n);
        const bT = transpose(b);
        for (const o of [{}, { alpha: -0.001 }, { alpha: 0.3, beta: 0.7 }, { alpha: -0.001, beta: 1 }]) {
          const dense = { rows: m, cols: n, data: c.data.slice() };
          const sparse = { rows: m, cols: n, data: c.data.slice() };
          backend.gemm(a, bT, dense, { ...o, transA: true, transB: true });
          const scattered = backend.scatteredGemms;
          backend.gemm(a, b, sparse, { ...o, transA: true });
          expect(backend.scatteredGemms).toBe(scattered + 1);
          expect(bits(sparse.data), JSON.stringify(o)).toEqual(bits(dense.data));
        }
      },
    );

    it('a dense or non-binary a takes the dense path and is still right', () => {
      const b = random(rng, 40, 12);
      for (const a of [
        spikes(rng, 8, 40, 0.6),
        { rows: 8, cols: 40, data: spikes(rng, 8, 40, 0.1).data.map((v) => v * 2) },
      ]) {
        const out = { rows: 8, cols: 12, data: new Float32Array(96) };
        const events = backend.eventDrivenGemms;
        backend.gemm(a, b, out);
        expect(backend.eventDrivenGemms).toBe(events);
        for (let i = 0; i < 8; i++) {
          for (let j = 0; j < 12; j++) {
            let s = 0;
            for (let q = 0; q < 40; q++) s += (a.data[i * 40 + q] as number) * (b.data[q * 12 + j] as number);
            expect(out.data[i * 12 + j]).toBeCloseTo(s, 4);
          }
        }
      }
    });
  });
}
