import type { BackendProvider } from '@contraspike/core';
import { JsBackend } from './kernels.js';

export { capabilities, JsBackend } from './kernels.js';

/**
 * The plain-TypeScript backend: `registerBackend(jsBackend)`. Synchronous to create, so it can
 * be used without `await ready()`. Priority 1: any backend that runs on a real GPU outranks it.
 */
export const jsBackend = Object.freeze({
  name: 'js',
  priority: 1,
  create: (): JsBackend => new JsBackend(),
}) satisfies BackendProvider<void>;
