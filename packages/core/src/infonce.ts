/**
 * SpikeContrastiveLoss: InfoNCE over spike-rate vectors, as in the seed library.
 *
 *   â_i = a_i / max(‖a_i‖, 1e-8),  b̂_i likewise
 *   s   = â b̂ᵀ / τ
 *   L   = −mean_i log(max(softmax(s_i)_ii, 1e-10)),  and L = 0 when the batch has fewer than 2 rows.
 *
 * The probability floor caps each row's loss at −log(1e-10) ≈ 23.03 (seed behaviour).
 */
import type { Backend, Matrix } from './backend.js';
import { checkBackendOption, resolveBackend } from './registry.js';
import { checkOptions, type MatrixInput, positiveFinite, sameShape, toMatrix } from './validate.js';
import { Workspace } from './workspace.js';

/** Row norms are clipped from below at this value before dividing (a zero row stays zero). */
export const NORM_FLOOR = 1e-8;
/** Positive-pair probabilities are clipped from below at this value before the log. */
export const PROBABILITY_FLOOR = 1e-10;
/** The largest loss one row can contribute: −log(PROBABILITY_FLOOR). */
export const MAX_ROW_LOSS = -Math.log(PROBABILITY_FLOOR);

/**
 * `out = rows of x / max(‖row‖, NORM_FLOOR)`; `scales` receives the factor applied to each row.
 * Shared by every algorithm that compares directions of spike-rate vectors.
 */
export function normalizeRows(backend: Backend, x: Matrix, out: Matrix, scales: Float64Array): void {
  backend.rowSumSquares(x, scales);
  for (let i = 0; i < scales.length; i++) scales[i] = 1 / Math.max(Math.sqrt(scales[i] as number), NORM_FLOOR);
  backend.scaleRows(x, scales, out);
}

export interface SpikeContrastiveLossOptions {
  /** Contrastive temperature τ > 0. Default 0.5 (as in the seed). */
  temperature?: number;
  /** Run on this backend (a registered name or a Backend) instead of the active one. */
  backend?: string | Backend;
}

export class SpikeContrastiveLoss {
  /** Contrastive temperature τ. */
  readonly temperature: number;
  private readonly backendSpec: string | Backend | undefined;
  private readonly ws = new Workspace();

  /** `new SpikeContrastiveLoss(0.5)` or `new SpikeContrastiveLoss({ temperature: 0.5, backend: 'js' })`. */
  constructor(options: number | SpikeContrastiveLossOptions = {}) {
    const opts =
      typeof options === 'number' ? { temperature: options } : checkOptions(options, ['temperature', 'backend']);
    this.temperature = positiveFinite(opts.temperature ?? 0.5, 'temperature');
    this.backendSpec = checkBackendOption(opts.backend);
  }

  /** The backend this instance computes on (the per-instance override, or the active one). */
  get backend(): Backend {
    return resolveBackend(this.backendSpec);
  }

  /**
   * InfoNCE loss of a batch of spike-rate pairs: row i of `viewA` and row i of `viewB` are two
   * views of the same input; every other row of `viewB` is a negative for it.
   * @param viewA `(batch, features)` spike rates from augmentation A.
   * @param viewB `(batch, features)` spike rates from augmentation B, same shape.
   */
  compute(viewA: MatrixInput, viewB: MatrixInput): number {
    const a = toMatrix(viewA, 'viewA', { minCols: 1 });
    const b = toMatrix(viewB, 'viewB', { minCols: 1 });
    sameShape(a, b, 'viewA', 'viewB');
    const n = a.rows;
    if (n < 2) return 0;
    const backend = this.backend;
    const ws = this.ws;
    const aHat = ws.matrix('aHat', n, a.cols);
    const bHat = ws.matrix('bHat', n, b.cols);
    normalizeRows(backend, a, aHat, ws.vector('scaleA', n));
    normalizeRows(backend, b, bHat, ws.vector('scaleB', n));
    const sim = ws.matrix('sim', n, n);
    backend.gemm(aHat, bHat, sim, { transB: true, alpha: 1 / this.temperature });
    const rowLoss = ws.vector('rowLoss', n);
    backend.rowCrossEntropy(sim, ws.range(n), rowLoss);
    let total = 0;
    // −log(max(p, floor)) = min(−log p, −log floor); −log p ≥ 0 in exact arithmetic.
    for (let i = 0; i < n; i++) total += Math.min(Math.max(rowLoss[i] as number, 0), MAX_ROW_LOSS);
    return total / n;
  }
}
