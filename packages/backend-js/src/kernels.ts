/**
 * The core kernels in plain TypeScript: Float32Array storage, float64 accumulation (JavaScript
 * numbers), no per-element allocation. Scratch rows are owned by the backend instance and reused.
 * Kernels trust their inputs: @contraspike/core validates at its API boundary.
 */
import {
  type AdamStepOptions,
  type Backend,
  type BackendCapabilities,
  type GemmOptions,
  gemmCall,
  type LifParams,
  type LifState,
  type Matrix,
  type OuterTerm,
} from '@contraspike/core';

export const capabilities: BackendCapabilities = Object.freeze({
  device: 'cpu',
  storage: 'float32',
  accumulation: 'float64',
});

/** Bytes of b's rows kept hot while the rows of a pass over them (about half an L2 cache). */
const GEMM_BLOCK_BYTES = 128 * 1024;

/** b denser than this goes through the dense path of gemm (aᵀ b). */
const SPARSE_OUTER_DENSITY = 0.2;
/** Float64 accumulator rows of sparseOuter kept per pass (fits in L2/L3 on common CPUs). */
const SPARSE_OUTER_BLOCK_BYTES = 2 * 1024 * 1024;

/** `out[o] = value + beta · out[o]`, where beta = 0 ignores the old value (even NaN). */
function store(out: Float32Array, o: number, value: number, beta: number): void {
  out[o] = beta === 0 ? value : value + beta * (out[o] as number);
}

export class JsBackend implements Backend {
  readonly name = 'js';
  readonly capabilities = capabilities;
  /** A float64 accumulator row, grown on demand and reused. */
  private scratch = new Float64Array(0);
  /** Column indices and row starts of a sparse operand (sparseOuter), grown on demand. */
  private cols = new Int32Array(0);
  private rowStart = new Int32Array(0);

  private row(length: number): Float64Array {
    if (this.scratch.length < length) this.scratch = new Float64Array(length);
    return this.scratch;
  }

  gemm(a: Matrix, b: Matrix, out: Matrix, options?: GemmOptions): void {
    const { transA, transB, alpha, beta, m, n, k } = gemmCall(a, out, options);
    // Element (i, p) of op(a) is ad[i * ai + p * ap]; element (p, j) of op(b) is bd[p * bp + j * bj].
    const ad = a.data;
    const ai = transA ? 1 : a.cols;
    const ap = transA ? a.cols : 1;
    const bd = b.data;
    const od = out.data;
    if (transB) {
      // out[i, j] = alpha · Σ_p op(a)[i, p] · b[j, p]: rows of b are contiguous, so dot products,
      // computed 2 × 2 at a time (four independent float64 accumulators, each load used twice).
      // Rows of b are taken in blocks that stay in cache while every row of op(a) passes over them.
      // At an odd edge the second row/column repeats the first and its result is not stored.
      const bRow = b.cols;
      const block = 2 * Math.max(1, Math.floor(GEMM_BLOCK_BYTES / (8 * Math.max(1, k))));
      for (let j0 = 0; j0 < n; j0 += block) {
        const jEnd = Math.min(n, j0 + block);
        for (let i = 0; i < m; i += 2) {
          const i1 = Math.min(i + 1, m - 1);
          const a0 = i * ai;
          const a1 = i1 * ai;
          for (let j = j0; j < jEnd; j += 2) {
            const j1 = Math.min(j + 1, n - 1);
            const b0 = j * bRow;
            const b1 = j1 * bRow;
            let s00 = 0;
            let s01 = 0;
            let s10 = 0;
            let s11 = 0;
            for (let p = 0; p < k; p++) {
              const x0 = ad[a0 + p * ap] as number;
              const x1 = ad[a1 + p * ap] as number;
              const y0 = bd[b0 + p] as number;
              const y1 = bd[b1 + p] as number;
              s00 += x0 * y0;
              s01 += x0 * y1;
              s10 += x1 * y0;
              s11 += x1 * y1;
            }
            store(od, i * n + j, alpha * s00, beta);
            if (j1 !== j) store(od, i * n + j1, alpha * s01, beta);
            if (i1 !== i) {
              store(od, i1 * n + j, alpha * s10, beta);
              if (j1 !== j) store(od, i1 * n + j1, alpha * s11, beta);
            }
          }
        }
      }
      return;
    }
    if (transA && this.sparseOuter(a, b, out, alpha, beta)) return;
    // out[i, :] = alpha · Σ_p op(a)[i, p] · b[p, :]: stream rows of b into a float64 row;
    // zero entries of op(a) (silent neurons) are skipped.
    const acc = this.row(n);
    for (let i = 0; i < m; i++) {
      acc.fill(0, 0, n);
      const aBase = i * ai;
      for (let p = 0; p < k; p++) {
        const av = ad[aBase + p * ap] as number;
        if (av === 0) continue;
        const bBase = p * n;
        for (let j = 0; j < n; j++) acc[j] = (acc[j] as number) + av * (bd[bBase + j] as number);
      }
      const oBase = i * n;
      for (let j = 0; j < n; j++) store(od, oBase + j, alpha * (acc[j] as number), beta);
    }
  }

  /**
   * `out = alpha · aᵀ b + beta · out` as a sum of outer products of the rows of a and b, skipping
   * zeros on both sides: learning-rule products (input spikes × sparse traces or output spikes)
   * cost Σ_p nnz(a_p) · nnz(b_p) instead of m · n · k. Declines (returns false) when b is dense.
   */
  private sparseOuter(a: Matrix, b: Matrix, out: Matrix, alpha: number, beta: number): boolean {
    const k = b.rows;
    const n = b.cols;
    const m = out.rows;
    const bd = b.data;
    // Column indices of b's non-zeros, row by row (CSR without values).
    if (this.cols.length < bd.length) this.cols = new Int32Array(bd.length);
    if (this.rowStart.length < k + 1) this.rowStart = new Int32Array(k + 1);
    const cols = this.cols;
    const rowStart = this.rowStart;
    const limit = Math.floor(bd.length * SPARSE_OUTER_DENSITY);
    let nnz = 0;
    for (let p = 0; p < k; p++) {
      rowStart[p] = nnz;
      const base = p * n;
      for (let j = 0; j < n; j++) {
        if (bd[base + j] !== 0) {
          if (nnz === limit) return false;
          cols[nnz++] = j;
        }
      }
    }
    rowStart[k] = nnz;
    const ad = a.data;
    const od = out.data;
    const blockRows = Math.max(1, Math.min(m, Math.floor(SPARSE_OUTER_BLOCK_BYTES / (8 * Math.max(1, n)))));
    const acc = this.row(blockRows * n);
    for (let i0 = 0; i0 < m; i0 += blockRows) {
      const i1 = Math.min(m, i0 + blockRows);
      acc.fill(0, 0, (i1 - i0) * n);
      for (let p = 0; p < k; p++) {
        const start = rowStart[p] as number;
        const end = rowStart[p + 1] as number;
        if (start === end) continue;
        const aBase = p * m;
        const bBase = p * n;
        for (let i = i0; i < i1; i++) {
          const av = ad[aBase + i] as number;
          if (av === 0) continue;
          const accBase = (i - i0) * n;
          for (let q = start; q < end; q++) {
            const j = cols[q] as number;
            acc[accBase + j] = (acc[accBase + j] as number) + av * (bd[bBase + j] as number);
          }
        }
      }
      for (let i = i0; i < i1; i++) {
        const accBase = (i - i0) * n;
        const oBase = i * n;
        for (let j = 0; j < n; j++) store(od, oBase + j, alpha * (acc[accBase + j] as number), beta);
      }
    }
    return true;
  }

  rowSumSquares(x: Matrix, out: Float64Array): void {
    const { rows, cols, data } = x;
    for (let i = 0; i < rows; i++) {
      let s = 0;
      const base = i * cols;
      for (let j = 0; j < cols; j++) {
        const v = data[base + j] as number;
        s += v * v;
      }
      out[i] = s;
    }
  }

  scaleRows(x: Matrix, scales: Float64Array, out: Matrix): void {
    const { rows, cols, data } = x;
    const od = out.data;
    for (let i = 0; i < rows; i++) {
      const f = scales[i] as number;
      const base = i * cols;
      for (let j = 0; j < cols; j++) od[base + j] = (data[base + j] as number) * f;
    }
  }

  rowCrossEntropy(logits: Matrix, targets: Int32Array, out: Float64Array): void {
    const { rows, cols, data } = logits;
    for (let i = 0; i < rows; i++) {
      const base = i * cols;
      const max = rowMax(data, base, cols);
      let sum = 0;
      for (let j = 0; j < cols; j++) sum += Math.exp((data[base + j] as number) - max);
      // (max − target) first: both terms are then ≥ 0 and no cancellation occurs.
      out[i] = max - (data[base + (targets[i] as number)] as number) + Math.log(sum);
    }
  }

  rowSoftmax(logits: Matrix, out: Matrix, logSumExp: Float64Array): void {
    const { rows, cols, data } = logits;
    const od = out.data;
    for (let i = 0; i < rows; i++) {
      const base = i * cols;
      const max = rowMax(data, base, cols);
      let sum = 0;
      for (let j = 0; j < cols; j++) sum += Math.exp((data[base + j] as number) - max);
      const lse = max + Math.log(sum);
      logSumExp[i] = lse;
      for (let j = 0; j < cols; j++) od[base + j] = Math.exp((data[base + j] as number) - lse);
    }
  }

  rowNormalizeBackward(xHat: Matrix, grad: Matrix, scales: Float64Array, out: Matrix): void {
    const { rows, cols } = xHat;
    const xd = xHat.data;
    const gd = grad.data;
    const od = out.data;
    for (let i = 0; i < rows; i++) {
      const base = i * cols;
      let dot = 0;
      for (let j = 0; j < cols; j++) dot += (xd[base + j] as number) * (gd[base + j] as number);
      const f = scales[i] as number;
      for (let j = 0; j < cols; j++) {
        od[base + j] = f * ((gd[base + j] as number) - dot * (xd[base + j] as number));
      }
    }
  }

  lifStep(current: Matrix, state: LifState, params: LifParams): void {
    const { rows, cols } = current;
    const jd = current.data;
    const vd = state.v.data;
    const td = state.threshold.data;
    const zd = state.trace.data;
    const sd = state.spikes.data;
    const cd = state.counts?.data;
    const { leak, traceDecay, thresholdAdaptation, thresholdMinimum } = params;
    for (let i = 0; i < rows; i++) {
      const base = i * cols;
      let fired = 0;
      for (let j = 0; j < cols; j++) {
        const k = base + j;
        // Float32 rounding of v, as every backend stores it: spikes depend on v > θ.
        const v = Math.fround((vd[k] as number) + leak * ((jd[k] as number) - (vd[k] as number)));
        if (v > (td[k] as number)) {
          vd[k] = 0;
          zd[k] = 1;
          sd[k] = 1;
          fired++;
          if (cd) cd[k] = (cd[k] as number) + 1;
        } else {
          vd[k] = v;
          zd[k] = (zd[k] as number) * traceDecay;
          sd[k] = 0;
        }
      }
      if (thresholdAdaptation !== 0) {
        const shift = thresholdAdaptation * (fired - 1);
        for (let j = base; j < base + cols; j++) td[j] = Math.max((td[j] as number) + shift, thresholdMinimum);
      }
    }
  }

  adamStep(param: Matrix, grad: Matrix, m: Matrix, v: Matrix, options: AdamStepOptions): void {
    const { lr, beta1, beta2, epsilon, step } = options;
    const clip = options.clip ?? Number.POSITIVE_INFINITY;
    const c1 = 1 / (1 - beta1 ** step);
    const c2 = 1 / (1 - beta2 ** step);
    const pd = param.data;
    const gd = grad.data;
    const md = m.data;
    const vd = v.data;
    for (let k = 0; k < pd.length; k++) {
      const g = gd[k] as number;
      const mk = beta1 * (md[k] as number) + (1 - beta1) * g;
      const vk = beta2 * (vd[k] as number) + (1 - beta2) * g * g;
      md[k] = mk;
      vd[k] = vk;
      const p = (pd[k] as number) - (lr * mk * c1) / (Math.sqrt(vk * c2) + epsilon);
      pd[k] = Math.min(Math.max(p, -clip), clip);
    }
  }

  outerUpdate(w: Matrix, alpha: number, terms: readonly OuterTerm[], out: Matrix): void {
    // Terms are applied two per pass; the first pass also scales w, so the seed's contrastive
    // step (two terms) is a single pass over W. Each element is read before it is written,
    // so `out` may alias `w`.
    let t = 0;
    do {
      outerPass(t === 0 ? w.data : out.data, t === 0 ? alpha : 1, terms[t], terms[t + 1], out);
      t += 2;
    } while (t < terms.length);
  }

  dispose(): void {
    this.scratch = new Float64Array(0);
    this.cols = new Int32Array(0);
    this.rowStart = new Int32Array(0);
  }
}

function rowMax(data: Float32Array, base: number, cols: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < cols; j++) {
    const v = data[base + j] as number;
    if (v > max) max = v;
  }
  return max;
}

/** `out = a · src + first + second` (each term optional), one pass over the rows. */
function outerPass(
  src: Float32Array,
  a: number,
  first: OuterTerm | undefined,
  second: OuterTerm | undefined,
  out: Matrix,
): void {
  const { rows, cols, data: od } = out;
  const v1 = first?.v;
  const v2 = second?.v;
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    const c1 = first ? first.coef * (first.u[i] as number) : 0;
    const c2 = second ? second.coef * (second.u[i] as number) : 0;
    if (v1 && c1 !== 0 && v2 && c2 !== 0) {
      for (let j = 0; j < cols; j++) {
        od[base + j] = a * (src[base + j] as number) + c1 * (v1[j] as number) + c2 * (v2[j] as number);
      }
    } else if ((v1 && c1 !== 0) || (v2 && c2 !== 0)) {
      // Exactly one term is active on this row (a silent post-synaptic neuron skips the other).
      const c = c1 !== 0 ? c1 : c2;
      const v = (c1 !== 0 ? v1 : v2) as Float32Array;
      for (let j = 0; j < cols; j++) od[base + j] = a * (src[base + j] as number) + c * (v[j] as number);
    } else if (a !== 1 || src !== od) {
      for (let j = 0; j < cols; j++) od[base + j] = a * (src[base + j] as number);
    }
  }
}
