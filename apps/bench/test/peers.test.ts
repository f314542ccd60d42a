/**
 * The peers compute what contraspike computes: TensorFlow.js's InfoNCE and the numpy script's
 * seed formulas agree with core on small seeded inputs.
 */
import { jsBackend } from '@contraspike/backend-js';
import { CSDPRule, MAX_ROW_LOSS, Random, SpikeContrastiveLoss } from '@contraspike/core';
import { afterAll, describe, expect, it } from 'vitest';
import { csdpCase, infonceCase } from '../src/inputs.js';
import { numpyMissing, runNumpy } from '../src/numpy.js';
import { agree, DisagreementError } from '../src/suite.js';
import { disposeTfjs, startTfjs, type TfjsSession, tfjsInfonce } from '../src/tfjs.js';

const js = jsBackend.create();
const rng = new Random(2024);
const small = [infonceCase(rng, 2, 3), infonceCase(rng, 8, 16), infonceCase(rng, 33, 40)];
// Positives swapped for another row and a tiny temperature: p_ii < 1e-10, so every row hits the seed's cap.
const base = infonceCase(rng, 6, 8);
const rotated = { ...base.viewB, data: new Float32Array(base.viewB.data.length) };
rotated.data.set(base.viewB.data.subarray(8));
rotated.data.set(base.viewB.data.subarray(0, 8), 40);
const capped = { ...base, viewB: rotated, temperature: 0.001 };

function coreLoss(c: (typeof small)[number]): number {
  return new SpikeContrastiveLoss({ temperature: c.temperature, backend: js }).compute(c.viewA, c.viewB);
}

describe.each(['tfjs-cpu', 'tfjs-wasm'] as const)('%s InfoNCE', (peer) => {
  let session: TfjsSession;
  afterAll(() => disposeTfjs(session));

  it('equals core on small seeded inputs within float32 tolerance', async () => {
    session = await startTfjs(peer);
    for (const c of [...small, capped]) {
      const expected = coreLoss(c);
      const actual = tfjsInfonce(session, c).output()[0] as number;
      expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-4 + 1e-3 * Math.abs(expected));
    }
    expect(coreLoss(capped)).toBeCloseTo(MAX_ROW_LOSS, 6); // the cap really is exercised
  });

  it('names what runs', async () => {
    session ??= await startTfjs(peer);
    expect(session.detail).toMatch(peer === 'tfjs-wasm' ? /tfjs-backend-wasm.*\.wasm/ : /JavaScript/);
  });
});

const noNumpy = numpyMissing();

describe('numpy peer', () => {
  it.skipIf(noNumpy !== undefined)(
    `agrees with core on small inputs${noNumpy ? ` (skipped: ${noNumpy})` : ''}`,
    async () => {
      const csdp = csdpCase(rng, 5, 7);
      const copy = { ...csdp, op: 'copy' as const };
      const { info, rows } = await runNumpy([...small, csdp, copy], { runs: 1, warmup: 1, budgetMs: 0 });
      expect(info.numpy).toMatch(/^\d+\.\d+/);
      for (const [i, c] of small.entries()) {
        expect(rows[i]?.output[0]).toBeCloseTo(coreLoss(c), 6);
      }
      const W = new CSDPRule({ lr: csdp.lr, decay: csdp.decay, backend: js }).contrastiveStep(
        csdp.W,
        csdp.posPre,
        csdp.posPost,
        csdp.negPre,
        csdp.negPost,
      );
      const tol = { rtol: 1e-5, atol: 1e-6 };
      expect(() => agree('csdp', rows[3]?.output as Float64Array, W.data, tol)).not.toThrow();
      expect(Array.from(rows[4]?.output ?? [])).toEqual(Array.from(csdp.W.data)); // the same inputs came through
      for (const r of rows) expect(r).toMatchObject({ runs: 1, ms: expect.any(Number) });
    },
  );

  it('reports why it cannot run when the interpreter is missing', () => {
    expect(numpyMissing('contraspike-no-such-python')).toMatch(/contraspike-no-such-python not found/);
  });
});

describe('agreement check', () => {
  it('fails loudly, naming the worst element', () => {
    expect(() => agree('x', [1, 2, 3.5], [1, 2, 3], { rtol: 1e-3, atol: 1e-4 })).toThrow(DisagreementError);
    expect(() => agree('x', [1, 2, 3.5], [1, 2, 3], { rtol: 1e-3, atol: 1e-4 })).toThrow(/worst at \[2\]/);
    expect(agree('x', [1, 2, 3.0001], [1, 2, 3], { rtol: 1e-3, atol: 1e-4 })).toBeCloseTo(1e-4, 8);
  });
});
