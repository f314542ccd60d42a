/**
 * Scratch buffers reused across calls with the same shapes, so that steady-state computation
 * allocates nothing. One Workspace belongs to one algorithm instance.
 */
import type { Matrix } from './backend.js';

export class Workspace {
  /** Per key: the memory (grown, never shrunk) and the last matrix handed out on it. */
  private readonly matrices = new Map<string, { memory: Float32Array; view: Matrix }>();
  private readonly vectors = new Map<string, Float64Array>();
  private readonly intVectors = new Map<string, Int32Array>();

  /**
   * A `rows × cols` matrix for `key`; its contents are whatever the last user left. The same shape
   * gives the same Matrix; another shape that fits reuses the key's memory (e.g. a ragged last
   * batch), so alternating shapes allocate no new buffers.
   */
  matrix(key: string, rows: number, cols: number): Matrix {
    const entry = this.matrices.get(key);
    if (entry && entry.view.rows === rows && entry.view.cols === cols) return entry.view;
    const size = rows * cols;
    const memory = entry && entry.memory.length >= size ? entry.memory : new Float32Array(size);
    const view: Matrix = { rows, cols, data: memory.length === size ? memory : memory.subarray(0, size) };
    this.matrices.set(key, { memory, view });
    return view;
  }

  /** A `1 × n` matrix of ones (for row and column sums through gemm or outer updates). */
  ones(n: number): Matrix {
    const m = this.matrix(`ones${n}`, 1, n);
    if (m.data[0] !== 1) m.data.fill(1);
    return m;
  }

  /** A Float64 vector of `length` for `key`. */
  vector(key: string, length: number): Float64Array {
    return reuse(this.vectors, key, length, (n) => new Float64Array(n));
  }

  /** An Int32 vector of `length` for `key`. */
  ints(key: string, length: number): Int32Array {
    return reuse(this.intVectors, key, length, (n) => new Int32Array(n));
  }

  /** Forgets every buffer. */
  clear(): void {
    this.matrices.clear();
    this.vectors.clear();
    this.intVectors.clear();
  }
}

/** The array stored under `key` when it has `length` entries; otherwise a new one, stored. */
function reuse<T extends { length: number }>(
  store: Map<string, T>,
  key: string,
  length: number,
  create: (length: number) => T,
): T {
  const existing = store.get(key);
  if (existing && existing.length === length) return existing;
  const fresh = create(length);
  store.set(key, fresh);
  return fresh;
}
