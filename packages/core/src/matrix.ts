/** Small helpers for the {@link Matrix} type: creation and conversion. */
import type { GemmOptions, Matrix } from './backend.js';
import { type MatrixInput, toMatrix } from './validate.js';

/** A new zero-filled `rows × cols` matrix. */
export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float32Array(rows * cols) };
}

/** A validated Float32 copy of `value` (never shares memory with it). */
export function matrix(value: MatrixInput): Matrix {
  const m = toMatrix(value, 'value');
  return { rows: m.rows, cols: m.cols, data: m.data === (value as Matrix).data ? m.data.slice() : m.data };
}

/** The rows of `m` as plain number arrays (for printing, JSON, or interop). */
export function toArray(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

/** Rows `[start, start + count)` of `m` as a Matrix sharing its memory (no copy). */
export function rowBlock(m: Matrix, start: number, count: number): Matrix {
  return { rows: count, cols: m.cols, data: m.data.subarray(start * m.cols, (start + count) * m.cols) };
}

/** A {@link GemmOptions} call with its defaults filled in, and its dimensions `(m × k) · (k × n)`. */
export interface GemmCall {
  readonly transA: boolean;
  readonly transB: boolean;
  readonly alpha: number;
  readonly beta: number;
  /** Rows of op(a) and of out. */
  readonly m: number;
  /** Columns of op(b) and of out. */
  readonly n: number;
  /** Columns of op(a), rows of op(b). */
  readonly k: number;
}

/** What a backend's `gemm(a, b, out, options)` computes: the defaults of each option, and the sizes. */
export function gemmCall(a: Matrix, out: Matrix, options: GemmOptions = {}): GemmCall {
  const transA = options.transA ?? false;
  return {
    transA,
    transB: options.transB ?? false,
    alpha: options.alpha ?? 1,
    beta: options.beta ?? 0,
    m: out.rows,
    n: out.cols,
    k: transA ? a.rows : a.cols,
  };
}
