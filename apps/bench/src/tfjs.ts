/**
 * TensorFlow.js peers: the seed's InfoNCE forward on `@tensorflow/tfjs-backend-cpu` (`tfjs-cpu`)
 * and `@tensorflow/tfjs-backend-wasm` (`tfjs-wasm`), on the same inputs as contraspike.
 * tfjs-core is used without the umbrella package; production mode keeps it quiet in Node.
 */

import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { InfonceCase } from './inputs.js';
import type { Prepared } from './own.js';

type Tf = typeof import('@tensorflow/tfjs-core');
type TfWasm = typeof import('@tensorflow/tfjs-backend-wasm');

export type TfjsPeer = 'tfjs-cpu' | 'tfjs-wasm';

/** A TensorFlow.js backend made active, and what it runs on. */
export interface TfjsSession {
  readonly tf: Tf;
  readonly peer: TfjsPeer;
  /** e.g. `simd, 1 thread, tfjs-backend-wasm-simd.wasm`. */
  readonly detail: string;
  /** Input tensors created for this session's cases, disposed by {@link disposeTfjs}. */
  readonly tensors: { dispose(): void }[];
}

let loaded: Promise<{ tf: Tf; wasm: TfWasm }> | undefined;

async function load(): Promise<{ tf: Tf; wasm: TfWasm }> {
  loaded ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu'); // registers 'cpu'
    const wasm = await import('@tensorflow/tfjs-backend-wasm'); // registers 'wasm'
    // The .wasm binaries ship inside the package: load them from there, never from the network.
    const require = createRequire(import.meta.url);
    const folder = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(`${folder}/`);
    // Production mode: no debug checks, and no "install tfjs-node" banner on stderr.
    tf.enableProdMode();
    return { tf, wasm };
  })();
  return loaded;
}

/**
 * The binary tfjs-backend-wasm 4.22 picks, by its own rule (getPathToWasmBinary): threaded SIMD
 * when both features are detected, SIMD when only SIMD is, plain otherwise. In Node its
 * multithreading flag is always false (tfjs issue 3830), so it runs single-threaded.
 */
function wasmBinary(simd: boolean, threads: boolean): string {
  if (simd && threads) return 'tfjs-backend-wasm-threaded-simd.wasm';
  return simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
}

export async function startTfjs(peer: TfjsPeer): Promise<TfjsSession> {
  const { tf, wasm } = await load();
  const name = peer === 'tfjs-cpu' ? 'cpu' : 'wasm';
  if (!(await tf.setBackend(name))) throw new Error(`TensorFlow.js backend "${name}" failed to initialise`);
  await tf.ready();
  if (tf.getBackend() !== name) throw new Error(`TensorFlow.js runs "${tf.getBackend()}", not "${name}"`);
  let detail = 'float32, JavaScript';
  if (peer === 'tfjs-wasm') {
    const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    const threads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
    const count = wasm.getThreadsCount();
    detail = `float32, ${simd ? 'SIMD' : 'no SIMD'}, ${count} thread${count === 1 ? '' : 's'}, ${wasmBinary(simd, threads)}`;
  }
  return { tf, peer, detail, tensors: [] };
}

/**
 * The seed's InfoNCE in TensorFlow.js ops, formula for formula:
 * rows / clip(‖row‖, 1e-8); s = â b̂ᵀ / τ; e = exp(s − rowmax); p = diag(e) / rowsum(e);
 * loss = −mean(log(clip(p, 1e-10))). Returns the loss as a number (read back, so it is computed).
 */
export function tfjsInfonce(session: TfjsSession, c: InfonceCase): Prepared {
  const { tf } = session;
  const [batch, features] = c.shape;
  const a = tf.tensor2d(c.viewA.data, [batch, features]);
  const b = tf.tensor2d(c.viewB.data, [batch, features]);
  const diagonal = tf.range(0, batch * batch, batch + 1, 'int32');
  session.tensors.push(a, b, diagonal);
  const compute = (): number => {
    if (batch < 2) return 0;
    const loss = tf.tidy(() => {
      const an = tf.div(a, tf.maximum(tf.norm(a, 'euclidean', 1, true), 1e-8));
      const bn = tf.div(b, tf.maximum(tf.norm(b, 'euclidean', 1, true), 1e-8));
      const sim = tf.div(tf.matMul(an, bn, false, true), c.temperature);
      const e = tf.exp(tf.sub(sim, tf.max(sim, 1, true)));
      const p = tf.div(tf.gather(tf.reshape(e, [-1]), diagonal), tf.sum(e, 1));
      return tf.neg(tf.mean(tf.log(tf.maximum(p, 1e-10))));
    });
    const value = loss.dataSync()[0] as number;
    loss.dispose();
    return value;
  };
  return { run: compute, output: () => Float64Array.of(compute()) };
}

/** Releases the inputs of every prepared case (tensors live until disposed). */
export function disposeTfjs(session: TfjsSession): void {
  for (const t of session.tensors.splice(0)) t.dispose();
}
