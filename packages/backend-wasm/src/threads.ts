/**
 * Worker threads sharing the kernels' memory. The Backend API is synchronous, so a parallel kernel
 * hands each worker a descriptor address, runs its own share on the calling thread, then blocks in
 * `Atomics.wait` until every worker has signalled completion — possible on Node's main thread and in
 * workers, not on a browser's main thread, where the backend runs on one thread.
 *
 * Each worker owns four int32 control words in the shared memory: [sequence, done, descriptor, failed].
 * The caller stores a descriptor, bumps the sequence and notifies; the worker runs `gemmRows` on it,
 * stores the sequence into `done` and notifies back. Descriptor 0 tells the worker to stop.
 */
import { BackendError } from '@contraspike/core';

const SEQ = 0;
const DONE = 1;
const DESC = 2;
const FAILED = 3;
/** Bytes of control words per worker. */
export const CONTROL_BYTES = 16;

/** The worker's program, evaluated as a CommonJS script (so it needs no file of its own). */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { module, memory, control } = workerData;
const { exports } = new WebAssembly.Instance(module, { env: { memory } });
const ctl = new Int32Array(memory.buffer, control, 4);
parentPort.postMessage('ready');
let seen = 0;
for (;;) {
  Atomics.wait(ctl, ${SEQ}, seen);
  const seq = Atomics.load(ctl, ${SEQ});
  if (seq === seen) continue;
  seen = seq;
  const desc = Atomics.load(ctl, ${DESC});
  if (desc === 0) break;
  try {
    exports.gemmRows(desc);
  } catch (error) {
    Atomics.store(ctl, ${FAILED}, 1);
  }
  Atomics.store(ctl, ${DONE}, seq);
  Atomics.notify(ctl, ${DONE});
}
`;

/** The part of `node:worker_threads` used here. */
interface NodeWorker {
  once(event: 'message' | 'error' | 'exit', listener: (value: unknown) => void): unknown;
  unref(): void;
  terminate(): Promise<number>;
}
type WorkerConstructor = new (
  source: string,
  options: { eval: true; workerData: unknown; name?: string },
) => NodeWorker;

/** Whether the current thread may block in `Atomics.wait` (false on a browser's main thread). */
export function canBlock(): boolean {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return false;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1);
    return true;
  } catch {
    return false;
  }
}

/** Why this environment cannot run worker threads, or undefined when it can. */
export function threadsUnavailable(): string | undefined {
  if (typeof SharedArrayBuffer !== 'function') return 'SharedArrayBuffer is unavailable here';
  if (!canBlock()) return 'this thread may not block in Atomics.wait (a browser main thread)';
  if (typeof process !== 'object' || typeof process.versions?.node !== 'string') {
    return 'worker threads are supported in Node only';
  }
  return undefined;
}

/** Worker threads, each running the kernels on the shared memory. */
export class WorkerPool {
  private readonly ctl: Int32Array;
  private disposed = false;

  private constructor(
    private readonly workers: readonly NodeWorker[],
    memory: WebAssembly.Memory,
    private readonly control: number,
  ) {
    this.ctl = new Int32Array(memory.buffer, control, (CONTROL_BYTES / 4) * workers.length);
  }

  /** Starts `count` workers on `memory` (shared), their control words at byte `control`. */
  static async start(
    count: number,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    control: number,
  ): Promise<WorkerPool> {
    let Worker: WorkerConstructor;
    try {
      Worker = ((await import('node:worker_threads')) as unknown as { Worker: WorkerConstructor }).Worker;
    } catch (error) {
      throw new BackendError('wasm: node:worker_threads could not be loaded; use { threads: 1 }', [], {
        cause: error,
      });
    }
    const workers: NodeWorker[] = [];
    try {
      for (let w = 0; w < count; w++) {
        workers.push(
          new Worker(WORKER_SOURCE, {
            eval: true,
            name: `contraspike-wasm-${w + 1}`,
            workerData: { module, memory, control: control + w * CONTROL_BYTES },
          }),
        );
      }
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve, reject) => {
              worker.once('message', () => resolve());
              worker.once('error', reject);
              worker.once('exit', (code) => reject(new Error(`worker exited with code ${String(code)}`)));
            }),
        ),
      );
    } catch (error) {
      for (const worker of workers) void worker.terminate();
      throw new BackendError(
        `wasm: could not start ${count} worker thread(s) (${error instanceof Error ? error.message : String(error)})`,
        [],
        { cause: error },
      );
    }
    // Idle workers never keep a process alive.
    for (const worker of workers) worker.unref();
    return new WorkerPool(workers, memory, control);
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Runs `gemmRows(descs[w + 1])` on worker w and `local()` on this thread, and returns when all are
   * done. `descs[0]` is this thread's share (run by `local`).
   */
  run(descs: readonly number[], local: () => void): void {
    const ctl = this.ctl;
    const jobs = descs.length - 1;
    const expected: number[] = [];
    for (let w = 0; w < jobs; w++) {
      const base = w * (CONTROL_BYTES / 4);
      Atomics.store(ctl, base + DESC, descs[w + 1] as number);
      expected.push(Atomics.add(ctl, base + SEQ, 1) + 1);
      Atomics.notify(ctl, base + SEQ);
    }
    local();
    let failed = false;
    for (let w = 0; w < jobs; w++) {
      const base = w * (CONTROL_BYTES / 4);
      for (let done = Atomics.load(ctl, base + DONE); done !== expected[w]; done = Atomics.load(ctl, base + DONE)) {
        Atomics.wait(ctl, base + DONE, done);
      }
      if (Atomics.exchange(ctl, base + FAILED, 0) !== 0) failed = true;
    }
    if (failed) throw new BackendError('wasm: a kernel failed on a worker thread');
  }

  /** Stops and terminates every worker. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (let w = 0; w < this.workers.length; w++) {
      const base = w * (CONTROL_BYTES / 4);
      Atomics.store(this.ctl, base + DESC, 0);
      Atomics.add(this.ctl, base + SEQ, 1);
      Atomics.notify(this.ctl, base + SEQ);
      void this.workers[w]?.terminate();
    }
  }

  /** Byte address of the control words (for tests). */
  get controlAddress(): number {
    return this.control;
  }
}
