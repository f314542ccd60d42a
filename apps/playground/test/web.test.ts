/** The web page's pure parts, in Node: its data path, its URL settings and its drawn-digit scaling. */
import { InvalidValueError } from '@contraspike/core';
import { describe, expect, it } from 'vitest';
import { IMAGE_SIZE, loadDigits, mnistSplit, splitDigits } from '../src/mnist.js';
import { encodeDigits } from '../web/build/mnist-asset.js';
import { DEFAULT_CONFIG, readConfig } from '../web/config.js';
import { decodeDigits } from '../web/digits.js';
import { toMnistImage } from '../web/draw.js';

describe("the page's digits asset", () => {
  const digits = loadDigits();
  const { bytes, lengths } = encodeDigits(digits);
  const decoded = decodeDigits(bytes, lengths);

  it('holds every digit in one byte per pixel, within half a step of the JSON values', () => {
    expect(bytes.length).toBe(10000 * IMAGE_SIZE);
    expect(lengths).toEqual(digits.map((d) => d.length));
    let worst = 0;
    digits.forEach((d, c) => {
      const back = decoded[c] as Float32Array;
      for (let i = 0; i < d.length; i++) worst = Math.max(worst, Math.abs((back[i] as number) - (d[i] as number)));
    });
    // The package rounds k/255 to 3 decimals; the byte is k again, so the page is off by at most 0.0005.
    expect(worst).toBeLessThanOrEqual(0.0005 + 1e-6);
    expect(decoded.every((d) => d.every((v) => v >= 0 && v <= 1))).toBe(true);
  });

  it("gives the page the CLI's split: the same digits in the same order with the same labels", () => {
    const options = { seed: 3, perClass: 50 };
    const page = splitDigits(decoded, options);
    const cli = mnistSplit(options, digits);
    for (const part of ['train', 'test'] as const) {
      expect(page[part].y).toEqual(cli[part].y);
      expect(page[part].x.rows).toBe(cli[part].x.rows);
      const a = page[part].x.data;
      const b = cli[part].x.data;
      for (let i = 0; i < a.length; i += 97) expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThan(6e-4);
    }
  });

  it('refuses an asset of the wrong size', () => {
    expect(() => decodeDigits(bytes.subarray(1), lengths)).toThrow(/expected 7840000 bytes, got 7839999/);
  });
});

describe("the page's URL settings", () => {
  it('defaults what is not given and reads what is', () => {
    expect(readConfig('')).toEqual(DEFAULT_CONFIG);
    expect(readConfig('?perClass=50&hidden=100&epochs=1')).toEqual({
      ...DEFAULT_CONFIG,
      perClass: 50,
      hidden: 100,
      epochs: 1,
      fields: 64,
    });
    expect(readConfig('?hidden=10').fields).toBe(10); // never more fields than neurons
  });

  it('names the bad parameter, what was expected and what was given', () => {
    expect(() => readConfig('?hidden=abc')).toThrow(InvalidValueError);
    expect(() => readConfig('?hidden=abc')).toThrow(/hidden/);
    expect(() => readConfig('?epochs=0')).toThrow(/epochs/);
    expect(() => readConfig('?batch=1.5')).toThrow(/batch/);
    expect(() => readConfig('?perClass=')).toThrow(/perClass/);
  });
});

describe('a drawn digit scaled like MNIST', () => {
  /** A `size × size` pad with a filled rectangle. */
  function pad(size: number, x0: number, y0: number, w: number, h: number): Float32Array {
    const pixels = new Float32Array(size * size);
    for (let y = y0; y < y0 + h; y++) pixels.fill(1, y * size + x0, y * size + x0 + w);
    return pixels;
  }
  const box = (image: Float32Array) => {
    const xs: number[] = [];
    const ys: number[] = [];
    image.forEach((v, i) => {
      if (v > 0) {
        xs.push(i % 28);
        ys.push(Math.floor(i / 28));
      }
    });
    return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
  };

  it('fits the drawing into a 20×20 box, keeps its aspect, and centres its mass', () => {
    // A 40 × 200 bar in the top-left corner of a 280 × 280 pad: 4 × 20 once scaled, centred.
    const image = toMnistImage(pad(280, 10, 5, 40, 200), 280, 280) as Float32Array;
    expect(image.length).toBe(IMAGE_SIZE);
    expect(box(image)).toEqual({ x0: 12, x1: 15, y0: 4, y1: 23 });
    expect(image.every((v) => v === 0 || v === 1)).toBe(true);
  });

  it('grows a tiny drawing to the box too', () => {
    const image = toMnistImage(pad(280, 100, 100, 2, 2), 280, 280) as Float32Array;
    expect(box(image)).toEqual({ x0: 4, x1: 23, y0: 4, y1: 23 });
  });

  it('averages the pixels it shrinks, and returns nothing for an empty pad', () => {
    const half = pad(280, 0, 0, 280, 280).map((_, i) => (i % 2 === 0 ? 1 : 0.5));
    const image = toMnistImage(half, 280, 280) as Float32Array;
    expect(Math.abs((image[14 * 28 + 14] as number) - 0.75)).toBeLessThan(0.01);
    expect(toMnistImage(new Float32Array(100), 10, 10)).toBeUndefined();
    expect(() => toMnistImage(new Float32Array(99), 10, 10)).toThrow(/expected width × height = 100 pixels, got 99/);
  });
});
