/**
 * The contraspike kernels on gpu.js. Each kernel of the `Backend` interface runs as one or two
 * gpu.js kernels (see `sources.ts`), compiled on first use for its shape and settings and cached;
 * inputs are read from the caller's Float32Arrays and results copied into the caller's outputs,
 * so an output may alias an input wherever the interface allows it.
 */
import {
  type AdamStepOptions,
  allFinite,
  type Backend,
  type BackendCapabilities,
  BackendError,
  type GemmOptions,
  type LifParams,
  type LifState,
  type Matrix,
  type OuterTerm,
} from '@contraspike/core';
import { type CompiledKernel, type Gpu, type GpuJs, isGpuMode, modeOf, type RunningMode } from './gpu.js';
import type { KernelSource } from './sources.js';
import * as sources from './sources.js';

/** What a gpu.js kernel returns: a vector, rows, or (for several outputs) planes of rows. */
type Planes = readonly (readonly Float32Array[])[];

/** Stands in for an empty matrix, which gpu.js cannot upload. */
const PLACEHOLDER = new Float32Array(1);

function deviceOf(mode: RunningMode): BackendCapabilities['device'] {
  if (isGpuMode(mode)) return 'gpu';
  return mode === 'webasm' ? 'wasm' : 'cpu';
}

/** Copies `rows × cols` results (an array of Float32Array rows) into `target`, checking the shape. */
function copyRows(result: unknown, rows: number, cols: number, target: Float32Array, what: string): void {
  const list = result as readonly Float32Array[];
  if (!Array.isArray(list) || list.length !== rows) throw shapeMismatch(what, `${rows} rows`, result);
  for (let i = 0; i < rows; i++) {
    const row = list[i];
    if (!(row instanceof Float32Array) || row.length !== cols) throw shapeMismatch(what, `rows of ${cols}`, row);
    target.set(row, i * cols);
  }
}

/** Copies a vector result into `target` (widening to float64 where it is a Float64Array). */
function copyVector(result: unknown, target: Float32Array | Float64Array, what: string): void {
  if (!(result instanceof Float32Array) || result.length !== target.length) {
    throw shapeMismatch(what, `a Float32Array of length ${target.length}`, result);
  }
  target.set(result);
}

function shapeMismatch(what: string, expected: string, got: unknown): BackendError {
  const actual = Array.isArray(got) ? `an array of length ${got.length}` : String(got?.constructor?.name ?? got);
  return new BackendError(
    `gpujs: kernel ${what} returned an output of the wrong shape (expected ${expected}, got ${actual})`,
  );
}

export class GpujsBackend implements Backend {
  readonly name: string;
  readonly capabilities: BackendCapabilities;
  /** The gpu.js mode that runs every kernel. */
  readonly mode: RunningMode;
  private readonly lib: GpuJs;
  private readonly gpu: Gpu;
  private readonly kernels = new Map<string, CompiledKernel>();
  private readonly scratch = new Map<string, Float32Array>();
  private disposed = false;

  constructor(lib: GpuJs, gpu: Gpu, mode: RunningMode) {
    this.lib = lib;
    this.gpu = gpu;
    this.mode = mode;
    this.name = `gpujs:${mode}`;
    this.capabilities = Object.freeze({ device: deviceOf(mode), storage: 'float32', accumulation: 'float32' });
  }

  /** How many gpu.js kernels are compiled and cached (one per kernel, shape and setting); for tests and tuning. */
  get compiledKernelCount(): number {
    return this.kernels.size;
  }

  /**
   * Runs `source` over `output` (gpu.js order: [x = columns, y = rows, z = planes]) with `constants`,
   * compiling it on first use for exactly this output and these constants.
   */
  private run(
    source: KernelSource,
    output: readonly number[],
    constants: Record<string, number>,
    args: unknown[],
  ): unknown {
    if (this.disposed) throw new BackendError(`${this.name}: this backend was disposed`);
    const key = `${source.name}|${output.join('x')}|${JSON.stringify(constants)}`;
    let kernel = this.kernels.get(key);
    if (!kernel) {
      kernel = this.gpu.createKernel(source.source, {
        output,
        constants,
        loopMaxIterations: Math.max(1, ...Object.values(constants)),
        precision: 'single',
        tactic: 'precision',
      });
      this.kernels.set(key, kernel);
    }
    let result: unknown;
    try {
      result = kernel(...args);
    } catch (error) {
      this.kernels.delete(key);
      const message = error instanceof Error ? error.message : String(error);
      throw new BackendError(`${this.name}: gpu.js could not run kernel ${source.name}: ${message}`, [], {
        cause: error,
      });
    }
    // gpu.js swaps in a CPU kernel when one cannot run in its mode (a failed shader compile, an
    // unsupported argument); the result would be right but the backend's name a lie.
    const ran = modeOf(this.lib, kernel.kernel.constructor);
    if (ran !== this.mode) {
      this.kernels.delete(key);
      const reason = kernel.kernel.fallbackReason;
      throw new BackendError(
        `${this.name}: gpu.js ran kernel ${source.name} in mode "${ran}" instead of "${this.mode}"` +
          `${reason ? ` (${reason})` : ''}; refusing the substitution`,
      );
    }
    return result;
  }

  /** A reusable Float32 buffer of `length` for `key` (scratch for conversions and packing). */
  private f32(key: string, length: number): Float32Array {
    let buffer = this.scratch.get(key);
    if (buffer?.length !== length) {
      buffer = new Float32Array(length);
      this.scratch.set(key, buffer);
    }
    return buffer;
  }

  /** A matrix as a gpu.js 2-D input, read in a kernel as `x[row][col]`. */
  private input(data: Float32Array, rows: number, cols: number): object {
    // gpu.js cannot upload an empty array; a kernel never reads it (its loops have no iterations).
    return rows * cols === 0 ? new this.lib.Input(PLACEHOLDER, [1, 1]) : new this.lib.Input(data, [cols, rows]);
  }

  private in(m: Matrix): object {
    return this.input(m.data, m.rows, m.cols);
  }

  /** A Float64 vector (scales) as a Float32 copy. */
  private narrow(key: string, values: Float64Array | Int32Array): Float32Array {
    const buffer = this.f32(key, values.length);
    buffer.set(values);
    return buffer;
  }

  /** An element-wise kernel over the shape of `out`, written into `out`. */
  private elementwise(
    source: KernelSource,
    out: Matrix,
    args: unknown[],
    constants: Record<string, number> = {},
  ): void {
    if (out.rows === 0 || out.cols === 0) return;
    copyRows(this.run(source, [out.cols, out.rows], constants, args), out.rows, out.cols, out.data, source.name);
  }

  /** An element-wise step with several outputs (planes z = 0, 1, ...), copied into `targets`. */
  private planes(
    source: KernelSource,
    args: unknown[],
    targets: Matrix[],
    constants: Record<string, number> = {},
  ): void {
    const { rows, cols } = targets[0] as Matrix;
    if (rows === 0 || cols === 0) return;
    const result = this.run(source, [cols, rows, targets.length], constants, args) as Planes;
    if (!Array.isArray(result) || result.length !== targets.length) {
      throw shapeMismatch(source.name, `${targets.length} planes`, result);
    }
    targets.forEach((t, z) => {
      copyRows(result[z], rows, cols, t.data, source.name);
    });
  }

  /** `Σ_j x[i, j] · y[i, j]` per row, as gpu.js's Float32Array. */
  private rowDots(x: Matrix, y: Matrix): Float32Array {
    return this.run(sources.rowDot, [x.rows], { cols: x.cols }, [this.in(x), this.in(y)]) as Float32Array;
  }

  /** Per row, `(max − pick · x[i, targets[i]]) + log Σ_j exp(x[i, j] − max)`, into `out`. */
  private rowLogSumExp(x: Matrix, targets: Float32Array, pick: number, out: Float32Array | Float64Array): void {
    if (x.rows === 0) return;
    const result = this.run(sources.rowLogSumExp, [x.rows], { cols: x.cols }, [this.in(x), targets, pick]);
    copyVector(result, out, 'rowLogSumExp');
  }

  gemm(a: Matrix, b: Matrix, out: Matrix, options: GemmOptions = {}): void {
    const transA = options.transA ?? false;
    const beta = options.beta ?? 0;
    const constants = { k: transA ? a.rows : a.cols, useBeta: beta === 0 ? 0 : 1 };
    const args = [this.in(a), this.in(b), this.in(out), options.alpha ?? 1, beta];
    this.elementwise(sources.gemm(transA, options.transB ?? false), out, args, constants);
  }

  rowSumSquares(x: Matrix, out: Float64Array): void {
    if (x.rows === 0) return;
    copyVector(this.rowDots(x, x), out, 'rowSumSquares');
  }

  scaleRows(x: Matrix, scales: Float64Array, out: Matrix): void {
    this.elementwise(sources.scaleRows, out, [this.in(x), this.narrow('scales', scales)]);
  }

  rowCrossEntropy(logits: Matrix, targets: Int32Array, out: Float64Array): void {
    this.rowLogSumExp(logits, this.narrow('targets', targets), 1, out);
  }

  rowSoftmax(logits: Matrix, out: Matrix, logSumExp: Float64Array): void {
    const lse = this.f32('logSumExp', logits.rows);
    this.rowLogSumExp(logits, this.f32('zeros', logits.rows).fill(0), 0, lse);
    logSumExp.set(lse);
    this.elementwise(sources.softmax, out, [this.in(logits), lse]);
  }

  rowNormalizeBackward(xHat: Matrix, grad: Matrix, scales: Float64Array, out: Matrix): void {
    if (out.rows === 0 || out.cols === 0) return;
    const args = [this.in(xHat), this.in(grad), this.narrow('scales', scales), this.rowDots(xHat, grad)];
    this.elementwise(sources.normalizeBackward, out, args);
  }

  lifStep(current: Matrix, state: LifState, params: LifParams): void {
    const { v, threshold, trace, spikes, counts } = state;
    const args = [this.in(current), this.in(v), this.in(threshold), this.in(trace), this.in(counts ?? v)];
    this.planes(
      sources.lifStep,
      [...args, params.leak, params.traceDecay],
      counts ? [v, spikes, trace, counts] : [v, spikes, trace],
    );
    if (params.thresholdAdaptation === 0) return;
    // Spikes are 0 or 1, so each sample's spike count is the row sum of their squares.
    const fired = this.rowDots(spikes, spikes);
    const adapt = [this.in(threshold), fired, params.thresholdAdaptation, params.thresholdMinimum];
    this.elementwise(sources.adaptThreshold, threshold, adapt);
  }

  adamStep(param: Matrix, grad: Matrix, m: Matrix, v: Matrix, options: AdamStepOptions): void {
    const { lr, beta1, beta2, epsilon, step, clip } = options;
    const hyper = this.f32('adam', 9);
    hyper.set([lr, beta1, 1 - beta1, beta2, 1 - beta2, epsilon, 1 - beta1 ** step, 1 - beta2 ** step, clip ?? 0]);
    const args = [this.in(param), this.in(grad), this.in(m), this.in(v), hyper];
    this.planes(sources.adamStep, args, [param, m, v], { useClip: clip === undefined ? 0 : 1 });
  }

  /** The kernel's result comes back to the host, which then scans it for finiteness. */
  outerUpdate(w: Matrix, alpha: number, terms: readonly OuterTerm[], out: Matrix): boolean {
    const { rows, cols } = w;
    const n = terms.length;
    const coefs = this.f32('coefs', Math.max(1, n));
    const u = this.f32('u', n * rows);
    const v = this.f32('v', n * cols);
    terms.forEach((term, t) => {
      coefs[t] = term.coef;
      u.set(term.u, t * rows);
      v.set(term.v, t * cols);
    });
    const args = [this.in(w), alpha, coefs, this.input(u, n, rows), this.input(v, n, cols)];
    this.elementwise(sources.outerUpdate, out, args, { terms: n });
    return allFinite(out.data);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.kernels.clear();
    this.scratch.clear();
    // Destroys every kernel this GPU compiled, then its context (asynchronously, as gpu.js does).
    this.gpu.destroy().catch(() => undefined);
  }
}
