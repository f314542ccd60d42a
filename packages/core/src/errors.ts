/**
 * Typed errors. Each carries a `Symbol.for` marker so `X.isInstance(e)` works even when two copies
 * of @contraspike/core are loaded (ESM + CJS, or two versions in one dependency tree).
 */

const marker = Symbol.for('contraspike.error');

type Marked = { [marker]?: string };

function hasMarker(value: unknown, kind: string): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const tag = (value as Marked)[marker];
  return typeof tag === 'string' && (tag === kind || tag.startsWith(`${kind}/`));
}

/** Renders a value for an error message: short, and unambiguous about its type. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor?.name ?? 'typed array';
    const length = (value as unknown as { length?: number }).length;
    return length === undefined ? article(name) : `${article(name)} of length ${length}`;
  }
  const ctor = (value as object).constructor?.name;
  return ctor && ctor !== 'Object' ? article(ctor) : 'an object';
}

function article(noun: string): string {
  return `${/^[AEIOU]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}

export interface ArgumentDetails {
  /** The argument (or argument path, e.g. `viewA[3][7]`) that was wrong. */
  readonly argument: string;
  /** What was expected, in words. */
  readonly expected: string;
  /** What was given, in words. */
  readonly actual: string;
}

function argumentMessage(d: ArgumentDetails): string {
  return `${d.argument}: expected ${d.expected}, got ${d.actual}`;
}

function initArgumentError(error: Error & ArgumentDetails, name: string, tag: string, details: ArgumentDetails): void {
  error.name = name;
  Object.assign(error, { argument: details.argument, expected: details.expected, actual: details.actual });
  (error as Marked)[marker] = tag;
}

/** A value out of range: NaN/±Infinity, temperature ≤ 0, negative learning rate, … */
export class InvalidValueError extends RangeError implements ArgumentDetails {
  declare readonly argument: string;
  declare readonly expected: string;
  declare readonly actual: string;
  constructor(details: ArgumentDetails) {
    super(argumentMessage(details));
    initArgumentError(this, 'InvalidValueError', 'argument/value', details);
  }
  static isInstance(value: unknown): value is InvalidValueError {
    return hasMarker(value, 'argument/value');
  }
}

/** Shapes that do not fit: views of different shapes, ragged rows, empty features, W not (post, pre). */
export class ShapeError extends RangeError implements ArgumentDetails {
  declare readonly argument: string;
  declare readonly expected: string;
  declare readonly actual: string;
  constructor(details: ArgumentDetails) {
    super(argumentMessage(details));
    initArgumentError(this, 'ShapeError', 'argument/shape', details);
  }
  static isInstance(value: unknown): value is ShapeError {
    return hasMarker(value, 'argument/shape');
  }
}

/** A value of the wrong kind: a string where numbers were expected, a Matrix without Float32Array data, … */
export class InputTypeError extends TypeError implements ArgumentDetails {
  declare readonly argument: string;
  declare readonly expected: string;
  declare readonly actual: string;
  constructor(details: ArgumentDetails) {
    super(argumentMessage(details));
    initArgumentError(this, 'InputTypeError', 'argument/type', details);
  }
  static isInstance(value: unknown): value is InputTypeError {
    return hasMarker(value, 'argument/type');
  }
}

/** Any argument error (value, shape or type) raised by contraspike. */
export function isArgumentError(value: unknown): value is InvalidValueError | ShapeError | InputTypeError {
  return hasMarker(value, 'argument');
}

/**
 * No backend can run the computation: none registered, an unknown name, or a provider that
 * failed to initialise. The message says what to install or why each candidate failed.
 */
export class BackendError extends Error {
  /** Per-provider failure reasons, when automatic selection tried several. */
  readonly causes: ReadonlyArray<{ readonly backend: string; readonly error: unknown }>;
  constructor(message: string, causes: BackendError['causes'] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackendError';
    this.causes = causes;
    (this as Marked)[marker] = 'backend';
  }
  static isInstance(value: unknown): value is BackendError {
    return hasMarker(value, 'backend');
  }
}
