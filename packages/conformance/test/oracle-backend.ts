/**
 * A backend made of the float64 oracles themselves (slow, obviously right). The suite must pass
 * on it — which shows the suite asks for nothing beyond the mathematics — and must fail on
 * each deliberately broken variant of it (see mutants/).
 */
import type { Backend, BackendProvider, Matrix } from '@contraspike/core';
import {
  gemmOracle,
  outerUpdateOracle,
  rowCrossEntropyOracle,
  rowSumSquaresOracle,
  scaleRowsOracle,
} from '../src/oracle.js';

const store = (out: Matrix | Float64Array, values: Float64Array) => ('data' in out ? out.data : out).set(values);

export function oracleBackend(): Backend {
  return {
    name: 'oracle',
    capabilities: { device: 'cpu', storage: 'float32', accumulation: 'float64' },
    gemm: (a, b, out, o = {}) => store(out, gemmOracle(a, b, out, o).values),
    rowSumSquares: (x, out) => store(out, rowSumSquaresOracle(x).values),
    scaleRows: (x, scales, out) => store(out, scaleRowsOracle(x, scales).values),
    rowCrossEntropy: (x, targets, out) => store(out, rowCrossEntropyOracle(x, targets).values),
    outerUpdate: (w, alpha, terms, out) => store(out, outerUpdateOracle(w, alpha, terms).values),
    dispose: () => {},
  };
}

export function oracleProvider(patch: Partial<Backend> = {}, name = 'oracle'): BackendProvider<void> {
  return { name, priority: 0, create: () => ({ ...oracleBackend(), name, ...patch }) };
}
