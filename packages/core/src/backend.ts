/**
 * The `Backend` contract: the small set of numeric kernels that every algorithm in contraspike
 * is composed from. Algorithms live once, in core; a backend only supplies kernels.
 *
 * Kernel rules (the conformance suite checks them):
 * - Inputs are never written. Outputs go to the `out` argument, which the caller allocates
 *   with the right shape. Where a kernel documents it, `out` may alias an input.
 * - Kernels trust their inputs: shapes, finiteness and option ranges are validated once,
 *   at the public API boundary (see `validate.ts`), never inside a kernel. One exception:
 *   `outerUpdate` reports whether its output is finite, so W need not be scanned beforehand.
 * - Matrices are row-major `Float32Array`s. Row reductions are written to `Float64Array`s so a
 *   backend that accumulates in float64 loses nothing; a float32 device widens its result.
 */

/** A dense row-major matrix: element `(i, j)` is `data[i * cols + j]`. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

/** One term `coef · u vᵀ` of {@link Backend.outerUpdate}; `u` has `rows` entries, `v` has `cols`. */
export interface OuterTerm {
  readonly coef: number;
  readonly u: Float32Array;
  readonly v: Float32Array;
}

/** Options of {@link Backend.gemm}: `out = alpha · op(a) · op(b) + beta · out`. */
export interface GemmOptions {
  /** Use `aᵀ` instead of `a`. Default false. */
  readonly transA?: boolean;
  /** Use `bᵀ` instead of `b`. Default false. */
  readonly transB?: boolean;
  /** Default 1. */
  readonly alpha?: number;
  /** Default 0; with 0 the previous contents of `out` are ignored (even NaN). */
  readonly beta?: number;
}

/** State of a batch of LIF neurons updated in place by {@link Backend.lifStep}; all `batch × neurons`. */
export interface LifState {
  /** Membrane potentials. */
  readonly v: Matrix;
  /** Firing thresholds θ, per sample and neuron (adapted in place when thresholdAdaptation > 0). */
  readonly threshold: Matrix;
  /** Spike traces (1 right after a spike, decaying geometrically). */
  readonly trace: Matrix;
  /** Receives this step's spikes (0 or 1). */
  readonly spikes: Matrix;
  /** Optional running spike counts, incremented by this step's spikes. */
  readonly counts?: Matrix;
}

/** Constants of {@link Backend.lifStep}. */
export interface LifParams {
  /** Δt / τ_m: the fraction of the way the potential moves toward the input current per step. */
  readonly leak: number;
  /** 1 − Δt / τ_trace: how much of the trace survives one step. */
  readonly traceDecay: number;
  /** ρ: homeostatic rate of the thresholds (0: fixed thresholds). */
  readonly thresholdAdaptation: number;
  /** Lower bound of an adapting threshold. */
  readonly thresholdMinimum: number;
}

/** Options of {@link Backend.adamStep}. */
export interface AdamStepOptions {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** 1-based step count, for bias correction. */
  readonly step: number;
  /** When given, parameters are clipped to [−clip, clip] after the step. */
  readonly clip?: number;
}

export type Device = 'cpu' | 'gpu' | 'wasm';
export type Precision = 'float32' | 'float64';

/** What a backend declares about itself; the conformance suite derives its tolerances from it. */
export interface BackendCapabilities {
  /** Where the kernels run. */
  readonly device: Device;
  /** Precision of stored values (matrices are always handed over as Float32Array). */
  readonly storage: Precision;
  /** Precision of sums inside kernels (dot products, reductions). */
  readonly accumulation: Precision;
}

/**
 * A live backend: kernels plus identity. Obtain one from a {@link BackendProvider}
 * (normally through `setBackend` / `ready` / `getBackend`).
 */
export interface Backend {
  /** The concrete implementation that runs, e.g. `js`, `gpujs:webgl2`, `gpujs:cpu`. */
  readonly name: string;
  readonly capabilities: BackendCapabilities;

  /**
   * General matrix product `out = alpha · op(a) · op(b) + beta · out`, with `op(x)` = `x` or `xᵀ`.
   * `out` is `(rows of op(a)) × (cols of op(b))` and must not alias `a` or `b`.
   */
  gemm(a: Matrix, b: Matrix, out: Matrix, options?: GemmOptions): void;

  /** `out[i] = Σ_j x[i,j]²` (`out.length === x.rows`). */
  rowSumSquares(x: Matrix, out: Float64Array): void;

  /** `out[i,j] = x[i,j] · scales[i]` (`scales.length === x.rows`). `out` may alias `x`. */
  scaleRows(x: Matrix, scales: Float64Array, out: Matrix): void;

  /**
   * Softmax cross-entropy per row against one target column:
   * `out[i] = log Σ_j exp(logits[i,j]) − logits[i, targets[i]]`, computed stably (max-shifted).
   */
  rowCrossEntropy(logits: Matrix, targets: Int32Array, out: Float64Array): void;

  /**
   * Row-wise softmax, computed stably (max-shifted):
   * `logSumExp[i] = log Σ_j exp(logits[i,j])`, `out[i,j] = exp(logits[i,j] − logSumExp[i])`.
   * `out` has the shape of `logits` and may alias it. A very negative logit (e.g. −1e30, used to
   * mask a column) gets probability 0.
   */
  rowSoftmax(logits: Matrix, out: Matrix, logSumExp: Float64Array): void;

  /**
   * Backward pass of row normalisation `x̂_i = x_i · scales[i]` with `‖x̂_i‖ = 1` (or 0):
   * `out[i] = scales[i] · (grad[i] − (x̂_i · grad[i]) x̂_i)`. `out` may alias `grad`.
   */
  rowNormalizeBackward(xHat: Matrix, grad: Matrix, scales: Float64Array, out: Matrix): void;

  /**
   * One time step of a batch of simplified leaky integrate-and-fire neurons, in place on `state`
   * (every matrix `batch × neurons`):
   *
   *   v ← v + leak · (current − v);  s = [v > θ];  v ← v · (1 − s);
   *   trace ← trace · traceDecay · (1 − s) + s;  counts ← counts + s (when given);
   *   then, per sample b, θ_b ← max(θ_b + thresholdAdaptation · (Σ_i s_bi − 1), thresholdMinimum)
   *   (skipped when thresholdAdaptation is 0).
   *
   * `state.spikes` receives `s` (0 or 1).
   */
  lifStep(current: Matrix, state: LifState, params: LifParams): void;

  /**
   * One Adam step, in place on `param`, `m` and `v` (all of one shape; `grad` is read only):
   *
   *   m ← β1 m + (1 − β1) g;  v ← β2 v + (1 − β2) g²;
   *   param ← param − lr · (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε);
   *   then, when `clip` is given, param ← min(max(param, −clip), clip).
   */
  adamStep(param: Matrix, grad: Matrix, m: Matrix, v: Matrix, options: AdamStepOptions): void;

  /**
   * Fused rank-k update in one pass over `w`: `out = alpha · w + Σ_k coef_k · u_k v_kᵀ`.
   * `out` has the shape of `w` and may alias it (in-place update).
   *
   * Returns true when every entry written to `out` is finite (as stored, in float32), false when
   * any is NaN or ±Infinity. This is the one kernel whose matrix input is not checked at the
   * boundary: the check is fused into the update's own pass (as PyTorch AMP fuses its inf/NaN
   * check into unscaling), so a caller can skip a separate read of a large W. With finite `alpha`,
   * coefficients and vectors (still validated), an entry of `out` is non-finite exactly when the
   * matching entry of `w` is, or when the update overflows float32. A backend that cannot fuse the
   * check scans `out` afterwards (core's `allFinite`).
   */
  outerUpdate(w: Matrix, alpha: number, terms: readonly OuterTerm[], out: Matrix): boolean;

  /** Releases compiled kernels and device memory. The backend must not be used afterwards. */
  dispose(): void;
}

/** Passed by the registry to {@link BackendProvider.create}. */
export interface CreateContext {
  /**
   * True when the registry is choosing a backend automatically (no explicit `setBackend`).
   * A provider may then decline (throw) when it would run but not be worthwhile, e.g. a GPU
   * library that finds no GPU; under an explicit request it should run or explain why not.
   */
  readonly auto: boolean;
}

/** A named factory of backends; register it with `registerBackend`. */
export interface BackendProvider<Options = unknown> {
  /** Unique name used by `setBackend(name)`, e.g. `js` or `gpujs`. */
  readonly name: string;
  /** Higher wins in automatic selection. backend-js uses 1. */
  readonly priority: number;
  /** Creates a backend. May be async (lazy loading of heavy libraries). Throw to refuse. */
  create(options: Options | undefined, context: CreateContext): Backend | Promise<Backend>;
}
