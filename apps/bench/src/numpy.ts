/**
 * The numpy peer: writes the benchmark's inputs to a temporary binary file, runs
 * `numpy/bench.py` (the seed's formulas in float64) on them, and reads back its timings and results.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CsdpCase, InfonceCase } from './inputs.js';
import type { Timing, TimingPlan } from './measure.js';

/** The script, next to `src/` and `dist/` alike. */
export const NUMPY_SCRIPT = fileURLToPath(new URL('../numpy/bench.py', import.meta.url));

export type NumpyCase = InfonceCase | CsdpCase;

export interface NumpyInfo {
  readonly numpy: string;
  readonly blas: string;
  readonly blasCore?: string;
  readonly blasThreads?: number;
}

export interface NumpyRow extends Timing {
  readonly case: NumpyCase;
  /** numpy's result (the loss, or W after the step / the copy), float64. */
  readonly output: Float64Array;
}

/** Environment variables that pin an old OpenBLAS kernel on some machines; they slow numpy. */
const BLAS_OVERRIDES = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];

/** Undefined when `python` can import numpy; otherwise why not. */
export function numpyMissing(python = 'python3'): string | undefined {
  const r = spawnSync(python, ['-c', 'import numpy'], { encoding: 'utf8' });
  if (r.error) return `${python} not found (${r.error.message})`;
  if (r.status !== 0) return `${python} cannot import numpy`;
  return undefined;
}

/** Whether numpy can compute this case (the seed's own operations only). */
export function numpyComputes(c: { op: string }): c is NumpyCase {
  return c.op === 'infonce' || c.op === 'csdp_step' || c.op === 'copy';
}

export interface NumpyOptions {
  readonly python?: string;
  /**
   * Run numpy with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from its environment, so
   * OpenBLAS picks its kernel for this CPU (the benchmark does; tests leave the environment alone).
   */
  readonly nativeBlas?: boolean;
  /** Receives numpy's stderr. */
  readonly onStderr?: (text: string) => void;
}

/** Runs the cases in numpy; resolves to numpy's description and one row per case. */
export async function runNumpy(
  cases: readonly NumpyCase[],
  plan: TimingPlan,
  options: NumpyOptions = {},
): Promise<{ info: NumpyInfo; rows: NumpyRow[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'contraspike-bench-'));
  try {
    const chunks: Float32Array[] = [];
    let offset = 0;
    const put = (data: Float32Array, shape: number[]): [number, number[]] => {
      chunks.push(data);
      const at = offset;
      offset += data.length;
      return [at, shape];
    };
    const specs = cases.map((c, i) => {
      const out = join(dir, `out${i}.f64`);
      if (c.op === 'infonce') {
        const shape = [...c.shape];
        return {
          op: c.op,
          shape,
          out,
          temperature: c.temperature,
          arrays: { viewA: put(c.viewA.data, shape), viewB: put(c.viewB.data, shape) },
        };
      }
      const [post, pre] = c.shape;
      return {
        op: c.op,
        shape: [post, pre],
        out,
        lr: c.lr,
        decay: c.decay,
        arrays: {
          W: put(c.W.data, [post, pre]),
          posPre: put(c.posPre, [pre]),
          posPost: put(c.posPost, [post]),
          negPre: put(c.negPre, [pre]),
          negPost: put(c.negPost, [post]),
        },
      };
    });
    const data = new Float32Array(offset);
    let at = 0;
    for (const chunk of chunks) {
      data.set(chunk, at);
      at += chunk.length;
    }
    const dataFile = join(dir, 'inputs.f32');
    writeFileSync(dataFile, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    const manifest = join(dir, 'manifest.json');
    writeFileSync(
      manifest,
      JSON.stringify({
        data: dataFile,
        plan: { warmup: plan.warmup, runs: plan.runs ?? null, budgetMs: plan.budgetMs },
        cases: specs,
      }),
    );
    const env = { ...process.env };
    if (options.nativeBlas) for (const key of BLAS_OVERRIDES) delete env[key];
    const stdout = await run(options.python ?? 'python3', [NUMPY_SCRIPT, manifest], env, options.onStderr);
    const lines = stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const infoLine = lines.shift();
    if (!infoLine?.info || lines.length !== cases.length)
      throw new Error(`numpy/bench.py printed ${lines.length} rows for ${cases.length} cases`);
    const rows = lines.map((line, i): NumpyRow => {
      const bytes = readFileSync(specs[i]?.out as string);
      return {
        case: cases[i] as NumpyCase,
        ms: line.ms as number,
        runs: line.runs as number,
        p10: line.p10 as number,
        p90: line.p90 as number,
        output: new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)),
      };
    });
    return { info: infoLine.info as NumpyInfo, rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onStderr: ((text: string) => void) | undefined,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      onStderr?.(d);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`numpy/bench.py exited with ${code}: ${err.trim().split('\n').pop() ?? ''}`));
    });
  });
}
