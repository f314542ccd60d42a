/**
 * pnpm bench:learn — trains a CSDP spiking network without labels on the MNIST training split,
 * then probes it. Progress goes to stderr; the last line on stdout is one JSON object.
 *   pnpm bench:learn [-- --epochs N] [--hidden N] [--seed N] [--backend NAME] [--per-class N]
 */
import { parseArgs } from 'node:util';
import { gpujsBackend } from '@contraspike/backend-gpujs';
import { jsBackend } from '@contraspike/backend-js';
import { BackendError, isArgumentError, ready, registerBackend, setBackend } from '@contraspike/core';
import { type LearnResult, runLearning } from './learn.js';

export const LEARN_DEFAULTS = { epochs: 3, hidden: 1500, seed: 0 } as const;

const HELP = `contraspike bench:learn — unsupervised CSDP on MNIST, measured by a linear probe.

Usage: pnpm bench:learn [-- options]

Options:
  --epochs N      passes of unsupervised training (default ${LEARN_DEFAULTS.epochs})
  --hidden N      hidden spiking neurons (default ${LEARN_DEFAULTS.hidden})
  --seed N        seed of the split, weights, spikes and negatives (default ${LEARN_DEFAULTS.seed})
  --backend NAME  js, gpujs or gpujs with a mode (e.g. --backend gpujs:webasm);
                  default: automatic selection
  --per-class N   use only N digits of each class (default: all 1,000)
  -h, --help      show this help

The last line printed on stdout is a JSON object with probeAccuracy, untrainedProbeAccuracy,
pixelProbeAccuracy, trainSeconds, samplesPerSecond, backend, hidden, epochs and seed.`;

function positiveInt(value: string | undefined, flag: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new RangeError(`--${flag} expects an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return n;
}

/** A one-line progress bar: redrawn in place on a terminal, printed every few batches otherwise. */
function progress(done: number, total: number, text: string): void {
  const width = 24;
  const filled = Math.round((done / total) * width);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round((100 * done) / total)).padStart(3)}%`;
  if (process.stderr.isTTY) process.stderr.write(`\r${bar} ${text}\x1b[K${done === total ? '\n' : ''}`);
  else process.stderr.write(`${bar} ${text}\n`);
}

/** `js`, `gpujs`, or `gpujs:<mode>` (a gpu.js mode asked for exactly). */
function selectBackend(spec: string) {
  const [name, mode] = spec.split(':');
  return mode === undefined ? setBackend(spec) : setBackend(name as string, { mode });
}

export function summary(r: LearnResult): string {
  const { history: _h, confusion: _c, split: _s, ...row } = r;
  return JSON.stringify(row);
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      epochs: { type: 'string' },
      hidden: { type: 'string' },
      seed: { type: 'string' },
      backend: { type: 'string' },
      'per-class': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const epochs = positiveInt(values.epochs, 'epochs', LEARN_DEFAULTS.epochs);
  const hidden = positiveInt(values.hidden, 'hidden', LEARN_DEFAULTS.hidden);
  const seed = positiveInt(values.seed, 'seed', LEARN_DEFAULTS.seed, 0);
  const perClass =
    values['per-class'] === undefined ? undefined : positiveInt(values['per-class'], 'per-class', 1000, 2);
  registerBackend(jsBackend);
  registerBackend(gpujsBackend);
  const backend = values.backend ? await selectBackend(values.backend) : await ready();
  process.stderr.write(
    `bench:learn — backend ${backend.name}, ${hidden} hidden neurons, ${epochs} epochs, seed ${seed}\n`,
  );
  let lastPrinted = -1;
  const result = runLearning({
    epochs,
    hidden,
    seed,
    backend,
    ...(perClass ? { perClass } : {}),
    onPhase: (phase) => process.stderr.write(`· ${phase}\n`),
    onBatch: ({ epoch, batch, batches, stats, seconds }) => {
      const done = epoch * batches + batch + 1;
      const total = epochs * batches;
      if (!process.stderr.isTTY && done !== total && done - lastPrinted < Math.max(1, Math.floor(total / 12))) return;
      lastPrinted = done;
      progress(
        done,
        total,
        `epoch ${epoch + 1}/${epochs}  loss ${stats.loss.toFixed(3)}  goodness +${stats.goodnessPositive.toFixed(1)} / −${stats.goodnessNegative.toFixed(1)}  ${seconds.toFixed(0)} s`,
      );
    },
  });
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  process.stderr.write(
    `probe: trained ${pct(result.probeAccuracy)} · untrained ${pct(result.untrainedProbeAccuracy)} · raw pixels ${pct(result.pixelProbeAccuracy)} · ${result.trainSeconds.toFixed(0)} s, ${result.samplesPerSecond.toFixed(0)} samples/s\n`,
  );
  console.log(summary(result));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (
      BackendError.isInstance(error) ||
      isArgumentError(error) ||
      error instanceof RangeError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(`bench:learn: ${(error as Error).message}`);
      process.exitCode = 1;
    } else {
      throw error;
    }
  },
);
