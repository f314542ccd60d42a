/**
 * The backends the page offers, one line each: adding a backend (e.g. WebAssembly SIMD) is one
 * more entry. The worker probes every entry by creating it exactly as asked (no fallback) and
 * running one small gemm checked against a plain loop; a refusal's message is what the page shows.
 */
import { gpujsBackend } from '@contraspike/backend-gpujs';
import { jsBackend } from '@contraspike/backend-js';
import type { BackendProvider } from '@contraspike/core';

export interface BackendChoice {
  /** Shown and used in the selector, e.g. `gpujs:webgl2`. */
  readonly id: string;
  readonly label: string;
  readonly provider: BackendProvider<never>;
  /** Passed to `setBackend(provider.name, options)`. */
  readonly options?: unknown;
}

export const BACKEND_CHOICES: readonly BackendChoice[] = [
  { id: 'js', label: 'js — plain TypeScript', provider: jsBackend },
  { id: 'gpujs:webgl2', label: 'gpu.js — WebGL2', provider: gpujsBackend, options: { mode: 'webgl2' } },
  { id: 'gpujs:webgl', label: 'gpu.js — WebGL 1', provider: gpujsBackend, options: { mode: 'webgl' } },
  { id: 'gpujs:webgpu', label: 'gpu.js — WebGPU', provider: gpujsBackend, options: { mode: 'webgpu' } },
  { id: 'gpujs:webasm', label: 'gpu.js — WebAssembly', provider: gpujsBackend, options: { mode: 'webasm' } },
  { id: 'gpujs:cpu', label: 'gpu.js — CPU (JavaScript)', provider: gpujsBackend, options: { mode: 'cpu' } },
];
