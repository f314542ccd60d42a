/**
 * Float64 oracles for the kernels: the definitions, written as directly as possible, so that a
 * backend's optimised kernel is checked against the mathematics rather than against another
 * optimised kernel. Each returns the expected output and a magnitude scale for the tolerance.
 */
import type { GemmOptions, Matrix, OuterTerm } from '@contraspike/core';

export interface Expected {
  readonly values: Float64Array;
  /** Per-element magnitude of the terms that were summed (for tolerances of float32 sums). */
  readonly scale: number;
}

const get = (m: Matrix, i: number, j: number, t: boolean): number =>
  (t ? m.data[j * m.cols + i] : m.data[i * m.cols + j]) as number;

export function gemmOracle(a: Matrix, b: Matrix, c: Matrix, o: GemmOptions): Expected {
  const tA = o.transA ?? false;
  const tB = o.transB ?? false;
  const alpha = o.alpha ?? 1;
  const beta = o.beta ?? 0;
  const m = tA ? a.cols : a.rows;
  const k = tA ? a.rows : a.cols;
  const n = tB ? b.rows : b.cols;
  const values = new Float64Array(m * n);
  let scale = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let mag = 0;
      for (let p = 0; p < k; p++) {
        const t = get(a, i, p, tA) * get(b, p, j, tB);
        s += t;
        mag += Math.abs(t);
      }
      const prev = beta === 0 ? 0 : beta * (c.data[i * n + j] as number);
      values[i * n + j] = alpha * s + prev;
      scale = Math.max(scale, Math.abs(alpha) * mag + Math.abs(prev));
    }
  }
  return { values, scale: Math.max(scale, 1e-30) };
}

export function rowSumSquaresOracle(x: Matrix): Expected {
  const values = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++) values[i] = (values[i] as number) + (x.data[i * x.cols + j] as number) ** 2;
  }
  return { values, scale: Math.max(1e-30, ...values) };
}

export function scaleRowsOracle(x: Matrix, scales: Float64Array): Expected {
  const values = Float64Array.from(x.data, (v, k) => v * (scales[Math.floor(k / x.cols)] as number));
  return { values, scale: 0 };
}

export function rowCrossEntropyOracle(x: Matrix, targets: Int32Array): Expected {
  const values = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    const row = Array.from(x.data.subarray(i * x.cols, (i + 1) * x.cols));
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    values[i] = lse - (row[targets[i] as number] as number);
  }
  return { values, scale: 1 };
}

export function outerUpdateOracle(w: Matrix, alpha: number, terms: readonly OuterTerm[]): Expected {
  const values = new Float64Array(w.rows * w.cols);
  let scale = 0;
  for (let i = 0; i < w.rows; i++) {
    for (let j = 0; j < w.cols; j++) {
      let s = alpha * (w.data[i * w.cols + j] as number);
      let mag = Math.abs(s);
      for (const t of terms) {
        const v = t.coef * (t.u[i] as number) * (t.v[j] as number);
        s += v;
        mag += Math.abs(v);
      }
      values[i * w.cols + j] = s;
      scale = Math.max(scale, mag);
    }
  }
  return { values, scale: Math.max(scale, 1e-30) };
}
