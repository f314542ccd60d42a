/** The built `contraspike-demo` (what `pnpm demo` runs): a tiny training, its summary, its report and its errors. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_FILES } from '../src/report.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'contraspike-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 10 digits per class (80 train, 20 test), 24 neurons, 8 steps: a few seconds. */
const TINY = ['--epochs', '1', '--per-class', '10', '--hidden', '24', '--steps', '8', '--batch-size', '40'];

function demo(args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
}

describe('pnpm demo: a tiny training through the built CLI', () => {
  const out = join(dir, 'report');
  let run: ReturnType<typeof demo>;
  beforeAll(() => {
    run = demo([...TINY, '--backend', 'js', '--out', out]);
  }, 120_000);

  it('prints the backend that ran, a short progress log and the summary table', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      /^contraspike-demo — backend js, 24 hidden neurons, 1 epoch, 10 digits per class, seed 0$/m,
    );
    const bars = run.stderr.split('\n').filter((l) => /^\[[#.]{24}\] +\d+% epoch 1\/1 +loss \d/.test(l));
    expect(bars.length).toBeGreaterThanOrEqual(1);
    expect(bars.length).toBeLessThanOrEqual(14);
    expect(bars.at(-1)).toMatch(/100% .*goodness \+\d+\.\d \/ −\d+\.\d \(separation -?\d+\.\d\)/);
    const table = run.stdout;
    expect(table).toMatch(/linear probe on the test split \(20 digits; trained on 80/);
    for (const row of ['CSDP-trained spiking network', 'the same network, untrained', 'raw pixels']) {
      expect(table).toMatch(new RegExp(`^ {2}${row} +\\d+\\.\\d %$`, 'm'));
    }
    expect(table).toMatch(/^backend {3}js$/m);
    expect(table).toMatch(/^training {2}\d+\.\d s, \d+ samples\/s \(80 samples: 80 × 1 epoch, 24 neurons\)$/m);
    expect(table).toMatch(new RegExp(`^report {4}${out.replace(/[/\\]/g, '.')} \\(6 files\\)$`, 'm'));
  });

  it('writes report.json with the options, backend, metrics, history and confusion', () => {
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.options).toMatchObject({ epochs: 1, hidden: 24, perClass: 10, steps: 8, batchSize: 40, seed: 0 });
    expect(report.backend).toBe('js');
    expect(report.split).toEqual({ train: 80, test: 20 });
    expect(report.history).toHaveLength(2); // 80 digits in batches of 40
    for (const h of report.history)
      expect(Object.keys(h).sort()).toEqual(['firingRates', 'goodnessNegative', 'goodnessPositive', 'loss']);
    const m = report.metrics;
    for (const k of ['probeAccuracy', 'untrainedProbeAccuracy', 'pixelProbeAccuracy']) {
      expect(m[k]).toBeGreaterThan(0.1); // above chance even on 80 digits
      expect(m[k]).toBeLessThanOrEqual(1);
    }
    expect(m.trainSeconds).toBeGreaterThan(0);
    expect(m.samplesPerSecond).toBeCloseTo(80 / m.trainSeconds, 6);
    // The confusion matrix counts the 20 test digits, and its diagonal is the probe's accuracy.
    const confusion = report.confusion as number[][];
    expect(confusion).toHaveLength(10);
    expect(confusion.flat().reduce((s, v) => s + v, 0)).toBe(20);
    expect(confusion.reduce((s, row, i) => s + (row[i] as number), 0) / 20).toBeCloseTo(m.probeAccuracy, 12);
    expect(report.goodness.map((g: { label: string }) => g.label)).toEqual(['untrained', 'trained']);
    for (const g of report.goodness) {
      expect(g.positive).toHaveLength(20);
      expect(g.negative).toHaveLength(20);
    }
    expect(new Set(report.receptiveFields.neurons).size).toBe(24);
    expect(report.files).toEqual([...REPORT_FILES]);
    for (const file of REPORT_FILES) expect(statSync(join(out, file)).isFile(), file).toBe(true);
  });

  it('draws each picture: valid SVGs with their titles, and a PNG of the receptive-field grid', () => {
    const titles: Record<(typeof REPORT_FILES)[number] & `${string}.svg`, RegExp> = {
      'training-curves.svg': /Unsupervised CSDP training/,
      'goodness-histograms.svg': /Goodness of positive/,
      'confusion-matrix.svg': /accuracy \d+\.\d % of 20 digits/,
      'spike-raster.svg': /hidden layer: \d+ of 24 neurons fired/,
    };
    for (const [file, title] of Object.entries(titles)) {
      const svg = readFileSync(join(out, file), 'utf8');
      expect(svg.startsWith('<svg'), file).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>'), file).toBe(true);
      expect(svg).toMatch(/width="\d+" height="\d+"/);
      expect(svg).toMatch(title);
      expect(statSync(join(out, file)).size).toBeGreaterThan(2_000);
      expect(statSync(join(out, file)).size).toBeLessThan(5_000_000);
    }
    // 24 fields of 28 × 28 at scale 2 in a 5 × 5 grid with 2-pixel gaps: 5·56 + 6·2 = 292 pixels square.
    const png = PNG.sync.read(readFileSync(join(out, 'receptive-fields.png')));
    expect([png.width, png.height]).toEqual([292, 292]);
    const colours = new Set<number>();
    for (let p = 0; p < png.width * png.height; p++) colours.add(png.data.readUInt32BE(p * 4));
    expect(colours.size).toBeGreaterThan(50); // real fields, not a blank image
  });

  it('--json ends stdout with one JSON object, and takes the `--` that pnpm passes on', () => {
    const json = demo(['--', ...TINY, '--backend', 'js', '--out', join(dir, 'json'), '--json']);
    expect(json.status, json.stderr).toBe(0);
    const lines = json.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0] as string);
    expect(result).toMatchObject({ backend: 'js', hidden: 24, epochs: 1, seed: 0, split: { train: 80, test: 20 } });
    expect(result.report).toBe(join(dir, 'json'));
    expect(result.files).toHaveLength(6);
    expect(result.probeAccuracy).toBeGreaterThan(0.1);
    expect(json.stderr).toMatch(/CSDP-trained spiking network/); // the table moves to stderr
  });
});

describe('pnpm demo: errors are one line and a non-zero exit', () => {
  function oneLine(args: string[], status: number, pattern: RegExp) {
    const run = demo(args);
    expect(run.status).toBe(status);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines, run.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
  }

  it('a bad flag or a bad value', () => {
    oneLine(['--bogus'], 2, /^contraspike-demo: Unknown option '--bogus'.*\(see --help\)$/);
    oneLine(['--epochs', '0'], 2, /^contraspike-demo: --epochs expects an integer ≥ 1, got "0" \(see --help\)$/);
    oneLine(['--hidden', '1.5'], 2, /--hidden expects an integer ≥ 1, got "1\.5"/);
    oneLine(['--per-class', '1'], 2, /--per-class expects an integer ≥ 2/);
  });

  it('an unknown backend, or a mode this machine cannot run', () => {
    oneLine(
      ['--backend', 'cuda'],
      1,
      /^contraspike-demo: No backend named "cuda" is registered \(registered: js, wasm, gpujs\)/,
    );
    oneLine(['--backend', 'gpujs:webgl2'], 1, /^contraspike-demo: gpujs: gpu\.js mode "webgl2" is not available here/);
    oneLine(['--backend', 'gpujs:warp'], 1, /options\.mode: expected one of/);
  });

  it('--help lists every flag', () => {
    const run = demo(['--help']);
    expect(run.status).toBe(0);
    for (const flag of [
      '--backend',
      '--epochs',
      '--hidden',
      '--seed',
      '--out',
      '--json',
      '--per-class',
      '--seed-examples',
    ]) {
      expect(run.stdout).toContain(flag);
    }
    expect(run.stdout).toMatch(/js, wasm, gpujs, gpujs:<mode>/);
  });
});
