import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI tests start the built benchmark (and python3 when present) on a loaded 2-core machine.
    testTimeout: 120_000,
  },
});
