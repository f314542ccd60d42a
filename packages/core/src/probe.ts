/**
 * LinearProbe: multinomial logistic (softmax) regression on frozen features — the standard way to
 * measure what a self-supervised encoder learned. Features are standardised with the training
 * set's mean and deviation; training is mini-batch Adam with L2 regularisation, seeded. The
 * defaults (50 epochs, lr 0.003, L2 0.01) were chosen on raw MNIST pixels, where they reach the
 * usual ≈ 90 % of softmax regression, and are used unchanged for every feature set compared.
 */
import type { Backend, Matrix } from './backend.js';
import { InvalidValueError, ShapeError } from './errors.js';
import { rowBlock, zeros } from './matrix.js';
import { Random } from './random.js';
import { checkBackendOption, resolveBackend } from './registry.js';
import {
  checkOptions,
  integerInRange,
  type MatrixInput,
  nonNegativeFinite,
  positiveFinite,
  toMatrix,
} from './validate.js';
import { Workspace } from './workspace.js';

export interface LinearProbeOptions {
  /** Number of classes; labels are integers in [0, classes). */
  classes: number;
  /** Passes over the training set. Default 50. */
  epochs?: number;
  /** Mini-batch size. Default 256. */
  batchSize?: number;
  /** Adam learning rate. Default 0.003. */
  lr?: number;
  /** L2 penalty on the weights (not the bias), on standardised features. Default 0.01. */
  l2?: number;
  /** Seed of the shuffling. Default 0. */
  seed?: number;
  /** Run on this backend (a registered name or a Backend) instead of the active one. */
  backend?: string | Backend;
}

export class LinearProbe {
  readonly classes: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly l2: number;
  readonly seed: number;
  private readonly backendSpec: string | Backend | undefined;
  private readonly ws = new Workspace();
  /** `(features + 1) × classes`: the last row is the bias. */
  private weights: Matrix | undefined;
  private mean = new Float64Array(0);
  private invStd = new Float64Array(0);

  constructor(options: LinearProbeOptions) {
    const o = checkOptions(options, ['classes', 'epochs', 'batchSize', 'lr', 'l2', 'seed', 'backend']);
    if (options === undefined) {
      throw new InvalidValueError({ argument: 'options', expected: 'an object with classes', actual: 'undefined' });
    }
    this.classes = integerInRange(o.classes, 'classes', 2);
    this.epochs = integerInRange(o.epochs ?? 50, 'epochs', 1);
    this.batchSize = integerInRange(o.batchSize ?? 256, 'batchSize', 1);
    this.lr = positiveFinite(o.lr ?? 0.003, 'lr');
    this.l2 = nonNegativeFinite(o.l2 ?? 0.01, 'l2');
    this.seed = integerInRange(o.seed ?? 0, 'seed', 0, 0xffffffff);
    this.backendSpec = checkBackendOption(o.backend);
  }

  get backend(): Backend {
    return resolveBackend(this.backendSpec);
  }

  /** Fits the probe to `features` (`samples × d`) and integer `labels`; returns the mean loss per epoch. */
  fit(features: MatrixInput, labels: ArrayLike<number>): number[] {
    const x = toMatrix(features, 'features');
    const y = this.checkLabels(labels, x.rows, 'labels');
    if (x.rows === 0) throw new ShapeError({ argument: 'features', expected: 'at least 1 row', actual: '0 rows' });
    const d = x.cols;
    this.mean = new Float64Array(d);
    this.invStd = new Float64Array(d);
    for (let i = 0; i < x.rows; i++)
      for (let j = 0; j < d; j++) this.mean[j] = (this.mean[j] as number) + (x.data[i * d + j] as number);
    for (let j = 0; j < d; j++) this.mean[j] = (this.mean[j] as number) / x.rows;
    for (let i = 0; i < x.rows; i++) {
      for (let j = 0; j < d; j++) {
        const c = (x.data[i * d + j] as number) - (this.mean[j] as number);
        this.invStd[j] = (this.invStd[j] as number) + c * c;
      }
    }
    for (let j = 0; j < d; j++) {
      const sd = Math.sqrt((this.invStd[j] as number) / x.rows);
      this.invStd[j] = sd > 1e-8 ? 1 / sd : 0; // a constant feature carries nothing
    }
    const z = this.standardized(x, 'train');
    const backend = this.backend;
    const C = this.classes;
    const w = zeros(d + 1, C);
    const m = zeros(d + 1, C);
    const v = zeros(d + 1, C);
    const grad = zeros(d + 1, C);
    const l2Rows = new Float64Array(d + 1).fill(this.l2);
    l2Rows[d] = 0;
    const rng = new Random(this.seed);
    const losses: number[] = [];
    let step = 0;
    for (let epoch = 0; epoch < this.epochs; epoch++) {
      const order = rng.permutation(z.rows);
      let total = 0;
      for (let start = 0; start < z.rows; start += this.batchSize) {
        const rows = Math.min(this.batchSize, z.rows - start);
        const batch = this.ws.matrix('batch', rows, d + 1);
        const targets = this.ws.ints('targets', rows);
        for (let r = 0; r < rows; r++) {
          const src = order[start + r] as number;
          batch.data.set(z.data.subarray(src * (d + 1), (src + 1) * (d + 1)), r * (d + 1));
          targets[r] = y[src] as number;
        }
        const probs = this.ws.matrix('probs', rows, C);
        backend.gemm(batch, w, probs);
        const lse = this.ws.vector('lse', rows);
        for (let r = 0; r < rows; r++) total -= probs.data[r * C + (targets[r] as number)] as number;
        backend.rowSoftmax(probs, probs, lse);
        for (let r = 0; r < rows; r++) {
          total += lse[r] as number;
          const t = r * C + (targets[r] as number);
          probs.data[t] = (probs.data[t] as number) - 1;
        }
        // grad = l2·W (bias row excluded) + zᵀ (P − Y) / rows
        backend.scaleRows(w, l2Rows, grad);
        backend.gemm(batch, probs, grad, { transA: true, alpha: 1 / rows, beta: 1 });
        step++;
        backend.adamStep(w, grad, m, v, { lr: this.lr, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step });
      }
      losses.push(total / z.rows);
    }
    this.weights = w;
    return losses;
  }

  /** The most likely class of each row. */
  predict(features: MatrixInput): Int32Array {
    const w = this.weights;
    if (!w)
      throw new InvalidValueError({
        argument: 'this',
        expected: 'a fitted probe (call fit first)',
        actual: 'an unfitted probe',
      });
    const x = toMatrix(features, 'features');
    if (x.cols !== w.rows - 1) {
      throw new ShapeError({
        argument: 'features',
        expected: `${w.rows - 1} columns, as in fit`,
        actual: `${x.cols} columns`,
      });
    }
    const z = this.standardized(x, 'predict');
    const logits = zeros(z.rows, this.classes);
    this.backend.gemm(z, w, logits);
    const out = new Int32Array(z.rows);
    for (let i = 0; i < z.rows; i++) {
      const row = rowBlock(logits, i, 1).data;
      let best = 0;
      for (let c = 1; c < row.length; c++) if ((row[c] as number) > (row[best] as number)) best = c;
      out[i] = best;
    }
    return out;
  }

  /** The fraction of rows whose predicted class equals the label. */
  accuracy(features: MatrixInput, labels: ArrayLike<number>): number {
    const predicted = this.predict(features);
    const y = this.checkLabels(labels, predicted.length, 'labels');
    let right = 0;
    for (let i = 0; i < y.length; i++) if (predicted[i] === y[i]) right++;
    return y.length === 0 ? 0 : right / y.length;
  }

  /** `matrix[true][predicted]` counts. */
  confusion(features: MatrixInput, labels: ArrayLike<number>): number[][] {
    const predicted = this.predict(features);
    const y = this.checkLabels(labels, predicted.length, 'labels');
    const out = Array.from({ length: this.classes }, () => new Array<number>(this.classes).fill(0));
    for (let i = 0; i < y.length; i++) {
      const row = out[y[i] as number] as number[];
      const p = predicted[i] as number;
      row[p] = (row[p] as number) + 1;
    }
    return out;
  }

  /** Standardised features with a trailing 1 for the bias. */
  private standardized(x: Matrix, key: string): Matrix {
    const d = x.cols;
    const z = this.ws.matrix(`z-${key}`, x.rows, d + 1);
    for (let i = 0; i < x.rows; i++) {
      for (let j = 0; j < d; j++) {
        z.data[i * (d + 1) + j] =
          ((x.data[i * d + j] as number) - (this.mean[j] as number)) * (this.invStd[j] as number);
      }
      z.data[i * (d + 1) + d] = 1;
    }
    return z;
  }

  private checkLabels(labels: ArrayLike<number>, rows: number, name: string): Int32Array {
    if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number') {
      throw new InvalidValueError({ argument: name, expected: 'an array of class indices', actual: String(labels) });
    }
    if (labels.length !== rows) {
      throw new ShapeError({ argument: name, expected: `${rows} labels (one per row)`, actual: `${labels.length}` });
    }
    const out = Int32Array.from(labels as ArrayLike<number>);
    for (let i = 0; i < labels.length; i++) {
      const v = labels[i] as number;
      if (!Number.isInteger(v) || v < 0 || v >= this.classes) {
        throw new InvalidValueError({
          argument: `${name}[${i}]`,
          expected: `an integer in [0, ${this.classes})`,
          actual: String(v),
        });
      }
    }
    return out;
  }
}
