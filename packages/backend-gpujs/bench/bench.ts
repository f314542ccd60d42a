/**
 * gpujs benchmark in Node: per kernel and per mode (cpu, webasm), the first call on a fresh
 * backend (gpu.js compiles the kernel then) and the steady-state median, next to backend-js.
 *   pnpm --filter @contraspike/backend-gpujs bench [-- --json] [-- --repeats N] [-- --modes cpu,webasm]
 * The same cases in headless Chromium on WebGL2: pnpm --filter @contraspike/backend-gpujs bench:browser
 */
import { parseArgs } from 'node:util';
import { jsBackend } from '@contraspike/backend-js';
import type { Backend } from '@contraspike/core';
import { type GpujsMode, gpujsBackend } from '../src/index.js';
import { cases, measure, table } from './cases.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean' },
      repeats: { type: 'string', default: '15' },
      modes: { type: 'string', default: 'cpu,webasm' },
    },
  });
  const repeats = Number(values.repeats);
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new Error(`--repeats: expected a positive integer, got ${values.repeats}`);
  const backends: Backend[] = [jsBackend.create()];
  for (const mode of values.modes.split(','))
    backends.push(await gpujsBackend.create({ mode: mode as GpujsMode }, { auto: false }));
  const list = cases(); // the same inputs for every backend
  const rows = backends.flatMap((b) => {
    const r = measure(list, b, repeats);
    b.dispose();
    return r;
  });
  if (values.json) {
    for (const r of rows) console.log(JSON.stringify(r));
    return;
  }
  console.log(
    `node ${process.version}, ${process.platform}/${process.arch}; first call, then median of ${repeats} (ms)`,
  );
  for (const line of table(
    list,
    rows,
    backends.map((b) => b.name),
  ))
    console.log(line);
}

main().catch((error: unknown) => {
  console.error(`backend-gpujs bench: ${(error as Error).message}`);
  process.exitCode = 1;
});
