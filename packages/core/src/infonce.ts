/**
 * SpikeContrastiveLoss: InfoNCE over spike-rate vectors, as in the seed library, plus the variants
 * that training needs and their analytic gradients.
 *
 *   â_i = a_i / max(‖a_i‖, 1e-8),  b̂_i likewise
 *   s   = â b̂ᵀ / τ
 *   seed:      L = −mean_i log(max(softmax(s_i)_ii, 1e-10))    (each row capped at ≈ 23.03)
 *   infonce:   L = mean_i [logsumexp_j s_ij − s_ii]            (the same without the cap)
 *   symmetric: L = ½ (L_ab + L_ba)                             (CLIP-style)
 *   ntxent:    z = [â; b̂]; each of the 2B rows scores its other view against the 2B − 1 other
 *              rows, L = mean over the 2B rows                 (SimCLR's NT-Xent)
 *
 * A batch of fewer than 2 rows has loss 0 (and zero gradients). Gradients follow
 * ∂L/∂s_ij = w_i (softmax(s_i)_j − δ_{j,target(i)}), then ∂L/∂â = (1/τ) ∂L/∂s · b̂ and
 * ∂L/∂b̂ = (1/τ) ∂L/∂sᵀ · â, and through the normalisation ∂L/∂a_i = (I − â_i â_iᵀ) ∂L/∂â_i / ‖a_i‖.
 * Rows that the seed variant caps contribute zero gradient (the floor is flat).
 */
import type { Backend, Matrix } from './backend.js';
import { InvalidValueError } from './errors.js';
import { rowBlock, zeros } from './matrix.js';
import { checkBackendOption, resolveBackend } from './registry.js';
import {
  checkOptions,
  checkOut,
  integerInRange,
  type MatrixInput,
  oneOf,
  positiveFinite,
  sameShape,
  toMatrix,
} from './validate.js';
import { Workspace } from './workspace.js';

/** Row norms are clipped from below at this value before dividing (a zero row stays zero). */
export const NORM_FLOOR = 1e-8;
/** Positive-pair probabilities are clipped from below at this value before the log. */
export const PROBABILITY_FLOOR = 1e-10;
/** The largest loss one row can contribute: −log(PROBABILITY_FLOOR). */
export const MAX_ROW_LOSS = -Math.log(PROBABILITY_FLOOR);
/** The logit given to excluded candidates (a row's own view in NT-Xent): probability exactly 0. */
export const MASKED_LOGIT = -1e30;

/** The contrastive losses {@link SpikeContrastiveLoss} computes. */
export const CONTRASTIVE_VARIANTS = ['seed', 'infonce', 'symmetric', 'ntxent'] as const;
export type ContrastiveVariant = (typeof CONTRASTIVE_VARIANTS)[number];

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
  /** Which loss (see {@link ContrastiveVariant}). Default `'seed'`, the seed library's loss. */
  variant?: ContrastiveVariant;
  /**
   * Compute the similarity matrix this many rows at a time, so memory grows as
   * `chunkSize × batch` instead of `batch²`. The loss is identical; gradients agree to float32
   * rounding (their key-side sums are accumulated block by block). Default: all rows at once.
   */
  chunkSize?: number;
  /** Run on this backend (a registered name or a Backend) instead of the active one. */
  backend?: string | Backend;
}

/** Where {@link SpikeContrastiveLoss.computeWithGrad} writes its gradients (each optional). */
export interface GradOutputs {
  /** Receives ∂loss/∂viewA: a Matrix of viewA's shape (Float32Array data), overwritten. */
  gradA?: Matrix;
  /** Receives ∂loss/∂viewB: a Matrix of viewB's shape, overwritten. Not the same as gradA. */
  gradB?: Matrix;
}

/** The result of {@link SpikeContrastiveLoss.computeWithGrad}. */
export interface LossWithGrad {
  readonly loss: number;
  /** ∂loss/∂viewA, the shape of viewA. */
  readonly gradA: Matrix;
  /** ∂loss/∂viewB, the shape of viewB. */
  readonly gradB: Matrix;
}

/** One direction of a contrastive loss: rows of `queries` score rows of `keys`. */
interface Direction {
  readonly queries: Matrix;
  readonly keys: Matrix;
  /** Row i's positive is key `(i + targetShift) mod keys.rows`. */
  readonly targetShift: number;
  /** Exclude key i from row i's candidates (NT-Xent: a row is not its own negative). */
  readonly maskSelf: boolean;
  /** Weight of each row's loss in the total. */
  readonly weight: number;
  /** Gradient accumulators (zeroed by the caller), or undefined for the loss alone. */
  readonly gradQueries?: Matrix;
  readonly gradKeys?: Matrix;
}

export class SpikeContrastiveLoss {
  /** Contrastive temperature τ. */
  readonly temperature: number;
  /** The loss computed (see {@link ContrastiveVariant}). */
  readonly variant: ContrastiveVariant;
  /** Rows of the similarity matrix computed at a time (Infinity: all). */
  readonly chunkSize: number;
  private readonly backendSpec: string | Backend | undefined;
  private readonly ws = new Workspace();

  /**
   * `new SpikeContrastiveLoss(0.5)` or
   * `new SpikeContrastiveLoss({ temperature: 0.5, variant: 'ntxent', backend: 'js' })`.
   */
  constructor(options: number | SpikeContrastiveLossOptions = {}) {
    const opts =
      typeof options === 'number'
        ? { temperature: options }
        : checkOptions(options, ['temperature', 'variant', 'chunkSize', 'backend']);
    this.temperature = positiveFinite(opts.temperature ?? 0.5, 'temperature');
    this.variant = oneOf(opts.variant ?? 'seed', CONTRASTIVE_VARIANTS, 'variant');
    this.chunkSize =
      opts.chunkSize === undefined ? Number.POSITIVE_INFINITY : integerInRange(opts.chunkSize, 'chunkSize', 1);
    this.backendSpec = checkBackendOption(opts.backend);
  }

  /** The backend this instance computes on (the per-instance override, or the active one). */
  get backend(): Backend {
    return resolveBackend(this.backendSpec);
  }

  /**
   * The loss of a batch of spike-rate pairs: row i of `viewA` and row i of `viewB` are two views
   * of the same input; the other rows are its negatives.
   * @param viewA `(batch, features)` spike rates from augmentation A.
   * @param viewB `(batch, features)` spike rates from augmentation B, same shape.
   */
  compute(viewA: MatrixInput, viewB: MatrixInput): number {
    return this.run(viewA, viewB).loss;
  }

  /**
   * The loss and its gradients with respect to both views: new matrices of the views' shapes, or
   * the given `options.gradA` / `options.gradB` (Matrices of that shape), overwritten.
   * The loss equals {@link compute}'s.
   */
  computeWithGrad(viewA: MatrixInput, viewB: MatrixInput, options?: GradOutputs): LossWithGrad {
    const r = this.run(viewA, viewB, options ?? {});
    return { loss: r.loss, gradA: r.gradA as Matrix, gradB: r.gradB as Matrix };
  }

  /** The loss, and the gradients when `grads` is given (their outputs, when it names them). */
  private run(viewA: MatrixInput, viewB: MatrixInput, grads?: GradOutputs): Partial<LossWithGrad> & { loss: number } {
    const a = toMatrix(viewA, 'viewA', { minCols: 1 });
    const b = toMatrix(viewB, 'viewB', { minCols: 1 });
    sameShape(a, b, 'viewA', 'viewB');
    const { rows: n, cols: d } = a;
    const withGrad = grads !== undefined;
    let gradA: Matrix | undefined;
    let gradB: Matrix | undefined;
    if (grads) {
      const o = checkOptions(grads, ['gradA', 'gradB']);
      gradA = o.gradA === undefined ? zeros(n, d) : checkOut(o.gradA, n, d, 'options.gradA');
      gradB = o.gradB === undefined ? zeros(n, d) : checkOut(o.gradB, n, d, 'options.gradB');
      if (gradA.data === gradB.data) {
        throw new InvalidValueError({
          argument: 'options.gradB',
          expected: 'a matrix other than options.gradA',
          actual: 'the same matrix',
        });
      }
    }
    if (n < 2) {
      gradA?.data.fill(0);
      gradB?.data.fill(0);
      return withGrad ? { loss: 0, gradA, gradB } : { loss: 0 };
    }
    const backend = this.backend;
    const ws = this.ws;
    // Both normalised views live in one 2n-row buffer: NT-Xent uses it whole as z = [â; b̂].
    const z = ws.matrix('z', 2 * n, d);
    const aHat = rowBlock(z, 0, n);
    const bHat = rowBlock(z, n, n);
    const scales = ws.vector('scales', 2 * n);
    const scaleA = scales.subarray(0, n);
    const scaleB = scales.subarray(n);
    normalizeRows(backend, a, aHat, scaleA);
    normalizeRows(backend, b, bHat, scaleB);
    const dz = withGrad ? ws.matrix('dz', 2 * n, d) : undefined;
    dz?.data.fill(0);
    const dA = dz && rowBlock(dz, 0, n);
    const dB = dz && rowBlock(dz, n, n);

    let loss: number;
    switch (this.variant) {
      case 'seed':
      case 'infonce':
        loss = this.direction(backend, {
          queries: aHat,
          keys: bHat,
          targetShift: 0,
          maskSelf: false,
          weight: 1 / n,
          gradQueries: dA,
          gradKeys: dB,
        });
        break;
      case 'symmetric': {
        const common = { targetShift: 0, maskSelf: false, weight: 1 / (2 * n) };
        loss =
          this.direction(backend, { ...common, queries: aHat, keys: bHat, gradQueries: dA, gradKeys: dB }) +
          this.direction(backend, { ...common, queries: bHat, keys: aHat, gradQueries: dB, gradKeys: dA });
        break;
      }
      case 'ntxent':
        loss = this.direction(backend, {
          queries: z,
          keys: z,
          targetShift: n,
          maskSelf: true,
          weight: 1 / (2 * n),
          gradQueries: dz,
          gradKeys: dz,
        });
        break;
    }
    if (!dA || !dB || !gradA || !gradB) return { loss };
    backend.rowNormalizeBackward(aHat, dA, scaleA, gradA);
    backend.rowNormalizeBackward(bHat, dB, scaleB, gradB);
    return { loss, gradA, gradB };
  }

  /** Weighted sum of the rows' cross-entropies, accumulating gradients when asked. */
  private direction(backend: Backend, dir: Direction): number {
    const { queries, keys, targetShift, maskSelf, weight, gradQueries, gradKeys } = dir;
    const m = queries.rows;
    const k = keys.rows;
    const chunk = Math.min(m, this.chunkSize);
    const invTau = 1 / this.temperature;
    const capped = this.variant === 'seed';
    const ws = this.ws;
    const simBuffer = ws.matrix('sim', chunk, k);
    const rowLoss = ws.vector('rowLoss', chunk);
    const targets = ws.ints('targets', chunk);
    const positive = ws.vector('positive', chunk);
    const weights = ws.vector('rowWeight', chunk);
    let total = 0;
    for (let r0 = 0; r0 < m; r0 += chunk) {
      const rows = Math.min(chunk, m - r0);
      const sim = rowBlock(simBuffer, 0, rows);
      const q = rowBlock(queries, r0, rows);
      backend.gemm(q, keys, sim, { transB: true, alpha: invTau });
      for (let i = 0; i < rows; i++) {
        targets[i] = (r0 + i + targetShift) % k;
        if (maskSelf) sim.data[i * k + r0 + i] = MASKED_LOGIT;
      }
      const blockTargets = targets.subarray(0, rows);
      const blockLoss = rowLoss.subarray(0, rows);
      if (!gradQueries || !gradKeys) {
        backend.rowCrossEntropy(sim, blockTargets, blockLoss);
      } else {
        for (let i = 0; i < rows; i++) positive[i] = sim.data[i * k + (targets[i] as number)] as number;
        // sim becomes softmax(sim), then ∂L/∂s = w (softmax − one-hot(target)), in place.
        backend.rowSoftmax(sim, sim, blockLoss);
        const rowWeight = weights.subarray(0, rows);
        for (let i = 0; i < rows; i++) {
          const ce = (blockLoss[i] as number) - (positive[i] as number);
          blockLoss[i] = ce;
          rowWeight[i] = capped && ce > MAX_ROW_LOSS ? 0 : weight;
        }
        backend.scaleRows(sim, rowWeight, sim);
        for (let i = 0; i < rows; i++) {
          const t = i * k + (targets[i] as number);
          sim.data[t] = (sim.data[t] as number) - (rowWeight[i] as number);
        }
        backend.gemm(sim, keys, rowBlock(gradQueries, r0, rows), { alpha: invTau, beta: 1 });
        backend.gemm(sim, q, gradKeys, { transA: true, alpha: invTau, beta: 1 });
      }
      for (let i = 0; i < rows; i++) {
        const ce = blockLoss[i] as number;
        // −log(max(p, floor)) = min(−log p, −log floor); −log p ≥ 0 in exact arithmetic.
        total += capped ? Math.min(Math.max(ce, 0), MAX_ROW_LOSS) : Math.max(ce, 0);
      }
    }
    return total * weight;
  }
}
