import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/cli.ts', 'src/bench-learn.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  clean: true,
  sourcemap: true,
  // The seed's example inputs come from the conformance fixtures; bundle them into the CLI.
  noExternal: ['@contraspike/conformance'],
  banner: { js: '#!/usr/bin/env node' },
});
