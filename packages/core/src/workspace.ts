/**
 * Scratch buffers reused across calls with the same shapes, so that steady-state computation
 * allocates nothing. One Workspace belongs to one algorithm instance.
 */
import type { Matrix } from './backend.js';

export class Workspace {
  private readonly matrices = new Map<string, Matrix>();
  private readonly vectors = new Map<string, Float64Array>();
  private readonly intVectors = new Map<string, Int32Array>();

  /** A `rows × cols` matrix for `key`; its contents are whatever the last user left. */
  matrix(key: string, rows: number, cols: number): Matrix {
    const m = this.matrices.get(key);
    if (m && m.rows === rows && m.cols === cols) return m;
    const fresh: Matrix = { rows, cols, data: new Float32Array(rows * cols) };
    this.matrices.set(key, fresh);
    return fresh;
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
