/**
 * The provider: options validated with typed errors, threads refused loudly where they cannot run,
 * automatic selection, steady-state memory, dispose, and the built package (ESM and CJS) starting
 * no worker on import, one per extra thread on create(), none left running after dispose.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { jsBackend } from '@contraspike/backend-js';
import { optionErrors, rejection } from '@contraspike/conformance';
import {
  BackendError,
  InputTypeError,
  InvalidValueError,
  listBackends,
  type Matrix,
  Random,
  ready,
  registerBackend,
  resetBackends,
  SpikeContrastiveLoss,
} from '@contraspike/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type WasmOptions, wasmBackend } from '../src/index.js';

const create = (options?: WasmOptions) => wasmBackend.create(options);

function random(rng: Random, rows: number, cols: number): Matrix {
  return { rows, cols, data: Float32Array.from({ length: rows * cols }, () => rng.next()) };
}

afterEach(() => {
  resetBackends();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

optionErrors(wasmBackend, [
  [{ threads: 0 }, InvalidValueError.isInstance, /^options\.threads: expected an integer in \[1, 64\], got 0$/],
  [{ threads: 1.5 }, InvalidValueError.isInstance, /^options\.threads: expected an integer in \[1, 64\], got 1\.5$/],
  [{ threads: 65 }, InvalidValueError.isInstance, /^options\.threads: .*got 65$/],
  [{ threads: '2' }, InputTypeError.isInstance, /^options\.threads: expected an integer in \[1, 64\], got "2"$/],
  [
    { thread: 2 },
    InputTypeError.isInstance,
    /^options\.thread: expected one of the options threads, got an unknown option$/,
  ],
  ['fast', InputTypeError.isInstance, /^options: expected an options object \{ threads\? \}, got "fast"$/],
]);

describe('threads', () => {
  it('defaults to min(2, available parallelism) in Node and says so', async () => {
    const { availableParallelism } = await import('node:os');
    const backend = await create();
    try {
      expect(backend.name).toBe('wasm');
      expect(backend.threads).toBe(Math.min(2, availableParallelism()));
      expect(backend.capabilities).toEqual({ device: 'wasm', storage: 'float32', accumulation: 'float32' });
    } finally {
      backend.dispose();
    }
  });

  it('without SharedArrayBuffer: one thread by default, and threads > 1 is a BackendError saying why', async () => {
    vi.stubGlobal('SharedArrayBuffer', undefined);
    const error = await rejection(create({ threads: 2 }));
    expect(BackendError.isInstance(error)).toBe(true);
    expect(error.message).toBe(
      'wasm: options.threads = 2 cannot run here: SharedArrayBuffer is unavailable here. Use { threads: 1 }.',
    );
    const backend = await create();
    expect(backend.threads).toBe(1);
    backend.dispose();
  });

  it('where the thread may not block (a browser main thread) the same', async () => {
    vi.spyOn(Atomics, 'wait').mockImplementation(() => {
      throw new TypeError('Atomics.wait cannot be called in this context');
    });
    const error = await rejection(create({ threads: 2 }));
    expect(error.message).toMatch(/may not block in Atomics\.wait \(a browser main thread\)/);
  });

  it('a large gemm is shared with the worker, which takes chunks of it', async () => {
    const backend = await create({ threads: 2 });
    try {
      const rng = new Random(3);
      const a = random(rng, 256, 512);
      const b = random(rng, 512, 256);
      const out = { rows: 256, cols: 256, data: new Float32Array(256 * 256) };
      // The OS may run the worker late for one call (the caller then takes every chunk), not for 50.
      for (let call = 0; call < 50 && backend.workerChunks === 0; call++) backend.gemm(a, b, out);
      expect(backend.workerChunks).toBeGreaterThan(0);
      // A small one stays on this thread.
      const before = backend.workerChunks;
      backend.gemm(random(rng, 8, 8), random(rng, 8, 8), { rows: 8, cols: 8, data: new Float32Array(64) });
      expect(backend.workerChunks).toBe(before);
    } finally {
      backend.dispose();
    }
  });
});

describe('registry and lifecycle', () => {
  it('outranks js under automatic selection', async () => {
    registerBackend(jsBackend);
    registerBackend(wasmBackend);
    expect((await ready()).name).toBe('wasm');
    expect(listBackends().map((b) => [b.name, b.priority, b.active])).toEqual([
      ['wasm', 5, true],
      ['js', 1, false],
    ]);
  });

  it('without SIMD the engine cannot compile the kernels: a BackendError says what is needed', async () => {
    vi.resetModules();
    const fresh = await import('../src/index.js');
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    const error = await rejection(fresh.wasmBackend.create({ threads: 1 }));
    expect(BackendError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/^wasm: this engine cannot run the kernels: they need WebAssembly SIMD/);
  });

  it('repeated calls of one shape reuse the same memory; a larger shape grows it once', async () => {
    const backend = await create({ threads: 1 });
    try {
      const rng = new Random(5);
      const loss = new SpikeContrastiveLoss({ backend });
      const [a, b] = [random(rng, 64, 300), random(rng, 64, 300)];
      loss.compute(a, b);
      const settled = backend.memoryBytes;
      for (let i = 0; i < 20; i++) loss.compute(a, b);
      expect(backend.memoryBytes).toBe(settled);
      const [c, d] = [random(rng, 512, 2048), random(rng, 512, 2048)];
      const first = loss.compute(c, d);
      const grown = backend.memoryBytes;
      expect(grown).toBeGreaterThan(settled);
      expect(loss.compute(c, d)).toBe(first);
      expect(backend.memoryBytes).toBe(grown);
    } finally {
      backend.dispose();
    }
  });

  it('a disposed backend refuses every call; dispose twice is harmless', async () => {
    const backend = await create({ threads: 2 });
    const x = { rows: 1, cols: 2, data: Float32Array.of(1, 2) };
    backend.dispose();
    expect(() => backend.rowSumSquares(x, new Float64Array(1))).toThrow(/^wasm: this backend was disposed$/);
    expect(() => backend.gemm(x, x, x, { transB: true })).toThrow(BackendError);
    backend.dispose();
  });
});

describe('the built package', () => {
  const dist = fileURLToPath(new URL('../dist/', import.meta.url));
  const run = (args: string[], code: string) =>
    execFileSync(process.execPath, [...args, '-e', code], { cwd: dist, encoding: 'utf8', timeout: 30_000 }).trim();
  // Counts workers created and exited through node:worker_threads (patched before the package loads).
  const spy = `const wt = require('node:worker_threads');
    const counts = { created: 0, exited: 0 };
    wt.Worker = class extends wt.Worker {
      constructor(...args) { super(...args); counts.created++; this.once('exit', () => counts.exited++); }
    };
    require('node:module').syncBuiltinESMExports();
    const settle = () => new Promise((resolve) => setTimeout(resolve, 200));`;
  const scenario = `const before = counts.created;
      const b = await wasmBackend.create({ threads: 2 });
      const x = { rows: 64, cols: 64, data: new Float32Array(4096).fill(1) };
      b.gemm(x, x, { rows: 64, cols: 64, data: new Float32Array(4096) });
      const created = counts.created;
      b.dispose();
      await settle();
      console.log(JSON.stringify([before, created, counts.exited, b.name]));`;

  it('ESM: importing it starts no worker; create() starts one per extra thread; dispose ends them', () => {
    const out = run(
      ['--input-type=commonjs'],
      `${spy}
      import('./index.js').then(async ({ wasmBackend }) => { ${scenario} });`,
    );
    expect(JSON.parse(out)).toEqual([0, 1, 1, 'wasm']);
  });

  it('CommonJS: the same', () => {
    const out = run(
      ['--input-type=commonjs'],
      `${spy}
      const { wasmBackend } = require('./index.cjs');
      (async () => { ${scenario} })();`,
    );
    expect(JSON.parse(out)).toEqual([0, 1, 1, 'wasm']);
  });

  it('an undisposed backend with workers does not keep the process alive', () => {
    const out = run(
      ['--input-type=commonjs'],
      `const { wasmBackend } = require('./index.cjs');
      wasmBackend.create({ threads: 2 }).then((b) => console.log(b.threads));`,
    );
    expect(out).toBe('2');
  });
});
