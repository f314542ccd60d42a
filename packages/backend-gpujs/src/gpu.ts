/**
 * Loading gpu.js and opening a `GPU` in exactly the mode asked for: gpu.js itself falls back
 * silently (its 'gpu' mode runs WebAssembly where no GL context exists, and a kernel that fails
 * to compile reruns on the CPU); here every such substitution is detected and refused.
 */
import { BackendError, checkOptions, oneOf } from '@contraspike/core';

/** The gpu.js modes that can be asked for. `gpu` means any GPU mode (WebGL2, WebGL, headless-gl). */
export const MODES = ['gpu', 'webgl2', 'webgl', 'headlessgl', 'webgpu', 'webasm', 'cpu'] as const;
export type GpujsMode = (typeof MODES)[number];
/** A mode that really runs: what `gpu` resolves to, or an explicit mode. */
export type RunningMode = Exclude<GpujsMode, 'gpu'>;

/** Options of `setBackend('gpujs', options)`. */
export interface GpujsOptions {
  /**
   * Run in exactly this gpu.js mode, or fail with a `BackendError` saying why not. `gpu` accepts
   * any GPU mode. Without it gpu.js picks the best mode available, and the backend's name says which.
   */
  readonly mode?: GpujsMode;
}

const GPU_MODES: ReadonlySet<string> = new Set(['webgl2', 'webgl', 'headlessgl', 'webgpu']);

export function isGpuMode(mode: string): boolean {
  return GPU_MODES.has(mode);
}

/** The part of gpu.js this package uses (its own typings describe a wider, partly different API). */
export interface KernelSettings {
  readonly output: readonly number[];
  readonly constants: Readonly<Record<string, number>>;
  readonly loopMaxIterations: number;
  readonly precision: 'single';
  readonly tactic: 'precision';
}

/** A gpu.js kernel class; its static `mode` is `gpu` for every GL kernel. */
export interface KernelClass {
  readonly mode: string;
}

export interface CompiledKernel {
  (...args: unknown[]): unknown;
  /** The kernel that really runs (gpu.js swaps it on a fallback). */
  readonly kernel: { readonly constructor: KernelClass; readonly fallbackReason?: string | null };
}

export interface Gpu {
  readonly Kernel: KernelClass;
  createKernel(source: string, settings: KernelSettings): CompiledKernel;
  destroy(): Promise<void>;
}

interface GpuStatics {
  readonly isWebGL2Supported: boolean;
  readonly isWebGLSupported: boolean;
  readonly isHeadlessGLSupported: boolean;
  readonly isWebAssemblySupported: boolean;
}

export interface GpuJs {
  readonly GPU: (new (settings?: { mode?: string }) => Gpu) & GpuStatics;
  /** A flat array read by a kernel as `x[y][x]` (size [width, height]). */
  readonly Input: new (
    value: Float32Array,
    size: [number, number],
  ) => object;
  readonly WebGL2Kernel: KernelClass;
  readonly WebGLKernel: KernelClass;
  readonly HeadlessGLKernel: KernelClass;
}

/** The mode a gpu.js kernel class runs in (the GL classes are told apart by identity). */
export function modeOf(lib: GpuJs, Kernel: KernelClass): RunningMode {
  if (Kernel === lib.WebGL2Kernel) return 'webgl2';
  if (Kernel === lib.WebGLKernel) return 'webgl';
  if (Kernel === lib.HeadlessGLKernel) return 'headlessgl';
  return Kernel.mode as RunningMode;
}

let loading: Promise<GpuJs> | undefined;

/** Imports gpu.js once, on first use (so importing this package never loads or fails on it). */
export function loadGpuJs(): Promise<GpuJs> {
  loading ??= import('gpu.js').then(
    (mod: unknown) => {
      const m = mod as Partial<GpuJs> & { default?: Partial<GpuJs> };
      const lib = m.GPU ? m : m.default;
      if (!lib?.GPU) throw new Error('the module has no GPU export');
      return lib as GpuJs;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading.catch((error: unknown) => {
    throw new BackendError(
      `gpujs: gpu.js could not be loaded (${error instanceof Error ? error.message : String(error)}). ` +
        'Install it next to @contraspike/backend-gpujs: npm install gpu.js@2.24.1',
      [],
      { cause: error },
    );
  });
}

/** Validates `setBackend('gpujs', options)`: undefined, or `{ mode }` with a known mode. */
export function checkGpujsOptions(options: unknown): GpujsOptions {
  const { mode } = checkOptions(options as GpujsOptions | undefined, ['mode']);
  return mode === undefined ? {} : { mode: oneOf(mode, MODES, 'options.mode') };
}

/** Why a mode may be missing, for the error message. */
const NEEDS: Record<string, string> = {
  webgl2: 'it needs a browser (or worker) with WebGL2',
  webgl: 'it needs a browser (or worker) with WebGL',
  headlessgl:
    "it needs Node with gpu.js's optional `gl` package built from source (its install script allowed) and a display, e.g. under xvfb-run",
  webasm: 'it needs WebAssembly',
};

function available(lib: GpuJs): string[] {
  const G = lib.GPU;
  const flags: Array<[string, boolean]> = [
    ['webgl2', G.isWebGL2Supported],
    ['webgl', G.isWebGLSupported],
    ['headlessgl', G.isHeadlessGLSupported],
    ['webasm', G.isWebAssemblySupported],
    ['cpu', true],
  ];
  return flags.filter(([, ok]) => ok).map(([name]) => name);
}

/**
 * Opens a gpu.js `GPU` in the requested mode and returns it with the mode that really runs.
 * Throws a {@link BackendError} when that mode is not available here, or (under automatic
 * selection, `auto`) when gpu.js would run only on the CPU, so that a CPU backend wins.
 */
export function openGpu(lib: GpuJs, requested: GpujsMode | undefined, auto: boolean): { gpu: Gpu; mode: RunningMode } {
  const here = `available here: ${available(lib).join(', ')}`;
  if (requested === 'webgpu') {
    throw new BackendError(
      'gpujs: mode "webgpu" is not supported: gpu.js runs WebGPU kernels only asynchronously (every call ' +
        `returns a Promise), and contraspike's kernels are synchronous. Use "webgl2" in a browser (${here}).`,
    );
  }
  let gpu: Gpu;
  try {
    gpu = new lib.GPU(requested === undefined ? {} : { mode: requested });
  } catch (error) {
    throw new BackendError(
      `gpujs: gpu.js mode "${requested}" is not available here` +
        (requested && NEEDS[requested] ? ` (${NEEDS[requested]})` : '') +
        ` (${here}).`,
      [],
      { cause: error },
    );
  }
  const mode = modeOf(lib, gpu.Kernel);
  let refusal: string | undefined;
  if (requested === 'gpu' && !isGpuMode(mode)) {
    refusal = `gpujs: mode "gpu" asks for a GPU, but gpu.js found none here and would run on "${mode}" (${here}).`;
  } else if (requested !== undefined && requested !== 'gpu' && mode !== requested) {
    refusal = `gpujs: gpu.js was asked for mode "${requested}" but chose "${mode}".`;
  } else if (requested === undefined && auto && !isGpuMode(mode)) {
    refusal =
      `gpujs: no GPU here (gpu.js would run on "${mode}"), so it declines automatic selection in favour of a CPU ` +
      `backend; select it explicitly, e.g. setBackend('gpujs', { mode: '${mode}' }), to run it anyway.`;
  }
  if (refusal) {
    gpu.destroy().catch(() => undefined);
    throw new BackendError(refusal);
  }
  return { gpu, mode };
}
