/**
 * LIFLayer: a batch of simplified leaky integrate-and-fire neurons with spike traces and an
 * adaptive (homeostatic) threshold, as used by CSDP (Ororbia, Science Advances 2024):
 *
 *   v ← v + (Δt/τ_m)(−v + j);  s = [v > θ];  v ← v(1 − s)
 *   z ← z(1 − Δt/τ_tr)(1 − s) + s                                  (the spike trace)
 *   θ_b ← max(θ_b + ρ·(Σ_i s_bi − 1), θ_min)                       (adaptive threshold)
 *
 * A whole batch of samples steps together. The adaptive threshold is homeostasis within one
 * presentation: it starts from each neuron's base threshold at `reset()` and rises while sample b
 * makes the layer fire more than one spike per step (falls while it fires less), which keeps the
 * code sparse and the activity of different samples comparable.
 */
import type { Backend, LifParams, LifState, Matrix } from './backend.js';
import { InvalidValueError } from './errors.js';
import { rowBlock, zeros } from './matrix.js';
import { Random } from './random.js';
import { checkOptions, integerInRange, nonNegativeFinite, positiveFinite } from './validate.js';
import { Workspace } from './workspace.js';

export interface LIFOptions {
  /** Integration step Δt in ms. Default 3. */
  dt?: number;
  /** Membrane time constant τ_m in ms. Default 10 (so Δt/τ_m = 0.3). */
  tauMembrane?: number;
  /** Trace time constant τ_tr in ms. Default 13. */
  tauTrace?: number;
  /** Initial thresholds are uniform in `threshold ± thresholdSpread`. Defaults 0.055 and 0.025. */
  threshold?: number;
  thresholdSpread?: number;
  /** Homeostatic rate ρ of the adaptive threshold (0 disables adaptation). Default 0.001. */
  thresholdAdaptation?: number;
  /** Lower bound θ_min of an adapting threshold. Default 0.025. */
  thresholdMinimum?: number;
  /** Seed of the initial thresholds. Default 1. */
  seed?: number;
}

const LIF_OPTIONS = [
  'dt',
  'tauMembrane',
  'tauTrace',
  'threshold',
  'thresholdSpread',
  'thresholdAdaptation',
  'thresholdMinimum',
  'seed',
] as const;

export class LIFLayer {
  /** Number of neurons. */
  readonly size: number;
  /** Each neuron's base threshold θ: where its adaptive threshold starts at every reset. */
  readonly thresholds: Float32Array;
  readonly leak: number;
  readonly traceDecay: number;
  readonly thresholdAdaptation: number;
  readonly thresholdMinimum: number;
  private state: Required<LifState> | undefined;
  /** Memory of the state, reused across batch sizes. */
  private readonly ws = new Workspace();
  /** The constants handed to every lifStep (one object, reused). */
  private readonly params: LifParams;

  constructor(size: number, options: LIFOptions = {}) {
    const o = checkOptions(options, LIF_OPTIONS);
    this.size = integerInRange(size, 'size', 1);
    const dt = positiveFinite(o.dt ?? 3, 'dt');
    const tauM = positiveFinite(o.tauMembrane ?? 10, 'tauMembrane');
    const tauTr = positiveFinite(o.tauTrace ?? 13, 'tauTrace');
    if (dt > tauM) throw rangeError('tauMembrane', `≥ dt (${dt})`, tauM);
    if (dt > tauTr) throw rangeError('tauTrace', `≥ dt (${dt})`, tauTr);
    this.leak = dt / tauM;
    this.traceDecay = 1 - dt / tauTr;
    const base = nonNegativeFinite(o.threshold ?? 0.055, 'threshold');
    const spread = nonNegativeFinite(o.thresholdSpread ?? 0.025, 'thresholdSpread');
    this.thresholdAdaptation = nonNegativeFinite(o.thresholdAdaptation ?? 0.001, 'thresholdAdaptation');
    this.thresholdMinimum = nonNegativeFinite(o.thresholdMinimum ?? 0.025, 'thresholdMinimum');
    const rng = new Random(o.seed ?? 1);
    this.thresholds = Float32Array.from({ length: this.size }, () => base + spread * (2 * rng.next() - 1));
    this.params = Object.freeze({
      leak: this.leak,
      traceDecay: this.traceDecay,
      thresholdAdaptation: this.thresholdAdaptation,
      thresholdMinimum: this.thresholdMinimum,
    });
  }

  /** The current state (`batch × size` matrices), or undefined before the first {@link reset}. */
  get current(): Readonly<Required<LifState>> | undefined {
    return this.state;
  }

  /**
   * Starts a new presentation of `batch` samples: potentials, traces and counts to 0, thresholds to
   * base. The state's matrices are the layer's own, reused from presentation to presentation (for
   * any batch size): copy what you want to keep from `current` or `counts()` before the next reset.
   */
  reset(batch: number): Required<LifState> {
    const n = this.size;
    if (!this.state || this.state.v.rows !== batch) {
      const ws = this.ws;
      this.state = {
        v: ws.matrix('v', batch, n),
        threshold: ws.matrix('threshold', batch, n),
        trace: ws.matrix('trace', batch, n),
        spikes: ws.matrix('spikes', batch, n),
        counts: ws.matrix('counts', batch, n),
      };
    }
    for (const key of ['v', 'trace', 'spikes', 'counts'] as const) this.state[key].data.fill(0);
    const th = this.state.threshold.data;
    for (let b = 0; b < batch; b++) th.set(this.thresholds, b * n);
    return this.state;
  }

  /**
   * Advances every neuron one step given its input current (`batch × size`, already scaled by the
   * membrane resistance). Returns the spike matrix (owned by the layer, overwritten next step).
   */
  step(backend: Backend, current: Matrix): Matrix {
    const state = this.state && this.state.v.rows === current.rows ? this.state : this.reset(current.rows);
    backend.lifStep(current, state, this.params);
    return state.spikes;
  }

  /** Rows `[start, start + count)` of the spike counts since the last reset. */
  counts(start = 0, count = this.state?.counts.rows ?? 0): Matrix {
    if (!this.state) return zeros(0, this.size);
    return rowBlock(this.state.counts, start, count);
  }
}

function rangeError(argument: string, expected: string, actual: number) {
  return new InvalidValueError({ argument, expected: `a number ${expected}`, actual: String(actual) });
}
