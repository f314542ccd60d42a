/**
 * The compiled kernels: decoding and compiling the generated module once, creating the memory it
 * imports, and the typed view of its exports. Nothing here touches a Node-only module.
 */
import { BackendError } from '@contraspike/core';
import { PLAIN_WASM, SHARED_WASM } from './generated/wasm.js';

/** The kernels' exports (addresses are byte offsets into the imported memory). */
export interface Kernels {
  gemmScratchBytes(): number;
  packPanels(desc: number, q0: number, q1: number): void;
  gemmRows(desc: number, row0: number, row1: number): void;
  countOnes(a: number, count: number): number;
  countNonzeros(x: number, count: number, limit: number): number;
  spikeIndex(a: number, rows: number, cols: number, byColumn: boolean, offsets: number, idx: number): void;
  spikeScratchBytes(): number;
  spikeRows(desc: number, row0: number, row1: number): void;
  rowSumSquares(x: number, rows: number, cols: number, out: number): void;
  scaleRows(x: number, rows: number, cols: number, scales: number, out: number): void;
  rowCrossEntropy(x: number, rows: number, cols: number, targets: number, out: number): void;
  rowSoftmax(x: number, rows: number, cols: number, out: number, logSumExp: number): void;
  rowNormalizeBackward(xHat: number, grad: number, rows: number, cols: number, scales: number, out: number): void;
  lifStep(
    current: number,
    v: number,
    threshold: number,
    trace: number,
    spikes: number,
    counts: number,
    rows: number,
    cols: number,
    leak: number,
    traceDecay: number,
    adaptation: number,
    minimum: number,
  ): void;
  adamStep(
    param: number,
    grad: number,
    m: number,
    v: number,
    count: number,
    lr: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    c1: number,
    c2: number,
    clip: number,
  ): void;
  /** 1 when every entry of the block is finite afterwards, else 0. */
  outerRows(w: number, row0: number, rows: number, cols: number, alpha: number, terms: number, count: number): number;
  heapBase(): number;
}

/** 64 KiB. */
export const PAGE = 65536;
/** The most memory a backend may use (the modules declare the same limit: 4 GiB). */
export const MAXIMUM_PAGES = 65536;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

const compiled = new Map<boolean, Promise<WebAssembly.Module>>();

/**
 * Compiles the kernels once per variant: `shared` imports a shared memory (for worker threads).
 * Throws a {@link BackendError} saying why when this engine cannot run them.
 */
export function compileKernels(shared: boolean): Promise<WebAssembly.Module> {
  let module = compiled.get(shared);
  if (!module) {
    module = (async () => {
      if (typeof WebAssembly !== 'object' || typeof WebAssembly.compile !== 'function') {
        throw new BackendError('wasm: this JavaScript engine has no WebAssembly.');
      }
      const bytes = decode(shared ? SHARED_WASM : PLAIN_WASM);
      if (!WebAssembly.validate(bytes)) {
        throw new BackendError(
          'wasm: this engine cannot run the kernels: they need WebAssembly SIMD (128-bit, f32x4)' +
            (shared ? ' and threads (shared memory)' : '') +
            ', e.g. Node ≥ 16.4, Chrome ≥ 91, Firefox ≥ 89, Safari ≥ 16.4.',
        );
      }
      return WebAssembly.compile(bytes);
    })();
    module.catch(() => compiled.delete(shared));
    compiled.set(shared, module);
  }
  return module;
}

/** A memory for the kernels: shared (SharedArrayBuffer, growable to the maximum) or plain. */
export function createMemory(shared: boolean, initialPages: number): WebAssembly.Memory {
  try {
    return new WebAssembly.Memory({ initial: initialPages, maximum: MAXIMUM_PAGES, shared });
  } catch (error) {
    throw new BackendError(
      `wasm: could not create a ${shared ? 'shared ' : ''}WebAssembly memory ` +
        `(${error instanceof Error ? error.message : String(error)})` +
        (shared ? '; use { threads: 1 } where SharedArrayBuffer is unavailable.' : '.'),
      [],
      { cause: error },
    );
  }
}

/** Instantiates the kernels on `memory` (synchronously: the module is already compiled). */
export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): Kernels {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return instance.exports as unknown as Kernels;
}
