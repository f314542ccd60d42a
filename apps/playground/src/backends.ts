/**
 * The backends the playground's command-line tools can run on, and how a `--backend` flag picks
 * one. Adding a backend package is one line in {@link PROVIDERS}.
 */
import { gpujsBackend } from '@contraspike/backend-gpujs';
import { jsBackend } from '@contraspike/backend-js';
import { wasmBackend } from '@contraspike/backend-wasm';
import { type Backend, type BackendProvider, ready, registerBackend, setBackend } from '@contraspike/core';

/**
 * Every backend the tools know, with how to ask for it (`usage`, for --help): a name, or
 * `name:mode` for a backend that takes a mode (the backend validates the mode itself).
 */
export const PROVIDERS: ReadonlyArray<{ provider: BackendProvider<never>; usage: string }> = [
  { provider: jsBackend, usage: 'js' },
  { provider: wasmBackend, usage: 'wasm' },
  { provider: gpujsBackend, usage: 'gpujs, gpujs:<mode> (gpu, webgl2, webgl, headlessgl, webasm, cpu)' },
];

/** The `--backend` values, for --help. */
export function backendUsage(): string {
  return PROVIDERS.map((p) => p.usage).join(', ');
}

/**
 * Registers every provider, then activates the backend `spec` names (`name` or `name:mode`), or
 * chooses one automatically (core's `ready()`) without a spec. Rejects with core's
 * `BackendError` when it cannot run here.
 */
export async function chooseBackend(spec?: string): Promise<Backend> {
  for (const { provider } of PROVIDERS) registerBackend(provider);
  if (spec === undefined) return ready();
  const colon = spec.indexOf(':');
  if (colon < 0) return setBackend(spec);
  return setBackend(spec.slice(0, colon), { mode: spec.slice(colon + 1) });
}
