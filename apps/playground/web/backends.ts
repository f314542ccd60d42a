/**
 * The backends the page offers, one line each: a `--backend` spec as the CLI takes it (`name` or
 * `name:mode`, resolved by `src/backends.ts`, which registers every backend package) and a label.
 * Adding a backend is one more line here once it is in `src/backends.ts`.
 */
export interface BackendChoice {
  /** As `chooseBackend` takes it, e.g. `gpujs:webgl2`. */
  readonly spec: string;
  readonly label: string;
}

export const BACKEND_CHOICES: readonly BackendChoice[] = [
  { spec: 'js', label: 'js — plain TypeScript' },
  { spec: 'wasm', label: 'wasm — WebAssembly SIMD' },
  { spec: 'gpujs:webgl2', label: 'gpu.js — WebGL2' },
  { spec: 'gpujs:webgl', label: 'gpu.js — WebGL 1' },
  { spec: 'gpujs:webgpu', label: 'gpu.js — WebGPU' },
  { spec: 'gpujs:webasm', label: 'gpu.js — WebAssembly' },
  { spec: 'gpujs:cpu', label: 'gpu.js — CPU (JavaScript)' },
];
