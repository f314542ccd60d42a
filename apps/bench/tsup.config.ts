import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  clean: true,
  sourcemap: true,
  // The tolerance helpers are TypeScript source in the private conformance package: bundle them.
  noExternal: ['@contraspike/conformance'],
  banner: { js: '#!/usr/bin/env node' },
});
