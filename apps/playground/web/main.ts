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

/** The page's elements of one kind, by id; each must be there and of that kind. */
function elements<T extends Element, K extends string>(
  kind: abstract new (...args: never[]) => T,
  ids: readonly K[],
): Record<K, T> {
  const found = {} as Record<K, T>;
  for (const id of ids) {
    const e = document.getElementById(id);
    if (!(e instanceof kind)) throw new Error(`the page has no ${kind.name} #${id}`);
    found[id] = e;
  }
  return found;
}

const button = elements(HTMLButtonElement, [
  'start',
  'pause',
  'reset',
  'show-drawn',
  'clear',
  'show-test',
  'random-test',
]);
const canvas = elements(HTMLCanvasElement, ['fields', 'draw', 'input-image']);
const chart = elements(HTMLDivElement, ['curves', 'confusion', 'raster']);
const text = elements(HTMLElement, [
  'running',
  'data-status',
  'config',
  'status',
  'probe-accuracy',
  'pixel-accuracy',
  'timing',
  'input-caption',
  'error',
]);
const { backends } = elements(HTMLFieldSetElement, ['backends']);
const { progress } = elements(HTMLProgressElement, ['progress']);
const testIndex = elements(HTMLInputElement, ['test-index'])['test-index'];

function showError(message: string): void {
  text.error.hidden = false;
  text.error.textContent = message;
}

let config: PageConfig;
try {
  config = readConfig(location.search);
} catch (error) {
  showError(error instanceof Error ? error.message : String(error));
  throw error;
}
text.config.textContent =
  `${config.perClass} digits per class (80 % train, 20 % test), ${config.hidden} hidden neurons, ` +
  `${config.steps} time steps, batches of ${config.batch}, ${config.epochs} epoch${config.epochs === 1 ? '' : 's'}, seed ${config.seed}` +
  ' — change them in the URL, e.g. ?perClass=100&hidden=200&epochs=3';

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (message: ToWorker) => worker.postMessage(message);

const data = fetch(digitsUrl).then(async (response) => {
  if (!response.ok) throw new Error(`could not load the digits (${digitsUrl}): HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  text['data-status'].textContent = `${(bytes.length / 784).toLocaleString('en')} digits loaded`;
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
function setPhase(phase: Phase, status = ''): void {
  button.start.disabled = !(phase === 'ready' || phase === 'paused');
  button.pause.disabled = phase !== 'training';
  button.reset.disabled = phase === 'idle' || phase === 'loading';
  const inspect = phase !== 'idle' && phase !== 'loading';
  button['show-drawn'].disabled = !inspect;
  button['show-test'].disabled = !inspect;
  button['random-test'].disabled = !inspect;
  text.status.textContent = status;
  document.body.dataset.phase = phase;
}
setPhase('idle');

function drawGrid(target: HTMLCanvasElement, grid: PixelGrid): void {
  target.width = grid.width;
  target.height = grid.height;
  const context = target.getContext('2d');
  context?.putImageData(new ImageData(new Uint8ClampedArray(grid.data), grid.width, grid.height), 0, 0);
}

function showBackends(list: readonly BackendStatus[]): void {
  backends.replaceChildren(Object.assign(document.createElement('legend'), { textContent: 'Backends' }));
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
    backends.append(label);
  }
  backends.setAttribute('aria-busy', 'false');
}

async function resetCurves(): Promise<void> {
  history = [];
  pendingRows = [];
  curves = await showChart(chart.curves, trainingCurvesSpec([], { width: 420, height: 130 }));
}

function clearResults(): void {
  text['probe-accuracy'].textContent = '—';
  text['pixel-accuracy'].textContent = '—';
  text.timing.textContent = '';
  chart.confusion.replaceChildren();
  progress.value = 0;
}

/** (Re)creates the network on backend `id` with fresh weights. */
async function choose(id: string): Promise<void> {
  backend = id;
  const mine = ++session;
  setPhase('loading', 'loading the digits and making the network…');
  text.running.textContent = '—';
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
      text.running.textContent = m.running;
      drawGrid(canvas.fields, m.fields);
      testIndex.max = String(m.test - 1);
      test = m.test;
      setPhase('ready', `${m.train} training and ${m.test} test digits ready`);
      return;
    case 'batch': {
      history.push(m.stats);
      pendingRows.push(m.stats);
      if (pendingRows.length === 1) requestAnimationFrame(flushCurves);
      const done = m.epoch * m.batches + m.batch + 1;
      progress.value = done / (m.batches * config.epochs);
      const s = m.stats;
      text.status.textContent =
        `epoch ${m.epoch + 1}/${config.epochs}, batch ${m.batch + 1}/${m.batches}: loss ${s.loss.toFixed(3)}, ` +
        `goodness positive ${s.goodnessPositive.toFixed(2)} vs negative ${s.goodnessNegative.toFixed(2)}`;
      if (m.fields) drawGrid(canvas.fields, m.fields);
      return;
    }
    case 'phase':
      text.status.textContent = `${m.phase}…`;
      return;
    case 'paused':
      setPhase('paused', `paused after ${history.length} batches`);
      return;
    case 'done':
      flushCurves();
      drawGrid(canvas.fields, m.fields);
      progress.value = 1;
      text['probe-accuracy'].textContent = percent(m.probeAccuracy);
      text['pixel-accuracy'].textContent = percent(m.pixelProbeAccuracy);
      text.timing.textContent = `Training: ${m.trainSeconds.toFixed(1)} s, ${m.samplesPerSecond.toFixed(0)} samples/s on ${text.running.textContent}.`;
      text.timing.dataset.seconds = String(m.trainSeconds);
      text.timing.dataset.samplesPerSecond = String(m.samplesPerSecond);
      showChart(chart.confusion, confusionMatrixSpec(m.confusion, 260)).catch(reportError);
      setPhase('done', 'done');
      return;
    case 'recording': {
      const image = new Uint8ClampedArray(784 * 4);
      for (let i = 0; i < m.image.length; i++) {
        const v = 255 * (m.image[i] as number);
        image.set([v, v, v, 255], i * 4);
      }
      drawGrid(canvas['input-image'], { width: 28, height: 28, data: image });
      canvas['input-image'].style.width = '112px';
      const goodness = m.recording.layers[0]?.goodness ?? [];
      const last = goodness[goodness.length - 1] ?? 0;
      text['input-caption'].textContent =
        m.label === undefined
          ? `Your digit, 28×28 — goodness at the last step ${last.toFixed(2)}`
          : `Test digit #${m.testIndex} (a ${m.label}) — goodness at the last step ${last.toFixed(2)}`;
      showChart(chart.raster, spikeRasterSpec(m.recording, { width: 380, height: 120 })).catch(reportError);
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
  const message = error instanceof Error ? error.message : String(error);
  showError(message);
  console.error(message);
}

button.start.addEventListener('click', () => {
  setPhase('training', 'training…');
  send({ type: 'start' });
});
button.pause.addEventListener('click', () => send({ type: 'pause' }));
button.reset.addEventListener('click', () => {
  if (backend) choose(backend).catch(reportError);
});

// The drawing pad: white strokes on black, like MNIST.
const pad = canvas.draw.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
let drawing = false;
function padPoint(event: PointerEvent): [number, number] {
  const box = canvas.draw.getBoundingClientRect();
  return [
    ((event.clientX - box.left) * canvas.draw.width) / box.width,
    ((event.clientY - box.top) * canvas.draw.height) / box.height,
  ];
}
canvas.draw.addEventListener('pointerdown', (event) => {
  drawing = true;
  canvas.draw.setPointerCapture(event.pointerId);
  const [x, y] = padPoint(event);
  pad.beginPath();
  pad.moveTo(x, y);
  pad.lineTo(x + 0.01, y);
  pad.stroke();
});
canvas.draw.addEventListener('pointermove', (event) => {
  if (!drawing) return;
  const [x, y] = padPoint(event);
  pad.lineTo(x, y);
  pad.stroke();
});
canvas.draw.addEventListener('pointerup', () => {
  drawing = false;
});
function clearPad(): void {
  pad.fillStyle = '#000';
  pad.fillRect(0, 0, canvas.draw.width, canvas.draw.height);
  pad.strokeStyle = '#fff';
  pad.lineWidth = 22;
  pad.lineCap = 'round';
  pad.lineJoin = 'round';
}
clearPad();
button.clear.addEventListener('click', clearPad);

button['show-drawn'].addEventListener('click', () => {
  const { data: rgba, width, height } = pad.getImageData(0, 0, canvas.draw.width, canvas.draw.height);
  const gray = new Float32Array(width * height);
  for (let i = 0; i < gray.length; i++) gray[i] = (rgba[i * 4] as number) / 255;
  const image = toMnistImage(gray, width, height);
  if (!image) {
    text['input-caption'].textContent = 'Draw a digit first.';
    return;
  }
  send({ type: 'record', image });
});
button['show-test'].addEventListener('click', () => send({ type: 'record', testIndex: Number(testIndex.value) }));
button['random-test'].addEventListener('click', () => {
  testIndex.value = String(Math.floor(Math.random() * test));
  send({ type: 'record', testIndex: Number(testIndex.value) });
});

send({ type: 'probe' });
