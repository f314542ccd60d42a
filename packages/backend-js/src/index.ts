import { type BackendProvider, booleanOption, checkOptions } from '@contraspike/core';
import { JsBackend, type JsBackendOptions } from './kernels.js';

export { capabilities, JsBackend, type JsBackendOptions } from './kernels.js';

/**
 * The plain-TypeScript backend: `registerBackend(jsBackend)`. Synchronous to create, so it can
 * be used without `await ready()`. Priority 1: any backend that runs on a real GPU outranks it.
 * Options: `setBackend('js', { eventDriven: false })` turns off the sparse gemm paths.
 */
export const jsBackend = Object.freeze({
  name: 'js',
  priority: 1,
  create: (options?: JsBackendOptions): JsBackend => {
    const o = checkOptions(options, ['eventDriven']);
    return new JsBackend({ eventDriven: booleanOption(o.eventDriven ?? true, 'options.eventDriven') });
  },
}) satisfies BackendProvider<JsBackendOptions>;
