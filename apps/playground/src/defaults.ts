/**
 * The demo's training settings, shared by `pnpm demo` and the web page (browser-safe): chosen to
 * finish well within a minute on 2 CPU cores (about 10 s on wasm, 30 s on js), and to beat the raw-pixel probe
 * (see the README).
 */
export interface TrainingDefaults {
  readonly epochs: number;
  readonly hidden: number;
  readonly seed: number;
  /** Digits per class (undefined: all 1,000). */
  readonly perClass: number | undefined;
  readonly batchSize: number;
  readonly steps: number;
}

export const DEMO_DEFAULTS: TrainingDefaults = {
  epochs: 2,
  hidden: 800,
  seed: 0,
  perClass: 200,
  batchSize: 100,
  steps: 20,
};
