/**
 * Run-time half of the page's data (see `build/mnist-asset.ts`): decodes the digits asset (fetched
 * by the page from its own origin) into one Float32Array per class, intensities k/255 in [0, 1],
 * the form `splitDigits` (shared with the CLI) takes.
 */

/** Splits the concatenated bytes into classes of `lengths` values and scales them to [0, 1]. */
export function decodeDigits(bytes: Uint8Array, lengths: readonly number[]): Float32Array[] {
  const total = lengths.reduce((s, n) => s + n, 0);
  if (bytes.length !== total) {
    throw new RangeError(`digits asset: expected ${total} bytes, got ${bytes.length}`);
  }
  let offset = 0;
  return lengths.map((n) => {
    const digits = new Float32Array(n);
    for (let i = 0; i < n; i++) digits[i] = (bytes[offset + i] as number) / 255;
    offset += n;
    return digits;
  });
}
