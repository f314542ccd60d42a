/**
 * CSDPRule: the seed library's contrastive Hebbian / anti-Hebbian weight rule.
 *
 *   positiveUpdate:  W' = W + lr · post preᵀ − decay · W
 *   negativeUpdate:  W' = W − lr · post preᵀ            (no decay in the negative phase)
 *   contrastiveStep: negativeUpdate(positiveUpdate(W, pos…), neg…), fused into one pass
 *   goodness:        Σ a²
 *
 * `W` is `(n_post, n_pre)`. This is the seed's rule, kept for compatibility; it is not yet the
 * full CSDP algorithm of Ororbia (Science Advances 2024).
 */
import type { Backend, Matrix, OuterTerm } from './backend.js';
import { ShapeError } from './errors.js';
import { checkBackendOption, resolveBackend } from './registry.js';
import {
  checkOptions,
  checkOut,
  type MatrixInput,
  nonFiniteUpdate,
  nonNegativeFinite,
  toMatrix,
  toVector,
  type VectorInput,
} from './validate.js';
import { Workspace } from './workspace.js';

export interface CSDPRuleOptions {
  /** Learning rate ≥ 0. Default 0.01. */
  lr?: number;
  /** Weight decay ≥ 0, applied in the positive phase only. Default 0.001. */
  decay?: number;
  /** Run on this backend (a registered name or a Backend) instead of the active one. */
  backend?: string | Backend;
}

/** Options of the update methods. */
export interface UpdateOptions {
  /**
   * Write the result here instead of a new matrix: a Matrix of W's shape with Float32Array data.
   * Passing the same Matrix as `W` updates it in place.
   */
  out?: Matrix;
}

interface Phase {
  readonly pre: Float32Array;
  readonly post: Float32Array;
}

export class CSDPRule {
  readonly lr: number;
  readonly decay: number;
  private readonly backendSpec: string | Backend | undefined;
  private readonly ws = new Workspace();

  constructor(options: CSDPRuleOptions = {}) {
    const opts = checkOptions(options, ['lr', 'decay', 'backend']);
    this.lr = nonNegativeFinite(opts.lr ?? 0.01, 'lr');
    this.decay = nonNegativeFinite(opts.decay ?? 0.001, 'decay');
    this.backendSpec = checkBackendOption(opts.backend);
  }

  /** The backend this instance computes on (the per-instance override, or the active one). */
  get backend(): Backend {
    return resolveBackend(this.backendSpec);
  }

  /** Hebbian update from positive (real) data: `W + lr · post preᵀ − decay · W`. */
  positiveUpdate(W: MatrixInput, pre: VectorInput, post: VectorInput, options?: UpdateOptions): Matrix {
    const w = toWeights(W);
    const pos = phase(w, pre, post, 'pre', 'post');
    return this.apply(w, 1 - this.decay, [{ coef: this.lr, u: pos.post, v: pos.pre }], options);
  }

  /** Anti-Hebbian update from negative (corrupted) data: `W − lr · post preᵀ`. */
  negativeUpdate(W: MatrixInput, pre: VectorInput, post: VectorInput, options?: UpdateOptions): Matrix {
    const w = toWeights(W);
    const neg = phase(w, pre, post, 'pre', 'post');
    return this.apply(w, 1, [{ coef: -this.lr, u: neg.post, v: neg.pre }], options);
  }

  /**
   * Positive then negative phase, in one fused pass over W:
   * `(1 − decay) · W + lr · posPost posPreᵀ − lr · negPost negPreᵀ`.
   */
  contrastiveStep(
    W: MatrixInput,
    posPre: VectorInput,
    posPost: VectorInput,
    negPre: VectorInput,
    negPost: VectorInput,
    options?: UpdateOptions,
  ): Matrix {
    const w = toWeights(W);
    const pos = phase(w, posPre, posPost, 'posPre', 'posPost');
    const neg = phase(w, negPre, negPost, 'negPre', 'negPost', pos);
    return this.apply(
      w,
      1 - this.decay,
      [
        { coef: this.lr, u: pos.post, v: pos.pre },
        { coef: -this.lr, u: neg.post, v: neg.pre },
      ],
      options,
    );
  }

  /** Goodness: the sum of squared activations (a vector, or every entry of a matrix). Always ≥ 0. */
  goodness(activations: VectorInput | MatrixInput): number {
    const x = asMatrix(activations);
    if (x.data.length === 0) return 0;
    const sums = this.ws.vector('goodness', x.rows);
    this.backend.rowSumSquares(x, sums);
    let total = 0;
    for (let i = 0; i < sums.length; i++) total += sums[i] as number;
    return total;
  }

  private apply(w: Matrix, alpha: number, terms: OuterTerm[], options: UpdateOptions | undefined): Matrix {
    const opts = checkOptions(options, ['out']);
    const out =
      opts.out === undefined
        ? { rows: w.rows, cols: w.cols, data: new Float32Array(w.rows * w.cols) }
        : checkOut(opts.out, w.rows, w.cols, 'options.out');
    if (!this.backend.outerUpdate(w, alpha, terms, out)) {
      const error = nonFiniteUpdate(w, out, 'W');
      if (error) throw error;
    }
    return out;
  }
}

/**
 * W as the updates take it: shape and type checked, but a Float32 W's entries are not scanned —
 * the update kernel reports a non-finite result in its own pass and {@link CSDPRule} then names
 * the bad entry (a separate scan would read W once more, as long as the update itself takes).
 */
function toWeights(W: MatrixInput): Matrix {
  return toMatrix(W, 'W', { finite: false });
}

/** A vector is a 1 × n matrix; a matrix is taken as is. */
function asMatrix(value: VectorInput | MatrixInput): Matrix {
  const isNested = Array.isArray(value) && value.length > 0 && typeof value[0] !== 'number';
  if (isNested || (!Array.isArray(value) && !ArrayBuffer.isView(value))) return toMatrix(value, 'activations');
  const v = toVector(value, 'activations');
  return { rows: 1, cols: v.length, data: v };
}

/**
 * Validates one phase's spike vectors against W = (n_post, n_pre). When a first phase already
 * fitted W, a mismatch in this one is blamed on the vector rather than on W.
 */
function phase(
  w: Matrix,
  preIn: VectorInput,
  postIn: VectorInput,
  preName: string,
  postName: string,
  fitted?: Phase,
): Phase {
  const pre = toVector(preIn, preName, { minLength: 1 });
  const post = toVector(postIn, postName, { minLength: 1 });
  if (fitted) {
    for (const [v, name, n, what] of [
      [pre, preName, w.cols, 'columns (n_pre)'],
      [post, postName, w.rows, 'rows (n_post)'],
    ] as const) {
      if (v.length !== n) {
        throw new ShapeError({
          argument: name,
          expected: `length ${n} (W has ${n} ${what})`,
          actual: `length ${v.length}`,
        });
      }
    }
  } else if (w.rows !== post.length || w.cols !== pre.length) {
    throw new ShapeError({
      argument: 'W',
      expected: `shape [${postName}.length, ${preName}.length] = [${post.length}, ${pre.length}] (n_post, n_pre)`,
      actual: `shape [${w.rows}, ${w.cols}]`,
    });
  }
  return { pre, post };
}
