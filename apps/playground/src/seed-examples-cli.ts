/**
 * `pnpm demo -- --seed-examples` (was `pnpm demo` before the MNIST demo): runs the seed's examples
 * through contraspike and prints what ran where.
 *   contraspike-demo --seed-examples [--backend NAME] [--json] [--help]
 */
import { parseArgs } from 'node:util';
import { getBackend, listBackends } from '@contraspike/core';
import { backendUsage, chooseBackend } from './backends.js';
import { runSeedExamples } from './demo.js';
import { UsageError } from './train-cli.js';

const HELP = `contraspike demo: the seed library's SpikeContrastiveLoss and CSDPRule examples, through contraspike.

Usage: pnpm demo -- --seed-examples [--backend NAME] [--json]

Options:
  --backend NAME  run on this backend (default: automatic selection; available: ${backendUsage()})
  --json          print one JSON object instead of text
  -h, --help      show this help`;

export async function seedExamplesMain(argv: string[]): Promise<number> {
  let values: { backend?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { backend: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }

  const backend = await chooseBackend(values.backend);
  const result = runSeedExamples(backend);

  if (values.json) {
    console.log(JSON.stringify(result));
    return 0;
  }
  const caps = backend.capabilities;
  const others = listBackends()
    .map((b) => `${b.name}${b.active ? ' (active)' : ''}`)
    .join(', ');
  const f = (x: number, d = 6) => x.toFixed(d);
  console.log(
    `contraspike demo — backend: ${getBackend().name} (${caps.device}, ${caps.storage} storage, ${caps.accumulation} sums)`,
  );
  console.log(`registered backends: ${others}\n`);
  console.log(`1. SpikeContrastiveLoss(temperature=0.5) on ${result.loss.batch}×${result.loss.features} spike rates`);
  console.log(`   Contrastive loss: ${f(result.loss.value, 3)}`);
  console.log(
    `   seed (numpy, float64): ${f(result.loss.seed)}   contraspike: ${f(result.loss.value)}   |Δ| = ${Math.abs(result.loss.value - result.loss.seed).toExponential(1)}\n`,
  );
  const [rows, cols] = result.csdp.shape;
  console.log(`2. CSDPRule(lr=0.01, decay=0.001).contrastiveStep on W of ${rows}×${cols} (n_post × n_pre)`);
  console.log(
    `   Pos goodness: ${result.csdp.posGoodness.toFixed(2)}   (seed: ${result.csdp.seedPosGoodness.toFixed(2)})`,
  );
  console.log(`   Neg goodness: ${result.csdp.negGoodness.toFixed(2)}`);
  console.log(
    `   mean |ΔW| = ${result.csdp.meanAbsChange.toExponential(3)}; max |W − seed's W| = ${result.csdp.maxDeviation.toExponential(1)}`,
  );
  return 0;
}
