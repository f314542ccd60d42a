/** Command-line flags of the benchmark, parsed strictly: an unknown or malformed flag is an error. */
import { parseArgs } from 'node:util';

/** The operations the suite measures, as named in `--only` and in every output row. */
export const OPS = ['infonce', 'csdp_step', 'csdp_step_inplace', 'copy', 'csdp_network_step', 'lif_step'] as const;
export type Op = (typeof OPS)[number];

/** contraspike backends, each in its concrete mode, then the peers. */
export const OWN_BACKENDS = ['js', 'gpujs:cpu', 'gpujs:webasm', 'wasm'] as const;
export const PEERS = ['tfjs-cpu', 'tfjs-wasm', 'numpy'] as const;
export const ALL_BACKENDS = [...OWN_BACKENDS, ...PEERS] as const;
export type BackendId = (typeof ALL_BACKENDS)[number];
export type Peer = (typeof PEERS)[number];

export interface BenchArgs {
  readonly json: boolean;
  readonly quick: boolean;
  readonly help: boolean;
  readonly only: readonly Op[];
  readonly backends: readonly BackendId[];
  /** Timed runs per case; undefined: chosen per case from the first call's time. */
  readonly runs: number | undefined;
  readonly seed: number;
}

export const USAGE = `Usage: pnpm bench [-- options]

Times the seed's operations on every contraspike backend that initialises here, next to
TensorFlow.js (tfjs-cpu, tfjs-wasm) and the seed's formulas in numpy, on the same seeded inputs.
Results are checked to agree before anything is timed. Progress goes to stderr.

Options:
  --json               one JSON object per row on stdout instead of a table
  --only <ops>         comma-separated subset of: ${OPS.join(', ')}
  --backends <list>    comma-separated subset of: ${ALL_BACKENDS.join(', ')}
  --runs <n>           timed runs per case (default: 15, fewer for cases slower than 0.5 s)
  --seed <n>           seed of the generated inputs (default 1)
  --quick              small sizes and few runs (a smoke test, not a measurement)
  --help               this text
`;

/** Thrown for a bad command line; the CLI prints its message on one line and exits 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function list<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new UsageError(`${flag}: expected a comma-separated list of ${allowed.join(', ')}`);
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item))
      throw new UsageError(`${flag}: unknown "${item}", expected one of ${allowed.join(', ')}`);
  }
  return [...new Set(items)] as T[];
}

function integer(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min)
    throw new UsageError(`${flag}: expected an integer ≥ ${min}, got "${value}"`);
  return n;
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv.filter((a) => a !== '--'),
      strict: true,
      allowPositionals: false,
      options: {
        json: { type: 'boolean' },
        quick: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        only: { type: 'string' },
        backends: { type: 'string' },
        runs: { type: 'string' },
        seed: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? String(error));
  }
  return {
    json: values.json === true,
    quick: values.quick === true,
    help: values.help === true,
    only: list(values.only as string | undefined, OPS, '--only') ?? [...OPS],
    backends: list(values.backends as string | undefined, ALL_BACKENDS, '--backends') ?? [...ALL_BACKENDS],
    runs: integer(values.runs as string | undefined, '--runs', 1),
    seed: integer(values.seed as string | undefined, '--seed', 0) ?? 1,
  };
}
