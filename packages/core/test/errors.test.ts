import { describe, expect, it } from 'vitest';
import {
  BackendError,
  describeValue,
  InputTypeError,
  InvalidValueError,
  isArgumentError,
  ShapeError,
} from '../src/errors.js';

describe('errors', () => {
  it('are RangeError/TypeError subclasses with argument, expected and actual', () => {
    const e = new InvalidValueError({ argument: 'temperature', expected: 'a finite number > 0', actual: '0' });
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toBe('temperature: expected a finite number > 0, got 0');
    expect([e.name, e.argument, e.expected, e.actual]).toEqual([
      'InvalidValueError',
      'temperature',
      'a finite number > 0',
      '0',
    ]);
    expect(new ShapeError({ argument: 'W', expected: 'x', actual: 'y' })).toBeInstanceOf(RangeError);
    expect(new InputTypeError({ argument: 'v', expected: 'x', actual: 'y' })).toBeInstanceOf(TypeError);
  });

  it('isInstance recognises errors from another copy of the package by their marker', () => {
    const foreign = Object.assign(new RangeError('x'), { [Symbol.for('contraspike.error')]: 'argument/shape' });
    expect(ShapeError.isInstance(foreign)).toBe(true);
    expect(InvalidValueError.isInstance(foreign)).toBe(false);
    expect(isArgumentError(foreign)).toBe(true);
    expect(BackendError.isInstance(foreign)).toBe(false);
    expect(BackendError.isInstance(new BackendError('x'))).toBe(true);
    expect(isArgumentError(new Error('plain'))).toBe(false);
    expect(isArgumentError(null)).toBe(false);
  });

  it('describeValue is short and says the type', () => {
    expect(describeValue(Number.NaN)).toBe('NaN');
    expect(describeValue(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
    expect(describeValue('0.5')).toBe('"0.5"');
    expect(describeValue([1, 2])).toBe('an array of length 2');
    expect(describeValue(new Float32Array(3))).toBe('a Float32Array of length 3');
    expect(describeValue(new Map())).toBe('a Map');
    expect(describeValue({})).toBe('an object');
    expect(describeValue(undefined)).toBe('undefined');
  });
});
