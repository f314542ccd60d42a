/** Wall-clock timing (warm-up, then the median of repeated runs) and steady-state heap growth. */
import { PerformanceObserver, performance } from 'node:perf_hooks';

export interface Timing {
  /** Median, in milliseconds. */
  readonly ms: number;
  readonly runs: number;
  /** 10th and 90th percentiles of the runs (nearest rank), in milliseconds. */
  readonly p10: number;
  readonly p90: number;
}

export interface TimingPlan {
  /** Timed runs; undefined: 15, or fewer for slow cases (at least 5, about `budgetMs` in all). */
  readonly runs: number | undefined;
  readonly warmup: number;
  readonly budgetMs: number;
}

/** Nearest-rank percentile `q` ∈ [0, 1] of sorted values. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

export function summarize(times: readonly number[]): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  const n = sorted.length;
  const median =
    n % 2 ? (sorted[(n - 1) / 2] as number) : ((sorted[n / 2 - 1] as number) + (sorted[n / 2] as number)) / 2;
  return { ms: median, runs: n, p10: percentile(sorted, 0.1), p90: percentile(sorted, 0.9) };
}

/** Times the synchronous `fn`: warm-up calls, then the timed runs. */
export function time(fn: () => unknown, plan: TimingPlan): Timing {
  return timeSideBySide([fn], plan)[0] as Timing;
}

/**
 * Times several functions side by side: warm-up calls of each, then rounds in which each runs
 * once, so a change in the machine's load during the measurement affects all of them alike and
 * their ratios stay meaningful. The number of rounds follows the first function's time.
 */
export function timeSideBySide(fns: readonly (() => unknown)[], plan: TimingPlan): Timing[] {
  let first = 0;
  for (let i = 0; i < Math.max(1, plan.warmup); i++) {
    for (const [k, fn] of fns.entries()) {
      const start = performance.now();
      fn();
      if (k === 0) first = performance.now() - start;
    }
  }
  const runs = plan.runs ?? Math.max(5, Math.min(15, Math.ceil(plan.budgetMs / Math.max(first, 1e-3))));
  const times = fns.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    for (const [k, fn] of fns.entries()) {
      const start = performance.now();
      fn();
      times[k]?.push(performance.now() - start);
    }
  }
  return times.map(summarize);
}

export interface HeapGrowth {
  /** Calls made between the measurements. */
  readonly calls: number;
  /** Growth of V8's used heap over the calls, with a full GC before and after: what the calls kept. */
  readonly heapGrowthBytes: number;
  /** Growth of the memory held by ArrayBuffers (typed arrays' storage) over the calls, likewise. */
  readonly arrayBuffersGrowthBytes: number;
  /** Garbage collections (of any kind) that ran during the calls: 0 when they allocate (almost) nothing. */
  readonly gcDuringCalls: number;
  /**
   * Heap plus ArrayBuffer bytes allocated per call, from the growth between a full GC and the end of
   * the calls, when no collection ran in between (otherwise undefined: collections hid some of it).
   */
  readonly allocatedBytesPerCall: number | undefined;
}

/** True when the process runs with `--expose-gc`, which steady-state heap measurements need. */
export function canMeasureHeap(): boolean {
  return typeof globalThis.gc === 'function';
}

/**
 * Full collections until the figures settle: V8 frees ArrayBuffer storage concurrently, after the
 * collection that found it dead, so one gc() can leave buffers that a later one reports as freed.
 */
async function collect(): Promise<NodeJS.MemoryUsage> {
  const gc = globalThis.gc as () => void;
  let usage = process.memoryUsage();
  for (let i = 0; i < 4; i++) {
    gc();
    await flush();
    const next = process.memoryUsage();
    const settled = next.arrayBuffers === usage.arrayBuffers && next.heapUsed === usage.heapUsed;
    usage = next;
    if (settled && i > 0) break;
  }
  return usage;
}

/** Lets queued performance entries (the GC observer's) be delivered. */
async function flush(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Steady-state allocation: `calls` warm-up calls (so the JIT's optimised code and any lazily
 * built caches exist), then `calls` calls after a full collection, counting the collections that
 * run meanwhile, then another full collection. What the calls keep alive (caches, growing
 * buffers) shows as growth; what they allocate and drop shows as collections during the calls,
 * or, when none ran, as bytes per call. Zero for both means repeated calls with the same shapes
 * reuse their buffers.
 */
export async function heapGrowth(fn: () => unknown, calls: number): Promise<HeapGrowth> {
  for (let i = 0; i < calls; i++) fn();
  let gcs = 0;
  let counting = false;
  const observer = new PerformanceObserver((list) => {
    if (counting) gcs += list.getEntries().length;
  });
  observer.observe({ entryTypes: ['gc'] });
  try {
    const before = await collect();
    await flush(); // the collections above are not counted
    counting = true;
    for (let i = 0; i < calls; i++) fn();
    const end = process.memoryUsage();
    await flush();
    counting = false;
    const after = await collect();
    const allocated = end.heapUsed + end.arrayBuffers - before.heapUsed - before.arrayBuffers;
    return {
      calls,
      heapGrowthBytes: after.heapUsed - before.heapUsed,
      arrayBuffersGrowthBytes: after.arrayBuffers - before.arrayBuffers,
      gcDuringCalls: gcs,
      allocatedBytesPerCall: gcs === 0 ? Math.max(0, allocated) / calls : undefined,
    };
  } finally {
    observer.disconnect();
  }
}
