/**
 * The shared suite in a real browser: gpujs on WebGL2 (SwiftShader here) and js, then gpujs on
 * WebGL2 against js on random inputs.
 */
import { jsBackend } from '@contraspike/backend-js';
import { crossCheck, runConformance } from '@contraspike/conformance';
import { BackendError, getBackend, listBackends, ready, registerBackend, resetBackends } from '@contraspike/core';
import { describe, expect, it } from 'vitest';
import { gpujsBackend } from '../../src/index.js';

describe('gpujs in the browser', () => {
  it('gpu.js really runs WebGL2 here, and the backend says so', async () => {
    const backend = await gpujsBackend.create(undefined, { auto: true });
    try {
      expect(backend.name).toBe('gpujs:webgl2');
      expect(backend.mode).toBe('webgl2');
      expect(backend.capabilities).toEqual({ device: 'gpu', storage: 'float32', accumulation: 'float32' });
    } finally {
      backend.dispose();
    }
  });

  it('with a GPU here, automatic selection picks gpujs over js', async () => {
    registerBackend(jsBackend);
    registerBackend(gpujsBackend);
    try {
      expect((await ready()).name).toBe('gpujs:webgl2');
      expect(getBackend().name).toBe('gpujs:webgl2');
      expect(listBackends().map((b) => [b.name, b.active])).toEqual([
        ['gpujs', true],
        ['js', false],
      ]);
    } finally {
      resetBackends();
    }
  });

  it("a matrix wider than the GPU's texture limit fails loudly, not silently", async () => {
    // (This package's TypeScript setup has no DOM types: the canvas is typed by hand.)
    type GL = { MAX_TEXTURE_SIZE: number; getParameter(name: number): number };
    const { document } = globalThis as unknown as {
      document: { createElement(tag: 'canvas'): { getContext(kind: 'webgl2'): GL } };
    };
    const gl = document.createElement('canvas').getContext('webgl2');
    const max = gl.getParameter(gl.MAX_TEXTURE_SIZE);
    const backend = await gpujsBackend.create({ mode: 'webgl2' }, { auto: false });
    try {
      const cols = max + 1;
      const x = { rows: 2, cols, data: new Float32Array(2 * cols).fill(1) };
      const out = { rows: 2, cols, data: new Float32Array(2 * cols) };
      let caught: unknown;
      try {
        backend.scaleRows(x, Float64Array.of(2, 3), out);
      } catch (error) {
        caught = error;
      }
      expect(BackendError.isInstance(caught), String(caught)).toBe(true);
      expect((caught as Error).message).toMatch(/^gpujs:webgl2: gpu.js could not run kernel scaleRows: Texture size/);
    } finally {
      backend.dispose();
    }
  });
});

runConformance(gpujsBackend, { createOptions: { mode: 'webgl2' } });
runConformance(jsBackend);
crossCheck(gpujsBackend, { reference: jsBackend, createOptions: { mode: 'webgl2' } });
