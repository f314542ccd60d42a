import { describe, expect, it } from 'vitest';
import { percentile, summarize, time } from '../src/measure.js';
import { type Row, sortRows, withRatios } from '../src/suite.js';

describe('summaries', () => {
  it('median and nearest-rank percentiles', () => {
    expect(summarize([5, 1, 4, 2, 3])).toEqual({ ms: 3, runs: 5, p10: 1, p90: 5 });
    expect(summarize([4, 1, 3, 2]).ms).toBe(2.5);
    const sorted = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(sorted, 0.1)).toBe(2);
    expect(percentile(sorted, 0.9)).toBe(18);
  });

  it('time runs warm-up calls, then exactly the runs asked for', () => {
    let calls = 0;
    const t = time(() => calls++, { runs: 4, warmup: 2, budgetMs: 0 });
    expect(calls).toBe(6);
    expect(t.runs).toBe(4);
    expect(t.p10).toBeLessThanOrEqual(t.ms);
    expect(t.ms).toBeLessThanOrEqual(t.p90);
  });

  it('ratios are to the fastest peer at the same op and shape; rows group by op and shape', () => {
    const rows: Row[] = [
      { op: 'csdp_step', shape: [2, 2], backend: 'js', ms: 3 },
      { op: 'infonce', shape: [4, 4], backend: 'js', ms: 2 },
      { op: 'infonce', shape: [2, 2], backend: 'js', ms: 6 },
      { op: 'infonce', shape: [2, 2], backend: 'tfjs-cpu', ms: 4 },
      { op: 'infonce', shape: [2, 2], backend: 'numpy', ms: 3 },
    ];
    const out = sortRows(withRatios(rows));
    expect(out.map((r) => `${r.op} ${r.shape} ${r.backend}`)).toEqual([
      'infonce 2,2 js',
      'infonce 2,2 tfjs-cpu',
      'infonce 2,2 numpy',
      'infonce 4,4 js',
      'csdp_step 2,2 js',
    ]);
    expect(out[0]).toMatchObject({ fastestPeer: 'numpy', ratioToFastestPeer: 2 });
    expect(out[1]?.ratioToFastestPeer).toBeCloseTo(4 / 3, 12);
    expect(out[3]?.ratioToFastestPeer).toBeUndefined();
  });
});
