/**
 * The contraspike kernels on WebAssembly SIMD. Inputs are copied into the kernels' memory, the
 * kernel runs there, results are copied back into the caller's outputs — so an output may alias an
 * input wherever the interface allows it, and callers' arrays are never shared with the module.
 *
 * Memory layout (byte addresses): the module's static data below `heapBase`, then the workers'
 * control words and one gemm descriptor per thread, then the arena from {@link ARENA_BASE}. Each
 * kernel call lays out its regions in the arena from the start, so repeated calls with the same
 * shapes reuse the same addresses; the memory grows only when a call needs more than any before it.
 */
import {
  type AdamStepOptions,
  type Backend,
  type BackendCapabilities,
  BackendError,
  type GemmOptions,
  gemmCall,
  type LifParams,
  type LifState,
  type Matrix,
  type OuterTerm,
} from '@contraspike/core';
import { type Kernels, MAXIMUM_PAGES, PAGE } from './module.js';
import { JobKind, type WorkerPool } from './threads.js';

export const capabilities: BackendCapabilities = Object.freeze({
  device: 'wasm',
  storage: 'float32',
  accumulation: 'float32',
});

/** Where the workers' control words start (the module's static data ends below). */
export const CONTROL_BASE = 8192;
/** One gemm descriptor (15 int32/float32 fields) per thread, 64 bytes apart, from byte 12288. */
export const descriptor = (thread: number) => 12288 + 64 * thread;
/** Threads supported: the descriptors must fit below the arena. */
export const MAX_THREADS = 64;
/** Where the arena starts. */
export const ARENA_BASE = 16384;
/** Regions are aligned to a cache line. */
const ALIGN = 64;
/** Columns of B packed per panel (the micro-kernel's width). */
const NR = 8;
/** Rows of out per micro-kernel tile; thread shares are multiples of it. */
const MR = 4;
/** Rows of out packed and computed per block (as in the kernels). */
const MC = 128;
/** Multiply-adds below which a gemm stays on one thread (the hand-off costs tens of µs). */
const PARALLEL_WORK = 1 << 21;
/** A binary a with at most this fraction of ones takes the event-driven gemm (sum the rows of b it selects). */
const SPIKE_DENSITY = 0.2;
/**
 * When such a gemm's b has at most this fraction of nonzeros, each selected row of b adds only its
 * nonzeros (a scalar scatter) instead of being added whole (f32x4 over every column).
 */
const SCATTER_DENSITY = 1 / 32;
/** Bytes of W that outerUpdate streams through the memory at a time (L2-resident). */
const OUTER_BLOCK_BYTES = 128 * 1024;

const bytes32 = (count: number) => count * 4;

export class WasmBackend implements Backend {
  readonly name = 'wasm';
  readonly capabilities = capabilities;
  private disposed = false;
  private spikeGemms = 0;
  private scatterGemms = 0;
  private top = ARENA_BASE;
  private f32!: Float32Array;
  private f64!: Float64Array;
  private i32!: Int32Array;
  private readonly scratchBytes: number;

  /**
   * @param memory the kernels' memory (shared when there are workers)
   * @param kernels the module instantiated on it
   * @param pool worker threads on the same memory, or undefined for one thread
   * @param streaming a one-thread backend on a plain memory that runs {@link outerUpdate} for a
   *   backend with workers (copies to and from a shared memory are slower; that kernel is all copies)
   */
  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly kernels: Kernels,
    private readonly pool: WorkerPool | undefined,
    private readonly streaming?: WasmBackend,
  ) {
    if (kernels.heapBase() > CONTROL_BASE) {
      throw new BackendError(`wasm: the module's static data (${kernels.heapBase()} bytes) overlaps the control words`);
    }
    this.scratchBytes = Math.max(kernels.gemmScratchBytes(), kernels.spikeScratchBytes());
    this.refresh();
  }

  /** Threads a large gemm runs on (this one plus the workers). */
  get threads(): number {
    return 1 + (this.pool?.size ?? 0);
  }

  /** Chunks of parallel kernels run by worker threads so far (0 on one thread). */
  get workerChunks(): number {
    return this.pool?.workerChunks ?? 0;
  }

  /** Gemms so far that took the event-driven path (a binary, sparse op(a); b not transposed). */
  get eventDrivenGemms(): number {
    return this.spikeGemms;
  }

  /** Event-driven gemms so far whose b was sparse too (each selected row's nonzeros scattered). */
  get scatteredGemms(): number {
    return this.scatterGemms;
  }

  /** Bytes of memory the kernels use now (it grows on demand, never shrinks). */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength + (this.streaming?.memoryBytes ?? 0);
  }

  private refresh(): void {
    const buffer = this.memory.buffer;
    this.f32 = new Float32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.i32 = new Int32Array(buffer);
  }

  private live(): void {
    if (this.disposed) throw new BackendError(`${this.name}: this backend was disposed`);
  }

  /** Starts laying out a call's regions at the start of the arena. */
  private begin(): void {
    this.live();
    this.top = ARENA_BASE;
  }

  /** A region of `size` bytes in the arena (call {@link commit} before touching it). */
  private alloc(size: number): number {
    const at = this.top;
    this.top = at + Math.ceil(size / ALIGN) * ALIGN;
    return at;
  }

  /** Makes every region allocated since {@link begin} addressable: grows the memory if needed. */
  private commit(): void {
    const have = this.memory.buffer.byteLength;
    if (this.top > have) {
      const need = Math.ceil(this.top / PAGE);
      // Grow by at least half of what there is, so a sequence of growing shapes grows rarely.
      const pages = Math.min(MAXIMUM_PAGES, Math.max(need, Math.ceil((have / PAGE) * 1.5)));
      if (need > MAXIMUM_PAGES) {
        throw new BackendError(`wasm: a call needs ${this.top} bytes, more than the 4 GiB a WebAssembly memory holds`);
      }
      this.memory.grow(pages - have / PAGE);
    }
    // A shared memory's buffer object changes when it grows (the old one keeps its length).
    if (this.f32.buffer !== this.memory.buffer) this.refresh();
  }

  /** Copies `src` into the region at byte `at`. */
  private put(src: Float32Array, at: number, count: number): void {
    this.f32.set(count === src.length ? src : src.subarray(0, count), at >>> 2);
  }

  /** Copies `count` floats from byte `at` into `dst`. */
  private get(at: number, dst: Float32Array, count: number): void {
    dst.set(this.f32.subarray(at >>> 2, (at >>> 2) + count));
  }

  gemm(a: Matrix, b: Matrix, out: Matrix, options?: GemmOptions): void {
    this.begin();
    const { transA, transB, alpha, beta, m, n, k } = gemmCall(a, out, options);
    if (m === 0 || n === 0) return;
    const aSize = a.rows * a.cols;
    const bSize = b.rows * b.cols;
    const pa = this.alloc(bytes32(aSize));
    const pb = this.alloc(bytes32(bSize));
    const pc = this.alloc(bytes32(m * n));
    const panels = Math.ceil(n / NR);
    const packed = this.alloc(bytes32(panels * NR * k));
    const pool = this.pool && m * n * k >= PARALLEL_WORK ? this.pool : undefined;
    const threads = pool ? this.threads : 1;
    const scratch: number[] = [];
    for (let t = 0; t < threads; t++) scratch.push(this.alloc(this.scratchBytes));
    const offsets = this.alloc(4 * (m + 1));
    const idx = this.alloc(4 * Math.floor(SPIKE_DENSITY * aSize));
    const bOffsets = this.alloc(4 * (k + 1));
    const bIdx = this.alloc(4 * Math.floor(SCATTER_DENSITY * bSize));
    this.commit();
    this.put(a.data, pa, aSize);
    this.put(b.data, pb, bSize);
    if (beta !== 0) this.put(out.data, pc, m * n);
    const ones = !transB && k > 0 ? this.spikes(pa, aSize) : -1;
    const scatter = ones >= 0 && this.kernels.countNonzeros(pb, bSize, Math.floor(SCATTER_DENSITY * bSize)) >= 0;
    pool?.close();
    // The descriptor of each thread, read by the kernels (see assembly/kernels.ts).
    for (let t = 0; t < threads; t++) {
      const i = descriptor(t) >>> 2;
      const i32 = this.i32;
      i32[i] = ones >= 0 ? offsets : pa;
      i32[i + 1] = ones >= 0 ? idx : transA ? 1 : a.cols;
      i32[i + 2] = transA ? a.cols : 1;
      i32[i + 3] = packed;
      i32[i + 4] = pc;
      i32[i + 5] = n;
      i32[i + 6] = k;
      i32[i + 7] = pb;
      i32[i + 8] = transB ? 1 : n;
      i32[i + 9] = transB ? k : 1;
      i32[i + 10] = scratch[t] as number;
      this.f32[i + 11] = alpha;
      this.f32[i + 12] = beta;
      i32[i + 13] = scatter ? bOffsets : 0;
      i32[i + 14] = bIdx;
    }
    const desc = descriptor(0);
    if (ones >= 0) {
      // Event-driven: each row of out sums the rows of b selected by the ones of op(a)'s row.
      this.kernels.spikeIndex(pa, a.rows, a.cols, transA, offsets, idx);
      if (scatter) {
        this.kernels.spikeIndex(pb, k, n, false, bOffsets, bIdx);
        this.scatterGemms++;
      }
      if (pool && ones * n >= PARALLEL_WORK) {
        pool.run(JobKind.Spike, desc, m, Math.max(1, Math.ceil(m / (4 * threads))));
      } else {
        this.kernels.spikeRows(desc, 0, m);
      }
      this.spikeGemms++;
    } else if (pool) {
      // Chunks small enough that a thread the OS runs late leaves little for the others to wait on.
      pool.run(JobKind.Pack, desc, panels, Math.max(1, Math.ceil(panels / (4 * threads))));
      pool.run(JobKind.Gemm, desc, m, Math.min(MC, Math.max(MR, Math.ceil(m / (4 * threads) / MR) * MR)));
    } else {
      this.kernels.packPanels(desc, 0, panels);
      this.kernels.gemmRows(desc, 0, m);
    }
    this.get(pc, out.data, m * n);
  }

  /**
   * The number of ones among the `count` floats at `at` when they are spikes (0 or 1) sparse enough
   * for the event-driven gemm, otherwise −1.
   */
  private spikes(at: number, count: number): number {
    const ones = this.kernels.countOnes(at, count);
    return ones >= 0 && ones <= SPIKE_DENSITY * count ? ones : -1;
  }

  rowSumSquares(x: Matrix, out: Float64Array): void {
    this.begin();
    const size = x.rows * x.cols;
    const px = this.alloc(bytes32(size));
    const po = this.alloc(8 * x.rows);
    this.commit();
    this.put(x.data, px, size);
    this.kernels.rowSumSquares(px, x.rows, x.cols, po);
    out.set(this.f64.subarray(po >>> 3, (po >>> 3) + x.rows));
  }

  /** Copies a float64 vector into a fresh region; returns its address. */
  private putVector(values: Float64Array, count: number): number {
    const at = this.alloc(8 * count);
    this.commit();
    this.f64.set(count === values.length ? values : values.subarray(0, count), at >>> 3);
    return at;
  }

  scaleRows(x: Matrix, scales: Float64Array, out: Matrix): void {
    this.begin();
    const size = x.rows * x.cols;
    const px = this.alloc(bytes32(size));
    const ps = this.putVector(scales, x.rows);
    this.put(x.data, px, size);
    this.kernels.scaleRows(px, x.rows, x.cols, ps, px);
    this.get(px, out.data, size);
  }

  rowCrossEntropy(logits: Matrix, targets: Int32Array, out: Float64Array): void {
    this.begin();
    const { rows, cols } = logits;
    const px = this.alloc(bytes32(rows * cols));
    const pt = this.alloc(4 * rows);
    const po = this.alloc(8 * rows);
    this.commit();
    this.put(logits.data, px, rows * cols);
    this.i32.set(targets.length === rows ? targets : targets.subarray(0, rows), pt >>> 2);
    this.kernels.rowCrossEntropy(px, rows, cols, pt, po);
    out.set(this.f64.subarray(po >>> 3, (po >>> 3) + rows));
  }

  rowSoftmax(logits: Matrix, out: Matrix, logSumExp: Float64Array): void {
    this.begin();
    const { rows, cols } = logits;
    const px = this.alloc(bytes32(rows * cols));
    const pl = this.alloc(8 * rows);
    this.commit();
    this.put(logits.data, px, rows * cols);
    this.kernels.rowSoftmax(px, rows, cols, px, pl);
    this.get(px, out.data, rows * cols);
    logSumExp.set(this.f64.subarray(pl >>> 3, (pl >>> 3) + rows));
  }

  rowNormalizeBackward(xHat: Matrix, grad: Matrix, scales: Float64Array, out: Matrix): void {
    this.begin();
    const { rows, cols } = xHat;
    const size = rows * cols;
    const px = this.alloc(bytes32(size));
    const pg = this.alloc(bytes32(size));
    const ps = this.putVector(scales, rows);
    this.put(xHat.data, px, size);
    this.put(grad.data, pg, size);
    this.kernels.rowNormalizeBackward(px, pg, rows, cols, ps, pg);
    this.get(pg, out.data, size);
  }

  lifStep(current: Matrix, state: LifState, params: LifParams): void {
    this.begin();
    const { rows, cols } = current;
    const size = rows * cols;
    const region = () => this.alloc(bytes32(size));
    const [pj, pv, pt, pz, ps] = [region(), region(), region(), region(), region()];
    const pc = state.counts ? region() : 0;
    this.commit();
    this.put(current.data, pj, size);
    this.put(state.v.data, pv, size);
    this.put(state.threshold.data, pt, size);
    this.put(state.trace.data, pz, size);
    if (state.counts) this.put(state.counts.data, pc, size);
    const { leak, traceDecay, thresholdAdaptation, thresholdMinimum } = params;
    this.kernels.lifStep(pj, pv, pt, pz, ps, pc, rows, cols, leak, traceDecay, thresholdAdaptation, thresholdMinimum);
    this.get(pv, state.v.data, size);
    if (thresholdAdaptation !== 0) this.get(pt, state.threshold.data, size);
    this.get(pz, state.trace.data, size);
    this.get(ps, state.spikes.data, size);
    if (state.counts) this.get(pc, state.counts.data, size);
  }

  adamStep(param: Matrix, grad: Matrix, m: Matrix, v: Matrix, options: AdamStepOptions): void {
    this.begin();
    const { lr, beta1, beta2, epsilon, step } = options;
    const size = param.rows * param.cols;
    const [pp, pg, pm, pv] = [0, 0, 0, 0].map(() => this.alloc(bytes32(size))) as [number, number, number, number];
    this.commit();
    this.put(param.data, pp, size);
    this.put(grad.data, pg, size);
    this.put(m.data, pm, size);
    this.put(v.data, pv, size);
    const c1 = 1 / (1 - beta1 ** step);
    const c2 = 1 / (1 - beta2 ** step);
    const clip = options.clip ?? Number.POSITIVE_INFINITY;
    this.kernels.adamStep(pp, pg, pm, pv, size, lr, beta1, beta2, epsilon, c1, c2, clip);
    this.get(pp, param.data, size);
    this.get(pm, m.data, size);
    this.get(pv, v.data, size);
  }

  /**
   * W streams through the memory a block of rows at a time: each block is copied in, updated in
   * place while it is in cache, and copied out, so W and out cross the memory bus once each — the
   * same traffic as one plain copy of W. The kernel reports each block's finiteness from the same
   * pass (see `outerRows`).
   */
  outerUpdate(w: Matrix, alpha: number, terms: readonly OuterTerm[], out: Matrix): boolean {
    if (this.streaming) {
      this.live();
      return this.streaming.outerUpdate(w, alpha, terms, out);
    }
    this.begin();
    const { rows, cols } = w;
    const count = terms.length;
    const table = this.alloc(16 * count);
    const vectors: number[] = [];
    for (let t = 0; t < count; t++) vectors.push(this.alloc(bytes32(rows)), this.alloc(bytes32(cols)));
    const blockRows = Math.max(1, Math.min(rows, Math.floor(OUTER_BLOCK_BYTES / bytes32(Math.max(1, cols)))));
    const block = this.alloc(bytes32(blockRows * cols));
    this.commit();
    for (let t = 0; t < count; t++) {
      const term = terms[t] as OuterTerm;
      const [pu, pv] = [vectors[2 * t] as number, vectors[2 * t + 1] as number];
      this.put(term.u, pu, rows);
      this.put(term.v, pv, cols);
      const rec = (table >>> 2) + 4 * t;
      this.f64[rec >>> 1] = term.coef;
      this.i32[rec + 2] = pv;
      this.i32[rec + 3] = pu;
    }
    const f32 = this.f32;
    const at = block >>> 2;
    const full = f32.subarray(at, at + blockRows * cols);
    let finite = 1;
    for (let r0 = 0; r0 < rows; r0 += blockRows) {
      const r = Math.min(blockRows, rows - r0);
      const start = r0 * cols;
      f32.set(w.data.subarray(start, start + r * cols), at);
      finite &= this.kernels.outerRows(block, r0, r, cols, alpha, table, count);
      out.data.set(r === blockRows ? full : f32.subarray(at, at + r * cols), start);
    }
    return finite === 1;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pool?.dispose();
    this.streaming?.dispose();
    // Drop the views so the memory can be collected with the backend.
    this.refreshEmpty();
  }

  private refreshEmpty(): void {
    this.f32 = new Float32Array(0);
    this.f64 = new Float64Array(0);
    this.i32 = new Int32Array(0);
  }
}
