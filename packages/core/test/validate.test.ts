import { describe, expect, it } from 'vitest';
import { InputTypeError, InvalidValueError, ShapeError } from '../src/errors.js';
import { matrix, toArray, zeros } from '../src/matrix.js';
import { booleanOption, checkOut, nonNegativeFinite, positiveFinite, toMatrix, toVector } from '../src/validate.js';
import { Workspace } from '../src/workspace.js';

describe('toMatrix', () => {
  it('uses Float32 Matrix data as is, copies everything else', () => {
    const data = Float32Array.of(1, 2, 3, 4);
    expect(toMatrix({ rows: 2, cols: 2, data }, 'x').data).toBe(data);
    const f64 = Float64Array.of(1, 2, 3, 4);
    const converted = toMatrix({ rows: 2, cols: 2, data: f64 }, 'x');
    expect(converted.data).toBeInstanceOf(Float32Array);
    expect(Array.from(converted.data)).toEqual([1, 2, 3, 4]);
    expect(toMatrix([[1, 2], Float32Array.of(3, 4)], 'x')).toEqual({
      rows: 2,
      cols: 2,
      data: Float32Array.of(1, 2, 3, 4),
    });
  });

  it('finds a non-finite entry of Float32 data at any position, in every lane of the fast scan', () => {
    const [rows, cols] = [3, 7];
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      for (let k = 0; k < rows * cols; k++) {
        const data = Float32Array.from({ length: rows * cols }, (_, i) => (i % 5) - 2);
        data[k] = bad;
        const where = `x\\[${Math.floor(k / cols)}\\]\\[${k % cols}\\]`;
        expect(() => toMatrix({ rows, cols, data }, 'x')).toThrow(new RegExp(`^${where}: expected a finite number`));
        expect(() => toVector(data, 'v')).toThrow(new RegExp(`^v\\[${k}\\]: expected a finite number`));
      }
    }
    const ok = Float32Array.from({ length: 23 }, (_, i) => -i * 1e37);
    expect(toMatrix({ rows: 1, cols: 23, data: ok }, 'x').data).toBe(ok);
  });

  it('reports bad dimensions and data', () => {
    expect(() => toMatrix({ rows: -1, cols: 2, data: new Float32Array(0) }, 'x')).toThrow(InvalidValueError);
    expect(() => toMatrix({ rows: 1.5, cols: 2, data: new Float32Array(3) }, 'x')).toThrow(
      /x\.rows: expected a non-negative integer, got 1\.5/,
    );
    expect(() => toMatrix({ rows: 1, cols: 2, data: [1, 2] }, 'x')).toThrow(InputTypeError);
    expect(() => toMatrix([1, 2], 'x')).toThrow(/x\[0\]: expected an array of numbers, got 1/);
    expect(() => toMatrix([[1], 'a'], 'x')).toThrow(/x\[1\]: expected an array of numbers/);
    expect(() => toMatrix(null, 'x')).toThrow(/x: expected a matrix/);
    expect(() => toMatrix([[1, 2]], 'x', { minCols: 3 })).toThrow(ShapeError);
  });
});

describe('toVector and scalars', () => {
  it('accepts arrays and float typed arrays, rejects others', () => {
    const f32 = Float32Array.of(1, 2);
    expect(toVector(f32, 'v')).toBe(f32);
    expect(toVector([1, 2], 'v')).toEqual(f32);
    expect(toVector(Float64Array.of(1, 2), 'v')).toEqual(f32);
    expect(() => toVector(Int32Array.of(1), 'v')).toThrow(/v: expected a vector .*got an Int32Array of length 1/);
    expect(() => toVector(Float64Array.of(1, Number.NaN), 'v')).toThrow(/v\[1\]: expected a finite number, got NaN/);
    expect(() => toVector([], 'v', { minLength: 1 })).toThrow(/v: expected at least 1 element/);
  });

  it('positiveFinite and nonNegativeFinite', () => {
    expect(positiveFinite(0.07, 't')).toBe(0.07);
    expect(() => positiveFinite(-0, 't')).toThrow(InvalidValueError);
    expect(nonNegativeFinite(0, 'lr')).toBe(0);
    expect(() => nonNegativeFinite(Number.NEGATIVE_INFINITY, 'lr')).toThrow(
      /lr: expected a finite number ≥ 0, got -Infinity/,
    );
    expect(() => nonNegativeFinite(null, 'lr')).toThrow(InputTypeError);
  });

  it('booleanOption accepts only true and false', () => {
    expect(booleanOption(true, 'flag')).toBe(true);
    expect(booleanOption(false, 'flag')).toBe(false);
    for (const bad of [0, 1, 'true', undefined, null]) {
      expect(() => booleanOption(bad, 'options.flag')).toThrow(InputTypeError);
    }
    expect(() => booleanOption('yes', 'options.flag')).toThrow(/options\.flag: expected true or false/);
  });

  it('checkOut requires the exact shape', () => {
    const out = zeros(2, 3);
    expect(checkOut(out, 2, 3)).toBe(out);
    expect(() => checkOut(out, 3, 2)).toThrow(/out: expected shape \[3, 2\]/);
  });
});

describe('matrix helpers', () => {
  it('matrix() copies and toArray() round-trips', () => {
    const src = { rows: 1, cols: 2, data: Float32Array.of(5, 6) };
    const copy = matrix(src);
    expect(copy.data).not.toBe(src.data);
    expect(toArray(copy)).toEqual([[5, 6]]);
    expect(
      toArray(
        matrix([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
});

describe('Workspace', () => {
  it('gives the same matrix for the same shape, and reuses memory for smaller shapes', () => {
    const ws = new Workspace();
    const big = ws.matrix('x', 4, 3);
    expect(ws.matrix('x', 4, 3)).toBe(big);
    const small = ws.matrix('x', 2, 3);
    expect(small.data.buffer).toBe(big.data.buffer);
    expect(small.data.length).toBe(6);
    expect(ws.matrix('x', 2, 3)).toBe(small);
    expect(ws.matrix('x', 4, 3).data.buffer).toBe(big.data.buffer);
    const larger = ws.matrix('x', 5, 3);
    expect(larger.data.buffer).not.toBe(big.data.buffer);
    expect(larger.data.length).toBe(15);
    expect(ws.matrix('y', 2, 3).data.buffer).not.toBe(small.data.buffer);
  });

  it('reuses vectors the same way (a ragged last batch allocates nothing)', () => {
    const ws = new Workspace();
    for (const make of [(n: number) => ws.vector('v', n), (n: number) => ws.ints('i', n)]) {
      const full = make(8);
      expect(make(8)).toBe(full);
      const ragged = make(3);
      expect(ragged.buffer).toBe(full.buffer);
      expect(ragged.length).toBe(3);
      expect(make(3)).toBe(ragged);
      expect(make(8).buffer).toBe(full.buffer);
      const larger = make(9);
      expect(larger.buffer).not.toBe(full.buffer);
      expect(larger.length).toBe(9);
    }
  });
});
