/**
 * The provider in Node: modes honoured or refused loudly, typed option errors, automatic
 * selection declining without a GPU, the kernel cache, dispose, and lazy loading of gpu.js.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { jsBackend } from '@contraspike/backend-js';
import { optionErrors, rejection } from '@contraspike/conformance';
import {
  BackendError,
  getBackend,
  InputTypeError,
  InvalidValueError,
  listBackends,
  type Matrix,
  ready,
  registerBackend,
  resetBackends,
  setBackend,
} from '@contraspike/core';
import { afterEach, describe, expect, it } from 'vitest';
import { GpujsBackend as Backend } from '../src/backend.js';
import { type Gpu, type GpuJs, type KernelClass, openGpu } from '../src/gpu.js';
import { type GpujsBackend, type GpujsOptions, gpujsBackend } from '../src/index.js';

const create = (options?: GpujsOptions, auto = false) => gpujsBackend.create(options, { auto });
const zeros = (rows: number, cols: number): Matrix => ({ rows, cols, data: new Float32Array(rows * cols) });

afterEach(() => resetBackends());

describe('modes', () => {
  it.each([
    ['cpu', 'gpujs:cpu', 'cpu'],
    ['webasm', 'gpujs:webasm', 'wasm'],
  ] as const)('mode %s runs exactly that mode and says so', async (mode, name, device) => {
    const backend = await create({ mode });
    try {
      expect(backend.name).toBe(name);
      expect(backend.mode).toBe(mode);
      expect(backend.capabilities).toEqual({ device, storage: 'float32', accumulation: 'float32' });
    } finally {
      backend.dispose();
    }
  });

  it.each([
    ['webgl2', /mode "webgl2" is not available here \(it needs a browser.*WebGL2\) \(available here: webasm, cpu\)/],
    ['webgl', /mode "webgl" is not available here/],
    ['headlessgl', /mode "headlessgl" is not available here \(it needs .*`gl` package built/],
    ['gpu', /mode "gpu" asks for a GPU, but gpu.js found none here and would run on "webasm"/],
    ['webgpu', /mode "webgpu" is not supported: gpu.js runs WebGPU kernels only asynchronously/],
  ] as const)('mode %s is unavailable in Node: a BackendError says why, never a fallback', async (mode, message) => {
    const error = await rejection(create({ mode }));
    expect(BackendError.isInstance(error), String(error)).toBe(true);
    expect(error.message).toMatch(message);
  });

  it('setBackend with an unavailable mode rejects and leaves the active backend alone', async () => {
    registerBackend(jsBackend);
    registerBackend(gpujsBackend);
    await setBackend('js');
    const error = await rejection(setBackend('gpujs', { mode: 'webgl2' }));
    expect(BackendError.isInstance(error)).toBe(true);
    expect(getBackend().name).toBe('js');
  });

  it("without a mode, an explicit request runs gpu.js's own pick and reports it", async () => {
    registerBackend(gpujsBackend);
    const backend = await setBackend('gpujs');
    expect(backend.name).toBe('gpujs:webasm');
    expect(getBackend()).toBe(backend);
  });
});

optionErrors(gpujsBackend, [
  [
    { mode: 'tpu' },
    InvalidValueError.isInstance,
    /^options\.mode: expected one of "gpu", "webgl2", "webgl", "headlessgl", "webgpu", "webasm", "cpu", got "tpu"$/,
  ],
  [{ mode: 'dev' }, InvalidValueError.isInstance, /options\.mode.*got "dev"/],
  [{ mode: 2 }, InputTypeError.isInstance, /^options\.mode: expected one of "gpu", .*, got 2$/],
  [
    { modes: 'cpu' },
    InputTypeError.isInstance,
    /^options\.modes: expected one of the options mode, got an unknown option$/,
  ],
  ['cpu', InputTypeError.isInstance, /^options: expected an options object \{ mode\? \}, got "cpu"$/],
  [[], InputTypeError.isInstance, /^options: expected an options object/],
]);

describe('automatic selection', () => {
  it('with only js and gpujs registered and no GPU, gpujs declines and js runs', async () => {
    registerBackend(gpujsBackend);
    registerBackend(jsBackend);
    expect((await ready()).name).toBe('js');
    const gpujs = listBackends().find((b) => b.name === 'gpujs');
    expect(gpujs).toMatchObject({ priority: 10, active: false });
    expect(gpujs?.failure).toMatch(/no GPU here \(gpu.js would run on "webasm"\), so it declines automatic selection/);
  });

  it('gpujs alone under automatic selection: the error says why it declined', async () => {
    registerBackend(gpujsBackend);
    const error = await rejection(ready());
    expect(BackendError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/gpujs: .*declines automatic selection/);
  });

  it('outranks js when gpu.js finds a GPU', async () => {
    const gl: KernelClass = { mode: 'gpu' };
    const lib = fakeLib(gl);
    const opened = openGpu(lib, undefined, true);
    expect(opened.mode).toBe('webgl2');
    expect(gpujsBackend.priority).toBeGreaterThan(jsBackend.priority);
  });
});

/** A stand-in for gpu.js whose GPU picks `chosen`, to test the checks without a real GPU. */
function fakeLib(chosen: KernelClass, kernelRuns: KernelClass = chosen): GpuJs {
  const webgl2 = chosen.mode === 'gpu' ? chosen : { mode: 'gpu' };
  class FakeGpu implements Gpu {
    readonly Kernel = chosen;
    createKernel() {
      const run = () => new Float32Array(1);
      return Object.assign(run, { kernel: { constructor: kernelRuns, fallbackReason: 'shader did not compile' } });
    }
    destroy() {
      return Promise.resolve();
    }
  }
  return {
    GPU: FakeGpu as unknown as GpuJs['GPU'],
    Input: class {},
    WebGL2Kernel: webgl2,
    WebGLKernel: { mode: 'gpu' },
    HeadlessGLKernel: { mode: 'gpu' },
  };
}

describe('silent substitutions by gpu.js are refused', () => {
  it('a GPU that opens in another mode than the one asked for', () => {
    expect(() => openGpu(fakeLib({ mode: 'webasm' }), 'webgl2', false)).toThrow(
      /asked for mode "webgl2" but chose "webasm"/,
    );
  });

  it('a kernel that gpu.js reruns on the CPU after a failed compile', () => {
    const lib = fakeLib({ mode: 'webasm' }, { mode: 'cpu' });
    const backend = new Backend(lib, new lib.GPU(), 'webasm');
    const out = new Float64Array(1);
    expect(() => backend.rowSumSquares({ rows: 1, cols: 1, data: Float32Array.of(2) }, out)).toThrow(
      /gpujs:webasm: gpu.js ran kernel rowDot in mode "cpu" instead of "webasm" \(shader did not compile\)/,
    );
    expect(backend.compiledKernelCount).toBe(0);
  });
});

describe('kernel cache and dispose', () => {
  it('compiles once per shape and setting, then reuses; dispose releases everything', async () => {
    const backend: GpujsBackend = await create({ mode: 'webasm' });
    const a = { rows: 3, cols: 5, data: new Float32Array(15).fill(1) };
    const b = { rows: 5, cols: 2, data: new Float32Array(10).fill(2) };
    expect(backend.compiledKernelCount).toBe(0);
    backend.gemm(a, b, zeros(3, 2));
    expect(backend.compiledKernelCount).toBe(1);
    const out = zeros(3, 2);
    backend.gemm(a, b, out, { alpha: 0.5 }); // same shape, another alpha: no new kernel
    expect(backend.compiledKernelCount).toBe(1);
    expect(Array.from(out.data)).toEqual([5, 5, 5, 5, 5, 5]);
    backend.gemm(a, b, out, { beta: 1 }); // another setting
    backend.gemm(b, a, zeros(2, 3), { transA: true, transB: true }); // another shape
    expect(backend.compiledKernelCount).toBe(3);
    for (let i = 0; i < 3; i++) backend.gemm(a, b, out, { beta: 1 });
    expect(backend.compiledKernelCount).toBe(3);
    backend.dispose();
    expect(backend.compiledKernelCount).toBe(0);
    expect(() => backend.gemm(a, b, out)).toThrow(/gpujs:webasm: this backend was disposed/);
    backend.dispose(); // twice is harmless
  });

  it('the registry disposes a replaced gpujs backend', async () => {
    registerBackend(gpujsBackend);
    const first = (await setBackend('gpujs', { mode: 'cpu' })) as GpujsBackend;
    first.rowSumSquares(zeros(2, 3), new Float64Array(2));
    expect(first.compiledKernelCount).toBe(1);
    const second = await setBackend('gpujs', { mode: 'webasm' });
    expect(second.name).toBe('gpujs:webasm');
    expect(first.compiledKernelCount).toBe(0);
  });
});

describe('large matrices', () => {
  it('index exactly past 2^24 elements (a float32 flat index would not)', async () => {
    const backend = await create({ mode: 'webasm' });
    const [rows, cols] = [3, 5_592_409]; // 16,777,227 elements
    const x = { rows, cols, data: new Float32Array(rows * cols) };
    for (let k = 0; k < x.data.length; k++) x.data[k] = (k % 7) + 1;
    const out = zeros(rows, cols);
    backend.scaleRows(x, Float64Array.of(1, 1, 1), out);
    backend.dispose();
    let wrong = 0;
    for (let k = 0; k < x.data.length; k++) if (out.data[k] !== x.data[k]) wrong++;
    expect(wrong).toBe(0);
  });
});

describe('the built package', () => {
  const dist = fileURLToPath(new URL('../dist/', import.meta.url));
  const node = (code: string) => execFileSync(process.execPath, ['-e', code], { cwd: dist, encoding: 'utf8' }).trim();
  const loaded = "Object.keys(require('node:module')._cache).some((k) => k.includes('gpu.js'))";

  it('ESM: importing it does not load gpu.js; create() does', () => {
    const out = node(`import('./index.js').then(async ({ gpujsBackend }) => {
      const before = ${loaded};
      const b = await gpujsBackend.create({ mode: 'cpu' }, { auto: false });
      console.log(JSON.stringify([before, ${loaded}, b.name]));
      b.dispose();
    });`);
    expect(JSON.parse(out)).toEqual([false, true, 'gpujs:cpu']);
  });

  it('CommonJS: the same', () => {
    const out = node(`const { gpujsBackend } = require('./index.cjs');
      const before = ${loaded};
      gpujsBackend.create({ mode: 'webasm' }, { auto: false }).then((b) => {
        console.log(JSON.stringify([before, ${loaded}, b.name]));
        b.dispose();
      });`);
    expect(JSON.parse(out)).toEqual([false, true, 'gpujs:webasm']);
  });
});
