/**
 * Build-time half of the page's data: a Vite plugin that turns the `mnist` package's digits
 * (21 MB of JSON, read in Node by `src/mnist.ts`) into one compact binary asset, one byte per
 * pixel (7.8 MB), and a virtual module `virtual:mnist-digits` that tells the page where it is and
 * how many digits each class has. The page fetches it from its own origin: no network at run time.
 *
 * The package stores each intensity k/255 of the MNIST files rounded to 3 decimals, so
 * `round(v · 255)` recovers the original byte k exactly; the page decodes it as k/255 (`web/digits.ts`).
 */
import type { Plugin } from 'vite';
import { loadDigits } from '../../src/mnist.js';

export const MNIST_MODULE = 'virtual:mnist-digits';
const RESOLVED = `\0${MNIST_MODULE}`;
/** Where the dev server serves the asset (the production build emits it with a hashed name). */
const DEV_PATH = '/@contraspike/mnist-digits.bin';

export interface EncodedDigits {
  /** Every class's digits one after the other, one byte per pixel. */
  readonly bytes: Uint8Array;
  /** Number of values (digits × 784) of each class, in class order. */
  readonly lengths: readonly number[];
}

/** One byte per intensity in [0, 1]: `round(v · 255)`. */
export function encodeDigits(digits: readonly Float32Array[]): EncodedDigits {
  const lengths = digits.map((d) => d.length);
  const bytes = new Uint8Array(lengths.reduce((s, n) => s + n, 0));
  let offset = 0;
  for (const d of digits) {
    for (let i = 0; i < d.length; i++) bytes[offset + i] = Math.round((d[i] as number) * 255);
    offset += d.length;
  }
  return { bytes, lengths };
}

export function mnistAsset(): Plugin {
  let serving = false;
  let encoded: EncodedDigits | undefined;
  const data = () => {
    encoded ??= encodeDigits(loadDigits());
    return encoded;
  };
  return {
    name: 'contraspike:mnist-digits',
    configResolved(config) {
      serving = config.command === 'serve';
    },
    resolveId(id) {
      return id === MNIST_MODULE ? RESOLVED : undefined;
    },
    load(id) {
      if (id !== RESOLVED) return undefined;
      const { bytes, lengths } = data();
      const url = serving
        ? JSON.stringify(DEV_PATH)
        : `import.meta.ROLLUP_FILE_URL_${this.emitFile({ type: 'asset', name: 'mnist-digits.bin', source: bytes })}`;
      return `export const digitsUrl = ${url};\nexport const classLengths = ${JSON.stringify(lengths)};\n`;
    },
    configureServer(server) {
      server.middlewares.use(DEV_PATH, (_req, res) => {
        res.setHeader('Content-Type', 'application/octet-stream');
        res.end(data().bytes);
      });
    },
  };
}
