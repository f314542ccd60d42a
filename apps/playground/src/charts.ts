/**
 * The demo's pictures, as pure functions of plain data: Vega-Lite specs for the charts and an
 * RGBA pixel grid for the receptive fields. Browser-safe (no Node imports): the CLI renders the
 * specs to SVG with Vega's headless view (see `render.ts`) and the grid to PNG; the web page hands
 * the same specs to Vega and the same grid to a canvas `ImageData`.
 */
import type { CSDPRecording, Matrix } from '@contraspike/core';
import type { TopLevelSpec } from 'vega-lite';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const POSITIVE = '#d6604d';
const NEGATIVE = '#4393c3';
const goodnessColor = {
  scale: { domain: ['positive', 'negative'], range: [POSITIVE, NEGATIVE] },
  legend: { title: null, orient: 'top' as const },
};

/** One training batch as the charts read it (a `CSDPBatchStats` fits). */
export interface BatchPoint {
  readonly loss: number;
  readonly goodnessPositive: number;
  readonly goodnessNegative: number;
}

export interface ChartSize {
  /** Width of each panel in pixels. Default 480. */
  width?: number;
  /** Height of each panel in pixels. Default 160. */
  height?: number;
}

/**
 * Training curves, one point per batch: the local CSDP loss, and the mean goodness of positive and
 * negative samples (their separation is what the network learns). The data set is named
 * `history`, with fields batch, loss, positive, negative, so a live view can stream rows into it.
 */
export function trainingCurvesSpec(history: readonly BatchPoint[], size: ChartSize = {}): TopLevelSpec {
  const width = size.width ?? 480;
  const height = size.height ?? 160;
  const values = history.map((h, i) => ({
    batch: i + 1,
    loss: h.loss,
    positive: h.goodnessPositive,
    negative: h.goodnessNegative,
  }));
  const batch = { field: 'batch', type: 'quantitative' as const, title: 'batch', axis: { tickMinStep: 1 } };
  return {
    $schema: SCHEMA,
    title: 'Unsupervised CSDP training',
    data: { name: 'history', values },
    vconcat: [
      {
        width,
        height,
        mark: { type: 'line', point: values.length <= 40, color: '#444' },
        encoding: {
          x: batch,
          y: { field: 'loss', type: 'quantitative', title: 'CSDP loss', scale: { zero: false } },
        },
      },
      {
        width,
        height,
        transform: [{ fold: ['positive', 'negative'], as: ['kind', 'goodness'] }],
        mark: { type: 'line', point: values.length <= 40 },
        encoding: {
          x: batch,
          y: { field: 'goodness', type: 'quantitative', title: 'mean goodness Σz²' },
          color: { field: 'kind', type: 'nominal', ...goodnessColor },
        },
      },
    ],
  };
}

/** Goodness of individual samples: positives (data) and negatives (mixtures), under one label. */
export interface GoodnessGroup {
  /** E.g. "untrained" or "trained"; one panel per group. */
  readonly label: string;
  readonly positive: ArrayLike<number>;
  readonly negative: ArrayLike<number>;
}

/** Overlaid histograms of positive and negative goodness, one panel per group (side by side). */
export function goodnessHistogramSpec(
  groups: readonly GoodnessGroup[],
  options: ChartSize & { bins?: number } = {},
): TopLevelSpec {
  const values: Array<{ group: string; kind: string; goodness: number }> = [];
  for (const g of groups) {
    for (const [kind, list] of [
      ['positive', g.positive],
      ['negative', g.negative],
    ] as const) {
      for (let i = 0; i < list.length; i++) values.push({ group: g.label, kind, goodness: list[i] as number });
    }
  }
  return {
    $schema: SCHEMA,
    title: 'Goodness of positive (data) vs negative (mixed) samples',
    data: { name: 'goodness', values },
    facet: { column: { field: 'group', type: 'nominal', title: null, sort: groups.map((g) => g.label) } },
    resolve: { scale: { x: 'independent', y: 'independent' } },
    spec: {
      width: options.width ?? 300,
      height: options.height ?? 180,
      mark: { type: 'bar', opacity: 0.6, binSpacing: 0 },
      encoding: {
        x: {
          field: 'goodness',
          type: 'quantitative',
          bin: { maxbins: options.bins ?? 30 },
          title: 'goodness Σz² (mean over the steps)',
        },
        y: { aggregate: 'count', type: 'quantitative', title: 'samples', stack: null },
        color: { field: 'kind', type: 'nominal', ...goodnessColor },
      },
    },
  };
}

/** The probe's confusion matrix (`confusion[true][predicted]`) as a heatmap with the counts written in. */
export function confusionMatrixSpec(confusion: readonly (readonly number[])[], size = 320): TopLevelSpec {
  const values: Array<{ actual: number; predicted: number; count: number }> = [];
  let max = 0;
  confusion.forEach((row, actual) => {
    row.forEach((count, predicted) => {
      values.push({ actual, predicted, count });
      max = Math.max(max, count);
    });
  });
  const total = values.reduce((s, v) => s + v.count, 0);
  const correct = values.reduce((s, v) => s + (v.actual === v.predicted ? v.count : 0), 0);
  const accuracy = total > 0 ? `${((100 * correct) / total).toFixed(1)} %` : 'n/a';
  return {
    $schema: SCHEMA,
    title: { text: 'Linear probe on the test split', subtitle: `accuracy ${accuracy} of ${total} digits` },
    data: { name: 'confusion', values },
    width: size,
    height: size,
    encoding: {
      x: { field: 'predicted', type: 'ordinal', title: 'predicted digit', axis: { labelAngle: 0 } },
      y: { field: 'actual', type: 'ordinal', title: 'true digit' },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: { field: 'count', type: 'quantitative', scale: { scheme: 'blues' }, legend: null },
        },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: `datum.count > ${max / 2}`, value: 'white' }, value: 'black' },
        },
      },
    ],
  };
}

/**
 * Spike raster of one presentation (from `CSDPNetwork.record`): time steps across, neurons down,
 * one panel for the input and one per hidden layer, showing only the neurons that fired (by index),
 * plus each hidden layer's goodness per step.
 */
export function spikeRasterSpec(
  recording: CSDPRecording,
  options: { width?: number; height?: number; title?: string } = {},
): TopLevelSpec {
  const width = options.width ?? 420;
  const height = options.height ?? 160;
  const panels = [
    { name: 'input', ...recording.input },
    ...recording.layers.map((l, i) => ({
      name: recording.layers.length > 1 ? `hidden layer ${i + 1}` : 'hidden layer',
      ...l,
    })),
  ];
  const rasters = panels.map((panel) => {
    const fired: number[] = [];
    const rank = new Map<number, number>();
    for (let j = 0; j < panel.size; j++) {
      for (let t = 0; t < recording.steps; t++) {
        if (panel.spikes[t * panel.size + j]) {
          rank.set(j, fired.length);
          fired.push(j);
          break;
        }
      }
    }
    const values: Array<{ t: number; row: number; neuron: number }> = [];
    for (let t = 0; t < recording.steps; t++) {
      for (const j of fired) {
        if (panel.spikes[t * panel.size + j]) values.push({ t, row: rank.get(j) as number, neuron: j });
      }
    }
    return {
      title: `${panel.name}: ${fired.length} of ${panel.size} neurons fired, ${values.length} spikes`,
      data: { values },
      width,
      height,
      mark: { type: 'rect' as const, color: '#222', aria: false },
      encoding: {
        x: {
          field: 't',
          type: 'quantitative' as const,
          title: 'time step',
          scale: { domain: [0, recording.steps] },
        },
        x2: { field: 't1' },
        y: {
          field: 'row',
          type: 'quantitative' as const,
          title: 'neurons that fired',
          axis: { labels: false, ticks: false },
          scale: { domain: [0, Math.max(1, fired.length)], reverse: true },
        },
        y2: { field: 'row1' },
        tooltip: [
          { field: 'neuron', type: 'quantitative' as const },
          { field: 't', type: 'quantitative' as const },
        ],
      },
      transform: [
        { calculate: 'datum.t + 1', as: 't1' },
        { calculate: 'datum.row + 1', as: 'row1' },
      ],
    };
  });
  const goodness = recording.layers.flatMap((l, i) =>
    Array.from(l.goodness, (g, t) => ({ layer: panels[i + 1]?.name ?? '', t: t + 0.5, goodness: g })),
  );
  return {
    $schema: SCHEMA,
    title: options.title ?? 'One presentation: spikes per time step',
    vconcat: [
      ...rasters,
      {
        width,
        height: 90,
        data: { values: goodness },
        mark: { type: 'line', point: true, color: POSITIVE },
        encoding: {
          x: { field: 't', type: 'quantitative', title: 'time step', scale: { domain: [0, recording.steps] } },
          y: { field: 'goodness', type: 'quantitative', title: 'goodness Σz²' },
          ...(recording.layers.length > 1 ? { color: { field: 'layer', type: 'nominal', title: null } } : {}),
        },
      },
    ],
  } as TopLevelSpec;
}

/** An RGBA image: `data` has `width × height × 4` bytes, row-major (a canvas `ImageData` takes it as is). */
export interface PixelGrid {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

export interface ReceptiveFieldOptions {
  /** Shape of one field (its weights are one column of W, row-major). Default 28 × 28. */
  fieldWidth?: number;
  fieldHeight?: number;
  /** Fields per row of the grid. Default ⌈√count⌉. */
  columns?: number;
  /** Each weight becomes a `scale × scale` block of pixels. Default 2. */
  scale?: number;
  /** Pixels between fields (drawn in a neutral grey). Default 2. */
  gap?: number;
  /** Which hidden neurons (columns of W) to draw; default the first `count`. */
  neurons?: readonly number[];
}

/** The diverging colour of v ∈ [−1, 1]: blue for negative, white for 0, red for positive. */
export function divergingColor(v: number): [number, number, number] {
  const c = Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0));
  // Ends of the palette: blue (33, 102, 172) at −1 and red (178, 24, 43) at +1, through white.
  const [r, g, b] = c < 0 ? [33, 102, 172] : [178, 24, 43];
  const a = Math.abs(c);
  return [Math.round(255 + (r - 255) * a), Math.round(255 + (g - 255) * a), Math.round(255 + (b - 255) * a)];
}

/**
 * A grid of receptive fields: column j of `weights` (`inputSize × hidden`, as `CSDPNetwork.weights()`)
 * is hidden neuron j's field, drawn as a `fieldWidth × fieldHeight` image in a diverging colour
 * map, each field normalised by its own largest |weight| (so its sign pattern shows).
 */
export function receptiveFields(weights: Matrix, count: number, options: ReceptiveFieldOptions = {}): PixelGrid {
  const fw = options.fieldWidth ?? 28;
  const fh = options.fieldHeight ?? 28;
  if (fw * fh !== weights.rows) {
    throw new RangeError(
      `receptiveFields: expected fieldWidth × fieldHeight = weights.rows (${weights.rows}), got ${fw} × ${fh}`,
    );
  }
  const neurons = options.neurons ?? Array.from({ length: Math.min(count, weights.cols) }, (_, j) => j);
  for (const j of neurons) {
    if (!Number.isInteger(j) || j < 0 || j >= weights.cols)
      throw new RangeError(`receptiveFields: neuron ${j} is not a column of weights (0–${weights.cols - 1})`);
  }
  const n = neurons.length;
  const columns = Math.max(1, options.columns ?? Math.ceil(Math.sqrt(n)));
  const rows = Math.max(1, Math.ceil(n / columns));
  const scale = options.scale ?? 2;
  const gap = options.gap ?? 2;
  const width = columns * fw * scale + (columns + 1) * gap;
  const height = rows * fh * scale + (rows + 1) * gap;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([128, 128, 128, 255], p * 4);
  neurons.forEach((j, k) => {
    let max = 0;
    for (let i = 0; i < weights.rows; i++) max = Math.max(max, Math.abs(weights.data[i * weights.cols + j] as number));
    const x0 = gap + (k % columns) * (fw * scale + gap);
    const y0 = gap + Math.floor(k / columns) * (fh * scale + gap);
    for (let i = 0; i < weights.rows; i++) {
      const w = weights.data[i * weights.cols + j] as number;
      const [r, g, b] = divergingColor(max > 0 ? w / max : 0);
      const px = x0 + (i % fw) * scale;
      const py = y0 + Math.floor(i / fw) * scale;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) data.set([r, g, b, 255], ((py + dy) * width + px + dx) * 4);
      }
    }
  });
  return { width, height, data };
}
