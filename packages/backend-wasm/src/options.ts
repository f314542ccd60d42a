/** Options of `setBackend('wasm', options)` and the default thread count. */
import { checkOptions, integerInRange } from '@contraspike/core';
import { MAX_THREADS } from './backend.js';

export interface WasmOptions {
  /**
   * Threads a large gemm runs on: this one plus `threads − 1` worker threads sharing the kernels'
   * memory. Default: `min(2, os.availableParallelism())` in Node; 1 where the current thread may not
   * block in `Atomics.wait` (a browser's main thread) or SharedArrayBuffer is missing. Asking for
   * more than 1 where threads cannot run is a `BackendError` that says why.
   */
  readonly threads?: number;
}

/** Validates `setBackend('wasm', options)`: undefined, or `{ threads }` with an integer in [1, 64]. */
export function checkWasmOptions(options: unknown): WasmOptions {
  const { threads } = checkOptions(options as WasmOptions | undefined, ['threads']);
  return threads === undefined ? {} : { threads: integerInRange(threads, 'options.threads', 1, MAX_THREADS) };
}

/** `min(2, availableParallelism)` in Node (loaded lazily), 1 elsewhere. */
export async function defaultThreads(): Promise<number> {
  try {
    const os = (await import('node:os')) as { availableParallelism?: () => number; cpus: () => unknown[] };
    return Math.max(1, Math.min(2, os.availableParallelism?.() ?? os.cpus().length));
  } catch {
    return 1;
  }
}
