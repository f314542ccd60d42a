import { describe, expect, it } from 'vitest';
import { Random } from '../src/random.js';

describe('Random', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextUint32()
      )(new Random(7)),
    );
    const b = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextUint32()
      )(new Random(7)),
    );
    const c = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextUint32()
      )(new Random(8)),
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('produces uniform values in [0, 1) and standard normals', () => {
    const r = new Random(1);
    const n = 20000;
    let sum = 0;
    let sumN = 0;
    let sumN2 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
      const z = r.normal();
      sumN += z;
      sumN2 += z * z;
    }
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(sumN / n)).toBeLessThan(0.03);
    expect(Math.abs(sumN2 / n - 1)).toBeLessThan(0.05);
  });

  it('permutation contains every index once', () => {
    const p = new Random(3).permutation(100);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
