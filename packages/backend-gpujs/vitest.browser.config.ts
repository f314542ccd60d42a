/**
 * The browser half of the tests: the shared conformance suite in a real headless Chromium
 * (Debian's `chromium` package, or the binary named by CHROMIUM_PATH), where gpu.js runs WebGL2.
 *   pnpm --filter @contraspike/backend-gpujs test:browser
 */
import { existsSync } from 'node:fs';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  throw new Error(
    `Browser tests need Chromium at ${executablePath}: install Debian's package (apt-get install chromium) ` +
      'or set CHROMIUM_PATH to a Chromium or Chrome binary.',
  );
}

export default defineConfig({
  // Pre-bundle the browser's CommonJS/UMD dependencies up front, so that no late discovery
  // reloads the page in the middle of a run.
  optimizeDeps: { include: ['gpu.js', '@contraspike/conformance > fast-check'] },
  test: {
    // Two projects on one browser setup: the tests (`--project tests`) and the benchmark (`--project bench`).
    projects: [
      { extends: true, test: { name: 'tests', include: ['test/browser/**/*.test.ts'] } },
      { extends: true, test: { name: 'bench', include: ['bench/**/*.browser.ts'] } },
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({
        launchOptions: {
          executablePath,
          // Playwright starts every run with a fresh temporary profile. The flags keep Chromium
          // off the network (this machine has none) and let it render WebGL2 with SwiftShader.
          args: [
            '--no-sandbox',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--enable-unsafe-swiftshader',
          ],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
