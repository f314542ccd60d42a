/**
 * Scratch buffers reused across calls with the same shapes, so that steady-state computation
 * allocates nothing. One Workspace belongs to one algorithm instance.
 */
import type { Matrix } from './backend.js';

export class Workspace {
  private readonly matrices = new Map<string, Matrix>();
  private readonly vectors = new Map<string, Float64Array>();
  private readonly intVectors = new Map<string, Int32Array>();
  private indices = new Int32Array(0);

  /** A `rows × cols` matrix for `key`; its contents are whatever the last user left. */
  matrix(key: string, rows: number, cols: number): Matrix {
    const m = this.matrices.get(key);
    if (m && m.rows === rows && m.cols === cols) return m;
    const fresh: Matrix = { rows, cols, data: new Float32Array(rows * cols) };
    this.matrices.set(key, fresh);
    return fresh;
  }

  /** A Float64 vector of `length` for `key`. */
  vector(key: string, length: number): Float64Array {
    const v = this.vectors.get(key);
    if (v && v.length === length) return v;
    const fresh = new Float64Array(length);
    this.vectors.set(key, fresh);
    return fresh;
  }

  /** An Int32 vector of `length` for `key`. */
  ints(key: string, length: number): Int32Array {
    const v = this.intVectors.get(key);
    if (v && v.length === length) return v;
    const fresh = new Int32Array(length);
    this.intVectors.set(key, fresh);
    return fresh;
  }

  /** `[0, 1, …, n − 1]` as an Int32Array (e.g. the diagonal targets of a similarity matrix). */
  range(n: number): Int32Array {
    if (this.indices.length !== n) this.indices = Int32Array.from({ length: n }, (_, i) => i);
    return this.indices;
  }

  /** Forgets every buffer. */
  clear(): void {
    this.matrices.clear();
    this.vectors.clear();
    this.intVectors.clear();
    this.indices = new Int32Array(0);
  }
}
