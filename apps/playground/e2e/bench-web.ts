/**
 * `pnpm bench:web`: trains through the built page in headless Chromium, as a person would (pick a
 * backend, press Start, wait for the result), and prints what the page reports. Measures; asserts
 * nothing. Runs: `spec` or `spec?settings` arguments (settings as in the page's URL), or by default
 * the page's own settings on js, then a short run on every backend this browser can run. Each
 * run's page (down to its result) is saved as a screenshot in `e2e-out/` (ignored by git).
 *   pnpm --filter @contraspike/playground bench:web -- 'js?hidden=400' gpujs:webgl2?perClass=30
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { APP, fraction, openPage, pickBackend, serveBuiltPage } from './browser.js';

const SHORT = '?perClass=30&hidden=40&epochs=1&steps=10&batch=60';
const DEFAULT_RUNS = [
  'js',
  ...['js', 'gpujs:webgl2', 'gpujs:webgl', 'gpujs:webasm', 'gpujs:cpu'].map((s) => s + SHORT),
];

const runs = process.argv.slice(2).filter((a) => a !== '--');
const screenshots = join(APP, 'e2e-out');
mkdirSync(screenshots, { recursive: true });
const built = await serveBuiltPage();
const rows: string[] = [];
try {
  for (const [n, run] of (runs.length ? runs : DEFAULT_RUNS).entries()) {
    const cut = run.indexOf('?');
    const spec = cut < 0 ? run : run.slice(0, cut);
    const settings = cut < 0 ? '' : run.slice(cut);
    const { page, errors } = await openPage(built.context, built.url + settings);
    try {
      await pickBackend(page, spec);
      const digits = (await page.locator('#status').textContent()) ?? '';
      const started = performance.now();
      await page.click('#start');
      await page.waitForSelector('body[data-phase=done]', { timeout: 3_600_000 });
      const wall = (performance.now() - started) / 1000;
      const timing = await page.locator('#timing').evaluate((e) => ({ ...(e as HTMLElement).dataset }));
      const probe = fraction(await page.locator('#probe-accuracy').textContent());
      const pixel = fraction(await page.locator('#pixel-accuracy').textContent());
      const running = await page.locator('#running').textContent();
      rows.push(
        `| ${running} | \`${settings || '(defaults)'}\` | ${digits.replace(' ready', '')} | ` +
          `${Number(timing.seconds).toFixed(1)} s | ${Number(timing.samplesPerSecond).toFixed(0)} | ` +
          `${(100 * probe).toFixed(1)} % | ${(100 * pixel).toFixed(1)} % | ${wall.toFixed(1)} s |`,
      );
      console.log(rows[rows.length - 1]);
      const name = `bench-${n + 1}-${spec.replace(/[^a-z0-9]+/gi, '-')}.png`;
      // The backends, the training and its result (the page down to the end of section 3).
      const bottom = await page.locator('#result-section').evaluate((e) => e.getBoundingClientRect().bottom + scrollY);
      await page.screenshot({
        path: join(screenshots, name),
        fullPage: true,
        clip: { x: 0, y: 0, width: 1280, height: bottom },
      });
      if (errors.length) console.log(`  console errors: ${errors.join(' | ')}`);
    } finally {
      await page.close();
    }
  }
} finally {
  await built.close();
}
console.log(
  [
    '',
    '| backend (running) | settings | data | training | samples/s | probe on spikes | probe on pixels | Start → result |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n'),
);
