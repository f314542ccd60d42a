/**
 * The built page in headless Chromium, for the end-to-end test and `pnpm bench:web`: serves
 * `dist-web/` with `vite preview` on a free port and starts Chromium (see
 * `@contraspike/conformance/chromium`) with a fresh profile.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, chromiumPath } from '@contraspike/conformance/chromium';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { preview } from 'vite';

export const APP = fileURLToPath(new URL('..', import.meta.url));

export interface BuiltPage {
  /** The page's URL (ends with `/`). */
  readonly url: string;
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function serveBuiltPage(): Promise<BuiltPage> {
  if (!existsSync(join(APP, 'dist-web', 'index.html'))) {
    throw new Error('The page is not built: run `pnpm --filter @contraspike/playground build` first.');
  }
  const executablePath = chromiumPath();
  const server = await preview({
    configFile: join(APP, 'vite.config.ts'),
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
  const profile = mkdtempSync(join(tmpdir(), 'contraspike-page-'));
  try {
    const url = server.resolvedUrls?.local[0];
    if (!url) throw new Error('vite preview reported no local URL');
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [...CHROMIUM_ARGS],
    });
    // Waits without their own timeout (e.g. the first batch, which compiles gpu.js's shaders on
    // SwiftShader) get a budget that holds on a loaded 2-core machine, not Playwright's 30 s.
    context.setDefaultTimeout(120_000);
    return {
      url,
      context,
      async close() {
        await context.close();
        await server.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server.close();
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

/** Opens `url` in a new tab, recording every console error and uncaught exception, once the backends are probed. */
export async function openPage(context: BrowserContext, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  await page.goto(url);
  await page.waitForSelector('#backends[aria-busy=false]', { timeout: 120_000 });
  return { page, errors };
}

/** Picks backend `spec` in the selector and waits until its network is ready. */
export async function pickBackend(page: Page, spec: string): Promise<void> {
  await page.check(`input[name=backend][value="${spec}"]`);
  await page.waitForSelector('body[data-phase=ready]', { timeout: 120_000 });
}

/** A percentage as the page shows it ("84.8 %"), as a fraction. */
export const fraction = (text: string | null) => Number(text?.replace('%', '').trim()) / 100;
