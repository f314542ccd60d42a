import { BackendError, type BackendProvider } from '@contraspike/core';
import { ARENA_BASE, CONTROL_BASE, descriptor, WasmBackend } from './backend.js';
import { compileKernels, createMemory, instantiate, PAGE } from './module.js';
import { checkWasmOptions, defaultThreads, type WasmOptions } from './options.js';
import { threadsUnavailable, WorkerPool } from './threads.js';

export { capabilities, WasmBackend } from './backend.js';
export type { WasmOptions } from './options.js';

/** Pages the memory starts with (the arena grows on demand). */
const INITIAL_PAGES = 64;

/**
 * The WebAssembly SIMD backend: `registerBackend(wasmBackend)`, then `await ready()` or
 * `await setBackend('wasm', { threads })`. Creating it compiles the kernels (and starts worker
 * threads in Node); importing the package does neither.
 *
 * Priority 5: above js (1), below gpujs (10), which declines automatic selection without a GPU.
 * Fails with a `BackendError` saying why where WebAssembly or its SIMD extension is missing.
 */
export const wasmBackend = Object.freeze({
  name: 'wasm',
  priority: 5,
  async create(options: WasmOptions | undefined): Promise<WasmBackend> {
    const checked = checkWasmOptions(options);
    const why = threadsUnavailable();
    let threads: number;
    if (checked.threads === undefined) {
      threads = why === undefined ? await defaultThreads() : 1;
    } else {
      threads = checked.threads;
      if (threads > 1 && why !== undefined) {
        throw new BackendError(`wasm: options.threads = ${threads} cannot run here: ${why}. Use { threads: 1 }.`);
      }
    }
    const shared = threads > 1;
    const memory = createMemory(shared, Math.max(INITIAL_PAGES, ARENA_BASE / PAGE));
    if (!shared) return new WasmBackend(memory, instantiate(await compileKernels(false), memory), undefined);
    const module = await compileKernels(true);
    const kernels = instantiate(module, memory);
    const pool = await WorkerPool.start(threads - 1, module, memory, CONTROL_BASE, descriptor, kernels);
    // Copies into and out of a shared memory are slower (V8 copies it as shared memory, with
    // relaxed atomics), which shows in outerUpdate, a kernel that is all copying; so a threaded
    // backend streams W through a plain memory of its own (see WasmBackend.outerUpdate).
    const plain = createMemory(false, Math.ceil(ARENA_BASE / PAGE));
    const streaming = new WasmBackend(plain, instantiate(await compileKernels(false), plain), undefined);
    return new WasmBackend(memory, kernels, pool, streaming);
  },
}) satisfies BackendProvider<WasmOptions>;
