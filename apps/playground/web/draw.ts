/**
 * A drawn digit as MNIST would have it: MNIST's digits are scaled (keeping their aspect) into a
 * 20×20 box and placed in the 28×28 image with their centre of mass at the centre. Pure, so the
 * page's drawing pad and the tests share it.
 */
import { IMAGE_SIZE } from '../src/mnist-split.js';

const SIDE = 28;
const BOX = 20;

/**
 * `pixels` (`width × height` intensities in [0, 1], row-major) as a 28×28 MNIST-like image, or
 * undefined when nothing is drawn.
 */
export function toMnistImage(pixels: ArrayLike<number>, width: number, height: number): Float32Array | undefined {
  if (pixels.length !== width * height) {
    throw new RangeError(`toMnistImage: expected width × height = ${width * height} pixels, got ${pixels.length}`);
  }
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if ((pixels[y * width + x] as number) > 0) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return undefined;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const scale = BOX / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * scale));
  const th = Math.max(1, Math.round(bh * scale));
  // Each target pixel averages the source pixels whose centres fall in its footprint (area
  // averaging when shrinking), or takes the nearest one when the footprint holds none (growing).
  const patch = new Float32Array(tw * th);
  for (let ty = 0; ty < th; ty++) {
    const sy0 = y0 + (ty * bh) / th;
    const sy1 = y0 + ((ty + 1) * bh) / th;
    for (let tx = 0; tx < tw; tx++) {
      const sx0 = x0 + (tx * bw) / tw;
      const sx1 = x0 + ((tx + 1) * bw) / tw;
      let sum = 0;
      let count = 0;
      for (let y = Math.ceil(sy0 - 0.5); y + 0.5 < sy1; y++) {
        for (let x = Math.ceil(sx0 - 0.5); x + 0.5 < sx1; x++) {
          sum += pixels[y * width + x] as number;
          count++;
        }
      }
      if (count === 0) {
        const x = Math.min(x1, Math.floor((sx0 + sx1) / 2));
        const y = Math.min(y1, Math.floor((sy0 + sy1) / 2));
        sum = pixels[y * width + x] as number;
        count = 1;
      }
      patch[ty * tw + tx] = Math.min(1, sum / count);
    }
  }
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = patch[y * tw + x] as number;
      mass += v;
      cx += v * (x + 0.5);
      cy += v * (y + 0.5);
    }
  }
  const ox = Math.min(SIDE - tw, Math.max(0, Math.round(SIDE / 2 - cx / mass)));
  const oy = Math.min(SIDE - th, Math.max(0, Math.round(SIDE / 2 - cy / mass)));
  const image = new Float32Array(IMAGE_SIZE);
  for (let y = 0; y < th; y++) image.set(patch.subarray(y * tw, (y + 1) * tw), (oy + y) * SIDE + ox);
  return image;
}
