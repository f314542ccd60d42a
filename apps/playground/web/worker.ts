/**
 * The training worker: everything that computes runs here, off the page's thread. It probes the
 * backends, splits the digits with the CLI's seeded split, trains a CSDPNetwork batch by batch
 * (yielding between batches, so pause arrives at once), and measures it with the CLI's probe.
 */
import {
  type Backend,
  type CSDPBatchStats,
  CSDPNetwork,
  integerInRange,
  type Matrix,
  Random,
  rowBlock,
  zeros,
} from '@contraspike/core';
import { chooseBackend } from '../src/backends.js';
import { type PixelGrid, receptiveFields } from '../src/charts.js';
import { probeAccuracy } from '../src/evaluate.js';
import { IMAGE_SIZE, type MnistSplit, splitDigits } from '../src/mnist-split.js';
import { BACKEND_CHOICES, type BackendChoice } from './backends.js';
import type { PageConfig } from './config.js';
import { decodeDigits } from './digits.js';
import type { BackendStatus, FromWorker, ToWorker } from './protocol.js';

interface WorkerScope {
  postMessage(message: FromWorker): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;
const post = (message: FromWorker) => scope.postMessage(message);

/** Receptive fields are redrawn at most this often (milliseconds), and after the last batch. */
const FIELDS_INTERVAL = 400;

interface Session {
  readonly id: number;
  readonly config: PageConfig;
  readonly split: MnistSplit;
  readonly network: CSDPNetwork;
  readonly backend: Backend;
  readonly order: Random;
  readonly batchesPerEpoch: number;
  /** The training set in this epoch's order. */
  readonly shuffled: Matrix;
  epoch: number;
  batch: number;
  seconds: number;
  fieldsAt: number;
  running: boolean;
  done: boolean;
}

let session: Session | undefined;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Activates the backend exactly as asked (no fallback: a refusal's message is the reason shown)
 * and checks one small product against a plain loop.
 */
async function probe(c: BackendChoice): Promise<BackendStatus> {
  try {
    const backend = await chooseBackend(c.spec);
    const a = { rows: 3, cols: 4, data: Float32Array.from({ length: 12 }, (_, i) => (i % 5) - 2) };
    const b = { rows: 4, cols: 2, data: Float32Array.from({ length: 8 }, (_, i) => (i % 3) * 0.5) };
    const out = zeros(3, 2);
    backend.gemm(a, b, out);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 2; j++) {
        let sum = 0;
        for (let k = 0; k < 4; k++) sum += (a.data[i * 4 + k] as number) * (b.data[k * 2 + j] as number);
        const got = out.data[i * 2 + j] as number;
        if (!(Math.abs(got - sum) <= 1e-5)) throw new Error(`a test product came out wrong (${got}, expected ${sum})`);
      }
    }
    return { spec: c.spec, label: c.label, available: true, instance: backend.name };
  } catch (error) {
    return { spec: c.spec, label: c.label, available: false, reason: message(error) };
  }
}

function fields(s: Session): PixelGrid {
  return receptiveFields(s.network.weights(), s.config.fields, { scale: 2, gap: 2 });
}

/** Shuffles the training set into `s.shuffled` for the next epoch. */
function reshuffle(s: Session): void {
  const { x } = s.split.train;
  const order = s.order.permutation(x.rows);
  order.forEach((src, i) => {
    s.shuffled.data.set(x.data.subarray(src * x.cols, (src + 1) * x.cols), i * x.cols);
  });
}

/** The newest `init` request: an older one still loading when a newer arrives is dropped. */
let latestInit = -1;

async function init(message: Extract<ToWorker, { type: 'init' }>): Promise<void> {
  session = undefined;
  latestInit = message.session;
  // The backend that really runs (this request's, even if a later request activates another one);
  // the network and the probes are pinned to it.
  const backend = await chooseBackend(message.backend);
  if (message.session !== latestInit) return;
  const { config } = message;
  const split = splitDigits(decodeDigits(message.bytes, message.lengths), {
    seed: config.seed,
    perClass: config.perClass,
  });
  const network = new CSDPNetwork({
    inputSize: IMAGE_SIZE,
    hidden: [config.hidden],
    steps: config.steps,
    seed: config.seed,
    backend,
  });
  const rows = split.train.x.rows;
  const s: Session = {
    id: message.session,
    config,
    split,
    network,
    backend,
    order: new Random(config.seed ^ 0x0dd5),
    batchesPerEpoch: Math.ceil(rows / config.batch),
    shuffled: zeros(rows, IMAGE_SIZE),
    epoch: 0,
    batch: 0,
    seconds: 0,
    fieldsAt: 0,
    running: false,
    done: false,
  };
  reshuffle(s);
  session = s;
  post({
    type: 'ready',
    session: s.id,
    running: backend.name,
    train: rows,
    test: split.test.x.rows,
    fields: fields(s),
  });
}

/** The next training batch of this epoch (its stats; none for a last batch of a single sample). */
function step(s: Session): { stats: CSDPBatchStats } | undefined {
  const rows = s.split.train.x.rows;
  const start = s.batch * s.config.batch;
  const count = Math.min(s.config.batch, rows - start);
  const began = performance.now();
  // A last batch of one sample has no partner to mix a negative from; it waits for the next epoch.
  const stats = count >= 2 ? s.network.trainBatch(rowBlock(s.shuffled, start, count)) : undefined;
  s.seconds += (performance.now() - began) / 1000;
  return stats && { stats };
}

function finish(s: Session): void {
  const { train, test } = s.split;
  post({ type: 'phase', session: s.id, phase: 'probe on the hidden spike counts' });
  const trained = probeAccuracy(
    s.network.features(train.x),
    train.y,
    s.network.features(test.x),
    test.y,
    s.config.seed,
    s.backend,
  );
  post({ type: 'phase', session: s.id, phase: 'probe on the raw pixels' });
  const pixel = probeAccuracy(train.x, train.y, test.x, test.y, s.config.seed, s.backend);
  s.done = true;
  post({
    type: 'done',
    session: s.id,
    probeAccuracy: trained.accuracy,
    pixelProbeAccuracy: pixel.accuracy,
    trainSeconds: s.seconds,
    samplesPerSecond: (train.x.rows * s.config.epochs) / s.seconds,
    confusion: trained.confusion,
    fields: fields(s),
  });
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function run(s: Session): Promise<void> {
  s.running = true;
  while (s.running && session === s && !s.done) {
    if (s.epoch === s.config.epochs) {
      finish(s);
      break;
    }
    const result = step(s);
    const { epoch, batch } = s;
    s.batch++;
    if (s.batch === s.batchesPerEpoch) {
      s.batch = 0;
      s.epoch++;
      if (s.epoch < s.config.epochs) reshuffle(s);
    }
    if (result) {
      const now = performance.now();
      const redraw = now - s.fieldsAt >= FIELDS_INTERVAL || s.epoch === s.config.epochs;
      if (redraw) s.fieldsAt = now;
      post({
        type: 'batch',
        session: s.id,
        epoch,
        batch,
        batches: s.batchesPerEpoch,
        stats: result.stats,
        seconds: s.seconds,
        ...(redraw ? { fields: fields(s) } : {}),
      });
    }
    await nextTask(); // lets a pause (or a recording request) in
  }
  if (!s.done && session === s) post({ type: 'paused', session: s.id });
  s.running = false;
}

function record(request: Extract<ToWorker, { type: 'record' }>): void {
  const s = session;
  if (!s) throw new Error('choose a backend and load the data first');
  if (request.image) {
    post({ type: 'recording', recording: s.network.record(request.image), image: request.image });
    return;
  }
  const { x, y } = s.split.test;
  const index = integerInRange(request.testIndex ?? 0, 'test digit', 0, x.rows - 1);
  const image = x.data.slice(index * IMAGE_SIZE, (index + 1) * IMAGE_SIZE);
  post({
    type: 'recording',
    recording: s.network.record(image),
    image,
    label: y[index] as number,
    testIndex: index,
  });
}

scope.onmessage = (event) => {
  const request = event.data;
  const handle = async () => {
    switch (request.type) {
      case 'probe':
        {
          const backends: BackendStatus[] = [];
          for (const c of BACKEND_CHOICES) backends.push(await probe(c)); // one at a time: one GPU context at once
          post({ type: 'backends', backends });
        }
        return;
      case 'init':
        await init(request);
        return;
      case 'start':
        if (session && !session.running && !session.done) await run(session);
        return;
      case 'pause':
        if (session) session.running = false;
        return;
      case 'record':
        record(request);
        return;
    }
  };
  handle().catch((error: unknown) => post({ type: 'error', message: message(error) }));
};
