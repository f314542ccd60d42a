/**
 * The browser half of the tests: the shared conformance suite in a real headless Chromium
 * (Debian's `chromium` package, or the binary named by CHROMIUM_PATH), where gpu.js runs WebGL2.
 *   pnpm --filter @contraspike/backend-gpujs test:browser
 */
import { CHROMIUM_ARGS, chromiumPath } from '@contraspike/conformance/chromium';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

const executablePath = chromiumPath();

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
          // Playwright starts every run with a fresh temporary profile; see CHROMIUM_ARGS for the flags.
          args: [...CHROMIUM_ARGS],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
