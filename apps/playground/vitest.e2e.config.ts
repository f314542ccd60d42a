/**
 * The end-to-end test of the built web page (`e2e/`), in Debian's headless Chromium (or the binary
 * named by CHROMIUM_PATH) driven by playwright-core:
 *   pnpm --filter @contraspike/playground build && pnpm --filter @contraspike/playground test:e2e
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    // Real trainings in a real browser on a loaded 2-core machine, gpu.js compiling its shaders on
    // a software GPU: minutes, not seconds, at worst.
    testTimeout: 600_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
