/**
 * pnpm bench:learn — trains a CSDP spiking network without labels on the MNIST training split,
 * then probes it: the demo's pipeline with the full data and larger defaults. Progress goes to
 * stderr; the last line on stdout is one JSON object. `--out DIR` also writes the demo's report.
 *   pnpm bench:learn [-- --epochs N] [--hidden N] [--seed N] [--backend NAME] [--per-class N] ...
 */
import type { TrainingDefaults } from './defaults.js';
import { runMain, runTrainingCli } from './train-cli.js';

export const LEARN_DEFAULTS: TrainingDefaults = {
  epochs: 3,
  hidden: 1500,
  seed: 0,
  perClass: undefined,
  batchSize: 500,
  steps: 20,
};

runMain('bench:learn', (argv) =>
  runTrainingCli(argv, {
    name: 'bench:learn',
    command: 'pnpm bench:learn',
    title: `contraspike bench:learn — unsupervised CSDP on MNIST, measured by a linear probe.

The last line printed on stdout is a JSON object with probeAccuracy, untrainedProbeAccuracy,
pixelProbeAccuracy, trainSeconds, samplesPerSecond, totalSeconds, backend, hidden, epochs, seed and split.`,
    defaults: LEARN_DEFAULTS,
    defaultOut: undefined,
    jsonAlways: true,
  }),
);
