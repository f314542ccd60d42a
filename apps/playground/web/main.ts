/**
 * The page: wires the controls to the training worker and draws what it reports — the live
 * training curves and receptive fields, the probe's result, and one digit's spikes.
 */
import { classLengths, digitsUrl } from 'virtual:mnist-digits';
import type { CSDPBatchStats } from '@contraspike/core';
import type { View } from 'vega';
import { confusionMatrixSpec, type PixelGrid, spikeRasterSpec, trainingCurvesSpec } from '../src/charts.js';
import { type PageConfig, readConfig } from './config.js';
import { toMnistImage } from './draw.js';
import type { BackendStatus, FromWorker, ToWorker } from './protocol.js';
import { showChart } from './vega-view.js';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}

const ui = {
  backends: element<HTMLFieldSetElement>('backends'),
  running: element('running'),
  dataStatus: element('data-status'),
  config: element('config'),
  start: element<HTMLButtonElement>('start'),
  pause: element<HTMLButtonElement>('pause'),
  reset: element<HTMLButtonElement>('reset'),
  status: element('status'),
  progress: element<HTMLProgressElement>('progress'),
  curves: element('curves'),
  fields: element<HTMLCanvasElement>('fields'),
  probeAccuracy: element('probe-accuracy'),
  pixelAccuracy: element('pixel-accuracy'),
  timing: element('timing'),
  confusion: element('confusion'),
  draw: element<HTMLCanvasElement>('draw'),
  showDrawn: element<HTMLButtonElement>('show-drawn'),
  clear: element<HTMLButtonElement>('clear'),
  testIndex: element<HTMLInputElement>('test-index'),
  showTest: element<HTMLButtonElement>('show-test'),
  randomTest: element<HTMLButtonElement>('random-test'),
  inputImage: element<HTMLCanvasElement>('input-image'),
  inputCaption: element('input-caption'),
  raster: element('raster'),
  error: element('error'),
};

function showError(text: string): void {
  ui.error.hidden = false;
  ui.error.textContent = text;
}

let config: PageConfig;
try {
  config = readConfig(location.search);
} catch (error) {
  showError(error instanceof Error ? error.message : String(error));
  throw error;
}
ui.config.textContent =
  `${config.perClass} digits per class (80 % train, 20 % test), ${config.hidden} hidden neurons, ` +
  `${config.steps} time steps, batches of ${config.batch}, ${config.epochs} epoch${config.epochs === 1 ? '' : 's'}, seed ${config.seed}` +
  ' — change them in the URL, e.g. ?perClass=100&hidden=200&epochs=3';

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (message: ToWorker) => worker.postMessage(message);

const data = fetch(digitsUrl).then(async (response) => {
  if (!response.ok) throw new Error(`could not load the digits (${digitsUrl}): HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  ui.dataStatus.textContent = `${(bytes.length / 784).toLocaleString('en')} digits loaded`;
  return bytes;
});
data.catch((error: unknown) => showError(String(error)));

let backend: string | undefined;
/** The network the page shows; reports about an older one (before a reset) are dropped. */
let session = 0;
let history: CSDPBatchStats[] = [];
let curves: View | undefined;
let pendingRows: CSDPBatchStats[] = [];
let test = 0;

type Phase = 'idle' | 'loading' | 'ready' | 'training' | 'paused' | 'done';
function setPhase(phase: Phase, text = ''): void {
  ui.start.disabled = !(phase === 'ready' || phase === 'paused');
  ui.pause.disabled = phase !== 'training';
  ui.reset.disabled = phase === 'idle' || phase === 'loading';
  const inspect = phase !== 'idle' && phase !== 'loading';
  ui.showDrawn.disabled = !inspect;
  ui.showTest.disabled = !inspect;
  ui.randomTest.disabled = !inspect;
  ui.status.textContent = text;
  document.body.dataset.phase = phase;
}
setPhase('idle');

function drawGrid(canvas: HTMLCanvasElement, grid: PixelGrid): void {
  canvas.width = grid.width;
  canvas.height = grid.height;
  const context = canvas.getContext('2d');
  context?.putImageData(new ImageData(new Uint8ClampedArray(grid.data), grid.width, grid.height), 0, 0);
}

function showBackends(list: readonly BackendStatus[]): void {
  ui.backends.replaceChildren(Object.assign(document.createElement('legend'), { textContent: 'Backends' }));
  for (const b of list) {
    const label = document.createElement('label');
    label.className = b.available ? 'available' : 'unavailable';
    const input = Object.assign(document.createElement('input'), {
      type: 'radio',
      name: 'backend',
      value: b.spec,
      disabled: !b.available,
    });
    input.addEventListener('change', () => {
      choose(b.spec).catch(reportError);
    });
    label.append(input, ` ${b.label} `, Object.assign(document.createElement('code'), { textContent: b.spec }));
    if (!b.available) {
      label.append(Object.assign(document.createElement('span'), { className: 'reason', textContent: b.reason ?? '' }));
    }
    ui.backends.append(label);
  }
  ui.backends.setAttribute('aria-busy', 'false');
}

async function resetCurves(): Promise<void> {
  history = [];
  pendingRows = [];
  curves = await showChart(ui.curves, trainingCurvesSpec([], { width: 420, height: 130 }));
}

function clearResults(): void {
  ui.probeAccuracy.textContent = '—';
  ui.pixelAccuracy.textContent = '—';
  ui.timing.textContent = '';
  ui.confusion.replaceChildren();
  ui.progress.value = 0;
}

/** (Re)creates the network on backend `id` with fresh weights. */
async function choose(id: string): Promise<void> {
  backend = id;
  const mine = ++session;
  setPhase('loading', 'loading the digits and making the network…');
  ui.running.textContent = '—';
  clearResults();
  await resetCurves();
  const bytes = await data;
  if (mine === session) send({ type: 'init', session: mine, backend: id, config, bytes, lengths: classLengths });
}

/** Streams the batches received since the last frame into the curves (one redraw per frame). */
function flushCurves(): void {
  if (!curves || pendingRows.length === 0) return;
  const first = history.length - pendingRows.length;
  const rows = pendingRows.map((h, i) => ({
    batch: first + i + 1,
    loss: h.loss,
    positive: h.goodnessPositive,
    negative: h.goodnessNegative,
  }));
  pendingRows = [];
  curves.insert('history', rows).runAsync();
}

const percent = (x: number) => `${(100 * x).toFixed(1)} %`;

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  if ('session' in m && m.session !== session) return;
  switch (m.type) {
    case 'backends':
      showBackends(m.backends);
      return;
    case 'ready':
      ui.running.textContent = m.running;
      drawGrid(ui.fields, m.fields);
      ui.testIndex.max = String(m.test - 1);
      test = m.test;
      setPhase('ready', `${m.train} training and ${m.test} test digits ready`);
      return;
    case 'batch': {
      history.push(m.stats);
      pendingRows.push(m.stats);
      if (pendingRows.length === 1) requestAnimationFrame(flushCurves);
      const done = m.epoch * m.batches + m.batch + 1;
      ui.progress.value = done / (m.batches * config.epochs);
      const s = m.stats;
      ui.status.textContent =
        `epoch ${m.epoch + 1}/${config.epochs}, batch ${m.batch + 1}/${m.batches}: loss ${s.loss.toFixed(3)}, ` +
        `goodness positive ${s.goodnessPositive.toFixed(2)} vs negative ${s.goodnessNegative.toFixed(2)}`;
      if (m.fields) drawGrid(ui.fields, m.fields);
      return;
    }
    case 'phase':
      ui.status.textContent = `${m.phase}…`;
      return;
    case 'paused':
      setPhase('paused', `paused after ${history.length} batches`);
      return;
    case 'done':
      flushCurves();
      drawGrid(ui.fields, m.fields);
      ui.progress.value = 1;
      ui.probeAccuracy.textContent = percent(m.probeAccuracy);
      ui.pixelAccuracy.textContent = percent(m.pixelProbeAccuracy);
      ui.timing.textContent = `Training: ${m.trainSeconds.toFixed(1)} s, ${m.samplesPerSecond.toFixed(0)} samples/s on ${ui.running.textContent}.`;
      ui.timing.dataset.seconds = String(m.trainSeconds);
      ui.timing.dataset.samplesPerSecond = String(m.samplesPerSecond);
      showChart(ui.confusion, confusionMatrixSpec(m.confusion, 260)).catch(reportError);
      setPhase('done', 'done');
      return;
    case 'recording': {
      const image = new Uint8ClampedArray(784 * 4);
      for (let i = 0; i < m.image.length; i++) {
        const v = 255 * (m.image[i] as number);
        image.set([v, v, v, 255], i * 4);
      }
      drawGrid(ui.inputImage, { width: 28, height: 28, data: image });
      ui.inputImage.style.width = '112px';
      const goodness = m.recording.layers[0]?.goodness ?? [];
      const last = goodness[goodness.length - 1] ?? 0;
      ui.inputCaption.textContent =
        m.label === undefined
          ? `Your digit, 28×28 — goodness at the last step ${last.toFixed(2)}`
          : `Test digit #${m.testIndex} (a ${m.label}) — goodness at the last step ${last.toFixed(2)}`;
      showChart(ui.raster, spikeRasterSpec(m.recording, { width: 380, height: 120 })).catch(reportError);
      return;
    }
    case 'error':
      reportError(m.message);
      if (document.body.dataset.phase === 'loading' || document.body.dataset.phase === 'training') setPhase('idle');
      return;
  }
};
worker.onerror = (event) => reportError(event.message);

function reportError(error: unknown): void {
  const text = error instanceof Error ? error.message : String(error);
  showError(text);
  console.error(text);
}

ui.start.addEventListener('click', () => {
  setPhase('training', 'training…');
  send({ type: 'start' });
});
ui.pause.addEventListener('click', () => send({ type: 'pause' }));
ui.reset.addEventListener('click', () => {
  if (backend) choose(backend).catch(reportError);
});

// The drawing pad: white strokes on black, like MNIST.
const pad = ui.draw.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
let drawing = false;
function padPoint(event: PointerEvent): [number, number] {
  const box = ui.draw.getBoundingClientRect();
  return [
    ((event.clientX - box.left) * ui.draw.width) / box.width,
    ((event.clientY - box.top) * ui.draw.height) / box.height,
  ];
}
ui.draw.addEventListener('pointerdown', (event) => {
  drawing = true;
  ui.draw.setPointerCapture(event.pointerId);
  const [x, y] = padPoint(event);
  pad.beginPath();
  pad.moveTo(x, y);
  pad.lineTo(x + 0.01, y);
  pad.stroke();
});
ui.draw.addEventListener('pointermove', (event) => {
  if (!drawing) return;
  const [x, y] = padPoint(event);
  pad.lineTo(x, y);
  pad.stroke();
});
ui.draw.addEventListener('pointerup', () => {
  drawing = false;
});
function clearPad(): void {
  pad.fillStyle = '#000';
  pad.fillRect(0, 0, ui.draw.width, ui.draw.height);
  pad.strokeStyle = '#fff';
  pad.lineWidth = 22;
  pad.lineCap = 'round';
  pad.lineJoin = 'round';
}
clearPad();
ui.clear.addEventListener('click', clearPad);

ui.showDrawn.addEventListener('click', () => {
  const { data: rgba, width, height } = pad.getImageData(0, 0, ui.draw.width, ui.draw.height);
  const gray = new Float32Array(width * height);
  for (let i = 0; i < gray.length; i++) gray[i] = (rgba[i * 4] as number) / 255;
  const image = toMnistImage(gray, width, height);
  if (!image) {
    ui.inputCaption.textContent = 'Draw a digit first.';
    return;
  }
  send({ type: 'record', image });
});
ui.showTest.addEventListener('click', () => send({ type: 'record', testIndex: Number(ui.testIndex.value) }));
ui.randomTest.addEventListener('click', () => {
  ui.testIndex.value = String(Math.floor(Math.random() * test));
  send({ type: 'record', testIndex: Number(ui.testIndex.value) });
});

send({ type: 'probe' });
