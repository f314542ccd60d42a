import { InputTypeError, type Matrix, Random } from '@contraspike/core';
import { describe, expect, it } from 'vitest';
import { denseGemm, EVENT_DENSITY, eventGemm, GemmScratch, sparseOuterGemm } from '../src/gemm.js';
import { jsBackend } from '../src/index.js';

function random(rng: Random, rows: number, cols: number): Matrix {
  const data = new Float32Array(rows * cols);
  for (let q = 0; q < data.length; q++) data[q] = 2 * rng.next() - 1;
  return { rows, cols, data };
}

/** Binary spikes with ones at `density`; row 0 silent, row 1 all ones (in op(a) orientation). */
function spikes(rng: Random, m: number, k: number, density: number, transA: boolean): Matrix {
  const data = new Float32Array(m * k);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const on = i === 1 || (i !== 0 && rng.next() < density);
      data[transA ? p * m + i : i * k + p] = on ? 1 : 0;
    }
  }
  return transA ? { rows: k, cols: m, data } : { rows: m, cols: k, data };
}

/** b with most entries zero (a learning signal), some exactly −0. */
function sparse(rng: Random, rows: number, cols: number, density: number): Matrix {
  const b = random(rng, rows, cols);
  for (let q = 0; q < b.data.length; q++) if (rng.next() > density) b.data[q] = q % 7 === 0 ? -0 : 0;
  return b;
}

/** Bit patterns, so that −0 and +0 (and every last bit) count. */
const bits = (x: Matrix) => Array.from(new Uint32Array(x.data.buffer, x.data.byteOffset, x.data.length));

const OPTIONS = [
  { alpha: 1, beta: 0 },
  { alpha: 0.1, beta: 0 },
  { alpha: -0.75, beta: 1 },
  { alpha: 0.3, beta: -0.5 },
];

describe('gemm paths are bit-identical to the dense product', () => {
  const rng = new Random(7);
  for (const transA of [false, true]) {
    for (const [m, k, n] of [
      [9, 37, 21],
      [33, 96, 70],
    ] as const) {
      it(`event-driven op(a)·b, transA=${transA}, ${m}×${k}·${k}×${n}, dense and sparse b`, () => {
        for (const bDensity of [1, 0.1]) {
          const a = spikes(rng, m, k, 0.1, transA);
          const b = bDensity === 1 ? random(rng, k, n) : sparse(rng, k, n, bDensity);
          const c = random(rng, m, n);
          for (const { alpha, beta } of OPTIONS) {
            const fast = { rows: m, cols: n, data: c.data.slice() };
            const dense = { rows: m, cols: n, data: c.data.slice() };
            expect(eventGemm(new GemmScratch(), { a, b, out: fast, transA, transB: false, alpha, beta })).toBe(true);
            denseGemm(new GemmScratch(), { a, b, out: dense, transA, transB: false, alpha, beta });
            expect(bits(fast)).toEqual(bits(dense));
          }
        }
      });
    }
  }

  it('sparse outer products aᵀ b (non-binary a) equal the dense product', () => {
    const [m, k, n] = [23, 40, 31];
    const a = sparse(rng, k, m, 0.3);
    const b = sparse(rng, k, n, 0.1);
    const c = random(rng, m, n);
    for (const { alpha, beta } of OPTIONS) {
      const fast = { rows: m, cols: n, data: c.data.slice() };
      const dense = { rows: m, cols: n, data: c.data.slice() };
      expect(sparseOuterGemm(new GemmScratch(), { a, b, out: fast, transA: true, transB: false, alpha, beta })).toBe(
        true,
      );
      denseGemm(new GemmScratch(), { a, b, out: dense, transA: true, transB: false, alpha, beta });
      expect(bits(fast)).toEqual(bits(dense));
    }
  });

  it('the event-driven path declines non-binary or too dense spikes, writing nothing', () => {
    const b = random(rng, 20, 5);
    const out = { rows: 6, cols: 5, data: new Float32Array(30).fill(3) };
    const half = spikes(rng, 6, 20, 0.1, false);
    half.data[7] = 0.5;
    expect(eventGemm(new GemmScratch(), { a: half, b, out, transA: false, transB: false, alpha: 1, beta: 0 })).toBe(
      false,
    );
    const dense = spikes(rng, 6, 20, Math.min(1, EVENT_DENSITY + 0.3), false);
    expect(eventGemm(new GemmScratch(), { a: dense, b, out, transA: false, transB: false, alpha: 1, beta: 0 })).toBe(
      false,
    );
    expect(out.data.every((v) => v === 3)).toBe(true);
  });

  it('the backend with and without eventDriven gives the same bits (one scratch reused across shapes)', () => {
    const fast = jsBackend.create(undefined);
    const plain = jsBackend.create({ eventDriven: false });
    expect([fast.eventDriven, plain.eventDriven]).toEqual([true, false]);
    for (const [m, k, n, transA] of [
      [64, 200, 48, false],
      [5, 7, 3, true],
      [64, 200, 48, true],
      [1, 30, 12, false],
    ] as const) {
      const a = spikes(rng, m, k, 0.05, transA);
      const b = random(rng, k, n);
      const x = { rows: m, cols: n, data: new Float32Array(m * n) };
      const y = { rows: m, cols: n, data: new Float32Array(m * n) };
      fast.gemm(a, b, x, { transA, alpha: 0.1 });
      plain.gemm(a, b, y, { transA, alpha: 0.1 });
      expect(bits(x)).toEqual(bits(y));
    }
  });
});

describe('jsBackend options', () => {
  it('rejects a non-boolean eventDriven and unknown options, naming them', () => {
    expect(() => jsBackend.create({ eventDriven: 'no' as unknown as boolean })).toThrow(
      expect.objectContaining({ argument: 'options.eventDriven' }),
    );
    expect(() => jsBackend.create({ eventDriven: 1 as unknown as boolean })).toThrow(InputTypeError);
    expect(() => jsBackend.create({ dense: true } as never)).toThrow(
      expect.objectContaining({ argument: 'options.dense' }),
    );
  });
});
