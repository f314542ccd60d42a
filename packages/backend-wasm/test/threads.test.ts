/**
 * The worker pool over many jobs: job ids cycle (they fit in 15 bits of the shared counter), and
 * the workers must keep taking chunks after the ids wrap around.
 */
import { describe, expect, it } from 'vitest';
import { wasmBackend } from '../src/index.js';

describe('wasm worker threads over many jobs', () => {
  it('keep helping after more jobs than there are job ids (32,766), with the right results', async () => {
    const backend = await wasmBackend.create({ threads: 2 });
    try {
      // 128³ multiply-adds is the smallest product that runs on the threads: two jobs (pack, gemm).
      const n = 128;
      const a = { rows: n, cols: n, data: new Float32Array(n * n).fill(0.5) };
      const b = { rows: n, cols: n, data: new Float32Array(n * n).fill(0.25) };
      const out = { rows: n, cols: n, data: new Float32Array(n * n) };
      let chunksBefore = 0;
      for (let call = 0; call < 17_500; call++) {
        backend.gemm(a, b, out);
        if (call === 16_500) chunksBefore = backend.workerChunks; // past job 33,000
      }
      // A worker that is scheduled at all takes some of the last thousand calls' chunks.
      expect(backend.workerChunks).toBeGreaterThan(chunksBefore);
      expect(out.data.every((v) => v === 0.5 * 0.25 * n)).toBe(true);
    } finally {
      backend.dispose();
    }
  }, 120_000);
});
