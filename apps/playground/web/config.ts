/**
 * The page's training settings, read from its URL (`?perClass=50&hidden=100&epochs=1`), so a short
 * run (the end-to-end test's) or a longer one is a link away. Bad values get the core validators'
 * typed errors, which the page shows.
 */
import { integerInRange } from '@contraspike/core';
import { DEMO_DEFAULTS } from '../src/defaults.js';

export interface PageConfig {
  /** Digits per class taken from the `mnist` package before the 80/20 split. */
  readonly perClass: number;
  /** Hidden spiking neurons. */
  readonly hidden: number;
  /** Passes over the training split. */
  readonly epochs: number;
  /** Time steps per presentation. */
  readonly steps: number;
  /** Positive samples per training batch. */
  readonly batch: number;
  readonly seed: number;
  /** Receptive fields drawn (the first hidden neurons). */
  readonly fields: number;
}

/** The same run as `pnpm demo` (its defaults), with the first 64 receptive fields drawn. */
export const DEFAULT_CONFIG: PageConfig = {
  perClass: DEMO_DEFAULTS.perClass ?? 1000,
  hidden: DEMO_DEFAULTS.hidden,
  epochs: DEMO_DEFAULTS.epochs,
  steps: DEMO_DEFAULTS.steps,
  batch: DEMO_DEFAULTS.batchSize,
  seed: DEMO_DEFAULTS.seed,
  fields: 64,
};

const LIMITS: Record<keyof PageConfig, [number, number]> = {
  perClass: [2, 1000],
  hidden: [1, 4000],
  epochs: [1, 100],
  steps: [1, 200],
  batch: [2, 2000],
  seed: [0, 0xffffffff],
  fields: [1, 400],
};

/** The settings in `search` (a URL's query string), each defaulted and checked. */
export function readConfig(search: string): PageConfig {
  const params = new URLSearchParams(search);
  const config = { ...DEFAULT_CONFIG };
  for (const key of Object.keys(LIMITS) as Array<keyof PageConfig>) {
    const raw = params.get(key);
    if (raw === null) continue;
    const [min, max] = LIMITS[key];
    config[key] = integerInRange(raw.trim() === '' ? Number.NaN : Number(raw), `URL parameter ${key}`, min, max);
  }
  return { ...config, fields: Math.min(config.fields, config.hidden) };
}
