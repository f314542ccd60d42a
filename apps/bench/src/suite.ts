/**
 * The benchmark run: every selected backend and peer on the same cases; results checked against
 * backend-js before anything is timed; then timings and steady-state heap growth.
 */
import { cpus } from 'node:os';
import { compareArrays, maxAbs, type Tolerance, toleranceFor } from '@contraspike/conformance/tolerance';
import type { Backend } from '@contraspike/core';
import { type BackendId, type BenchArgs, OPS, OWN_BACKENDS, PEERS, type Peer } from './args.js';
import { type BenchCase, FULL_SIZES, makeCases, QUICK_SIZES } from './inputs.js';
import { canMeasureHeap, heapGrowth, type Timing, type TimingPlan, time, timeSideBySide } from './measure.js';
import { type NumpyInfo, numpyComputes, numpyMissing, runNumpy } from './numpy.js';
import {
  createOwn,
  denseAvailable,
  JS_DENSE,
  OWN_SPECS,
  type OwnSpec,
  type Prepared,
  prepareCopy,
  prepareOwn,
  registerOwnBackends,
} from './own.js';
import { disposeTfjs, startTfjs, type TfjsPeer, tfjsInfonce } from './tfjs.js';

/** One output row: a timed case, or a case that could not run (with the reason). */
export interface Row {
  readonly op: BenchCase['op'];
  readonly shape: readonly number[];
  /** The real backend name (`backend.name`), or the peer. */
  readonly backend: string;
  readonly variant?: string;
  readonly ms?: number;
  readonly runs?: number;
  readonly p10?: number;
  readonly p90?: number;
  /** Largest |difference| from backend-js's result, checked within tolerance before timing. */
  readonly maxAbsDiff?: number;
  readonly heapCalls?: number;
  readonly heapGrowthBytes?: number;
  readonly arrayBuffersGrowthBytes?: number;
  readonly gcDuringCalls?: number;
  readonly allocatedBytesPerCall?: number;
  /** csdp_step: one plain copy of W timed side by side with the step, and the step's time relative to it. */
  readonly copyMs?: number;
  readonly ratioToCopy?: number;
  /** The fastest peer at this op and shape, and this row's time relative to it. */
  readonly fastestPeer?: string;
  readonly ratioToFastestPeer?: number;
  readonly unavailable?: string;
  readonly note?: string;
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly numpy?: NumpyInfo;
  readonly tfjsWasm?: string;
}

export interface BenchResult {
  readonly machine: Machine;
  readonly rows: Row[];
  /** Backends and peers that did not run at all, and why. */
  readonly skipped: { backend: string; reason: string }[];
}

/** Results disagree with backend-js: the benchmark stops, since timing wrong results means nothing. */
export class DisagreementError extends Error {
  override readonly name = 'DisagreementError';
}

/** Calls for the steady-state allocation check. */
export const HEAP_CALLS = 1000;

const FLOAT32_PEER: Tolerance = toleranceFor({ device: 'cpu', storage: 'float32', accumulation: 'float32' });
const FLOAT64_PEER: Tolerance = toleranceFor({ device: 'cpu', storage: 'float32', accumulation: 'float64' });

/** Largest absolute difference, after checking that every element is within `tol`. */
export function agree(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance): number {
  const problem = compareArrays(actual, expected, tol, maxAbs(expected));
  if (problem) throw new DisagreementError(`${label} disagrees with backend-js: ${problem}`);
  let worst = 0;
  for (let k = 0; k < expected.length; k++)
    worst = Math.max(worst, Math.abs((actual[k] as number) - (expected[k] as number)));
  return worst;
}

function describe(c: BenchCase): string {
  return `${c.op} ${c.shape.join('×')}`;
}

/** The cases whose steady-state allocation is measured: the smallest shape of each hot op. */
function heapCases(cases: readonly BenchCase[]): Set<BenchCase> {
  const chosen = new Map<string, BenchCase>();
  for (const c of cases) {
    if (c.op !== 'infonce' && c.op !== 'csdp_step' && c.op !== 'csdp_step_inplace' && c.op !== 'lif_step') continue;
    const size = c.shape.reduce((a, b) => a * b, 1);
    const prev = chosen.get(c.op);
    if (!prev || size < prev.shape.reduce((a, b) => a * b, 1)) chosen.set(c.op, c);
  }
  return new Set(chosen.values());
}

export interface RunOptions {
  /** Progress messages (stderr in the CLI). */
  readonly log?: (message: string) => void;
  readonly python?: string;
}

export async function runBench(args: BenchArgs, options: RunOptions = {}): Promise<BenchResult> {
  const log = options.log ?? (() => {});
  const plan: TimingPlan = args.quick
    ? { runs: args.runs ?? 3, warmup: 1, budgetMs: 0 }
    : { runs: args.runs, warmup: 2, budgetMs: 7500 };
  const cases = makeCases(args.only, args.quick ? QUICK_SIZES : FULL_SIZES, args.seed);
  const heapFor = canMeasureHeap() ? heapCases(cases) : new Set<BenchCase>();
  const heapCalls = args.quick ? 50 : HEAP_CALLS;
  const rows: Row[] = [];
  const skipped: BenchResult['skipped'] = [];
  const wanted = (b: BackendId) => args.backends.includes(b);
  if (!canMeasureHeap()) log('heap growth not measured: run node with --expose-gc');

  const { wasmMissing } = await registerOwnBackends();

  // Reference results from backend-js (float32 storage, float64 sums), before anything is timed.
  log('computing reference results on backend-js');
  const reference = new Map<BenchCase, Float32Array | Float64Array>();
  {
    const js = await createOwn(OWN_SPECS.js as OwnSpec);
    for (const c of cases) {
      const prepared = c.op === 'copy' ? prepareCopy(c.W) : prepareOwn(c, js);
      if (prepared) reference.set(c, prepared.output());
    }
  }

  const measureRow = async (
    base: Omit<Row, 'ms'>,
    prepared: Prepared,
    heap: boolean,
    floor?: Prepared,
  ): Promise<Row> => {
    // A weight update is timed side by side with one plain copy of W, its bandwidth floor.
    const [timing, copy] = floor ? timeSideBySide([prepared.run, floor.run], plan) : [time(prepared.run, plan)];
    const vsCopy = copy ? { copyMs: copy.ms, ratioToCopy: (timing as Timing).ms / copy.ms } : {};
    const growth = heap ? await heapGrowth(prepared.run, heapCalls) : undefined;
    log(
      `  ${base.op} ${base.shape.join('×')} ${base.backend}${base.variant ? ` [${base.variant}]` : ''}: ${(timing as Timing).ms.toFixed(3)} ms`,
    );
    if (!growth) return { ...base, ...timing, ...vsCopy };
    const { calls, allocatedBytesPerCall, ...rest } = growth;
    return {
      ...base,
      ...timing,
      ...vsCopy,
      heapCalls: calls,
      ...rest,
      ...(allocatedBytesPerCall === undefined ? {} : { allocatedBytesPerCall }),
    };
  };

  // The plain copy of W: one row per shape, measured on plain memory.
  for (const c of cases) {
    if (c.op !== 'copy' || !wanted('js')) continue;
    rows.push(
      await measureRow({ op: c.op, shape: c.shape, backend: 'js', note: 'Float32Array.set' }, prepareCopy(c.W), false),
    );
  }

  // contraspike backends.
  for (const id of OWN_BACKENDS) {
    if (!wanted(id)) continue;
    if (id === 'wasm' && wasmMissing) {
      skipped.push({ backend: id, reason: wasmMissing });
      log(`skipping wasm: ${wasmMissing}`);
      continue;
    }
    let backend: Backend;
    try {
      backend = await createOwn(OWN_SPECS[id] as OwnSpec);
    } catch (error) {
      skipped.push({ backend: id, reason: (error as Error).message });
      log(`skipping ${id}: ${(error as Error).message}`);
      continue;
    }
    log(`backend ${backend.name}`);
    const declared = toleranceFor(backend.capabilities);
    for (const c of cases) {
      const prepared = prepareOwn(c, backend);
      if (!prepared) continue;
      // The seed's update is element-wise (no long sums): every backend must match js to a few
      // float32 ulps, tightly enough that a missing or mis-scaled decay (1e-3 relative) fails.
      const elementWise = c.op === 'csdp_step' || c.op === 'csdp_step_inplace';
      const tol = elementWise ? FLOAT64_PEER : declared;
      const diff = agree(`${describe(c)} on ${backend.name}`, prepared.output(), reference.get(c) as Float32Array, tol);
      const floor = c.op === 'csdp_step' || c.op === 'csdp_step_inplace' ? prepareCopy(c.W) : undefined;
      rows.push(
        await measureRow(
          { op: c.op, shape: c.shape, backend: backend.name, maxAbsDiff: diff },
          prepared,
          heapFor.has(c),
          floor,
        ),
      );
    }
    if (id === 'js') rows.push(...(await denseRows(cases, reference, measureRow, log)));
  }

  // TensorFlow.js peers: the seed's InfoNCE.
  let tfjsWasm: string | undefined;
  for (const peer of ['tfjs-cpu', 'tfjs-wasm'] as const satisfies readonly TfjsPeer[]) {
    if (!wanted(peer)) continue;
    const infonce = cases.filter((c) => c.op === 'infonce');
    if (infonce.length === 0) continue;
    let session: Awaited<ReturnType<typeof startTfjs>>;
    try {
      session = await startTfjs(peer);
    } catch (error) {
      skipped.push({ backend: peer, reason: (error as Error).message });
      log(`skipping ${peer}: ${(error as Error).message}`);
      continue;
    }
    if (peer === 'tfjs-wasm') tfjsWasm = session.detail;
    log(`peer ${peer} (${session.detail})`);
    for (const c of infonce) {
      const prepared = tfjsInfonce(session, c);
      const diff = agree(
        `${describe(c)} on ${peer}`,
        prepared.output(),
        reference.get(c) as Float64Array,
        FLOAT32_PEER,
      );
      rows.push(
        await measureRow({ op: c.op, shape: c.shape, backend: peer, maxAbsDiff: diff }, prepared, heapFor.has(c)),
      );
    }
    disposeTfjs(session);
  }

  // numpy: the seed's own code.
  let numpy: NumpyInfo | undefined;
  if (wanted('numpy')) {
    const numpyCases = cases.filter(numpyComputes);
    const missing = numpyMissing(options.python);
    if (missing) {
      skipped.push({ backend: 'numpy', reason: missing });
      log(`skipping numpy: ${missing}`);
    } else if (numpyCases.length > 0) {
      log('peer numpy');
      const result = await runNumpy(numpyCases, plan, {
        nativeBlas: true,
        ...(options.python ? { python: options.python } : {}),
        onStderr: (t) => log(t.trimEnd()),
      });
      numpy = result.info;
      for (const r of result.rows) {
        const diff = agree(
          `${describe(r.case)} on numpy`,
          r.output,
          reference.get(r.case) as Float32Array,
          FLOAT64_PEER,
        );
        const { case: c, output: _output, ...timing } = r;
        const note = c.op === 'copy' ? 'np.copyto of the float64 W the seed holds' : 'float64, as the seed';
        rows.push({ op: c.op, shape: c.shape, backend: 'numpy', maxAbsDiff: diff, ...timing, note });
        log(`  ${describe(c)} numpy: ${timing.ms.toFixed(3)} ms`);
      }
    }
  }

  return {
    machine: {
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      ...(numpy ? { numpy } : {}),
      ...(tfjsWasm ? { tfjsWasm } : {}),
    },
    rows: sortRows(withRatios(rows)),
    skipped,
  };
}

/** backend-js's dense product next to its event-driven default, for the network step. */
async function denseRows(
  cases: readonly BenchCase[],
  reference: Map<BenchCase, Float32Array | Float64Array>,
  measureRow: (base: Omit<Row, 'ms'>, prepared: Prepared, heap: boolean, floor?: Prepared) => Promise<Row>,
  log: (message: string) => void,
): Promise<Row[]> {
  const network = cases.filter((c) => c.op === 'csdp_network_step');
  if (network.length === 0) return [];
  const reason = await denseAvailable();
  if (reason) {
    log(`js dense variant unavailable: ${reason}`);
    return network.map((c) => ({
      op: c.op,
      shape: c.shape,
      backend: 'js',
      variant: JS_DENSE.variant,
      unavailable: reason,
    }));
  }
  const backend = await createOwn(JS_DENSE);
  const rows: Row[] = [];
  for (const c of network) {
    const prepared = prepareOwn(c, backend) as Prepared;
    // The dense product must give the event-driven kernel's results (float32 rounding at most).
    const diff = agree(
      `${describe(c)} on js (dense)`,
      prepared.output(),
      reference.get(c) as Float32Array,
      toleranceFor(backend.capabilities),
    );
    rows.push(
      await measureRow(
        { op: c.op, shape: c.shape, backend: backend.name, variant: JS_DENSE.variant, maxAbsDiff: diff },
        prepared,
        false,
      ),
    );
  }
  return rows;
}

/** Rows grouped by op (in the order of OPS) and shape (smallest first); backends keep their order. */
export function sortRows(rows: readonly Row[]): Row[] {
  const size = (r: Row) => r.shape.reduce((a, b) => a * b, 1);
  return rows
    .map((r, i) => ({ r, i }))
    .sort((x, y) => OPS.indexOf(x.r.op) - OPS.indexOf(y.r.op) || size(x.r) - size(y.r) || x.i - y.i)
    .map(({ r }) => r);
}

/** Adds, per op and shape, the fastest peer and every row's time relative to it. */
export function withRatios(rows: readonly Row[]): Row[] {
  const peers = new Set<string>(PEERS satisfies readonly Peer[]);
  const fastest = new Map<string, Row>();
  const key = (r: Row) => `${r.op}|${r.shape.join('x')}`;
  for (const r of rows) {
    if (!peers.has(r.backend) || r.ms === undefined) continue;
    const best = fastest.get(key(r));
    if (!best || (best.ms as number) > r.ms) fastest.set(key(r), r);
  }
  return rows.map((r) => {
    const best = fastest.get(key(r));
    if (!best || r.ms === undefined) return r;
    return { ...r, fastestPeer: best.backend, ratioToFastestPeer: r.ms / (best.ms as number) };
  });
}
