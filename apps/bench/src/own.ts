/**
 * contraspike's own backends, each in its concrete mode, created through core's registry
 * (`registerBackend`, `setBackend(name, options)`), and the cases prepared on them.
 */
import { gpujsBackend } from '@contraspike/backend-gpujs';
import { jsBackend } from '@contraspike/backend-js';
import {
  type Backend,
  type BackendProvider,
  CSDPNetwork,
  CSDPRule,
  LIFLayer,
  type Matrix,
  registerBackend,
  SpikeContrastiveLoss,
  setBackend,
  zeros,
} from '@contraspike/core';
import type { BenchCase } from './inputs.js';

/** A backend as the benchmark names it, and how to ask the registry for it. */
export interface OwnSpec {
  /** What `--backends` calls it. */
  readonly id: string;
  /** Registry name and options. */
  readonly provider: string;
  readonly options?: Record<string, unknown>;
  /** Shown next to the backend's name, e.g. `dense`. */
  readonly variant?: string;
}

/** Where backend-wasm comes from; it is an optional package (loaded only if installed). */
const WASM_PACKAGE = '@contraspike/backend-wasm';

/** Registers js and gpujs, and backend-wasm when it is installed; returns why wasm is missing, if it is. */
export async function registerOwnBackends(): Promise<{ wasmMissing?: string }> {
  registerBackend(jsBackend);
  registerBackend(gpujsBackend);
  try {
    const specifier = WASM_PACKAGE; // a variable: the package may not exist at build time
    const mod = (await import(specifier)) as { wasmBackend?: BackendProvider<never> };
    if (!mod.wasmBackend) return { wasmMissing: `${WASM_PACKAGE} does not export wasmBackend` };
    registerBackend(mod.wasmBackend);
    return {};
  } catch (error) {
    return { wasmMissing: `${WASM_PACKAGE} is not installed (${(error as Error).message.split('\n')[0]})` };
  }
}

export const OWN_SPECS: Record<string, OwnSpec> = {
  js: { id: 'js', provider: 'js' },
  'gpujs:cpu': { id: 'gpujs:cpu', provider: 'gpujs', options: { mode: 'cpu' } },
  'gpujs:webasm': { id: 'gpujs:webasm', provider: 'gpujs', options: { mode: 'webasm' } },
  wasm: { id: 'wasm', provider: 'wasm' },
};

/** backend-js with its event-driven input current switched off: the dense product. */
export const JS_DENSE: OwnSpec = { id: 'js', provider: 'js', options: { eventDriven: false }, variant: 'dense' };

/** Creates the backend through the registry (a new instance, so options always apply). */
export async function createOwn(spec: OwnSpec): Promise<Backend> {
  return setBackend(spec.provider, spec.options ?? {});
}

/**
 * Whether backend-js really honours `{ eventDriven: false }`. A provider that accepts any option
 * (one that ignores its options) would run the event-driven kernels under the dense label, so the
 * dense variant counts as available only when the provider refuses an option it does not know.
 */
export async function denseAvailable(): Promise<string | undefined> {
  try {
    await setBackend('js', { eventDriven: false, notAnOption: true });
  } catch {
    try {
      const dense = await setBackend('js', { eventDriven: false });
      const flag = (dense as { eventDriven?: unknown }).eventDriven;
      if (flag !== undefined && flag !== false) return `backend-js reports eventDriven = ${String(flag)}`;
      return undefined;
    } catch (error) {
      return `backend-js refuses { eventDriven: false }: ${(error as Error).message}`;
    }
  }
  return 'backend-js ignores its options here, so { eventDriven: false } would not select a dense product';
}

/** A case ready to run on one backend: `run` is what is timed; `output` what is compared. */
export interface Prepared {
  readonly run: () => void;
  /** The case's result from fresh state (for the agreement check before timing). */
  readonly output: () => Float32Array | Float64Array;
}

function lifOutput(layer: LIFLayer, backend: Backend, current: Matrix): Float32Array {
  layer.reset(current.rows);
  layer.step(backend, current);
  const s = layer.current;
  if (!s) throw new Error('LIF state missing after a step');
  const n = s.v.data.length;
  const out = new Float32Array(3 * n);
  out.set(s.v.data, 0);
  out.set(s.trace.data, n);
  out.set(s.spikes.data, 2 * n);
  return out;
}

export function prepareOwn(c: BenchCase, backend: Backend): Prepared | undefined {
  switch (c.op) {
    case 'infonce': {
      const loss = new SpikeContrastiveLoss({ temperature: c.temperature, backend });
      return {
        run: () => loss.compute(c.viewA, c.viewB),
        output: () => Float64Array.of(loss.compute(c.viewA, c.viewB)),
      };
    }
    case 'csdp_step': {
      const rule = new CSDPRule({ lr: c.lr, decay: c.decay, backend });
      const out = zeros(c.W.rows, c.W.cols);
      const step = () => rule.contrastiveStep(c.W, c.posPre, c.posPost, c.negPre, c.negPost, { out });
      return { run: step, output: () => step().data.slice() };
    }
    case 'csdp_step_inplace': {
      // In place on a private copy of W (the case's W stays the shared input of every backend).
      const rule = new CSDPRule({ lr: c.lr, decay: c.decay, backend });
      const w = { rows: c.W.rows, cols: c.W.cols, data: c.W.data.slice() };
      const step = (m: Matrix) => rule.contrastiveStep(m, c.posPre, c.posPost, c.negPre, c.negPost, { out: m });
      return {
        run: () => step(w),
        output: () => step({ rows: c.W.rows, cols: c.W.cols, data: c.W.data.slice() }).data.slice(),
      };
    }
    case 'copy':
      return undefined; // not a backend kernel: measured once, as plain memory (see prepareCopy)
    case 'csdp_network_step': {
      const [, inputs, hidden] = c.shape;
      const make = () => new CSDPNetwork({ inputSize: inputs, hidden: [hidden], steps: 1, seed: c.seed, backend });
      const net = make();
      return {
        run: () => net.trainBatch(c.x),
        output: () => {
          const fresh = make();
          fresh.trainBatch(c.x);
          return fresh.weights(0).data.slice();
        },
      };
    }
    case 'lif_step': {
      const [batch, neurons] = c.shape;
      const layer = new LIFLayer(neurons, { seed: 3 });
      layer.reset(batch);
      const check = new LIFLayer(neurons, { seed: 3 });
      return { run: () => layer.step(backend, c.current), output: () => lifOutput(check, backend, c.current) };
    }
  }
}

/** One plain copy of W (float32, `TypedArray.set`): the memory-bandwidth floor of a pass over W. */
export function prepareCopy(W: Matrix): Prepared {
  const dst = new Float32Array(W.data.length);
  return {
    run: () => dst.set(W.data),
    output: () => {
      dst.set(W.data);
      return dst.slice();
    },
  };
}
