/**
 * Spiking layers, the CSDP network and the linear probe, on the backend under test: behaviour
 * that every backend must reproduce (determinism, dynamics, learning on a toy problem).
 */
import {
  CSDPNetwork,
  InvalidValueError,
  LIFLayer,
  LinearProbe,
  type Matrix,
  Random,
  ShapeError,
} from '@contraspike/core';
import { describe, expect, it } from 'vitest';
import type { SuiteContext } from './gradients.js';

/** `classes` families of noisy patterns over `size` inputs, each lighting its own block (a toy dataset). */
function prototypes(rng: Random, rows: number, size: number, classes = 2): { x: Matrix; y: Int32Array } {
  const x = new Float32Array(rows * size);
  const y = new Int32Array(rows);
  const block = size / classes;
  for (let i = 0; i < rows; i++) {
    const c = i % classes;
    y[i] = c;
    for (let j = 0; j < size; j++) {
      const on = j >= c * block && j < (c + 1) * block;
      x[i * size + j] = on ? 0.6 + 0.4 * rng.next() : 0.1 * rng.next();
    }
  }
  return { x: { rows, cols: size, data: x }, y };
}

export function describeLearning(context: () => SuiteContext, seed: number): void {
  describe('spiking layers and learning', () => {
    it('a LIF layer integrates, fires, resets and keeps traces', () => {
      const { backend } = context();
      const layer = new LIFLayer(3, {
        threshold: 0.5,
        thresholdSpread: 0,
        thresholdAdaptation: 0,
        tauMembrane: 6,
        dt: 3,
        tauTrace: 6,
      });
      // leak = 0.5: v goes 0 → 0.5·j per step toward j.
      const current = { rows: 2, cols: 3, data: Float32Array.of(0.2, 2, 0.9, 0, 0, 3) };
      layer.reset(2);
      const fired: number[][] = [];
      for (let t = 0; t < 4; t++) fired.push(Array.from(layer.step(backend, current).data));
      // Neuron (0,1): v = 1 > 0.5 at once, reset to 0, fires every step. (0,0) never reaches 0.5.
      // (0,2): v = 0.45, then 0.675 → fires at step 2 and resets.
      expect(fired.map((s) => s[1])).toEqual([1, 1, 1, 1]);
      expect(fired.map((s) => s[0])).toEqual([0, 0, 0, 0]);
      expect(fired.map((s) => s[2])).toEqual([0, 1, 0, 1]);
      expect(fired.map((s) => s[3])).toEqual([0, 0, 0, 0]);
      const state = layer.current;
      expect(Array.from(state?.counts.data ?? [])).toEqual([0, 4, 2, 0, 0, 4]);
      // Trace of (0,2): 1 after its spike at step 4; of (0,0): never spiked, 0.
      expect(state?.trace.data[2]).toBe(1);
      expect(state?.trace.data[0]).toBe(0);
      layer.reset(2);
      expect(Array.from(layer.current?.v.data ?? [])).toEqual([0, 0, 0, 0, 0, 0]);
    });

    it('adaptive thresholds rise for a sample that fires a lot, fall for a silent one, and reset', () => {
      const { backend } = context();
      const layer = new LIFLayer(50, { thresholdAdaptation: 0.01, thresholdMinimum: 0.02, seed });
      const base = Array.from(layer.thresholds);
      layer.reset(2);
      // Sample 0 drives every neuron hard; sample 1 gets no input.
      const current = { rows: 2, cols: 50, data: new Float32Array(100).fill(1, 0, 50) };
      for (let t = 0; t < 3; t++) layer.step(backend, current);
      const th = layer.current?.threshold.data ?? new Float32Array(0);
      for (let i = 0; i < 50; i++) {
        expect(th[i]).toBeGreaterThan(base[i] as number);
        expect(th[50 + i]).toBeLessThan(base[i] as number);
      }
      for (let t = 0; t < 30; t++) layer.step(backend, current);
      expect(Math.min(...th.subarray(50))).toBeCloseTo(0.02, 6);
      layer.reset(2);
      expect(Array.from(layer.current?.threshold.data.subarray(50) ?? [])).toEqual(Array.from(layer.thresholds));
      expect(Array.from(layer.thresholds)).toEqual(base);
    });

    it('a CSDP network is deterministic: same seed, same weights and statistics', () => {
      const { backend } = context();
      const rng = new Random(seed);
      const { x } = prototypes(rng, 12, 16);
      const run = () => {
        const net = new CSDPNetwork({ inputSize: 16, hidden: [10], steps: 6, seed: 7, backend });
        const stats = net.train(x, { epochs: 2, batchSize: 6 });
        return { stats, weights: Array.from(net.weights().data), features: Array.from(net.features(x).data) };
      };
      const first = run();
      expect(run()).toEqual(first);
      const other = new CSDPNetwork({ inputSize: 16, hidden: [10], steps: 6, seed: 8, backend });
      expect(Array.from(other.weights().data)).not.toEqual(first.weights);
    });

    it('CSDP training separates positive from negative goodness on a toy problem, without labels', () => {
      const { backend } = context();
      const rng = new Random(seed + 1);
      const { x } = prototypes(rng, 48, 24, 6);
      const net = new CSDPNetwork({
        inputSize: 24,
        hidden: [32],
        steps: 10,
        resistance: 1,
        goodnessThreshold: 2,
        lr: 0.01,
        seed: 3,
        backend,
      });
      const history = net.train(x, { epochs: 15, batchSize: 24 });
      const first = history.slice(0, 4);
      const last = history.slice(-4);
      const mean = (h: typeof history, f: (s: (typeof history)[number]) => number) =>
        h.reduce((s, v) => s + f(v), 0) / h.length;
      expect(mean(last, (s) => s.loss)).toBeLessThan(mean(first, (s) => s.loss));
      expect(mean(last, (s) => s.goodnessPositive - s.goodnessNegative)).toBeGreaterThan(
        mean(first, (s) => s.goodnessPositive - s.goodnessNegative),
      );
      for (const w of net.weights().data) expect(Math.abs(w)).toBeLessThanOrEqual(1);
      const features = net.features(x);
      expect([features.rows, features.cols]).toEqual([48, 32]);
      expect(features.data.some((v) => v > 0)).toBe(true);
    });

    it('a stacked network trains every layer and reports every layer’s features', () => {
      const { backend } = context();
      const { x } = prototypes(new Random(seed + 2), 8, 12);
      const net = new CSDPNetwork({ inputSize: 12, hidden: [10, 6], steps: 5, resistance: 1, seed: 1, backend });
      const before = [Array.from(net.weights(0).data), Array.from(net.weights(1).data)];
      const stats = net.trainBatch(x);
      expect(stats.firingRates).toHaveLength(2);
      expect(Array.from(net.weights(0).data)).not.toEqual(before[0]);
      expect(net.features(x).cols).toBe(16);
      expect(() => net.weights(2)).toThrow(InvalidValueError);
    });

    it('a linear probe fits separable features and reports accuracy and confusion', () => {
      const { backend } = context();
      const { x, y } = prototypes(new Random(seed + 3), 60, 8);
      const probe = new LinearProbe({ classes: 2, epochs: 20, batchSize: 16, lr: 0.05, backend });
      const losses = probe.fit(x, y);
      expect(losses[losses.length - 1]).toBeLessThan(losses[0] as number);
      expect(probe.accuracy(x, y)).toBe(1);
      expect(probe.confusion(x, y)).toEqual([
        [30, 0],
        [0, 30],
      ]);
    });

    it('records one presentation step by step, consistent with features() and without learning', () => {
      const { backend } = context();
      const { x } = prototypes(new Random(seed + 5), 3, 12, 2);
      const net = new CSDPNetwork({ inputSize: 12, hidden: [10, 6], steps: 8, resistance: 1, seed: 4, backend });
      net.trainBatch(x);
      const before = Float32Array.from(net.weights(0).data);
      const sample = x.data.subarray(0, 12);
      const rec = net.record(sample);
      expect(rec.steps).toBe(8);
      expect(rec.input.size).toBe(12);
      expect(rec.input.spikes.length).toBe(8 * 12);
      expect(rec.layers.map((l) => [l.size, l.spikes.length, l.goodness.length])).toEqual([
        [10, 80, 8],
        [6, 48, 8],
      ]);
      // Spikes are 0/1, something fired, and the input spikes follow the intensities.
      expect(rec.input.spikes.every((v) => v === 0 || v === 1)).toBe(true);
      expect(rec.layers[0]?.spikes.some((v) => v === 1)).toBe(true);
      const bright = Array.from(sample)
        .map((v, j) => (v > 0.5 ? j : -1))
        .filter((j) => j >= 0);
      const dim = Array.from(sample)
        .map((v, j) => (v < 0.1 ? j : -1))
        .filter((j) => j >= 0);
      const rate = (cols: number[]) => {
        let n = 0;
        for (let t = 0; t < 8; t++) for (const j of cols) n += rec.input.spikes[t * 12 + j] as number;
        return n / (8 * cols.length);
      };
      expect(rate(bright)).toBeGreaterThan(rate(dim));
      // Summed over the steps, the spikes are features() of the same sample (same dynamics, same spikes).
      const counts = net.features([Array.from(sample)]);
      const summed = [
        ...rec.layers.flatMap((l) =>
          Array.from({ length: l.size }, (_, j) => {
            let n = 0;
            for (let t = 0; t < rec.steps; t++) n += l.spikes[t * l.size + j] as number;
            return n;
          }),
        ),
      ];
      expect(summed).toEqual(Array.from(counts.data));
      // Goodness is non-negative, and repeatable: the same sample gives the same recording.
      expect(rec.layers.every((l) => l.goodness.every((g) => g >= 0 && Number.isFinite(g)))).toBe(true);
      expect(rec.layers[0]?.goodness.some((g) => g > 0)).toBe(true);
      const again = net.record({ rows: 1, cols: 12, data: Float32Array.from(sample) });
      expect(Array.from(again.layers[1]?.spikes ?? [])).toEqual(Array.from(rec.layers[1]?.spikes ?? []));
      expect(Array.from(again.layers[0]?.goodness ?? [])).toEqual(Array.from(rec.layers[0]?.goodness ?? []));
      expect(Array.from(net.weights(0).data)).toEqual(Array.from(before));
      // Bad input names the argument.
      expect(() => net.record(x)).toThrow(/x: expected exactly 1 row/);
      expect(() => net.record([0.1, 0.2])).toThrow(/x: expected 12 columns/);
      expect(() => net.record(new Float32Array(12).fill(2))).toThrow(/\[0, 1\]/);
      expect(() => net.record('digit' as never)).toThrow(/x/);
    });

    it('rejects bad input to the network and the probe, naming the argument', () => {
      const { backend } = context();
      const net = new CSDPNetwork({ inputSize: 4, hidden: 3, backend });
      expect(() => net.trainBatch([[0.1, 0.2, 0.3, 0.4]])).toThrow(ShapeError);
      expect(() =>
        net.trainBatch([
          [0.1, 0.2, 0.3],
          [0.1, 0.2, 0.3],
        ]),
      ).toThrow(/x: expected 4 columns/);
      expect(() =>
        net.trainBatch([
          [0.1, 0.2, 0.3, 2],
          [0, 0, 0, 0],
        ]),
      ).toThrow(/x\[0\]\[3\].*\[0, 1\]/);
      expect(() => new CSDPNetwork({ inputSize: 4, hidden: [0] })).toThrow(/hidden\[0\]/);
      expect(() => new CSDPNetwork({ inputSize: 4, negativeMix: 2 })).toThrow(/negativeMix/);
      const probe = new LinearProbe({ classes: 3, backend });
      expect(() => probe.predict([[1, 2]])).toThrow(/fit/);
      expect(() => probe.fit([[1], [2]], [0, 3])).toThrow(/labels\[1\]/);
      expect(() => probe.fit([[1], [2]], [0])).toThrow(ShapeError);
    });
  });
}
