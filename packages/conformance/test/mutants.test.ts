/** The suite can fail: every mutant backend in mutants/ must be caught, the oracle must pass. */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface JsonReport {
  testResults: Array<{ assertionResults: Array<{ ancestorTitles: string[]; status: string; title: string }> }>;
}

/** Each mutant, and a test group that must be among its failures. */
const MUTANTS: Record<string, string> = {
  'no-decay': 'reference vectors: csdp.json',
  'sloppy-norm': 'reference vectors: infonce.json',
  'ignores-beta': 'kernels against float64 oracles > gemm',
  'off-by-a-bit': 'reference vectors: infonce.json',
  'breaks-in-place': 'scaleRows, also in place',
  'mutates-inputs': 'caller inputs are never mutated',
  'no-projection': 'reference vectors: infonce_grad.json',
  'no-reset': 'lifStep over several steps',
  'no-bias-correction': 'adamStep over several steps',
  'claims-finite': 'outerUpdate reports whether its output is finite',
};

describe('the conformance suite catches broken backends', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
  let report: JsonReport | undefined;

  const failuresOf = (mutant: string): string[] => {
    if (!report) {
      const child = spawnSync(
        process.execPath,
        [vitest, 'run', '--config', 'test/mutants/vitest.config.ts', '--reporter=json'],
        { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      );
      expect(child.status, child.stderr).toBe(1);
      report = JSON.parse(child.stdout.slice(child.stdout.indexOf('{'))) as JsonReport;
    }
    return report.testResults
      .flatMap((f) => f.assertionResults)
      .filter((t) => t.ancestorTitles[0] === `conformance: ${mutant}` && t.status === 'failed')
      .map((t) => `${t.ancestorTitles.slice(1).join(' > ')} > ${t.title}`);
  };

  for (const [mutant, group] of Object.entries(MUTANTS)) {
    it(`fails ${mutant} (in "${group}")`, { timeout: 120_000 }, () => {
      expect(failuresOf(mutant).some((name) => name.includes(group))).toBe(true);
    });
  }

  it('and passes the oracle backend itself (oracle-backend.test.ts runs the full suite on it)', () => {
    expect(failuresOf('oracle')).toEqual([]);
  });
});
