/**
 * Steady state allocates no buffers: two identical calls hand the kernels the very same memory.
 * A spy backend wraps js and records, for every kernel call, the ArrayBuffer behind each array
 * argument (matrices, vectors, LIF state, outer-product terms).
 */
import {
  type Backend,
  CONTRASTIVE_VARIANTS,
  CSDPNetwork,
  CSDPRule,
  LIFLayer,
  type Matrix,
  Random,
  SpikeContrastiveLoss,
} from '@contraspike/core';
import { describe, expect, it } from 'vitest';
import { jsBackend } from '../src/index.js';

type Call = { kernel: string; buffers: ArrayBufferLike[] };

function buffersOf(value: unknown, into: ArrayBufferLike[]): void {
  if (ArrayBuffer.isView(value)) into.push(value.buffer);
  else if (Array.isArray(value)) for (const v of value) buffersOf(v, into);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) buffersOf(v, into);
}

function spy(): { backend: Backend; calls: Call[] } {
  const inner = jsBackend.create(undefined);
  const calls: Call[] = [];
  const backend = new Proxy(inner, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || key === 'dispose') return value;
      return (...args: unknown[]) => {
        const buffers: ArrayBufferLike[] = [];
        buffersOf(args, buffers);
        calls.push({ kernel: String(key), buffers });
        return value.apply(target, args);
      };
    },
  });
  return { backend, calls };
}

/** Runs `op` twice and returns the kernel calls of each run. */
function twice(calls: Call[], op: () => unknown): [Call[], Call[]] {
  calls.length = 0;
  op();
  const first = calls.splice(0);
  op();
  return [first, calls.splice(0)];
}

function expectSameMemory([first, second]: [Call[], Call[]]): void {
  expect(first.length).toBeGreaterThan(0);
  expect(second.map((c) => c.kernel)).toEqual(first.map((c) => c.kernel));
  for (let c = 0; c < first.length; c++) {
    const a = first[c] as Call;
    const b = second[c] as Call;
    expect(b.buffers.length, `${a.kernel} #${c}`).toBe(a.buffers.length);
    for (let k = 0; k < b.buffers.length; k++) {
      expect(b.buffers[k] === a.buffers[k], `${a.kernel} #${c}, argument array ${k}`).toBe(true);
    }
  }
}

function random(rng: Random, rows: number, cols: number, lo = 0, hi = 1): Matrix {
  const data = new Float32Array(rows * cols);
  for (let q = 0; q < data.length; q++) data[q] = lo + (hi - lo) * rng.next();
  return { rows, cols, data };
}

describe('no allocation in steady state: the same buffers on every call', () => {
  const rng = new Random(11);
  const a = random(rng, 10, 6);
  const b = random(rng, 10, 6);

  for (const variant of CONTRASTIVE_VARIANTS) {
    for (const chunkSize of [undefined, 3]) {
      it(`SpikeContrastiveLoss ${variant}${chunkSize ? `, chunked by ${chunkSize}` : ''}: compute and computeWithGrad`, () => {
        const { backend, calls } = spy();
        const loss = new SpikeContrastiveLoss({ variant, backend, ...(chunkSize ? { chunkSize } : {}) });
        expectSameMemory(twice(calls, () => loss.compute(a, b)));
        const gradA = { rows: 10, cols: 6, data: new Float32Array(60) };
        const gradB = { rows: 10, cols: 6, data: new Float32Array(60) };
        expectSameMemory(twice(calls, () => loss.computeWithGrad(a, b, { gradA, gradB })));
        const fresh = loss.computeWithGrad(a, b);
        expect(gradA.data).toEqual(fresh.gradA.data);
        expect(gradB.data).toEqual(fresh.gradB.data);
      });
    }
  }

  it('detects a fresh buffer: computeWithGrad without outputs writes new gradients each call', () => {
    const { backend, calls } = spy();
    const loss = new SpikeContrastiveLoss({ backend });
    expect(() => expectSameMemory(twice(calls, () => loss.computeWithGrad(a, b)))).toThrow();
  });

  it('CSDPRule updates and contrastiveStep with out (also in place)', () => {
    const { backend, calls } = spy();
    const rule = new CSDPRule({ backend });
    const w = random(rng, 8, 12, -0.1, 0.1);
    const out = { rows: 8, cols: 12, data: new Float32Array(96) };
    const [pre, negPre] = [random(rng, 1, 12).data, random(rng, 1, 12).data];
    const [post, negPost] = [random(rng, 1, 8).data, random(rng, 1, 8).data];
    expectSameMemory(twice(calls, () => rule.contrastiveStep(w, pre, post, negPre, negPost, { out })));
    expectSameMemory(twice(calls, () => rule.contrastiveStep(w, pre, post, negPre, negPost, { out: w })));
    expectSameMemory(twice(calls, () => rule.positiveUpdate(w, pre, post, { out })));
    expectSameMemory(twice(calls, () => rule.negativeUpdate(w, pre, post, { out })));
  });

  it('LIFLayer.step', () => {
    const { backend, calls } = spy();
    const layer = new LIFLayer(7, { seed: 3 });
    const current = random(rng, 4, 7);
    layer.reset(4);
    expectSameMemory(twice(calls, () => layer.step(backend, current)));
  });

  it('CSDPNetwork.trainBatch and features({ out }), with lateral inhibition and two layers', () => {
    const { backend, calls } = spy();
    const net = new CSDPNetwork({ inputSize: 12, hidden: [9, 5], steps: 3, lateralInhibition: 0.01, backend });
    const x = random(rng, 6, 12);
    net.trainBatch(x); // first call sizes the workspace
    expectSameMemory(twice(calls, () => net.trainBatch(x)));
    const out = { rows: 6, cols: 14, data: new Float32Array(84) };
    expectSameMemory(twice(calls, () => net.features(x, { out, batchSize: 4 })));
    expect(out.data).toEqual(net.features(x, { batchSize: 4 }).data);
  });
});
