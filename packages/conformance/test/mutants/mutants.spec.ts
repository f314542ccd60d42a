/**
 * Deliberately broken backends, run by mutants.test.ts in a child vitest: each must fail the suite.
 * Every mutant is a small, plausible bug.
 */
import { runConformance } from '../../src/suite.js';
import { oracleBackend, oracleProvider } from '../oracle-backend.js';

const base = oracleBackend();

runConformance(
  oracleProvider({ outerUpdate: (w, _alpha, terms, out) => base.outerUpdate(w, 1, terms, out) }, 'no-decay'),
);
runConformance(
  oracleProvider(
    {
      rowSumSquares: (x, out) => {
        base.rowSumSquares(x, out);
        for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) * (1 + 1e-4);
      },
    },
    'sloppy-norm',
  ),
);
runConformance(
  oracleProvider(
    {
      gemm: (a, b, out, o = {}) => base.gemm(a, b, out, { ...o, beta: 0 }),
    },
    'ignores-beta',
  ),
);
runConformance(
  oracleProvider(
    {
      rowCrossEntropy: (x, targets, out) => {
        base.rowCrossEntropy(x, targets, out);
        if (out.length > 1) out[out.length - 1] = (out[out.length - 1] as number) + 1e-3;
      },
    },
    'off-by-a-bit',
  ),
);
runConformance(
  oracleProvider(
    {
      scaleRows: (x, scales, out) => {
        // Writes straight into out while still reading x: wrong when out aliases x.
        for (let k = 0; k < x.data.length; k++) {
          out.data[k] = (x.data[k] as number) * (scales[Math.floor(k / x.cols)] as number);
          if (k + 1 < x.data.length && out.data === x.data) out.data[k + 1] = 0;
        }
      },
    },
    'breaks-in-place',
  ),
);
runConformance(
  oracleProvider(
    {
      outerUpdate: (w, alpha, terms, out) => {
        const finite = base.outerUpdate(w, alpha, terms, out);
        // Mutates an input vector: the immutability checks must notice.
        for (const t of terms) if (t.u.length > 0) (t.u as Float32Array)[0] = 7;
        return finite;
      },
    },
    'mutates-inputs',
  ),
);
runConformance(
  oracleProvider(
    {
      // Forgets the projection of normalisation's backward pass (treats â as a constant scale).
      rowNormalizeBackward: (_xHat, grad, scales, out) => base.scaleRows(grad, scales, out),
    },
    'no-projection',
  ),
);
runConformance(
  oracleProvider(
    {
      // Forgets to reset the potential after a spike.
      lifStep: (current, state, params) => {
        const before = Float32Array.from(state.threshold.data);
        base.lifStep(current, state, params);
        for (let k = 0; k < state.v.data.length; k++) {
          if (state.spikes.data[k] === 1) state.v.data[k] = before[k] as number;
        }
      },
    },
    'no-reset',
  ),
);
runConformance(
  oracleProvider(
    {
      // Drops Adam's bias correction.
      adamStep: (param, grad, m, v, o) => base.adamStep(param, grad, m, v, { ...o, step: Number.POSITIVE_INFINITY }),
    },
    'no-bias-correction',
  ),
);
runConformance(
  oracleProvider(
    {
      // Updates correctly but claims every result is finite (a forgotten fused check).
      outerUpdate: (w, alpha, terms, out) => {
        base.outerUpdate(w, alpha, terms, out);
        return true;
      },
    },
    'claims-finite',
  ),
);
