import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['test/mutants/*.spec.ts'], root: new URL('../..', import.meta.url).pathname },
});
