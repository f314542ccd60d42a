import type { BackendProvider, CreateContext } from '@contraspike/core';
import { GpujsBackend } from './backend.js';
import { checkGpujsOptions, type GpujsOptions, loadGpuJs, openGpu } from './gpu.js';

export { GpujsBackend } from './backend.js';
export type { GpujsMode, GpujsOptions, RunningMode } from './gpu.js';

/**
 * The gpu.js backend: `registerBackend(gpujsBackend)`, then `await ready()` or
 * `await setBackend('gpujs', { mode })`. gpu.js is imported on the first `create()`, never on import.
 *
 * Priority 10, above js (1) — but under automatic selection it declines unless gpu.js finds a GPU
 * (WebGL2, WebGL, headless-gl), so on a CPU-only machine js runs. An explicit request runs in exactly
 * the mode asked for (or any GPU mode for `gpu`, or gpu.js's own pick without a mode) or fails.
 * The backend's name says which mode runs: `gpujs:webgl2`, `gpujs:webasm`, `gpujs:cpu`, ...
 */
export const gpujsBackend = Object.freeze({
  name: 'gpujs',
  priority: 10,
  async create(options: GpujsOptions | undefined, context?: CreateContext): Promise<GpujsBackend> {
    const { mode } = checkGpujsOptions(options);
    const lib = await loadGpuJs();
    const opened = openGpu(lib, mode, context?.auto ?? false);
    return new GpujsBackend(lib, opened.gpu, opened.mode);
  },
}) satisfies BackendProvider<GpujsOptions>;
