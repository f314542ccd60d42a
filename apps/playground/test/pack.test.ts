/**
 * Release check: pack each public package as npm would publish it, install the tarballs into a
 * fresh project outside the workspace with npm, and use them from ESM, CJS and TypeScript.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packagesDir = fileURLToPath(new URL('../../../packages', import.meta.url));
const PUBLIC = ['core', 'backend-js', 'backend-wasm'];
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

const usage = (load: string) => `${load}
registerBackend(jsBackend);
const loss = new SpikeContrastiveLoss(0.5).compute([[1, 0], [0, 1]], [[1, 0.1], [0.1, 1]]);
const W = new CSDPRule({ lr: 0.1, decay: 0 }).positiveUpdate([[0, 0]], [1, 1], [1]);
let error = '';
try { new SpikeContrastiveLoss(-1); } catch (e) { error = e instanceof RangeError && InvalidValueError.isInstance(e) ? e.message : 'wrong error'; }
console.log(JSON.stringify({ backend: getBackend().name, loss, w: Array.from(W.data), error }));
`;

/** Runs a command; a failure throws with the command's own output, so the test says why. */
function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

describe('published tarballs', () => {
  let dir: string;
  let tarballs: string[];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'contraspike-pack-'));
    for (const name of PUBLIC) run('pnpm', ['pack', '--pack-destination', dir], join(packagesDir, name));
    tarballs = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '0.0.0' }));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs.map((t) => `./${t}`)], dir);
  }, 180_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('contain the build and no sources or tests', () => {
    const version = (name: string) =>
      (JSON.parse(readFileSync(join(packagesDir, name, 'package.json'), 'utf8')) as { version: string }).version;
    expect(tarballs.sort()).toEqual(PUBLIC.map((name) => `contraspike-${name}-${version(name)}.tgz`).sort());
    for (const name of PUBLIC) {
      const files = run('npm', ['pack', '--dry-run', '--json'], join(packagesDir, name));
      const paths = (JSON.parse(files) as Array<{ files: Array<{ path: string }> }>)[0]?.files.map((f) => f.path) ?? [];
      expect(paths).toEqual(
        expect.arrayContaining([
          'dist/index.js',
          'dist/index.cjs',
          'dist/index.d.ts',
          'dist/index.d.cts',
          'package.json',
          'README.md',
          'LICENSE',
        ]),
      );
      expect(paths.filter((p) => p.startsWith('src/') || p.startsWith('test/'))).toEqual([]);
    }
  });

  const expected = (out: string) => {
    const r = JSON.parse(out) as { backend: string; loss: number; w: number[]; error: string };
    expect(r.backend).toBe('js');
    // Row i: cos(a_i, b_i) = 1/√1.01 and cos(a_i, b_j) = 0.1/√1.01, so loss = log(1 + e^{−0.9/(0.5·√1.01)}).
    expect(r.loss).toBeCloseTo(Math.log1p(Math.exp(-0.9 / (0.5 * Math.sqrt(1.01)))), 6);
    expect(r.w.map((x) => Math.round(x * 1e6) / 1e6)).toEqual([0.1, 0.1]);
    expect(r.error).toMatch(/^temperature: expected a finite number > 0, got -1$/);
  };

  it('work from ESM', () => {
    writeFileSync(
      join(dir, 'esm.mjs'),
      usage(`import { CSDPRule, getBackend, InvalidValueError, registerBackend, SpikeContrastiveLoss } from '@contraspike/core';
import { jsBackend } from '@contraspike/backend-js';`),
    );
    expected(run(process.execPath, ['esm.mjs'], dir));
  });

  it('work from CommonJS', () => {
    writeFileSync(
      join(dir, 'cjs.cjs'),
      usage(`const { CSDPRule, getBackend, InvalidValueError, registerBackend, SpikeContrastiveLoss } = require('@contraspike/core');
const { jsBackend } = require('@contraspike/backend-js');`),
    );
    expected(run(process.execPath, ['cjs.cjs'], dir));
  });

  it('run the wasm backend (its module embedded in the build) from ESM and CommonJS, on two threads', () => {
    const script = (load: string, wrap: (body: string) => string) => `${load}
${wrap(`registerBackend(wasmBackend);
const backend = await setBackend('wasm', { threads: 2 });
const loss = new SpikeContrastiveLoss(0.5).compute([[1, 0], [0, 1]], [[1, 0.1], [0.1, 1]]);
console.log(JSON.stringify({ name: backend.name, threads: backend.threads, loss }));
backend.dispose();`)}
`;
    writeFileSync(
      join(dir, 'wasm.mjs'),
      script(
        `import { registerBackend, setBackend, SpikeContrastiveLoss } from '@contraspike/core';
import { wasmBackend } from '@contraspike/backend-wasm';`,
        (body) => body,
      ),
    );
    writeFileSync(
      join(dir, 'wasm.cjs'),
      script(
        `const { registerBackend, setBackend, SpikeContrastiveLoss } = require('@contraspike/core');
const { wasmBackend } = require('@contraspike/backend-wasm');`,
        (body) => `(async () => {\n${body}\n})();`,
      ),
    );
    for (const file of ['wasm.mjs', 'wasm.cjs']) {
      const r = JSON.parse(run(process.execPath, [file], dir)) as { name: string; threads: number; loss: number };
      expect(r.name).toBe('wasm');
      expect(r.threads).toBe(2);
      expect(r.loss).toBeCloseTo(Math.log1p(Math.exp(-0.9 / (0.5 * Math.sqrt(1.01)))), 5);
    }
  });

  it('type-check from TypeScript (NodeNext and Bundler resolution), with real types', () => {
    writeFileSync(
      join(dir, 'main.ts'),
      `import { type Backend, type Matrix, CSDPRule, registerBackend, SpikeContrastiveLoss } from '@contraspike/core';
import { jsBackend } from '@contraspike/backend-js';
registerBackend(jsBackend);
const loss: number = new SpikeContrastiveLoss({ temperature: 0.2 }).compute([[1, 2]], [[2, 1]]);
const W: Matrix = new CSDPRule().contrastiveStep([[0]], [1], [1], [0.5], [0]);
const b: Backend = jsBackend.create();
// @ts-expect-error temperature must be a number
new SpikeContrastiveLoss({ temperature: 'hot' });
// @ts-expect-error Matrix data is a Float32Array
const bad: Matrix = { rows: 1, cols: 1, data: [0] };
export { loss, W, b, bad };
`,
    );
    for (const [module, resolution] of [
      ['NodeNext', 'NodeNext'],
      ['ESNext', 'Bundler'],
    ]) {
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noEmit: true,
            module,
            moduleResolution: resolution,
            target: 'ES2022',
            types: [],
          },
          files: ['main.ts'],
        }),
      );
      run(process.execPath, [tsc, '-p', 'tsconfig.json'], dir);
    }
  });
});
