/**
 * Worker threads sharing the kernels' memory. The Backend API is synchronous, so a parallel kernel
 * publishes a job — `chunks` chunks of work, each one call of a kernel on a range — and the calling
 * thread works on it too, taking chunks from a shared counter like every worker, then blocks in
 * `Atomics.wait` until all chunks are finished. A worker that the OS does not schedule in time takes
 * no chunk and delays nothing. Blocking is allowed on Node's main thread and in workers, not on a
 * browser's main thread, where the backend runs on one thread.
 *
 * Control words (int32, shared): the job's sequence number (workers wait on it), the chunk counter
 * `job << 16 | next chunk` (taken by compare-and-swap, so a late worker still holding an old job's
 * parameters can never take a chunk of a newer job), chunks finished, a failure flag, and the job's
 * kind, chunk count, chunk size and range end. While parameters are written the counter is CLOSED.
 */
import { BackendError } from '@contraspike/core';

const SEQ = 0;
const COUNTER = 1;
const FINISHED = 2;
const FAILED = 3;
const KIND = 4;
const CHUNKS = 5;
const CHUNK_SIZE = 6;
const END = 7;
const STOP = 8;
/** Chunks the workers have run, in total (a diagnostic). */
const WORKER_CHUNKS = 9;
/** Bytes of control words. */
export const CONTROL_BYTES = 64;
const JOBS = 0x7fff;
const CLOSED = JOBS << 16;

/** What a job runs on each chunk [start, end) of its range, with each thread's descriptor. */
export const JobKind = {
  /** packPanels(desc, q0, q1) */
  Pack: 0,
  /** gemmRows(desc, row0, row1) */
  Gemm: 1,
  /** spikeRows(desc, row0, row1) */
  Spike: 2,
} as const;
export type JobKind = (typeof JobKind)[keyof typeof JobKind];

/** The kernels a job may run. */
export interface JobKernels {
  packPanels(desc: number, start: number, end: number): void;
  gemmRows(desc: number, start: number, end: number): void;
  spikeRows(desc: number, start: number, end: number): void;
}

/** The worker's program, evaluated as a CommonJS script (so it needs no file of its own). */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { module, memory, control, desc } = workerData;
const { exports } = new WebAssembly.Instance(module, { env: { memory } });
const ctl = new Int32Array(memory.buffer, control, ${CONTROL_BYTES / 4});
const run = [exports.packPanels, exports.gemmRows, exports.spikeRows];
parentPort.postMessage('ready');
let seen = 0;
for (;;) {
  Atomics.wait(ctl, ${SEQ}, seen);
  const seq = Atomics.load(ctl, ${SEQ});
  if (seq === seen) continue;
  seen = seq;
  if (Atomics.load(ctl, ${STOP}) !== 0) break;
  const job = seq; // the job id the caller stored in SEQ (1 … JOBS − 1)
  const kernel = run[Atomics.load(ctl, ${KIND})];
  const chunks = Atomics.load(ctl, ${CHUNKS});
  const size = Atomics.load(ctl, ${CHUNK_SIZE});
  const end = Atomics.load(ctl, ${END});
  for (;;) {
    const cur = Atomics.load(ctl, ${COUNTER});
    if (cur >>> 16 !== job || (cur & 0xffff) >= chunks) break;
    if (Atomics.compareExchange(ctl, ${COUNTER}, cur, cur + 1) !== cur) continue;
    const start = (cur & 0xffff) * size;
    try {
      kernel(desc, start, Math.min(end, start + size));
    } catch (error) {
      Atomics.store(ctl, ${FAILED}, 1);
    }
    Atomics.add(ctl, ${WORKER_CHUNKS}, 1);
    Atomics.add(ctl, ${FINISHED}, 1);
    Atomics.notify(ctl, ${FINISHED});
  }
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
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1);
    return true;
  } catch {
    return false;
  }
}

/** Why this environment cannot run worker threads, or undefined when it can. */
export function threadsUnavailable(): string | undefined {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') {
    return 'SharedArrayBuffer is unavailable here';
  }
  if (!canBlock()) return 'this thread may not block in Atomics.wait (a browser main thread)';
  if (typeof process !== 'object' || typeof process.versions?.node !== 'string') {
    return 'worker threads are supported in Node only';
  }
  return undefined;
}

/** Worker threads, each running the kernels on the shared memory. */
export class WorkerPool {
  private readonly ctl: Int32Array;
  private seq = 0;
  private disposed = false;
  /** The kernel of each JobKind. */
  private readonly jobs: readonly JobKernels['gemmRows'][];

  private constructor(
    private readonly workers: readonly NodeWorker[],
    memory: WebAssembly.Memory,
    control: number,
    kernels: JobKernels,
  ) {
    this.ctl = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
    this.jobs = [kernels.packPanels, kernels.gemmRows, kernels.spikeRows];
  }

  /**
   * Starts `count` workers on `memory` (shared): control words at byte `control`, worker w's
   * descriptor at `descriptor(w + 1)` (this thread uses `descriptor(0)`).
   */
  static async start(
    count: number,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    control: number,
    descriptor: (thread: number) => number,
    kernels: JobKernels,
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
            workerData: { module, memory, control, desc: descriptor(w + 1) },
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
    return new WorkerPool(workers, memory, control, kernels);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Chunks of parallel jobs that the workers (not the calling thread) have run so far. */
  get workerChunks(): number {
    return Atomics.load(this.ctl, WORKER_CHUNKS);
  }

  /** Call before writing a job's descriptors: no late worker can take a chunk until {@link run}. */
  close(): void {
    Atomics.store(this.ctl, COUNTER, CLOSED);
  }

  /**
   * Runs `kind` on [0, end) in chunks of `size` on this thread (descriptor `desc`) and the workers,
   * and returns when every chunk is finished.
   */
  run(kind: JobKind, desc: number, end: number, chunkSize: number): void {
    const ctl = this.ctl;
    // The chunk index lives in COUNTER's low 16 bits: larger chunks (multiples of the asked size)
    // keep the count below 2¹⁶.
    const size = chunkSize * Math.max(1, Math.ceil(Math.ceil(end / chunkSize) / 0xffff));
    const chunks = Math.ceil(end / size);
    // Job ids cycle through 1 … JOBS − 1; a worker reads the id from SEQ itself.
    this.seq = (this.seq % (JOBS - 1)) + 1;
    const job = this.seq;
    Atomics.store(ctl, KIND, kind);
    Atomics.store(ctl, CHUNKS, chunks);
    Atomics.store(ctl, CHUNK_SIZE, size);
    Atomics.store(ctl, END, end);
    Atomics.store(ctl, FINISHED, 0);
    Atomics.store(ctl, COUNTER, job << 16);
    Atomics.store(ctl, SEQ, job);
    Atomics.notify(ctl, SEQ);
    const kernel = this.jobs[kind] as JobKernels['gemmRows'];
    let failure: unknown;
    for (;;) {
      const cur = Atomics.load(ctl, COUNTER);
      if ((cur & 0xffff) >= chunks) break;
      if (Atomics.compareExchange(ctl, COUNTER, cur, cur + 1) !== cur) continue;
      const start = (cur & 0xffff) * size;
      // A chunk that throws still counts as finished, so the wait below ends only when no worker
      // is writing into this job's memory any more.
      try {
        kernel(desc, start, Math.min(end, start + size));
      } catch (error) {
        failure ??= error;
      }
      Atomics.add(ctl, FINISHED, 1);
    }
    for (let done = Atomics.load(ctl, FINISHED); done < chunks; done = Atomics.load(ctl, FINISHED)) {
      Atomics.wait(ctl, FINISHED, done);
    }
    const workerFailed = Atomics.exchange(ctl, FAILED, 0) !== 0;
    if (failure !== undefined) throw failure;
    if (workerFailed) throw new BackendError('wasm: a kernel failed on a worker thread');
  }

  /** Stops and terminates every worker. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.close();
    Atomics.store(this.ctl, STOP, 1);
    Atomics.add(this.ctl, SEQ, 1);
    Atomics.notify(this.ctl, SEQ);
    for (const worker of this.workers) void worker.terminate();
  }
}
