/** The built CLI: --help, bad flags, and the JSON line format of a quick run. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OPS } from '../src/args.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function bench(args: string[], nodeFlags: string[] = []) {
  const r = spawnSync(process.execPath, [...nodeFlags, CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('contraspike bench CLI', () => {
  it('--help prints the usage and exits 0', () => {
    const r = bench(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: pnpm bench/);
    for (const flag of ['--json', '--only', '--backends', '--quick', '--help']) expect(r.stdout).toContain(flag);
  });

  it.each([[['--bogus']], [['--only', 'matmul']], [['--backends', 'js,cuda']]])(
    '%j: one line on stderr, exit 1',
    (args) => {
      const r = bench(args);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^contraspike-bench: .+ \(see --help\)$/m);
    },
  );

  it('--json prints one JSON object per line: the machine, then timed rows with heap growth', () => {
    const r = bench(
      ['--quick', '--json', '--backends', 'js,tfjs-cpu', '--only', 'infonce,csdp_step,lif_step'],
      ['--expose-gc'],
    );
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ machine: { cores: expect.any(Number), node: process.version } });
    const rows = lines.slice(1);
    expect(new Set(rows.map((x) => x.backend))).toEqual(new Set(['js', 'tfjs-cpu']));
    expect(new Set(rows.map((x) => x.op))).toEqual(new Set(['infonce', 'csdp_step', 'lif_step']));
    for (const row of rows) {
      expect(OPS).toContain(row.op);
      expect(row).toMatchObject({
        shape: expect.any(Array),
        ms: expect.any(Number),
        runs: 3,
        p10: expect.any(Number),
        p90: expect.any(Number),
        maxAbsDiff: expect.any(Number),
      });
      expect(row.p10 as number).toBeLessThanOrEqual(row.ms as number);
      expect(row.ms as number).toBeLessThanOrEqual(row.p90 as number);
    }
    // A weight update carries the plain copy of W it was timed next to.
    for (const row of rows.filter((x) => x.op === 'csdp_step'))
      expect((row.ratioToCopy as number) * (row.copyMs as number)).toBeCloseTo(row.ms as number, 9);
    // tfjs-cpu is the only peer here, so it is the fastest at every InfoNCE shape.
    for (const row of rows.filter((x) => x.op === 'infonce')) expect(row.fastestPeer).toBe('tfjs-cpu');
    const heap = rows.filter((x) => x.heapGrowthBytes !== undefined);
    expect(heap.map((x) => `${x.op}/${x.backend}`).sort()).toEqual([
      'csdp_step/js',
      'infonce/js',
      'infonce/tfjs-cpu',
      'lif_step/js',
    ]);
    for (const row of heap)
      expect(row).toMatchObject({
        heapCalls: 50,
        arrayBuffersGrowthBytes: expect.any(Number),
        gcDuringCalls: expect.any(Number),
      });
    expect(r.stderr).toContain('computing reference results on backend-js'); // progress goes to stderr
  });

  it('the table names the machine and says what is skipped and why', () => {
    const r = bench(['--quick', '--backends', 'js,wasm', '--only', 'csdp_step']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^contraspike bench — .+, \d+ cores, Node v\d+/);
    expect(r.stdout).toMatch(/^csdp_step +16×32 +js +[\d.]+ /m);
    // backend-wasm is optional: either it ran, or the table says why not.
    expect(r.stdout).toMatch(/^skipped wasm: @contraspike\/backend-wasm is not installed|^csdp_step +16×32 +wasm\b/m);
    expect(r.stderr).toContain('heap growth not measured: run node with --expose-gc');
  });
});
