import { describe, expect, it } from 'vitest';
import { CSDPNetwork, InputTypeError, InvalidValueError, ShapeError } from '../src/index.js';

describe('CSDPNetwork.negatives', () => {
  const x = [
    [0, 0.2, 1],
    [1, 0.4, 0],
    [0.5, 0.6, 0.5],
    [0.25, 0.8, 0.75],
  ];

  it("mixes each row with another row, by the network's negativeMix, reproducibly for a seed", () => {
    const net = new CSDPNetwork({ inputSize: 3, hidden: 2, negativeMix: 0.25 });
    const copy = x.map((r) => r.slice());
    const out = net.negatives(x, { seed: 7 });
    expect([out.rows, out.cols]).toEqual([4, 3]);
    for (let i = 0; i < 4; i++) {
      const row = Array.from(out.data.subarray(i * 3, (i + 1) * 3));
      // Exactly one other row j ≠ i explains row i.
      const partners = x
        .map((xj, j) => j)
        .filter((j) => j !== i)
        .filter((j) => row.every((v, k) => Math.abs(v - (0.25 * (x[i]?.[k] ?? 0) + 0.75 * (x[j]?.[k] ?? 0))) < 1e-6));
      expect(partners.length, `row ${i}`).toBeGreaterThanOrEqual(1);
    }
    expect(Array.from(net.negatives(x, { seed: 7 }).data)).toEqual(Array.from(out.data));
    expect(x).toEqual(copy);
  });

  it('names bad input', () => {
    const net = new CSDPNetwork({ inputSize: 3, hidden: 2 });
    expect(() => net.negatives([[0, 0, 0]])).toThrow(ShapeError);
    expect(() =>
      net.negatives([
        [0, 0],
        [1, 1],
      ]),
    ).toThrow(/x: expected 3 columns/);
    expect(() =>
      net.negatives([
        [0, 0, 2],
        [0, 0, 0],
      ]),
    ).toThrow(InvalidValueError);
    expect(() => net.negatives(x, { seed: -1 })).toThrow(/options\.seed/);
    expect(() => net.negatives(x, { sed: 1 } as never)).toThrow(InputTypeError);
  });
});
