/** Wall-clock timing (warm-up, then the median of repeated runs) and steady-state heap growth. */
import { performance } from 'node:perf_hooks';

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
  let first = 0;
  for (let i = 0; i < Math.max(1, plan.warmup); i++) {
    const start = performance.now();
    fn();
    first = performance.now() - start;
  }
  const runs = plan.runs ?? Math.max(5, Math.min(15, Math.ceil(plan.budgetMs / Math.max(first, 1e-3))));
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return summarize(times);
}

export interface HeapGrowth {
  /** Calls made between the two measurements. */
  readonly calls: number;
  /** Growth of V8's used heap over the calls, after a full GC before and after. */
  readonly heapGrowthBytes: number;
  /** Growth of the memory held by ArrayBuffers (typed arrays' storage) over the calls, likewise. */
  readonly arrayBuffersGrowthBytes: number;
}

/** True when the process runs with `--expose-gc`, which steady-state heap measurements need. */
export function canMeasureHeap(): boolean {
  return typeof globalThis.gc === 'function';
}

function collect(): NodeJS.MemoryUsage {
  const gc = globalThis.gc as () => void;
  gc();
  gc();
  return process.memoryUsage();
}

/**
 * Steady-state allocation: `calls` warm-up calls (so the JIT's optimised code and any lazily
 * built caches exist), then `calls` calls between two full collections. What those calls keep
 * alive (caches, growing buffers) shows as growth; zero means repeated calls with the same
 * shapes reuse their buffers.
 */
export function heapGrowth(fn: () => unknown, calls: number): HeapGrowth {
  for (let i = 0; i < calls; i++) fn();
  const before = collect();
  for (let i = 0; i < calls; i++) fn();
  const after = collect();
  return {
    calls,
    heapGrowthBytes: after.heapUsed - before.heapUsed,
    arrayBuffersGrowthBytes: after.arrayBuffers - before.arrayBuffers,
  };
}
