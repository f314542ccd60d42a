/**
 * The command line shared by `pnpm demo` and `pnpm bench:learn`: flags, backend choice, a progress
 * bar with the live goodness separation, the summary table, the report folder, and errors as one
 * line. Each tool only brings its defaults (see `cli.ts` and `bench-learn.ts`).
 */
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BackendError,
  type CSDPNetwork,
  type CSDPRecording,
  getBackend,
  isArgumentError,
  type Matrix,
  rowBlock,
} from '@contraspike/core';
import { backendUsage, chooseBackend } from './backends.js';
import type { GoodnessGroup } from './charts.js';
import type { TrainingDefaults } from './defaults.js';
import { goodnessSamples, type LearnResult, runLearning } from './learn.js';
import { writeReport } from './report.js';

export interface ToolConfig {
  /** Prefix of error lines, e.g. `contraspike-demo`. */
  readonly name: string;
  /** How it is run, for --help, e.g. `pnpm demo`. */
  readonly command: string;
  /** First line of --help. */
  readonly title: string;
  readonly defaults: TrainingDefaults;
  /** Where the report goes without --out; undefined: no report unless --out is given. */
  readonly defaultOut: string | undefined;
  /** Print the JSON summary as the last stdout line even without --json. */
  readonly jsonAlways: boolean;
  /** Extra lines for --help's option list. */
  readonly extraHelp?: string;
}

/** A flag's bad value, or an unknown flag: reported as one line, exit code 2. */
export class UsageError extends Error {}

/** Positive and negative goodness of this many test digits go into the histograms. */
const GOODNESS_SAMPLES = 100;
/** Receptive fields drawn: those of the first layer's most active neurons. */
const FIELDS = 100;

/** The `count` first-layer neurons that fire most on (up to 200 of) the rows of `x`, most active first. */
export function mostActive(network: CSDPNetwork, x: Matrix, count: number): number[] {
  const counts = network.features(rowBlock(x, 0, Math.min(200, x.rows)));
  const size = network.hidden[0] as number;
  const activity = new Float64Array(size);
  for (let r = 0; r < counts.rows; r++) {
    for (let j = 0; j < size; j++) activity[j] = (activity[j] as number) + (counts.data[r * counts.cols + j] as number);
  }
  return Array.from({ length: size }, (_, j) => j)
    .sort((a, b) => (activity[b] as number) - (activity[a] as number) || a - b)
    .slice(0, count);
}

function help(c: ToolConfig): string {
  const d = c.defaults;
  return `${c.title}

Usage: ${c.command} [-- options]

Options:
  --backend NAME     ${backendUsage()};
                     default: automatic selection
  --epochs N         passes of unsupervised training (default ${d.epochs})
  --hidden N         hidden spiking neurons (default ${d.hidden})
  --per-class N      digits of each class, 80 % train / 20 % test (default ${d.perClass ?? 'all 1,000'})
  --batch-size N     positive samples per training batch (default ${d.batchSize})
  --steps N          time steps per presentation (default ${d.steps})
  --seed N           seed of the split, weights, spikes and negatives (default ${d.seed})
  --out DIR          write the report (report.json and pictures) to DIR${c.defaultOut ? ` (default ${c.defaultOut})` : ''}
  --json             print one JSON object as the last line of stdout${c.extraHelp ? `\n${c.extraHelp}` : ''}
  -h, --help         show this help`;
}

function integer(value: string | undefined, flag: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min)
    throw new UsageError(`--${flag} expects an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return n;
}

/** Parsed and validated flags. */
export interface TrainingFlags {
  epochs: number;
  hidden: number;
  seed: number;
  perClass: number | undefined;
  batchSize: number;
  steps: number;
  backend: string | undefined;
  out: string | undefined;
  json: boolean;
  help: boolean;
}

export function parseTrainingFlags(argv: readonly string[], c: ToolConfig): TrainingFlags {
  // `pnpm demo -- --flag` hands the script a literal `--` first; it separates nothing here.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        epochs: { type: 'string' },
        hidden: { type: 'string' },
        seed: { type: 'string' },
        'per-class': { type: 'string' },
        'batch-size': { type: 'string' },
        steps: { type: 'string' },
        backend: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const d = c.defaults;
  const str = (k: string) => values[k] as string | undefined;
  const perClass = str('per-class');
  if (str('backend') === '') throw new UsageError('--backend expects a backend name, got ""');
  return {
    epochs: integer(str('epochs'), 'epochs', d.epochs, 1),
    hidden: integer(str('hidden'), 'hidden', d.hidden, 1),
    seed: integer(str('seed'), 'seed', d.seed, 0),
    perClass: perClass === undefined ? d.perClass : integer(perClass, 'per-class', 0, 2),
    batchSize: integer(str('batch-size'), 'batch-size', d.batchSize, 2),
    steps: integer(str('steps'), 'steps', d.steps, 1),
    backend: str('backend'),
    out: str('out') ?? c.defaultOut,
    json: values.json === true,
    help: values.help === true,
  };
}

/** A one-line progress bar: redrawn in place on a terminal, printed every ~8 % otherwise. */
export function progressBar(done: number, total: number, text: string): string {
  const width = 24;
  const filled = Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round((100 * done) / total)).padStart(3)}% ${text}`;
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** The final summary table. */
export function summaryTable(r: LearnResult, totalSeconds: number, report: string | undefined): string {
  const samples = r.split.train * r.epochs;
  const rows: Array<[string, string]> = [
    ['CSDP-trained spiking network', pct(r.probeAccuracy)],
    ['the same network, untrained', pct(r.untrainedProbeAccuracy)],
    ['raw pixels', pct(r.pixelProbeAccuracy)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const verdict =
    r.probeAccuracy > r.pixelProbeAccuracy
      ? `the trained network beats the pixels by ${(100 * (r.probeAccuracy - r.pixelProbeAccuracy)).toFixed(1)} points`
      : `the trained network does not beat the pixels here (${(100 * (r.probeAccuracy - r.pixelProbeAccuracy)).toFixed(1)} points)`;
  return [
    `linear probe on the test split (${r.split.test} digits; trained on ${r.split.train}, labels used only by the probe)`,
    ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v.padStart(7)}`),
    `  → ${verdict}`,
    `backend   ${r.backend}`,
    `training  ${r.trainSeconds.toFixed(1)} s, ${r.samplesPerSecond.toFixed(0)} samples/s (${samples} samples: ${r.split.train} × ${r.epochs} epoch${r.epochs === 1 ? '' : 's'}, ${r.hidden} neurons)`,
    `total     ${totalSeconds.toFixed(1)} s`,
    ...(report ? [`report    ${report}`] : []),
  ].join('\n');
}

/** The JSON summary: the result without its per-batch history and confusion matrix. */
export function summaryJSON(r: LearnResult, extra: Record<string, unknown> = {}): string {
  const { history: _h, confusion: _c, ...row } = r;
  return JSON.stringify({ ...row, ...extra });
}

/** Runs the tool; resolves to its exit code. Expected failures throw UsageError or core's errors. */
export async function runTrainingCli(argv: readonly string[], c: ToolConfig): Promise<number> {
  const flags = parseTrainingFlags(argv, c);
  if (flags.help) {
    console.log(help(c));
    return 0;
  }
  const started = performance.now();
  const elapsed = () => ((performance.now() - started) / 1000).toFixed(1);
  const backend = await chooseBackend(flags.backend);
  const err = process.stderr;
  err.write(
    `${c.name} — backend ${getBackend().name}${flags.backend ? '' : ' (automatic selection)'}, ${flags.hidden} hidden neurons, ` +
      `${flags.epochs} epoch${flags.epochs === 1 ? '' : 's'}, ${flags.perClass ?? 'all'} digits per class, seed ${flags.seed}\n`,
  );
  // Relative paths are taken from where the command was typed (pnpm runs scripts in the package folder).
  const base = process.env.INIT_CWD ?? process.cwd();
  const out = flags.out === undefined ? undefined : resolve(base, flags.out);
  const shown = out && (relative(base, out).startsWith('..') ? out : relative(base, out) || '.');
  const goodness: GoodnessGroup[] = [];
  let weights: Matrix | undefined;
  let fieldNeurons: number[] = [];
  let raster: { recording: CSDPRecording; label: number } | undefined;
  let lastPrinted = 0;
  const result = runLearning({
    epochs: flags.epochs,
    hidden: flags.hidden,
    seed: flags.seed,
    backend,
    batchSize: flags.batchSize,
    steps: flags.steps,
    ...(flags.perClass ? { perClass: flags.perClass } : {}),
    onPhase: (phase) => err.write(`· ${phase} (at ${elapsed()} s)\n`),
    onBatch: ({ epoch, batch, batches, stats, seconds }) => {
      const done = epoch * batches + batch + 1;
      const total = flags.epochs * batches;
      const text =
        `epoch ${epoch + 1}/${flags.epochs}  loss ${stats.loss.toFixed(3)}  ` +
        `goodness +${stats.goodnessPositive.toFixed(1)} / −${stats.goodnessNegative.toFixed(1)} ` +
        `(separation ${(stats.goodnessPositive - stats.goodnessNegative).toFixed(1)})  ${seconds.toFixed(0)} s`;
      if (err.isTTY) {
        err.write(`\r${progressBar(done, total, text)}\x1b[K${done === total ? '\n' : ''}`);
      } else if (done === total || done === 1 || done - lastPrinted >= Math.max(1, Math.ceil(total / 12))) {
        lastPrinted = done;
        err.write(`${progressBar(done, total, text)}\n`);
      }
    },
    ...(out
      ? {
          inspect: (stage, network, split) => {
            const g = goodnessSamples(network, split.test.x, GOODNESS_SAMPLES, flags.seed);
            goodness.push({ label: stage, positive: g.positive, negative: g.negative });
            if (stage === 'trained') {
              const w = network.weights(0);
              weights = { rows: w.rows, cols: w.cols, data: Float32Array.from(w.data) };
              fieldNeurons = mostActive(network, split.test.x, FIELDS);
              raster = {
                recording: network.record(split.test.x.data.subarray(0, split.test.x.cols)),
                label: split.test.y[0] as number,
              };
            }
          },
        }
      : {}),
  });
  let files: string[] = [];
  if (out && weights && raster) {
    err.write(`· writing the report (at ${elapsed()} s)\n`);
    const options = { ...flags, out, help: undefined, json: undefined };
    files = await writeReport(out, {
      options,
      result,
      totalSeconds: (performance.now() - started) / 1000,
      goodness,
      fields: { weights, neurons: fieldNeurons },
      raster,
    });
  }
  const totalSeconds = (performance.now() - started) / 1000;
  const table = summaryTable(result, totalSeconds, shown && `${shown} (${files.length} files)`);
  const json = flags.json || c.jsonAlways;
  (json ? err : process.stdout).write(`\n${table}\n`);
  if (json) console.log(summaryJSON(result, { totalSeconds, ...(out ? { report: out, files } : {}) }));
  return 0;
}

/** Runs `main` as a process: expected failures print one line and set a non-zero exit code. */
export function runMain(name: string, main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const usage = error instanceof UsageError;
      if (usage || BackendError.isInstance(error) || isArgumentError(error)) {
        const line = (error as Error).message.replace(/\s*\n\s*/g, ' ');
        console.error(`${name}: ${line}${usage ? ' (see --help)' : ''}`);
        process.exitCode = usage ? 2 : 1;
      } else {
        throw error;
      }
    },
  );
}
