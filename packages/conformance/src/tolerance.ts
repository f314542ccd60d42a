/** Comparison tolerances derived from a backend's declared precision, and the comparison itself. */
import type { BackendCapabilities } from '@contraspike/core';

export interface Tolerance {
  /** Relative tolerance. */
  readonly rtol: number;
  /** Absolute tolerance, multiplied by the comparison's magnitude scale. */
  readonly atol: number;
}

/**
 * Float32 storage with float64 sums loses only the final rounding (plus float32 intermediates
 * such as normalised rows); float32 sums lose about √k·2⁻²⁴ relative over k terms.
 */
export function toleranceFor(capabilities: BackendCapabilities): Tolerance {
  if (capabilities.accumulation === 'float64' && capabilities.storage === 'float64') return { rtol: 1e-9, atol: 1e-10 };
  if (capabilities.accumulation === 'float64') return { rtol: 1e-5, atol: 1e-6 };
  return { rtol: 1e-3, atol: 1e-4 };
}

/** `|actual − expected| ≤ atol · scale + rtol · |expected|`; NaN equals only NaN. */
export function isClose(actual: number, expected: number, tol: Tolerance, scale = 1): boolean {
  if (Number.isNaN(expected) || Number.isNaN(actual)) return Number.isNaN(expected) && Number.isNaN(actual);
  return Math.abs(actual - expected) <= tol.atol * scale + tol.rtol * Math.abs(expected);
}

/**
 * Compares two arrays element-wise. Returns undefined when all are close, otherwise a message
 * naming the worst element (so a failure says where and by how much).
 */
export function compareArrays(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
  scale = 1,
): string | undefined {
  if (actual.length !== expected.length) return `length ${actual.length} ≠ expected ${expected.length}`;
  let worst = -1;
  let worstExcess = 0;
  let bad = 0;
  for (let k = 0; k < expected.length; k++) {
    const a = actual[k] as number;
    const e = expected[k] as number;
    if (isClose(a, e, tol, scale)) continue;
    bad++;
    const excess = Number.isNaN(a - e) ? Number.POSITIVE_INFINITY : Math.abs(a - e);
    if (worst < 0 || excess > worstExcess) {
      worst = k;
      worstExcess = excess;
    }
  }
  if (worst < 0) return undefined;
  return `${bad} of ${expected.length} elements differ; worst at [${worst}]: got ${actual[worst]}, expected ${expected[worst]} (rtol ${tol.rtol}, atol ${tol.atol}·${scale})`;
}

/** Largest absolute value in `values` (at least `floor`), a natural magnitude scale. */
export function maxAbs(values: ArrayLike<number>, floor = 1e-30): number {
  let m = floor;
  for (let k = 0; k < values.length; k++) m = Math.max(m, Math.abs(values[k] as number));
  return m;
}
