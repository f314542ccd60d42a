import { describe, expect, it } from 'vitest';
import {
  addNoiseSpikes,
  dropSpikes,
  encodeLatency,
  encodeRates,
  InvalidValueError,
  jitterSpikes,
  mixSpikes,
  Random,
  ShapeError,
  spikeRates,
} from '../src/index.js';

const intensities = [
  [0, 0.25, 0.5, 1],
  [1, 0.75, 0.1, 0],
];

const count = (train: { data: Float32Array }[]) => train.reduce((s, m) => s + m.data.reduce((a, v) => a + v, 0), 0);

describe('rate coding', () => {
  it('fires at the intensity on average, never for 0, always for 1', () => {
    const train = encodeRates(intensities, { steps: 4000, seed: 3 });
    const rates = spikeRates(train);
    intensities.flat().forEach((p, k) => {
      expect(Math.abs((rates.data[k] as number) - p)).toBeLessThan(0.03);
    });
    expect(rates.data[0]).toBe(0);
    expect(rates.data[3]).toBe(1);
  });

  it('is reproducible from its seed and differs between seeds', () => {
    const a = encodeRates(intensities, { steps: 30, seed: 11 });
    const b = encodeRates(intensities, { steps: 30, seed: 11 });
    const c = encodeRates(intensities, { steps: 30, seed: 12 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('poisson coding fires with probability 1 − exp(−gain·x)', () => {
    const rates = spikeRates(encodeRates([[0.5]], { steps: 20000, kind: 'poisson', gain: 2, seed: 1 }));
    expect(Math.abs((rates.data[0] as number) - (1 - Math.exp(-1)))).toBeLessThan(0.01);
  });

  it('rejects intensities outside [0, 1] and bad options, naming them', () => {
    expect(() => encodeRates([[1.5]])).toThrow(/intensities\[0\]\[0\].*\[0, 1\].*1\.5/);
    expect(() => encodeRates([[0.5]], { steps: 0 })).toThrow(InvalidValueError);
    expect(() => encodeRates([[0.5]], { kind: 'gauss' as never })).toThrow(/kind/);
    expect(() => encodeRates([[0.5]], { seed: -1 })).toThrow(/seed/);
  });
});

describe('latency coding', () => {
  it('fires once per input above the cutoff, brighter earlier', () => {
    const train = encodeLatency([[1, 0.5, 0.05]], { steps: 11 });
    expect(train[0]?.data[0]).toBe(1);
    expect(train[5]?.data[1]).toBe(1);
    expect(count(train)).toBe(2);
  });
});

describe('augmentations make differing views and never touch their input', () => {
  const base = encodeRates(
    Array.from({ length: 4 }, (_, i) => Array.from({ length: 50 }, (_, j) => ((i + j) % 5) / 5)),
    { steps: 25, seed: 5 },
  );
  const snapshot = JSON.stringify(base.map((m) => Array.from(m.data)));
  const n = count(base);

  it('dropout removes about p of the spikes, and two seeds give two views', () => {
    const a = dropSpikes(base, 0.3, 1);
    const b = dropSpikes(base, 0.3, 2);
    expect(Math.abs(count(a) / n - 0.7)).toBeLessThan(0.05);
    expect(a).not.toEqual(b);
    expect(dropSpikes(base, 0.3, 1)).toEqual(a);
  });

  it('noise adds spikes only where there were none', () => {
    const noisy = addNoiseSpikes(base, 0.05, new Random(4));
    expect(count(noisy)).toBeGreaterThan(n);
    base.forEach((m, t) => {
      m.data.forEach((s, k) => {
        if (s === 1) expect(noisy[t]?.data[k]).toBe(1);
      });
    });
  });

  it('jitter keeps every neuron’s spikes within the shift and never adds any', () => {
    const jittered = jitterSpikes(base, 2, 9);
    expect(count(jittered)).toBeLessThanOrEqual(n);
    expect(count(jitterSpikes(base, 0, 9))).toBe(n);
    expect(jittered).not.toEqual(base);
  });

  it('mixing takes each spike from one of the two trains', () => {
    const other = encodeRates(
      [[...Array(50).fill(1)], [...Array(50).fill(0)], [...Array(50).fill(1)], [...Array(50).fill(0)]],
      {
        steps: 25,
      },
    );
    const mixed = mixSpikes(base, other, 0.5, 3);
    mixed.forEach((m, t) => {
      m.data.forEach((s, k) => {
        expect(s === base[t]?.data[k] || s === other[t]?.data[k]).toBe(true);
      });
    });
    expect(() => mixSpikes(base, other.slice(1), 0.5)).toThrow(ShapeError);
  });

  it('rejects non-spikes and bad rates', () => {
    expect(() => dropSpikes([{ rows: 1, cols: 1, data: Float32Array.of(0.5) }], 0.1)).toThrow(/spikes of 0 or 1/);
    expect(() => dropSpikes(base, 1.5)).toThrow(/p: expected a number in \[0, 1\]/);
    expect(() => dropSpikes([], 0.1)).toThrow(/train/);
  });

  it('left the input train as it was', () => {
    expect(JSON.stringify(base.map((m) => Array.from(m.data)))).toBe(snapshot);
  });
});
