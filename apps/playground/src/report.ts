/**
 * The demo's report folder: `report.json` (options, backend, metrics, history, confusion) and the
 * pictures — SVG charts rendered headlessly by Vega from the specs in `charts.ts`, and the
 * receptive-field grid as a PNG (pngjs).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CSDPRecording, Matrix } from '@contraspike/core';
import { PNG } from 'pngjs';
import type { TopLevelSpec } from 'vega-lite';
import {
  confusionMatrixSpec,
  type GoodnessGroup,
  goodnessHistogramSpec,
  type PixelGrid,
  receptiveFields,
  spikeRasterSpec,
  trainingCurvesSpec,
} from './charts.js';
import type { LearnResult } from './learn.js';
import { specToSVG } from './render.js';

/** What the report shows besides the learning result. */
export interface ReportInputs {
  /** The options the run used (as given on the command line, after defaults). */
  readonly options: Record<string, unknown>;
  readonly result: LearnResult;
  /** Wall-clock seconds of the whole run. */
  readonly totalSeconds: number;
  /** Goodness of sample positives and negatives, before and after training. */
  readonly goodness: readonly GoodnessGroup[];
  /** The trained network's first-layer weights (`784 × hidden`) and which neurons' fields to draw. */
  readonly fields: { readonly weights: Matrix; readonly neurons: readonly number[] };
  /** One test digit's presentation through the trained network, and its label. */
  readonly raster: { readonly recording: CSDPRecording; readonly label: number };
}

/** The files a report holds, in the order they are written. */
export const REPORT_FILES = [
  'report.json',
  'training-curves.svg',
  'goodness-histograms.svg',
  'confusion-matrix.svg',
  'spike-raster.svg',
  'receptive-fields.png',
] as const;

/** Encodes an RGBA pixel grid as a PNG file's bytes. */
export function encodePNG(grid: PixelGrid): Buffer {
  const png = new PNG({ width: grid.width, height: grid.height });
  png.data = Buffer.from(grid.data.buffer, grid.data.byteOffset, grid.data.byteLength);
  return PNG.sync.write(png);
}

/** Writes the report into `dir` (created if missing); returns the paths written. */
export async function writeReport(dir: string, inputs: ReportInputs): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const { result } = inputs;
  const json = {
    options: inputs.options,
    backend: result.backend,
    metrics: {
      probeAccuracy: result.probeAccuracy,
      untrainedProbeAccuracy: result.untrainedProbeAccuracy,
      pixelProbeAccuracy: result.pixelProbeAccuracy,
      trainSeconds: result.trainSeconds,
      samplesPerSecond: result.samplesPerSecond,
      totalSeconds: inputs.totalSeconds,
    },
    split: result.split,
    history: result.history,
    confusion: result.confusion,
    goodness: inputs.goodness.map((g) => ({
      label: g.label,
      positive: Array.from(g.positive),
      negative: Array.from(g.negative),
    })),
    raster: { label: inputs.raster.label, steps: inputs.raster.recording.steps },
    receptiveFields: { neurons: inputs.fields.neurons, of: inputs.fields.weights.cols },
    files: [...REPORT_FILES],
  };
  const charts: Array<[string, TopLevelSpec]> = [
    ['training-curves.svg', trainingCurvesSpec(result.history)],
    ['goodness-histograms.svg', goodnessHistogramSpec(inputs.goodness)],
    ['confusion-matrix.svg', confusionMatrixSpec(result.confusion)],
    [
      'spike-raster.svg',
      spikeRasterSpec(inputs.raster.recording, {
        title: `One test digit (a ${inputs.raster.label}) through the trained network`,
      }),
    ],
  ];
  const written: string[] = [];
  const write = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    written.push(path);
  };
  write('report.json', `${JSON.stringify(json, null, 2)}\n`);
  for (const [name, spec] of charts) write(name, await specToSVG(spec));
  const { weights, neurons } = inputs.fields;
  write('receptive-fields.png', encodePNG(receptiveFields(weights, neurons.length, { neurons, scale: 2, gap: 2 })));
  return written;
}
