/** The messages between the page (`main.ts`) and the training worker (`worker.ts`). */
import type { CSDPBatchStats, CSDPRecording } from '@contraspike/core';
import type { PixelGrid } from '../src/charts.js';
import type { PageConfig } from './config.js';

/** One backend choice as the page shows it, after the worker probed it. */
export interface BackendStatus {
  /** As `chooseBackend` takes it, e.g. `gpujs:webgl2`. */
  readonly spec: string;
  readonly label: string;
  readonly available: boolean;
  /** Why it cannot run here (the backend's own error message). */
  readonly reason?: string;
  /** The name of the instance the probe ran (e.g. `gpujs:webgl2`). */
  readonly instance?: string;
}

export type ToWorker =
  | { readonly type: 'probe' }
  /** The digits asset (transferred) and the settings: split the data, make the network on `backend`. */
  | {
      readonly type: 'init';
      /** Numbers this network; the worker tags everything it reports about it with this number. */
      readonly session: number;
      /** A backend spec, as in {@link BackendStatus}. */
      readonly backend: string;
      readonly config: PageConfig;
      readonly bytes: Uint8Array;
      readonly lengths: readonly number[];
    }
  | { readonly type: 'start' }
  | { readonly type: 'pause' }
  /** One presentation of `image` (784 intensities), or of test digit `testIndex`. */
  | { readonly type: 'record'; readonly image?: Float32Array; readonly testIndex?: number };

export type FromWorker =
  | { readonly type: 'backends'; readonly backends: readonly BackendStatus[] }
  | {
      readonly type: 'ready';
      readonly session: number;
      /** `getBackend().name` inside the worker: the backend that really runs. */
      readonly running: string;
      readonly train: number;
      readonly test: number;
      readonly fields: PixelGrid;
    }
  | {
      readonly type: 'batch';
      readonly session: number;
      readonly epoch: number;
      readonly batch: number;
      readonly batches: number;
      readonly stats: CSDPBatchStats;
      /** Training seconds so far (pauses excluded). */
      readonly seconds: number;
      /** Present every few batches: the receptive fields as they are now. */
      readonly fields?: PixelGrid;
    }
  | { readonly type: 'phase'; readonly session: number; readonly phase: string }
  | { readonly type: 'paused'; readonly session: number }
  | {
      readonly type: 'done';
      readonly session: number;
      readonly probeAccuracy: number;
      readonly pixelProbeAccuracy: number;
      readonly trainSeconds: number;
      readonly samplesPerSecond: number;
      readonly confusion: number[][];
      readonly fields: PixelGrid;
    }
  | {
      readonly type: 'recording';
      readonly recording: CSDPRecording;
      /** The 784 intensities presented. */
      readonly image: Float32Array;
      /** The test digit's label, when a test digit was picked. */
      readonly label?: number;
      readonly testIndex?: number;
    }
  | { readonly type: 'error'; readonly message: string };
