import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { jsBackend } from '@contraspike/backend-js';
import { describe, expect, it } from 'vitest';
import { runLearning } from '../src/learn.js';
import { IMAGE_SIZE, loadDigits, mnistSplit } from '../src/mnist.js';

const benchLearn = fileURLToPath(new URL('../dist/bench-learn.js', import.meta.url));

describe('the MNIST split', () => {
  const digits = loadDigits();

  it('holds the 10,000 digits of the mnist package as intensities in [0, 1]', () => {
    expect(digits.reduce((s, d) => s + d.length / IMAGE_SIZE, 0)).toBe(10000);
    for (const d of digits) expect(d.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('takes the first 80 % of each class for training, whatever the seed', () => {
    const a = mnistSplit({ seed: 1 }, digits);
    const b = mnistSplit({ seed: 2 }, digits);
    expect([a.train.x.rows, a.test.x.rows]).toEqual([7996, 2004]);
    const key = (x: Float32Array, i: number) => x.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE).join(',');
    const setOf = (s: typeof a.test) => new Set(Array.from({ length: s.x.rows }, (_, i) => key(s.x.data, i)));
    expect(setOf(a.test)).toEqual(setOf(b.test));
    expect(a.test.y).not.toEqual(b.test.y); // same digits, shuffled differently
    const counts = new Array(10).fill(0);
    for (const y of a.test.y) counts[y]++;
    expect(counts.every((c) => c >= 150 && c <= 250)).toBe(true);
  });
});

describe('the learning pipeline', () => {
  const options = { epochs: 1, hidden: 40, seed: 5, perClass: 30, steps: 8, batchSize: 60 };

  it('is reproducible: the same seed gives the same result twice', () => {
    const first = runLearning({ ...options, backend: jsBackend.create() });
    const second = runLearning({ ...options, backend: jsBackend.create() });
    const strip = ({ trainSeconds: _t, samplesPerSecond: _s, ...rest }: typeof first) => rest;
    expect(strip(second)).toEqual(strip(first));
    expect(first.split).toEqual({ train: 240, test: 60 });
    for (const k of ['probeAccuracy', 'untrainedProbeAccuracy', 'pixelProbeAccuracy'] as const) {
      expect(first[k]).toBeGreaterThan(0.3); // far above chance (0.1) even on this tiny run
      expect(first[k]).toBeLessThanOrEqual(1);
    }
    expect(first.history).toHaveLength(4);
  });
});

describe('pnpm bench:learn (the built script)', () => {
  it('ends with one JSON line carrying every documented field', () => {
    const run = spawnSync(process.execPath, [benchLearn, '--per-class', '12', '--hidden', '24', '--epochs', '1'], {
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    const last = run.stdout.trim().split('\n').pop() as string;
    const json = JSON.parse(last);
    expect(Object.keys(json).sort()).toEqual(
      [
        'backend',
        'epochs',
        'hidden',
        'pixelProbeAccuracy',
        'probeAccuracy',
        'samplesPerSecond',
        'seed',
        'split',
        'totalSeconds',
        'trainSeconds',
        'untrainedProbeAccuracy',
      ].sort(),
    );
    // Automatic selection: in Node, with every backend registered, wasm (priority 5) runs.
    expect(json).toMatchObject({ backend: 'wasm', hidden: 24, epochs: 1, seed: 0 });
    expect(run.stderr).toMatch(/\[#+\.*\] +\d+%/);
  });

  it('rejects a bad flag with one line and a non-zero exit', () => {
    const run = spawnSync(process.execPath, [benchLearn, '--epochs', 'many'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      'bench:learn: --epochs expects an integer ≥ 1, got "many" (see --help)',
    ]);
  });
});
