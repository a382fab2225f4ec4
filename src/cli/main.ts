#!/usr/bin/env -S node --single-threaded-gc
// allora-sim command-line entry point: parse, call, print; errors become exit codes through src/cli/errors.ts.
// Start-up is kept small: each command's action loads what it needs (src/cli/*.ts import only option
// parsers and help texts), and `--version` alone does not even build the command tree.
import { packageInfo } from '../scenario/paths.js';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${packageInfo().version}\n`);
  process.exit(0);
}

const { buildProgram, COMMANDS } = await import('./program.js');
const { exitReport } = await import('./errors.js');
const command = args.find((a) => (COMMANDS as readonly string[]).includes(a));

function fail(err: unknown): never {
  const r = exitReport(err, command);
  for (const l of r.lines) process.stderr.write(`allora-sim: ${l}\n`);
  if (process.env.ALLORA_SIM_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exit(r.code);
}

// A closed stdout (`allora-sim … | head`) is not an error of the run.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
});

if (args.length === 0) {
  process.stderr.write(`allora-sim: no command given (one of ${COMMANDS.join(', ')})\nallora-sim: see 'allora-sim --help'\n`);
  process.exit(2);
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  fail(err);
}
