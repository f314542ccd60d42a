/**
 * The built page as a person uses it: open it, pick a backend, train, read the result, look at a
 * test digit's spikes and at a drawn one — in headless Chromium, once on `js` and once on gpu.js's
 * WebGL2. A short training through the page's URL settings; a screenshot of each run goes to
 * `e2e-out/` (ignored by git).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND_CHOICES } from '../web/backends.js';
import { APP, type BuiltPage, fraction, openPage, pickBackend, serveBuiltPage } from './browser.js';

const screenshots = join(APP, 'e2e-out');
/** Small enough for a loaded 2-core machine: 240 training and 60 test digits, 40 hidden neurons. */
const SETTINGS = '?perClass=30&hidden=40&epochs=1&steps=10';

let built: BuiltPage;

beforeAll(async () => {
  built = await serveBuiltPage();
  expect(built.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  mkdirSync(screenshots, { recursive: true });
});

afterAll(async () => {
  await built?.close();
});

// On js a run takes a fraction of a second: it is reset at the end. On gpu.js (SwiftShader) a
// batch takes seconds: the run is paused after its first batch and resumed.
describe.each([
  { id: 'js', running: 'js', batch: 60, batches: 4, control: 'reset' },
  { id: 'gpujs:webgl2', running: 'gpujs:webgl2', batch: 40, batches: 6, control: 'pause' },
])('the built page on $id', ({ id, running, batch, batches, control }) => {
  it(`trains, shows its curves, fields and accuracy, ${control}s, and shows one digit spike by spike, without a console error`, async () => {
    const { page, errors } = await openPage(built.context, `${built.url}${SETTINGS}&batch=${batch}`);
    try {
      // The selector: every backend listed; the ones this browser cannot run disabled with a reason.
      const listed = await page.$$eval('input[name=backend]', (inputs) =>
        inputs.map((i) => (i as HTMLInputElement).value),
      );
      expect(listed).toEqual(BACKEND_CHOICES.map((c) => c.spec));
      const webgpu = page.locator('input[name=backend][value="gpujs:webgpu"]');
      await expect(webgpu.isDisabled()).resolves.toBe(true);
      await expect(page.locator('label.unavailable', { hasText: 'gpujs:webgpu' }).textContent()).resolves.toMatch(
        /only asynchronously/,
      );

      await pickBackend(page, id);
      // The backend that really runs, as getBackend() names it inside the worker.
      await expect(page.locator('#running').textContent()).resolves.toBe(running);
      const initial = await fieldPixels(page);

      await page.click('#start');
      if (control === 'pause') {
        await page.waitForFunction(() => (document.querySelector('#progress') as HTMLProgressElement).value > 0);
        await page.click('#pause');
        await page.waitForSelector('body[data-phase=paused]', { timeout: 120_000 });
        const progress = () => page.$eval('#progress', (p) => (p as HTMLProgressElement).value);
        const paused = await progress();
        expect(paused).toBeGreaterThan(0);
        expect(paused).toBeLessThan(1);
        await page.waitForTimeout(2000);
        expect(await progress()).toBe(paused); // no batch ran while paused
        expect(await page.locator('#start').isEnabled()).toBe(true);
        await page.click('#start');
      }
      await page.waitForSelector('body[data-phase=done]', { timeout: 540_000 });

      // Live curves: one point per batch (240 training digits), for the loss and for the
      // goodness of positives and of negatives, every value finite.
      const points = await page.$$eval('#curves svg path[aria-roledescription="point"]', (paths) =>
        paths.map((p) => p.getAttribute('aria-label') ?? ''),
      );
      const series = (pattern: RegExp) =>
        points.flatMap((label) => {
          const m = label.match(pattern);
          return m ? [[Number(m[1]), Number(m[2])]] : [];
        });
      const loss = series(/^batch: (\d+); CSDP loss: ([-\d.e]+)$/);
      const positive = series(/^batch: (\d+); mean goodness Σz²: ([-\d.e]+); kind: positive$/);
      const negative = series(/^batch: (\d+); mean goodness Σz²: ([-\d.e]+); kind: negative$/);
      for (const curve of [loss, positive, negative]) {
        expect(curve.map(([b]) => b)).toEqual(Array.from({ length: batches }, (_, b) => b + 1));
        for (const [, value] of curve) expect(Number.isFinite(value) && (value as number) >= 0).toBe(true);
      }
      const status = await page.locator('#timing').textContent();
      expect(status).toContain(`on ${running}`);

      // The receptive fields changed as the network learned, and are drawn in colour.
      const learned = await fieldPixels(page);
      expect(learned.coloured).toBeGreaterThan(0.5 * learned.field);
      expect(learned.hash).not.toBe(initial.hash);

      // Accuracy on 60 test digits: chance is 10 %; the probes must do far better.
      const probe = fraction(await page.locator('#probe-accuracy').textContent());
      const pixel = fraction(await page.locator('#pixel-accuracy').textContent());
      expect(probe).toBeGreaterThan(0.3);
      expect(probe).toBeLessThanOrEqual(1);
      expect(pixel).toBeGreaterThan(0.4);
      expect(pixel).toBeLessThanOrEqual(1);
      await page.waitForSelector('#confusion svg');

      // A test digit, spike by spike.
      await page.fill('#test-index', '3');
      await page.click('#show-test');
      await page.waitForFunction(() =>
        document.querySelector('#input-caption')?.textContent?.startsWith('Test digit #3'),
      );
      await page.waitForSelector('#raster svg');
      const raster = await page.locator('#raster').textContent();
      expect(raster).toMatch(/input: \d+ of 784 neurons fired/);
      expect(raster).toMatch(/hidden layer: \d+ of 40 neurons fired/);

      // A drawn digit: a stroke like a "1".
      const pad = await page.locator('#draw').boundingBox();
      if (!pad) throw new Error('the drawing pad is not visible');
      await page.mouse.move(pad.x + pad.width / 2, pad.y + pad.height * 0.2);
      await page.mouse.down();
      for (let k = 1; k <= 10; k++) await page.mouse.move(pad.x + pad.width / 2, pad.y + pad.height * (0.2 + 0.06 * k));
      await page.mouse.up();
      await page.click('#show-drawn');
      await page.waitForFunction(() => document.querySelector('#input-caption')?.textContent?.startsWith('Your digit'));
      const caption = await page.locator('#input-caption').textContent();
      expect(Number(caption?.match(/goodness at the last step ([\d.]+)/)?.[1])).toBeGreaterThanOrEqual(0);

      await page.screenshot({ path: join(screenshots, `page-${id.replace(':', '-')}.png`), fullPage: true });

      if (control === 'reset') {
        // Reset: fresh weights from the same seed, so the very first fields again; no result.
        await page.click('#reset');
        await page.waitForSelector('body[data-phase=ready]', { timeout: 120_000 });
        expect((await fieldPixels(page)).hash).toBe(initial.hash);
        await expect(page.locator('#probe-accuracy').textContent()).resolves.toBe('—');
        expect(await page.locator('#curves svg path[aria-roledescription="point"]').count()).toBe(0);
      }
      expect(await page.locator('#error').isHidden()).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

/** How many pixels of the receptive-field canvas are coloured (not the grey background), and a digest of them. */
function fieldPixels(page: Page): Promise<{ coloured: number; field: number; hash: number }> {
  return page.evaluate(() => {
    const canvas = document.querySelector('#fields') as HTMLCanvasElement;
    const { data } = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(
      0,
      0,
      canvas.width,
      canvas.height,
    );
    let coloured = 0;
    let hash = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i] as number, data[i + 1] as number, data[i + 2] as number];
      if (!(r === 128 && g === 128 && b === 128)) coloured++;
      hash = (hash * 31 + r * 7 + g * 3 + b) >>> 0;
    }
    // 40 fields of 28 × 28 weights, each drawn 2 × 2.
    return { coloured, field: 40 * 28 * 28 * 4, hash };
  });
}
