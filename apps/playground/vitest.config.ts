import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // These tests start processes (npm, tsc, the built CLIs, short trainings); on a loaded 2-core
    // CI machine a few seconds is not enough.
    testTimeout: 120_000,
  },
});
