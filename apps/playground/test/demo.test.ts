import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { jsBackend } from '@contraspike/backend-js';
import { describe, expect, it } from 'vitest';
import { runSeedExamples } from '../src/demo.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe('seed examples through contraspike', () => {
  it('reproduce the seed numbers on backend-js', () => {
    const r = runSeedExamples(jsBackend.create());
    expect(r.backend).toBe('js');
    expect(Math.abs(r.loss.value - r.loss.seed)).toBeLessThan(1e-6);
    expect(r.loss.value.toFixed(3)).toBe('2.111');
    expect(r.csdp.posGoodness).toBe(r.csdp.seedPosGoodness);
    expect(r.csdp.maxDeviation).toBeLessThan(1e-7);
    expect(r.csdp.meanAbsChange).toBeGreaterThan(1e-4);
  });
});

describe('the built CLI with --seed-examples', () => {
  it('prints the loss, the goodness and the backend that ran', () => {
    const out = execFileSync(process.execPath, [cli, '--seed-examples'], { encoding: 'utf8' });
    // Automatic selection: in Node, with every backend registered, wasm (priority 5) runs.
    expect(out).toMatch(/backend: wasm \(wasm, float32 storage, float32 sums\)/);
    expect(out).toMatch(/registered backends: gpujs, wasm \(active\), js/);
    expect(out).toMatch(/Contrastive loss: 2\.111/);
    expect(out).toMatch(/Pos goodness: 32\.00/);
  });

  it('--json prints one parseable object', () => {
    const out = execFileSync(process.execPath, [cli, '--seed-examples', '--json', '--backend', 'js'], {
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toMatchObject({ backend: 'js', csdp: { shape: [64, 128] } });
  });

  it('a bad flag or an unknown backend gives one clear line and a non-zero exit', () => {
    const bad = spawnSync(process.execPath, [cli, '--seed-examples', '--bogus'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--bogus/);
    const unknown = spawnSync(process.execPath, [cli, '--seed-examples', '--backend', 'webgpu'], { encoding: 'utf8' });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr.trim()).toMatch(
      /^contraspike-demo: No backend named "webgpu" is registered \(registered: js, wasm, gpujs\)/,
    );
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
  });
});
