/**
 * CSDPNetwork: a spiking network trained without labels by Contrastive Signal-Dependent Plasticity
 * (Ororbia, Science Advances 2024, eadn6076), composed entirely of Backend kernels.
 *
 * Each presentation runs T steps. Positives are the data, negatives are label-free mixtures
 * `α·x_i + (1 − α)·x_j` of two different samples; both run together as one batch of 2B rows with
 * Bernoulli input spikes. At every step, for every layer (weights W stored `(n_pre, n_post)`):
 *
 *   current  = R · s_pre W                      (one gemm for the whole batch)
 *   LIF step → spikes s, traces z               (see LIFLayer)
 *   goodness g_b = Σ_i z_bi²;   L = mean_b BCEWithLogits(g_b − θ_g, y_b)   (y = 1 positive, 0 negative)
 *   modulator m_bi = ∂L/∂z_bi = (2/B) z_bi (σ(g_b − θ_g) − y_b)
 *   W ← W − λ_d (1 − s_pre)ᵀ s                   (activity-dependent decay)
 *   W ← clip(Adam(W, s_preᵀ (R·m)), −c, c)      (one gemm; descent on L)
 *
 * while each sample's thresholds adapt (homeostasis within the presentation). This is not the seed's CSDPRule, which is a
 * plain Hebbian/anti-Hebbian outer-product rule; see the README for the differences.
 */
import type { AdamStepOptions, Backend, GemmOptions, Matrix } from './backend.js';
import { InvalidValueError, ShapeError } from './errors.js';
import { LIFLayer, type LIFOptions } from './lif.js';
import { rowBlock, zeros } from './matrix.js';
import { Random } from './random.js';
import { checkBackendOption, resolveBackend } from './registry.js';
import { sampleBernoulli } from './spikes.js';
import {
  checkOptions,
  checkOut,
  integerInRange,
  type MatrixInput,
  nonNegativeFinite,
  numberInRange,
  positiveFinite,
  toMatrix,
  toVector,
  unitInterval,
  type VectorInput,
} from './validate.js';
import { Workspace } from './workspace.js';

export interface CSDPNetworkOptions {
  /** Number of input neurons (e.g. 784 for 28×28 images). */
  inputSize: number;
  /** Sizes of the hidden spiking layers. Default `[1000]`. */
  hidden?: number | readonly number[];
  /** Time steps per presentation, T. Default 20. */
  steps?: number;
  /** Membrane resistance R: scales each layer's input current. Default 0.1. */
  resistance?: number;
  /** Goodness threshold θ_g. Default 10. */
  goodnessThreshold?: number;
  /** Adam learning rate η. Default 0.002. */
  lr?: number;
  /** Activity-dependent decay λ_d. Default 5e-5. */
  decay?: number;
  /** Weights are clipped to [−clip, clip]. Default 1. */
  clip?: number;
  /** Strength of hollow, uniform lateral inhibition within a layer (0: none). Default 0. */
  lateralInhibition?: number;
  /** α of the mixed negatives `α·x_i + (1 − α)·x_j`. Default 0.5. */
  negativeMix?: number;
  /** Standard deviation of the initial weights (Gaussian). Default 0.05. */
  initScale?: number;
  /** Neuron constants (Δt, τ_m, τ_tr, thresholds and their adaptation). */
  lif?: Omit<LIFOptions, 'seed'>;
  /** Seed of the weights, thresholds, spikes and negatives. Default 0. */
  seed?: number;
  /** Run on this backend (a registered name or a Backend) instead of the active one. */
  backend?: string | Backend;
}

/** What one training batch measured (averaged over its T steps). */
export interface CSDPBatchStats {
  /** Mean local CSDP loss (BCE of goodness against positive/negative), averaged over layers. */
  readonly loss: number;
  /** Mean goodness of positive samples in the last layer. */
  readonly goodnessPositive: number;
  /** Mean goodness of negative samples in the last layer. */
  readonly goodnessNegative: number;
  /** Mean spikes per neuron per step of positive samples, per layer. */
  readonly firingRates: readonly number[];
}

export interface CSDPTrainOptions {
  /** Passes over the data. Default 1. */
  epochs?: number;
  /** Positive samples per batch (each batch also runs as many negatives). Default 500. */
  batchSize?: number;
  /** Called after every batch. */
  onBatch?: (info: { epoch: number; batch: number; batches: number; stats: CSDPBatchStats }) => void;
}

/** What one presentation of one sample did, step by step (see {@link CSDPNetwork.record}). */
export interface CSDPRecording {
  /** Time steps T. */
  readonly steps: number;
  /** The input's Bernoulli spikes: `T × inputSize`, row t is step t (0 or 1). */
  readonly input: { readonly size: number; readonly spikes: Uint8Array };
  /** Every hidden layer: its spikes `T × size` (row t is step t) and its goodness Σᵢ zᵢ² at each step. */
  readonly layers: ReadonlyArray<{
    readonly size: number;
    readonly spikes: Uint8Array;
    readonly goodness: Float64Array;
  }>;
}

/** One hidden layer: its weights `(n_pre, n_post)`, neurons and Adam moments. */
interface Layer {
  readonly weights: Matrix;
  readonly neurons: LIFLayer;
  readonly adamM: Matrix;
  readonly adamV: Matrix;
}

const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
/** Entries of the per-step statistics written by `learn`. */
const STEP_STATS = 4;
/** `current −= s_prev · L` (lateral inhibition). */
const INHIBIT: GemmOptions = Object.freeze({ alpha: -1, beta: 1 });

export class CSDPNetwork {
  readonly inputSize: number;
  readonly hidden: readonly number[];
  readonly steps: number;
  readonly resistance: number;
  readonly goodnessThreshold: number;
  readonly lr: number;
  readonly decay: number;
  readonly clip: number;
  readonly lateralInhibition: number;
  readonly negativeMix: number;
  readonly seed: number;
  private readonly layers: Layer[];
  private readonly rng: Random;
  private readonly backendSpec: string | Backend | undefined;
  private readonly ws = new Workspace();
  /** Options of the kernels called every step: one object each, reused. */
  private readonly currentOptions: GemmOptions;
  private readonly gradOptions: GemmOptions;
  private readonly decayOptions: GemmOptions;
  private readonly adamOptions: { -readonly [K in keyof AdamStepOptions]: AdamStepOptions[K] };

  constructor(options: CSDPNetworkOptions) {
    const o = checkOptions(options, [
      'inputSize',
      'hidden',
      'steps',
      'resistance',
      'goodnessThreshold',
      'lr',
      'decay',
      'clip',
      'lateralInhibition',
      'negativeMix',
      'initScale',
      'lif',
      'seed',
      'backend',
    ]);
    if (options === undefined)
      throw new InvalidValueError({ argument: 'options', expected: 'an object with inputSize', actual: 'undefined' });
    this.inputSize = integerInRange(o.inputSize, 'inputSize', 1);
    const hidden = o.hidden ?? [1000];
    this.hidden = (typeof hidden === 'number' ? [hidden] : Array.from(hidden)).map((h, i) =>
      integerInRange(h, `hidden[${i}]`, 1),
    );
    if (this.hidden.length === 0)
      throw new InvalidValueError({
        argument: 'hidden',
        expected: 'at least one layer size',
        actual: 'an empty array',
      });
    this.steps = integerInRange(o.steps ?? 20, 'steps', 1);
    this.resistance = positiveFinite(o.resistance ?? 0.1, 'resistance');
    this.goodnessThreshold = nonNegativeFinite(o.goodnessThreshold ?? 10, 'goodnessThreshold');
    this.lr = nonNegativeFinite(o.lr ?? 0.002, 'lr');
    this.decay = nonNegativeFinite(o.decay ?? 5e-5, 'decay');
    this.clip = positiveFinite(o.clip ?? 1, 'clip');
    this.lateralInhibition = nonNegativeFinite(o.lateralInhibition ?? 0, 'lateralInhibition');
    this.negativeMix = numberInRange(o.negativeMix ?? 0.5, 'negativeMix', 0, 1);
    const initScale = nonNegativeFinite(o.initScale ?? 0.05, 'initScale');
    this.seed = integerInRange(o.seed ?? 0, 'seed', 0, 0xffffffff);
    this.backendSpec = checkBackendOption(o.backend);
    const lif = checkOptions(
      o.lif,
      ['dt', 'tauMembrane', 'tauTrace', 'threshold', 'thresholdSpread', 'thresholdAdaptation', 'thresholdMinimum'],
      'lif',
    );
    const init = new Random(this.seed);
    let pre = this.inputSize;
    this.layers = this.hidden.map((post, i) => {
      const weights = zeros(pre, post);
      for (let k = 0; k < weights.data.length; k++) weights.data[k] = initScale * init.normal();
      const layer = {
        weights,
        neurons: new LIFLayer(post, { ...lif, seed: init.nextUint32() + i }),
        adamM: zeros(pre, post),
        adamV: zeros(pre, post),
      };
      pre = post;
      return layer;
    });
    this.rng = new Random(init.nextUint32());
    this.currentOptions = Object.freeze({ alpha: this.resistance });
    this.gradOptions = Object.freeze({ transA: true, alpha: this.resistance });
    this.decayOptions = Object.freeze({ transA: true, alpha: this.decay, beta: 1 });
    this.adamOptions = { lr: this.lr, ...ADAM, step: 0, clip: this.clip };
  }

  /** The backend this network computes on (the per-instance override, or the active one). */
  get backend(): Backend {
    return resolveBackend(this.backendSpec);
  }

  /** Layer `i`'s weights `(n_pre, n_post)`: column j is hidden neuron j's receptive field. Live, not a copy. */
  weights(i = 0): Matrix {
    return this.layer(i).weights;
  }

  /** Layer `i`'s base firing thresholds (where each presentation starts). Live, not a copy. */
  thresholds(i = 0): Float32Array {
    return this.layer(i).neurons.thresholds;
  }

  /**
   * One CSDP update from a batch of positive samples (`batch × inputSize`, intensities in [0, 1]);
   * negatives are made from the same batch. Needs a batch of at least 2.
   */
  trainBatch(x: MatrixInput): CSDPBatchStats {
    const data = this.checkInput(x, 'x', 2);
    return this.runBatch(data);
  }

  /** Trains on every row of `x` for `epochs` passes, shuffled (seeded) each epoch. */
  train(x: MatrixInput, options: CSDPTrainOptions = {}): CSDPBatchStats[] {
    const o = checkOptions(options, ['epochs', 'batchSize', 'onBatch']);
    const data = this.checkInput(x, 'x', 2);
    const epochs = integerInRange(o.epochs ?? 1, 'epochs', 0);
    const batchSize = integerInRange(o.batchSize ?? 500, 'batchSize', 2);
    const history: CSDPBatchStats[] = [];
    const batches = Math.ceil(data.rows / batchSize);
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = this.rng.permutation(data.rows);
      for (let b = 0; b < batches; b++) {
        const start = b * batchSize;
        const rows = Math.min(batchSize, data.rows - start);
        if (rows < 2) continue;
        const batch = this.ws.matrix('gather', rows, data.cols);
        for (let r = 0; r < rows; r++) {
          const src = order[start + r] as number;
          batch.data.set(data.data.subarray(src * data.cols, (src + 1) * data.cols), r * data.cols);
        }
        const stats = this.runBatch(batch);
        history.push(stats);
        o.onBatch?.({ epoch, batch: b, batches, stats });
      }
    }
    return history;
  }

  /**
   * Spike counts of every hidden layer over T steps, for each row of `x`: `rows × Σ hidden`. The
   * dynamics are those of training (thresholds adapt within each presentation) but no weight
   * changes. Deterministic: the same x gives the same counts every call. With `out` (a Matrix of
   * that shape) the counts are written there instead of into a new matrix.
   */
  features(x: MatrixInput, options: { batchSize?: number; out?: Matrix } = {}): Matrix {
    const o = checkOptions(options, ['batchSize', 'out']);
    const data = this.checkInput(x, 'x', 0);
    const batchSize = integerInRange(o.batchSize ?? 1000, 'batchSize', 1);
    const total = this.hidden.reduce((s, h) => s + h, 0);
    const out = o.out === undefined ? zeros(data.rows, total) : checkOut(o.out, data.rows, total, 'options.out');
    const rng = this.presentationRng();
    for (let start = 0; start < data.rows; start += batchSize) {
      const rows = Math.min(batchSize, data.rows - start);
      this.present(rowBlock(data, start, rows), rng, undefined);
      let offset = 0;
      for (const layer of this.layers) {
        const counts = layer.neurons.counts();
        for (let r = 0; r < rows; r++) {
          out.data.set(counts.data.subarray(r * counts.cols, (r + 1) * counts.cols), (start + r) * total + offset);
        }
        offset += counts.cols;
      }
    }
    return out;
  }

  /**
   * The label-free negatives this network trains against, for the rows of `x` (`rows × inputSize`,
   * intensities in [0, 1], at least 2 rows): row i is `α·x_i + (1 − α)·x_j` for another row j ≠ i
   * drawn with `seed` (α = `negativeMix`). A new matrix; `x` is not modified.
   */
  negatives(x: MatrixInput, options: { seed?: number } = {}): Matrix {
    const o = checkOptions(options, ['seed']);
    const data = this.checkInput(x, 'x', 2);
    const out = zeros(data.rows, data.cols);
    this.mixNegatives(data, new Random(integerInRange(o.seed ?? 0, 'options.seed', 0, 0xffffffff)), out);
    return out;
  }

  /** Row i of `out` = α·x_i + (1 − α)·x_j, with j ≠ i drawn from `rng` (x has at least 2 rows). */
  private mixNegatives(x: Matrix, rng: Random, out: Matrix): void {
    const b = x.rows;
    const cols = x.cols;
    const alpha = this.negativeMix;
    for (let i = 0; i < b; i++) {
      const j = (i + 1 + rng.int(b - 1)) % b; // another sample, never i itself
      for (let k = 0; k < cols; k++) {
        out.data[i * cols + k] =
          alpha * (x.data[i * cols + k] as number) + (1 - alpha) * (x.data[j * cols + k] as number);
      }
    }
  }

  /**
   * Runs one presentation of a single sample (`1 × inputSize`, or a flat vector of inputSize
   * intensities in [0, 1]) without learning, and returns what happened at every step: the input
   * spikes, each layer's spikes and its goodness. Same dynamics and spikes as {@link features}: the
   * spike counts summed over the steps equal `features([x])`.
   */
  record(x: MatrixInput | VectorInput): CSDPRecording {
    const flat = ArrayBuffer.isView(x) || (Array.isArray(x) && (x.length === 0 || typeof x[0] === 'number'));
    const sample = flat
      ? this.checkInput({ rows: 1, cols: (x as VectorInput).length, data: toVector(x, 'x') }, 'x', 1)
      : this.checkInput(x as MatrixInput, 'x', 1);
    if (sample.rows !== 1) {
      throw new ShapeError({ argument: 'x', expected: 'exactly 1 row (one sample)', actual: `${sample.rows} rows` });
    }
    const T = this.steps;
    const input = new Uint8Array(T * this.inputSize);
    const layers = this.hidden.map((size) => ({
      size,
      spikes: new Uint8Array(T * size),
      goodness: new Float64Array(T),
    }));
    const goodness = new Float64Array(1);
    const backend = this.backend;
    this.present(sample, this.presentationRng(), undefined, (t, inSpikes) => {
      input.set(inSpikes.data, t * this.inputSize);
      this.layers.forEach((layer, l) => {
        const state = layer.neurons.current as NonNullable<LIFLayer['current']>;
        const out = layers[l] as (typeof layers)[number];
        out.spikes.set(state.spikes.data, t * out.size);
        backend.rowSumSquares(state.trace, goodness);
        out.goodness[t] = goodness[0] as number;
      });
    });
    return { steps: T, input: { size: this.inputSize, spikes: input }, layers };
  }

  /** The spike generator of presentations without learning: the same for every call, so they are repeatable. */
  private presentationRng(): Random {
    return new Random(this.seed ^ 0x5eed);
  }

  private layer(i: number): Layer {
    const layer = this.layers[integerInRange(i, 'layer', 0, this.layers.length - 1)];
    return layer as Layer;
  }

  private checkInput(x: MatrixInput, name: string, minRows: number): Matrix {
    const m = toMatrix(x, name);
    if (m.cols !== this.inputSize && m.rows > 0) {
      throw new ShapeError({
        argument: name,
        expected: `${this.inputSize} columns (inputSize)`,
        actual: `${m.cols} columns`,
      });
    }
    if (m.rows < minRows) {
      throw new ShapeError({ argument: name, expected: `at least ${minRows} rows`, actual: `${m.rows} rows` });
    }
    unitInterval(m, name);
    return m;
  }

  /** Positives and mixed negatives as one batch of 2B rows, then T steps with learning. */
  private runBatch(x: Matrix): CSDPBatchStats {
    const b = x.rows;
    const both = this.ws.matrix('both', 2 * b, x.cols);
    both.data.set(x.data);
    this.mixNegatives(x, this.rng, rowBlock(both, b, b));
    return this.present(both, this.rng, b) as CSDPBatchStats;
  }

  /**
   * Runs T steps on `input`. With `positives` set, rows [0, positives) are positives, the rest
   * negatives, and every layer learns; otherwise it only counts spikes. `observe` sees every step
   * once all layers have stepped (the layers' `current` state is that step's).
   */
  private present(
    input: Matrix,
    rng: Random,
    positives: number | undefined,
    observe?: (t: number, inSpikes: Matrix) => void,
  ): CSDPBatchStats | undefined {
    const backend = this.backend;
    const rows = input.rows;
    const learn = positives !== undefined;
    const ws = this.ws;
    const inSpikes = ws.matrix('inSpikes', rows, this.inputSize);
    for (const layer of this.layers) layer.neurons.reset(rows);
    const nLayers = this.layers.length;
    let loss = 0;
    let gPos = 0;
    let gNeg = 0;
    const spikeTotals = ws.vector('spikeTotals', nLayers).fill(0);
    const step = ws.vector('stepStats', STEP_STATS);
    for (let t = 0; t < this.steps; t++) {
      sampleBernoulli(input.data, 1, rng, inSpikes.data);
      let pre = inSpikes;
      for (let l = 0; l < nLayers; l++) {
        const layer = this.layers[l] as Layer;
        const post = layer.weights.cols;
        const current = ws.matrix(`current${l}`, rows, post);
        backend.gemm(pre, layer.weights, current, this.currentOptions);
        if (this.lateralInhibition > 0) this.inhibit(backend, layer, current, l);
        const spikes = layer.neurons.step(backend, current);
        if (learn) {
          this.learn(backend, layer, l, pre, spikes, positives, step);
          loss += (step[0] as number) / nLayers;
          if (l === nLayers - 1) {
            gPos += step[1] as number;
            gNeg += step[2] as number;
          }
          spikeTotals[l] = (spikeTotals[l] as number) + (step[3] as number);
        }
        pre = spikes;
      }
      observe?.(t, inSpikes);
    }
    if (!learn) return undefined;
    const T = this.steps;
    return {
      loss: loss / T,
      goodnessPositive: gPos / T,
      goodnessNegative: gNeg / T,
      firingRates: this.hidden.map((h, l) => (spikeTotals[l] as number) / (T * positives * h)),
    };
  }

  /**
   * Lateral inhibition from the previous step's spikes: `current −= s_prev · L` with the hollow,
   * non-negative `L = c (11ᵀ − I)` (every neuron inhibits every other one equally).
   */
  private inhibit(backend: Backend, layer: Layer, current: Matrix, l: number): void {
    const previous = layer.neurons.current?.spikes;
    if (!previous || previous.rows !== current.rows) return;
    const n = current.cols;
    const lateral = this.ws.matrix(`lateral${l}`, n, n);
    if (lateral.data[1] !== Math.fround(this.lateralInhibition)) {
      lateral.data.fill(this.lateralInhibition);
      for (let i = 0; i < n; i++) lateral.data[i * n + i] = 0;
    }
    backend.gemm(previous, lateral, current, INHIBIT);
  }

  /**
   * The CSDP update of one layer at one step. Writes the step's loss, mean goodness of positives
   * and of negatives, and the positives' spike count to `stats[0…3]`.
   */
  private learn(
    backend: Backend,
    layer: Layer,
    l: number,
    pre: Matrix,
    spikes: Matrix,
    positives: number,
    stats: Float64Array,
  ): void {
    const ws = this.ws;
    const rows = spikes.rows;
    const trace = layer.neurons.current?.trace as Matrix;
    const goodness = ws.vector(`goodness${l}`, rows);
    backend.rowSumSquares(trace, goodness);
    const coef = ws.vector(`coef${l}`, rows);
    let loss = 0;
    let gPos = 0;
    let gNeg = 0;
    for (let i = 0; i < rows; i++) {
      const y = i < positives ? 1 : 0;
      const g = goodness[i] as number;
      const logit = g - this.goodnessThreshold;
      // BCE with logits, stably: max(u, 0) − u·y + log(1 + e^−|u|).
      loss += Math.max(logit, 0) - logit * y + Math.log1p(Math.exp(-Math.abs(logit)));
      coef[i] = (2 / rows) * (1 / (1 + Math.exp(-logit)) - y);
      if (y) gPos += g;
      else gNeg += g;
    }
    let positiveSpikes = 0;
    const spikeRows = ws.vector(`spikeRows${l}`, rows);
    backend.rowSumSquares(spikes, spikeRows);
    for (let i = 0; i < positives; i++) positiveSpikes += spikeRows[i] as number;

    const { weights } = layer;
    // Modulator m = coef ⊙ z, then the synaptic signal s_preᵀ (R·m): one gemm for the batch.
    const modulator = ws.matrix(`modulator${l}`, rows, weights.cols);
    backend.scaleRows(trace, coef, modulator);
    const grad = ws.matrix(`grad${l}`, weights.rows, weights.cols);
    backend.gemm(pre, modulator, grad, this.gradOptions);
    if (this.decay > 0) {
      // W −= λ_d (1 − s_pre)ᵀ s = λ_d s_preᵀ s − λ_d 1 ⊗ (column sums of s).
      backend.gemm(pre, spikes, weights, this.decayOptions);
      const colSums = ws.matrix(`colSums${l}`, 1, weights.cols);
      backend.gemm(ws.ones(rows), spikes, colSums);
      backend.outerUpdate(weights, 1, [{ coef: -this.decay, u: ws.ones(weights.rows).data, v: colSums.data }], weights);
    }
    if (l === 0) this.adamOptions.step++;
    backend.adamStep(weights, grad, layer.adamM, layer.adamV, this.adamOptions);
    stats[0] = loss / rows;
    stats[1] = gPos / positives;
    stats[2] = gNeg / (rows - positives);
    stats[3] = positiveSpikes;
  }
}
