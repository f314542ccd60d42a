/**
 * The core kernels in plain TypeScript: Float32Array storage, float64 accumulation (JavaScript
 * numbers), no per-element allocation. Scratch rows are owned by the backend instance and reused.
 * Kernels trust their inputs: @contraspike/core validates at its API boundary.
 */
import type {
  AdamStepOptions,
  Backend,
  BackendCapabilities,
  GemmOptions,
  LifParams,
  LifState,
  Matrix,
  OuterTerm,
} from '@contraspike/core';
import { denseGemm, eventGemm, GemmScratch, type Product, sparseOuterGemm } from './gemm.js';

export const capabilities: BackendCapabilities = Object.freeze({
  device: 'cpu',
  storage: 'float32',
  accumulation: 'float64',
});

/** Options of {@link JsBackend}: `setBackend('js', { eventDriven: false })`. */
export interface JsBackendOptions {
  /**
   * Exploit binary, sparse operands in gemm (default true): the event-driven path for spikes ×
   * weights and the sparse outer-product path for learning-rule products `aᵀ b`. False makes
   * every gemm a plain dense product (every term added, zeros included): the baseline the
   * event-driven paths are measured against. Results are bit-identical either way.
   */
  readonly eventDriven?: boolean;
}

export class JsBackend implements Backend {
  readonly name = 'js';
  readonly capabilities = capabilities;
  /** Whether gemm takes its event-driven and sparse paths (see {@link JsBackendOptions}). */
  readonly eventDriven: boolean;
  private gemmScratch = new GemmScratch();
  /** The description of the current product, one object reused by every gemm call. */
  private readonly product: { -readonly [K in keyof Product]: Product[K] } = {
    a: NO_MATRIX,
    b: NO_MATRIX,
    out: NO_MATRIX,
    transA: false,
    transB: false,
    alpha: 1,
    beta: 0,
  };

  constructor(options: JsBackendOptions = {}) {
    this.eventDriven = options.eventDriven ?? true;
  }

  gemm(a: Matrix, b: Matrix, out: Matrix, options: GemmOptions = {}): void {
    const transA = options.transA ?? false;
    const transB = options.transB ?? false;
    const alpha = options.alpha ?? 1;
    const beta = options.beta ?? 0;
    const s = this.gemmScratch;
    const p = this.product;
    p.a = a;
    p.b = b;
    p.out = out;
    p.transA = transA;
    p.transB = transB;
    p.alpha = alpha;
    p.beta = beta;
    if (!(this.eventDriven && !transB && (eventGemm(s, p) || (transA && sparseOuterGemm(s, p))))) denseGemm(s, p);
    // The reused description must not keep the caller's matrices alive after the call.
    p.a = p.b = p.out = NO_MATRIX;
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

  outerUpdate(w: Matrix, alpha: number, terms: readonly OuterTerm[], out: Matrix): boolean {
    // Terms are applied two per pass; the first pass also scales w, so the seed's contrastive
    // step (two terms) is a single pass over W. Each element is read before it is written,
    // so `out` may alias `w`. A non-finite entry stays non-finite through later passes (finite
    // terms cannot cancel ±∞ or NaN), so the result is finite when every pass says so.
    let finite = true;
    let t = 0;
    do {
      finite = outerPass(t === 0 ? w.data : out.data, t === 0 ? alpha : 1, terms[t], terms[t + 1], out) && finite;
      t += 2;
    } while (t < terms.length);
    return finite;
  }

  dispose(): void {
    this.gemmScratch = new GemmScratch();
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

/** Stands in for the operands of {@link JsBackend} before its first product. */
const NO_MATRIX: Matrix = Object.freeze({ rows: 0, cols: 0, data: new Float32Array(0) });

/** Stands in for the vector of an absent term (never read: its factor is 0). */
const NO_TERM = new Float32Array(0);

/** Stores `x` rounded to float32 at `od[o]` and returns `y · 0` of the stored y: 0 when it is finite, NaN if not. */
function store(od: Float32Array, o: number, x: number): number {
  const y = Math.fround(x);
  od[o] = y;
  return y * 0;
}

/** {@link store} of four consecutive elements; returns the sum of their `y · 0` (a short chain). */
function store4(od: Float32Array, o: number, x0: number, x1: number, x2: number, x3: number): number {
  const y0 = Math.fround(x0);
  const y1 = Math.fround(x1);
  const y2 = Math.fround(x2);
  const y3 = Math.fround(x3);
  od[o] = y0;
  od[o + 1] = y1;
  od[o + 2] = y2;
  od[o + 3] = y3;
  return y0 * 0 + y1 * 0 + (y2 * 0 + y3 * 0);
}

/**
 * `out = a · src + first + second` (each term optional), one pass over the rows. Each row's
 * factors `coef · u[i]` are hoisted; a row whose factors are both 0 (a silent post-synaptic
 * neuron) is only scaled, or only checked when that is the identity in place. Sums in float64,
 * each element rounded to float32 once when stored (see {@link store}).
 *
 * Returns true when every stored element is finite: `y · 0` is 0 for finite y and NaN otherwise,
 * so their running sum (one add per four elements, see {@link store4}) stays 0 exactly then.
 */
function outerPass(
  src: Float32Array,
  a: number,
  first: OuterTerm | undefined,
  second: OuterTerm | undefined,
  out: Matrix,
): boolean {
  const { rows, cols, data: od } = out;
  const v1 = first?.v ?? NO_TERM;
  const v2 = second?.v ?? NO_TERM;
  const coef1 = first?.coef ?? 0;
  const coef2 = second?.coef ?? 0;
  const u1 = first?.u;
  const u2 = second?.u;
  const tail = cols & 3;
  let s = 0;
  for (let i = 0; i < rows; i++) {
    const c1 = u1 ? coef1 * (u1[i] as number) : 0;
    const c2 = u2 ? coef2 * (u2[i] as number) : 0;
    const o0 = i * cols;
    const end = o0 + cols - tail;
    if (c1 !== 0 && c2 !== 0) {
      let o = o0;
      let j = 0;
      for (; o < end; o += 4, j += 4) {
        const y0 = a * (src[o] as number) + c1 * (v1[j] as number) + c2 * (v2[j] as number);
        const y1 = a * (src[o + 1] as number) + c1 * (v1[j + 1] as number) + c2 * (v2[j + 1] as number);
        const y2 = a * (src[o + 2] as number) + c1 * (v1[j + 2] as number) + c2 * (v2[j + 2] as number);
        const y3 = a * (src[o + 3] as number) + c1 * (v1[j + 3] as number) + c2 * (v2[j + 3] as number);
        s += store4(od, o, y0, y1, y2, y3);
      }
      for (; j < cols; o++, j++)
        s += store(od, o, a * (src[o] as number) + c1 * (v1[j] as number) + c2 * (v2[j] as number));
    } else if (c1 !== 0 || c2 !== 0) {
      // Exactly one term is active on this row.
      const c = c1 !== 0 ? c1 : c2;
      const v = c1 !== 0 ? v1 : v2;
      let o = o0;
      let j = 0;
      for (; o < end; o += 4, j += 4) {
        const y0 = a * (src[o] as number) + c * (v[j] as number);
        const y1 = a * (src[o + 1] as number) + c * (v[j + 1] as number);
        const y2 = a * (src[o + 2] as number) + c * (v[j + 2] as number);
        const y3 = a * (src[o + 3] as number) + c * (v[j + 3] as number);
        s += store4(od, o, y0, y1, y2, y3);
      }
      for (; j < cols; o++, j++) s += store(od, o, a * (src[o] as number) + c * (v[j] as number));
    } else if (a !== 1 || src !== od) {
      for (let o = o0; o < o0 + cols; o++) s += store(od, o, a * (src[o] as number));
    } else {
      // The identity in place: nothing to write, only the check.
      for (let o = o0; o < o0 + cols; o++) s += (od[o] as number) * 0;
    }
  }
  return s === 0;
}
