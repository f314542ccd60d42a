/**
 * Scratch buffers reused across calls with the same shapes, so that steady-state computation
 * allocates nothing. One Workspace belongs to one algorithm instance.
 */
import type { Matrix } from './backend.js';

type Typed = Float32Array | Float64Array | Int32Array;

/** A key's memory (grown, never shrunk) and the last array handed out on it. */
interface Slot<T extends Typed> {
  memory: T;
  view: T;
}

export class Workspace {
  /** The last Matrix handed out per key (its data comes from {@link matrixMemory}). */
  private readonly matrices = new Map<string, Matrix>();
  private readonly matrixMemory = new Map<string, Slot<Float32Array>>();
  private readonly vectors = new Map<string, Slot<Float64Array>>();
  private readonly intVectors = new Map<string, Slot<Int32Array>>();

  /**
   * A `rows × cols` matrix for `key`; its contents are whatever the last user left. The same shape
   * gives the same Matrix; another shape that fits reuses the key's memory (e.g. a ragged last
   * batch), so alternating shapes allocate no new buffers.
   */
  matrix(key: string, rows: number, cols: number): Matrix {
    const last = this.matrices.get(key);
    if (last && last.rows === rows && last.cols === cols) return last;
    const view: Matrix = { rows, cols, data: reuse(this.matrixMemory, key, rows * cols, (n) => new Float32Array(n)) };
    this.matrices.set(key, view);
    return view;
  }

  /** A `1 × n` matrix of ones (for row and column sums through gemm or outer updates). */
  ones(n: number): Matrix {
    const m = this.matrix(`ones${n}`, 1, n);
    if (m.data[0] !== 1) m.data.fill(1);
    return m;
  }

  /** A Float64 vector of `length` for `key`, reusing the key's memory like {@link matrix}. */
  vector(key: string, length: number): Float64Array {
    return reuse(this.vectors, key, length, (n) => new Float64Array(n));
  }

  /** An Int32 vector of `length` for `key`, reusing the key's memory like {@link matrix}. */
  ints(key: string, length: number): Int32Array {
    return reuse(this.intVectors, key, length, (n) => new Int32Array(n));
  }

  /** Forgets every buffer. */
  clear(): void {
    this.matrices.clear();
    this.matrixMemory.clear();
    this.vectors.clear();
    this.intVectors.clear();
  }
}

/**
 * `length` entries of the memory stored under `key` (contents: whatever the last user left): the
 * same array for the same length, a view of the same memory for a shorter one, new memory only
 * for a longer one.
 */
function reuse<T extends Typed>(store: Map<string, Slot<T>>, key: string, length: number, create: (n: number) => T): T {
  const slot = store.get(key);
  if (slot && slot.view.length === length) return slot.view;
  const memory = slot && slot.memory.length >= length ? slot.memory : create(length);
  const view = memory.length === length ? memory : (memory.subarray(0, length) as T);
  store.set(key, { memory, view });
  return view;
}
