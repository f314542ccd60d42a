/**
 * A backend made of the float64 oracles themselves (slow, obviously right). The suite must pass
 * on it — which shows the suite asks for nothing beyond the mathematics — and must fail on
 * each deliberately broken variant of it (see mutants/).
 */
import { allFinite, type Backend, type BackendProvider, type Matrix } from '@contraspike/core';
import {
  adamStepOracle,
  gemmOracle,
  lifStepOracle,
  outerUpdateOracle,
  rowCrossEntropyOracle,
  rowNormalizeBackwardOracle,
  rowSoftmaxOracle,
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
    rowSoftmax: (x, out, lse) => {
      const r = rowSoftmaxOracle(x);
      store(out, r.probabilities.values);
      store(lse, r.logSumExp.values);
    },
    rowNormalizeBackward: (xHat, grad, scales, out) =>
      store(out, rowNormalizeBackwardOracle(xHat, grad, scales).values),
    lifStep: (current, state, params) => {
      const f64 = (m: Matrix | undefined) => Float64Array.from(m?.data ?? new Float32Array(state.v.data.length));
      const s = {
        v: f64(state.v),
        threshold: f64(state.threshold),
        trace: f64(state.trace),
        spikes: f64(state.spikes),
        counts: f64(state.counts),
        margin: Number.POSITIVE_INFINITY,
      };
      lifStepOracle(current, s, params);
      store(state.v, s.v);
      store(state.threshold, s.threshold);
      store(state.trace, s.trace);
      store(state.spikes, s.spikes);
      if (state.counts) store(state.counts, s.counts);
    },
    adamStep: (param, grad, m, v, o) => {
      const r = adamStepOracle(param, grad, m, v, o);
      store(param, r.param.values);
      store(m, r.m.values);
      store(v, r.v.values);
    },
    outerUpdate: (w, alpha, terms, out) => {
      store(out, outerUpdateOracle(w, alpha, terms).values);
      return allFinite(out.data);
    },
    dispose: () => {},
  };
}

export function oracleProvider(patch: Partial<Backend> = {}, name = 'oracle'): BackendProvider<void> {
  return { name, priority: 0, create: () => ({ ...oracleBackend(), name, ...patch }) };
}
