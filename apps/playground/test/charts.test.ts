import { jsBackend } from '@contraspike/backend-js';
import { CSDPNetwork, type Matrix, Random } from '@contraspike/core';
import { describe, expect, it } from 'vitest';
import {
  confusionMatrixSpec,
  divergingColor,
  goodnessHistogramSpec,
  receptiveFields,
  spikeRasterSpec,
  trainingCurvesSpec,
} from '../src/charts.js';
import { specToSVG } from '../src/render.js';

/** The inline data rows of a (possibly concatenated) spec. */
function rows(spec: object): Array<Record<string, number | string>> {
  const s = spec as { data?: { values?: unknown[] }; vconcat?: object[] };
  if (s.data?.values) return s.data.values as Array<Record<string, number | string>>;
  return (s.vconcat ?? []).flatMap((part) => rows(part));
}

describe('chart specs render to SVG headlessly', () => {
  it('training curves: one row per batch, loss and both goodness series', async () => {
    const history = [
      { loss: 0.9, goodnessPositive: 3, goodnessNegative: 2.5 },
      { loss: 0.7, goodnessPositive: 6, goodnessNegative: 2 },
      { loss: 0.5, goodnessPositive: 9, goodnessNegative: 1.5 },
    ];
    const spec = trainingCurvesSpec(history);
    expect(rows(spec)).toEqual([
      { batch: 1, loss: 0.9, positive: 3, negative: 2.5 },
      { batch: 2, loss: 0.7, positive: 6, negative: 2 },
      { batch: 3, loss: 0.5, positive: 9, negative: 1.5 },
    ]);
    const svg = await specToSVG(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('CSDP loss');
    expect(svg).toContain('positive');
    expect(svg).toContain('negative');
  });

  it('goodness histograms: every sample of every group, one panel per group', async () => {
    const spec = goodnessHistogramSpec([
      { label: 'untrained', positive: [1, 2, 3], negative: [1, 2] },
      { label: 'trained', positive: new Float64Array([8, 9]), negative: [1] },
    ]);
    const data = rows(spec);
    expect(data).toHaveLength(8);
    expect(data.filter((r) => r.group === 'trained' && r.kind === 'positive').map((r) => r.goodness)).toEqual([8, 9]);
    const svg = await specToSVG(spec);
    expect(svg).toContain('untrained');
    expect(svg).toContain('trained');
  });

  it('confusion matrix: every cell with its count, accuracy in the subtitle', async () => {
    const confusion = [
      [5, 1, 0],
      [0, 7, 2],
      [1, 0, 4],
    ];
    const spec = confusionMatrixSpec(confusion);
    expect(rows(spec)).toHaveLength(9);
    expect(rows(spec).find((r) => r.actual === 1 && r.predicted === 2)?.count).toBe(2);
    const svg = await specToSVG(spec);
    expect(svg).toContain('accuracy 80.0 % of 20 digits');
    for (const n of ['5', '7', '4', '2']) expect(svg).toContain(`>${n}</text>`);
  });

  it('spike raster: exactly the recorded spikes, only neurons that fired', async () => {
    const rng = new Random(3);
    const x = Array.from({ length: 4 }, () => Array.from({ length: 16 }, () => rng.next()));
    const net = new CSDPNetwork({
      inputSize: 16,
      hidden: 12,
      steps: 6,
      resistance: 1,
      seed: 2,
      backend: jsBackend.create(),
    });
    net.trainBatch(x);
    const rec = net.record(x[0] as number[]);
    const spec = spikeRasterSpec(rec);
    const panels = (spec as { vconcat: object[] }).vconcat;
    expect(panels).toHaveLength(3); // input, hidden layer, goodness
    const sum = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);
    expect(rows(panels[0] as object)).toHaveLength(sum(rec.input.spikes));
    const hidden = rows(panels[1] as object);
    expect(hidden).toHaveLength(sum(rec.layers[0]?.spikes as Uint8Array));
    for (const r of hidden) expect(rec.layers[0]?.spikes[(r.t as number) * 12 + (r.neuron as number)]).toBe(1);
    expect(rows(panels[2] as object).map((r) => r.goodness)).toEqual(Array.from(rec.layers[0]?.goodness ?? []));
    const svg = await specToSVG(spec);
    expect(svg).toMatch(/hidden layer: \d+ of 12 neurons fired/);
  });
});

describe('receptive fields as a pixel grid', () => {
  // Two 2×2 fields: neuron 0 = [1, −1, 0, 0.5], neuron 1 = the same × 10 (same picture after normalising).
  const weights: Matrix = { rows: 4, cols: 3, data: new Float32Array([1, 10, 0, -1, -10, 0, 0, 0, 0, 0.5, 5, 0]) };

  it('draws each field normalised, in a diverging colour map, with grey gaps', () => {
    const grid = receptiveFields(weights, 2, { fieldWidth: 2, fieldHeight: 2, scale: 1, gap: 1, columns: 2 });
    expect([grid.width, grid.height, grid.data.length]).toEqual([7, 4, 7 * 4 * 4]);
    const px = (x: number, y: number) => Array.from(grid.data.subarray((y * 7 + x) * 4, (y * 7 + x) * 4 + 4));
    expect(px(0, 0)).toEqual([128, 128, 128, 255]);
    expect(px(1, 1)).toEqual([...divergingColor(1), 255]);
    expect(px(2, 1)).toEqual([...divergingColor(-1), 255]);
    expect(px(1, 2)).toEqual([255, 255, 255, 255]);
    expect(px(2, 2)).toEqual([...divergingColor(0.5), 255]);
    // The second field is the first × 10: the same pixels.
    for (let y = 1; y < 3; y++) for (let x = 0; x < 2; x++) expect(px(4 + x, y)).toEqual(px(1 + x, y));
    expect(divergingColor(1)).toEqual([178, 24, 43]);
    expect(divergingColor(-1)).toEqual([33, 102, 172]);
  });

  it('an all-zero field is white, and picked neurons are drawn in order', () => {
    const grid = receptiveFields(weights, 0, { fieldWidth: 2, fieldHeight: 2, scale: 2, gap: 0, neurons: [2] });
    expect([grid.width, grid.height]).toEqual([4, 4]);
    for (let p = 0; p < 16; p++) expect(Array.from(grid.data.subarray(p * 4, p * 4 + 4))).toEqual([255, 255, 255, 255]);
  });

  it('rejects a field shape that does not match the weights, and unknown neurons', () => {
    expect(() => receptiveFields(weights, 2)).toThrow(/fieldWidth × fieldHeight = weights.rows \(4\)/);
    expect(() => receptiveFields(weights, 1, { fieldWidth: 2, fieldHeight: 2, neurons: [3] })).toThrow(/neuron 3/);
  });
});
