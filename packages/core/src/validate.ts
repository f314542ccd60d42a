/**
 * Validation at the public API boundary: every user input passes through here exactly once and
 * leaves as a trusted Float32 `Matrix` or vector that kernels can use without further checks.
 * Caller arrays are never written: number arrays are copied; Float32 inputs are only read.
 */
import type { Matrix } from './backend.js';
import { describeValue, InputTypeError, InvalidValueError, ShapeError } from './errors.js';

/** A matrix as accepted by the public API: a {@link Matrix} or an array of equal-length rows. */
export type MatrixInput =
  | Matrix
  | { rows: number; cols: number; data: Float64Array }
  | ReadonlyArray<ArrayLike<number>>;
/** A vector as accepted by the public API. */
export type VectorInput = ReadonlyArray<number> | Float32Array | Float64Array;

const FLOAT32_MAX = 3.4028234663852886e38;

function isTypedArrayOf(value: unknown, tag: 'Float32Array' | 'Float64Array'): boolean {
  return ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === `[object ${tag}]`;
}

export function isFloat32Array(value: unknown): value is Float32Array {
  return isTypedArrayOf(value, 'Float32Array');
}

function nonFinite(argument: string, value: number): InvalidValueError {
  const actual = describeValue(value);
  const expected = Number.isFinite(value)
    ? `a finite number representable in float32 (|x| ≤ ${FLOAT32_MAX.toExponential(3)})`
    : 'a finite number';
  return new InvalidValueError({ argument, expected, actual });
}

/** Index path of element `k` of `name`: `name[k]` for a vector, `name[i][j]` for a matrix with `cols` columns. */
function at(name: string, k: number, cols?: number): string {
  return cols === undefined ? `${name}[${k}]` : `${name}[${Math.floor(k / cols)}][${k % cols}]`;
}

/** Returns `v` if it is a number that is finite in float32, else throws naming element `k` of `name`. */
function checkedElement(v: unknown, name: string, k: number, cols?: number): number {
  if (typeof v !== 'number') {
    throw new InputTypeError({ argument: at(name, k, cols), expected: 'a number', actual: describeValue(v) });
  }
  if (v - v !== 0 || Math.abs(v) > FLOAT32_MAX) throw nonFinite(at(name, k, cols), v);
  return v;
}

/**
 * True when every entry of `data` is finite. `x · 0` is (±)0 for finite x and NaN for NaN or ±∞, so
 * four running sums of them stay 0 exactly when all are finite; four independent sums keep the scan
 * about as fast as a copy, which matters for large weight matrices validated on every update.
 * Backends whose kernels cannot report finiteness in their own pass (see `Backend.outerUpdate`)
 * scan their output with it.
 */
export function allFinite(data: Float32Array): boolean {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const end = data.length - (data.length % 4);
  let k = 0;
  for (; k < end; k += 4) {
    s0 += (data[k] as number) * 0;
    s1 += (data[k + 1] as number) * 0;
    s2 += (data[k + 2] as number) * 0;
    s3 += (data[k + 3] as number) * 0;
  }
  for (; k < data.length; k++) s0 += (data[k] as number) * 0;
  return s0 + s1 + s2 + s3 === 0;
}

/** Throws at the first element of `data` that is NaN, ±Infinity, or overflows float32. */
function assertFinite(data: Float32Array | Float64Array, name: string, cols?: number): void {
  // A finite float32 is always in range, so for Float32Array the fast scan settles it.
  if (isFloat32Array(data) && allFinite(data)) return;
  for (let k = 0; k < data.length; k++) {
    const v = data[k] as number;
    // `v - v` is 0 for finite v and NaN for NaN/±Infinity: one cheap test in the hot loop.
    if (v - v !== 0 || Math.abs(v) > FLOAT32_MAX) throw nonFinite(at(name, k, cols), v);
  }
}

/** Index of the first NaN or ±Infinity in `data`, or −1 when every entry is finite. */
export function firstNonFinite(data: Float32Array): number {
  if (allFinite(data)) return -1;
  return data.findIndex((v) => v - v !== 0);
}

/**
 * The error for a fused update `out = f(W, …)` whose kernel reported a non-finite entry in `out`
 * (see `Backend.outerUpdate`), when W's entries were not checked beforehand (`toMatrix` with
 * `finite: false`). Every other input was finite, so the first bad entry of `out` is either a bad
 * entry of W at the same place or an update that overflowed float32. When `out` is a separate
 * array, W is intact and tells which; when W was updated in place, the message says so.
 * Undefined when every entry of `out` is in fact finite (nothing to report).
 */
export function nonFiniteUpdate(w: Matrix, out: Matrix, name: string): InvalidValueError | undefined {
  const inPlace = out.data === w.data;
  if (!inPlace) {
    const k = firstNonFinite(w.data);
    if (k >= 0) return nonFinite(at(name, k, w.cols), w.data[k] as number);
  }
  const k = firstNonFinite(out.data);
  if (k < 0) return undefined;
  const argument = at(name, k, out.cols);
  const value = describeValue(out.data[k]);
  if (inPlace) {
    return new InvalidValueError({
      argument,
      expected: 'a finite number (before the update, and after it in float32)',
      actual: `${value} after ${name} was updated in place (either ${argument} was not finite or the update overflowed float32; ${name} now holds the result)`,
    });
  }
  return new InvalidValueError({
    argument,
    expected: `an update that stays finite in float32 (|x| ≤ ${FLOAT32_MAX.toExponential(3)})`,
    actual: `${value}: the update of ${argument} = ${describeValue(w.data[k])} overflowed float32`,
  });
}

function isMatrixObject(value: unknown): value is { rows: unknown; cols: unknown; data: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'data' in value && 'rows' in value;
}

function checkDimension(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new InvalidValueError({ argument, expected: 'a non-negative integer', actual: describeValue(value) });
  }
  return value;
}

/** Options of {@link toMatrix}. */
export interface ToMatrixOptions {
  /** Rows with fewer columns are a ShapeError (guards against empty feature vectors). Default 0. */
  minCols?: number;
  /**
   * Default true: every entry must be finite in float32. `false` skips that scan for a Matrix with
   * Float32Array data (copied inputs are still checked as they are converted); only for a caller
   * whose kernel reports non-finite results in its own pass and then throws with
   * {@link nonFiniteUpdate} — CSDPRule's updates, where the scan would cost as much as the update.
   */
  finite?: boolean;
}

/**
 * Converts and validates a matrix input (see {@link ToMatrixOptions}).
 * A Matrix with Float32Array data is used as is (read only); anything else is copied.
 */
export function toMatrix(value: unknown, name: string, options: ToMatrixOptions = {}): Matrix {
  let m: Matrix;
  if (isMatrixObject(value)) {
    const rows = checkDimension(value.rows, `${name}.rows`);
    const cols = checkDimension(value.cols, `${name}.cols`);
    const data = value.data;
    if (!isFloat32Array(data) && !isTypedArrayOf(data, 'Float64Array')) {
      throw new InputTypeError({
        argument: `${name}.data`,
        expected: 'a Float32Array (or Float64Array)',
        actual: describeValue(data),
      });
    }
    const length = (data as Float32Array).length;
    if (length !== rows * cols) {
      throw new ShapeError({
        argument: `${name}.data`,
        expected: `length rows × cols = ${rows} × ${cols} = ${rows * cols}`,
        actual: `length ${length}`,
      });
    }
    const f32 = isFloat32Array(data) ? data : Float32Array.from(data as Float64Array);
    if (options.finite !== false || f32 !== data) assertFinite(data as Float32Array | Float64Array, name, cols);
    m = { rows, cols, data: f32 };
  } else if (Array.isArray(value)) {
    m = fromRows(value, name);
  } else {
    throw new InputTypeError({
      argument: name,
      expected: 'a matrix (number[][] or { rows, cols, data: Float32Array })',
      actual: describeValue(value),
    });
  }
  const minCols = options.minCols ?? 0;
  if (m.rows > 0 && m.cols < minCols) {
    throw new ShapeError({
      argument: name,
      expected: `at least ${minCols} feature${minCols === 1 ? '' : 's'} per row`,
      actual: `shape [${m.rows}, ${m.cols}]`,
    });
  }
  return m;
}

function fromRows(rowsIn: ReadonlyArray<unknown>, name: string): Matrix {
  const rows = rowsIn.length;
  if (rows === 0) return { rows: 0, cols: 0, data: new Float32Array(0) };
  const first = rowsIn[0];
  if (!isRowLike(first)) {
    throw new InputTypeError({ argument: `${name}[0]`, expected: 'an array of numbers', actual: describeValue(first) });
  }
  const cols = first.length;
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = rowsIn[i];
    if (!isRowLike(row)) {
      throw new InputTypeError({
        argument: `${name}[${i}]`,
        expected: 'an array of numbers',
        actual: describeValue(row),
      });
    }
    if (row.length !== cols) {
      throw new ShapeError({
        argument: `${name}[${i}]`,
        expected: `length ${cols} (the length of ${name}[0])`,
        actual: `length ${row.length}`,
      });
    }
    const base = i * cols;
    for (let j = 0; j < cols; j++) data[base + j] = checkedElement(row[j], name, base + j, cols);
  }
  return { rows, cols, data };
}

function isRowLike(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || isFloat32Array(value) || isTypedArrayOf(value, 'Float64Array');
}

/** Converts and validates a vector input to a Float32Array (copied unless it already is one). */
export function toVector(value: unknown, name: string, options: { minLength?: number } = {}): Float32Array {
  let out: Float32Array;
  if (isFloat32Array(value)) {
    assertFinite(value, name);
    out = value;
  } else if (isTypedArrayOf(value, 'Float64Array')) {
    const src = value as Float64Array;
    assertFinite(src, name);
    out = Float32Array.from(src);
  } else if (Array.isArray(value)) {
    out = new Float32Array(value.length);
    for (let k = 0; k < value.length; k++) out[k] = checkedElement(value[k], name, k);
  } else {
    throw new InputTypeError({
      argument: name,
      expected: 'a vector (number[], Float32Array or Float64Array)',
      actual: describeValue(value),
    });
  }
  const minLength = options.minLength ?? 0;
  if (out.length < minLength) {
    throw new ShapeError({
      argument: name,
      expected: `at least ${minLength} element(s)`,
      actual: out.length === 0 ? 'an empty vector' : `length ${out.length}`,
    });
  }
  return out;
}

function checkNumber(value: unknown, argument: string, expected: string): number {
  if (typeof value !== 'number') {
    throw new InputTypeError({ argument, expected, actual: describeValue(value) });
  }
  return value;
}

/** A boolean (e.g. an on/off option). */
export function booleanOption(value: unknown, argument: string): boolean {
  if (typeof value !== 'boolean') {
    throw new InputTypeError({ argument, expected: 'true or false', actual: describeValue(value) });
  }
  return value;
}

/** A finite number > 0 (e.g. a temperature). */
export function positiveFinite(value: unknown, argument: string): number {
  const expected = 'a finite number > 0';
  const v = checkNumber(value, argument, expected);
  if (!(Number.isFinite(v) && v > 0)) throw new InvalidValueError({ argument, expected, actual: describeValue(v) });
  return v;
}

/** A finite number ≥ 0 (e.g. a learning rate or a decay). */
export function nonNegativeFinite(value: unknown, argument: string): number {
  const expected = 'a finite number ≥ 0';
  const v = checkNumber(value, argument, expected);
  if (!(Number.isFinite(v) && v >= 0)) throw new InvalidValueError({ argument, expected, actual: describeValue(v) });
  return v;
}

/**
 * Validates an options argument: undefined (→ {}), or a plain object whose keys are all known.
 * A misspelt option is an error rather than a silently ignored default.
 */
export function checkOptions<T extends object>(value: T | undefined, allowed: readonly string[], name = 'options'): T {
  if (value === undefined || value === null) return {} as T;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InputTypeError({
      argument: name,
      expected: `an options object { ${allowed.map((k) => `${k}?`).join(', ')} }`,
      actual: describeValue(value),
    });
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new InputTypeError({
        argument: `${name}.${key}`,
        expected: `one of the options ${allowed.join(', ')}`,
        actual: 'an unknown option',
      });
    }
  }
  return value;
}

/** Checks two matrices have the same shape. */
export function sameShape(a: Matrix, b: Matrix, nameA: string, nameB: string): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new ShapeError({
      argument: nameB,
      expected: `the shape of ${nameA}, [${a.rows}, ${a.cols}]`,
      actual: `shape [${b.rows}, ${b.cols}]`,
    });
  }
}

/**
 * Validates a caller-supplied output matrix: a Matrix with Float32Array data of the given shape.
 * Its contents are irrelevant (it is overwritten) so they are not scanned.
 */
export function checkOut(value: unknown, rows: number, cols: number, name = 'out'): Matrix {
  if (!isMatrixObject(value) || !isFloat32Array(value.data)) {
    throw new InputTypeError({
      argument: name,
      expected: 'a Matrix { rows, cols, data: Float32Array }',
      actual: describeValue(value),
    });
  }
  const data = value.data as Float32Array;
  if (value.rows !== rows || value.cols !== cols || data.length !== rows * cols) {
    throw new ShapeError({
      argument: name,
      expected: `shape [${rows}, ${cols}] with ${rows * cols} elements`,
      actual: `shape [${describeValue(value.rows)}, ${describeValue(value.cols)}] with ${data.length} elements`,
    });
  }
  return value as Matrix;
}

/** One of a fixed set of string values (e.g. a loss variant). */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], argument: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  const expected = `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`;
  if (typeof value !== 'string') throw new InputTypeError({ argument, expected, actual: describeValue(value) });
  throw new InvalidValueError({ argument, expected, actual: describeValue(value) });
}

/** An integer in [min, max] (e.g. a batch size, a number of time steps). */
export function integerInRange(value: unknown, argument: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const expected = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
  const v = checkNumber(value, argument, expected);
  if (!(Number.isInteger(v) && v >= min && v <= max)) {
    throw new InvalidValueError({ argument, expected, actual: describeValue(v) });
  }
  return v;
}

/** A finite number in [min, max] (e.g. a probability). */
export function numberInRange(value: unknown, argument: string, min: number, max: number): number {
  const expected = `a number in [${min}, ${max}]`;
  const v = checkNumber(value, argument, expected);
  if (!(v >= min && v <= max)) throw new InvalidValueError({ argument, expected, actual: describeValue(v) });
  return v;
}

/** Every entry of `x` is an intensity in [0, 1] (e.g. a pixel, or a firing probability). */
export function unitInterval(x: Matrix, argument: string): Matrix {
  const k = x.data.findIndex((v) => !(v >= 0 && v <= 1));
  if (k >= 0) {
    throw new InvalidValueError({
      argument: `${argument}[${Math.floor(k / x.cols)}][${k % x.cols}]`,
      expected: 'an intensity in [0, 1]',
      actual: describeValue(x.data[k]),
    });
  }
  return x;
}
