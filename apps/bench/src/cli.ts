/**
 * contraspike benchmark suite: `pnpm bench [-- --json] [-- --only infonce,csdp_step] ...`
 * (see `--help`). Tables or JSON lines on stdout, progress on stderr.
 */
import { parseBenchArgs, USAGE, UsageError } from './args.js';
import { jsonLines, table } from './report.js';
import { runBench } from './suite.js';

async function main(): Promise<void> {
  let args: ReturnType<typeof parseBenchArgs>;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`contraspike-bench: ${error.message} (see --help)`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const result = await runBench(args, { log: (m) => console.error(m) });
  for (const line of args.json ? jsonLines(result) : table(result)) console.log(line);
}

main().catch((error: unknown) => {
  console.error(`contraspike-bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
