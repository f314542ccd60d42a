/**
 * Float64 oracles for the kernels: the definitions, written as directly as possible, so that a
 * backend's optimised kernel is checked against the mathematics rather than against another
 * optimised kernel. Each returns the expected output and a magnitude scale for the tolerance.
 */
import type { AdamStepOptions, GemmOptions, LifParams, Matrix, OuterTerm } from '@contraspike/core';

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

export function rowSoftmaxOracle(x: Matrix): { probabilities: Expected; logSumExp: Expected } {
  const probabilities = new Float64Array(x.rows * x.cols);
  const logSumExp = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    const row = Array.from(x.data.subarray(i * x.cols, (i + 1) * x.cols));
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    logSumExp[i] = lse;
    row.forEach((v, j) => {
      probabilities[i * x.cols + j] = Math.exp(v - lse);
    });
  }
  return { probabilities: { values: probabilities, scale: 1 }, logSumExp: { values: logSumExp, scale: 1 } };
}

export function rowNormalizeBackwardOracle(xHat: Matrix, grad: Matrix, scales: Float64Array): Expected {
  const values = new Float64Array(xHat.rows * xHat.cols);
  let scale = 0;
  for (let i = 0; i < xHat.rows; i++) {
    let dot = 0;
    let mag = 0;
    for (let j = 0; j < xHat.cols; j++) {
      const t = (xHat.data[i * xHat.cols + j] as number) * (grad.data[i * xHat.cols + j] as number);
      dot += t;
      mag += Math.abs(t);
    }
    const f = scales[i] as number;
    for (let j = 0; j < xHat.cols; j++) {
      const k = i * xHat.cols + j;
      values[k] = f * ((grad.data[k] as number) - dot * (xHat.data[k] as number));
      scale = Math.max(scale, Math.abs(f) * (Math.abs(grad.data[k] as number) + mag));
    }
  }
  return { values, scale: Math.max(scale, 1e-30) };
}

export interface LifOracleState {
  v: Float64Array;
  threshold: Float64Array;
  trace: Float64Array;
  spikes: Float64Array;
  counts: Float64Array;
  /** Smallest |v − θ| seen before a spike decision: how far the data stays from a tie. */
  margin: number;
}

/** One LIF step in float64, advancing `s` (see `Backend.lifStep`). */
export function lifStepOracle(current: Matrix, s: LifOracleState, p: LifParams): void {
  const n = current.cols;
  for (let b = 0; b < current.rows; b++) {
    let fired = 0;
    for (let k = b * n; k < (b + 1) * n; k++) {
      const v = (s.v[k] as number) + p.leak * ((current.data[k] as number) - (s.v[k] as number));
      const theta = s.threshold[k] as number;
      s.margin = Math.min(s.margin, Math.abs(v - theta));
      const spike = v > theta ? 1 : 0;
      fired += spike;
      s.spikes[k] = spike;
      s.v[k] = spike ? 0 : v;
      s.trace[k] = spike ? 1 : (s.trace[k] as number) * p.traceDecay;
      s.counts[k] = (s.counts[k] as number) + spike;
    }
    if (p.thresholdAdaptation !== 0) {
      for (let k = b * n; k < (b + 1) * n; k++) {
        s.threshold[k] = Math.max((s.threshold[k] as number) + p.thresholdAdaptation * (fired - 1), p.thresholdMinimum);
      }
    }
  }
}

export function adamStepOracle(
  param: Matrix,
  grad: Matrix,
  m: Matrix,
  v: Matrix,
  o: AdamStepOptions,
): { param: Expected; m: Expected; v: Expected } {
  const n = param.data.length;
  const P = new Float64Array(n);
  const M = new Float64Array(n);
  const V = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const g = grad.data[k] as number;
    M[k] = o.beta1 * (m.data[k] as number) + (1 - o.beta1) * g;
    V[k] = o.beta2 * (v.data[k] as number) + (1 - o.beta2) * g * g;
    const mHat = (M[k] as number) / (1 - o.beta1 ** o.step);
    const vHat = (V[k] as number) / (1 - o.beta2 ** o.step);
    let p = (param.data[k] as number) - (o.lr * mHat) / (Math.sqrt(vHat) + o.epsilon);
    if (o.clip !== undefined) p = Math.min(Math.max(p, -o.clip), o.clip);
    P[k] = p;
  }
  return { param: { values: P, scale: 1 }, m: { values: M, scale: 1 }, v: { values: V, scale: 1 } };
}
