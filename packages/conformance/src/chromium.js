/**
 * How the repository's browser tests start Chromium (Node-only; its own entry point, so the suite
 * itself stays browser-safe): Debian's `chromium` package or the binary named by CHROMIUM_PATH,
 * with the flags that keep it off the network (this machine has none) and let it render WebGL2
 * with SwiftShader. Used by backend-gpujs's browser tests and the playground's end-to-end test.
 * Plain JavaScript (typed by chromium.d.ts): Vite loads config files' workspace imports with Node
 * itself, which runs no TypeScript.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-swiftshader',
]);

/** The Chromium binary to run; throws an Error saying how to get one when it is missing. */
export function chromiumPath() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `Browser tests need Chromium at ${path}: install Debian's package (apt-get install chromium) ` +
        'or set CHROMIUM_PATH to a Chromium or Chrome binary.',
    );
  }
  return path;
}
