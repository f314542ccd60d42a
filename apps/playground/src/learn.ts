/**
 * The learning pipeline shared by `pnpm bench:learn` and the demo: train a CSDP spiking network
 * without labels on the MNIST training split, then measure it with a linear probe against two
 * controls on the same split — the raw pixels, and the same network before any CSDP update.
 */
import {
  type Backend,
  type CSDPBatchStats,
  CSDPNetwork,
  type CSDPNetworkOptions,
  type Matrix,
  rowBlock,
} from '@contraspike/core';
import { probeAccuracy } from './evaluate.js';
import { type MnistSplit, mnistSplit } from './mnist.js';

export interface LearnOptions {
  /** Passes of unsupervised CSDP training over the training split. */
  epochs: number;
  /** Hidden spiking neurons. */
  hidden: number;
  seed: number;
  backend: Backend;
  /** Positive samples per batch. */
  batchSize?: number;
  /** Time steps per presentation. */
  steps?: number;
  /** Digits per class to use (default all 1,000). */
  perClass?: number;
  /** Further network options (advanced). */
  network?: Partial<CSDPNetworkOptions>;
  onBatch?: (info: { epoch: number; batch: number; batches: number; stats: CSDPBatchStats; seconds: number }) => void;
  onPhase?: (phase: string) => void;
  /**
   * Looks at the network without changing it, before training (right after the untrained probe)
   * and after (right after the trained probe): for reports and pictures. Not timed as training.
   */
  inspect?: (stage: 'untrained' | 'trained', network: CSDPNetwork, split: MnistSplit) => void;
}

export interface LearnResult {
  probeAccuracy: number;
  untrainedProbeAccuracy: number;
  pixelProbeAccuracy: number;
  trainSeconds: number;
  samplesPerSecond: number;
  backend: string;
  hidden: number;
  epochs: number;
  seed: number;
  /** Per-batch training statistics, in order. */
  history: CSDPBatchStats[];
  /** Confusion matrix of the trained probe on the test split (`[true][predicted]`). */
  confusion: number[][];
  split: { train: number; test: number };
}

export function runLearning(
  options: LearnOptions,
  split: MnistSplit = mnistSplit({ seed: options.seed, ...(options.perClass ? { perClass: options.perClass } : {}) }),
): LearnResult {
  const { backend, seed } = options;
  const network = new CSDPNetwork({
    inputSize: split.train.x.cols,
    hidden: [options.hidden],
    seed,
    backend,
    ...(options.steps ? { steps: options.steps } : {}),
    ...options.network,
  });
  const phase = options.onPhase ?? (() => {});

  phase('probe on raw pixels');
  const pixel = probeAccuracy(split.train.x, split.train.y, split.test.x, split.test.y, seed, backend);

  // The network's spike counts on both halves of the split, probed like the pixels.
  const probeNetwork = () =>
    probeAccuracy(
      network.features(split.train.x),
      split.train.y,
      network.features(split.test.x),
      split.test.y,
      seed,
      backend,
    );

  phase('probe on the untrained network');
  const untrained = probeNetwork();
  options.inspect?.('untrained', network, split);

  phase('unsupervised CSDP training');
  const started = performance.now();
  const history = network.train(split.train.x, {
    epochs: options.epochs,
    batchSize: options.batchSize ?? 500,
    onBatch: (info) => options.onBatch?.({ ...info, seconds: (performance.now() - started) / 1000 }),
  });
  const trainSeconds = (performance.now() - started) / 1000;

  phase('probe on the trained network');
  const trained = probeNetwork();
  options.inspect?.('trained', network, split);
  return {
    probeAccuracy: trained.accuracy,
    untrainedProbeAccuracy: untrained.accuracy,
    pixelProbeAccuracy: pixel.accuracy,
    trainSeconds,
    samplesPerSecond: (split.train.x.rows * options.epochs) / trainSeconds,
    backend: backend.name,
    hidden: options.hidden,
    epochs: options.epochs,
    seed,
    history,
    confusion: trained.confusion,
    split: { train: split.train.x.rows, test: split.test.x.rows },
  };
}

/**
 * The goodness of `count` positives (the first rows of `x`) and `count` negatives made from them as
 * training makes them (`CSDPNetwork.negatives`): for each sample the last
 * layer's goodness Σz², averaged over the steps of one presentation (`CSDPNetwork.record`).
 */
export function goodnessSamples(network: CSDPNetwork, x: Matrix, count: number, seed: number) {
  const n = Math.min(count, x.rows);
  const cols = x.cols;
  const goodness = (sample: Float32Array) => {
    const layers = network.record(sample).layers;
    const last = layers[layers.length - 1] as (typeof layers)[number];
    return last.goodness.reduce((s, g) => s + g, 0) / last.goodness.length;
  };
  const row = (m: Matrix, i: number) => m.data.subarray(i * cols, (i + 1) * cols);
  const positive = Float64Array.from({ length: n }, (_, i) => goodness(row(x, i)));
  if (n < 2) return { positive, negative: new Float64Array(0) };
  const mixed = network.negatives(rowBlock(x, 0, n), { seed });
  return { positive, negative: Float64Array.from({ length: n }, (_, i) => goodness(row(mixed, i))) };
}
