/**
 * The benchmark cases in headless Chromium: gpujs on WebGL2 next to js in the same page.
 *   pnpm --filter @contraspike/backend-gpujs bench:browser
 * Here WebGL2 is SwiftShader, a GPU emulated on the CPU: the numbers show what the browser path
 * costs without a GPU, not what a GPU does.
 */
import { jsBackend } from '@contraspike/backend-js';
import type { Backend } from '@contraspike/core';
import { it } from 'vitest';
import { gpujsBackend } from '../src/index.js';
import { cases, measure, type Row, table } from './cases.js';

it('benchmark: js and gpujs:webgl2 in the browser', async () => {
  const repeats = 15;
  const backends: Backend[] = [jsBackend.create(), await gpujsBackend.create({ mode: 'webgl2' }, { auto: false })];
  const list = cases();
  const rows: Row[] = backends.flatMap((b) => {
    const r = measure(list, b, repeats);
    b.dispose();
    return r;
  });
  const { userAgent } = (globalThis as unknown as { navigator: { userAgent: string } }).navigator;
  console.log(`${userAgent}; first call, then median of ${repeats} (ms)`);
  console.log(
    table(
      list,
      rows,
      backends.map((b) => b.name),
    ).join('\n'),
  );
}, 600_000);
