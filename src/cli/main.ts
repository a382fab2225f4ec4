#!/usr/bin/env -S node --single-threaded-gc
// allora-sim command-line entry point: parse, call, print; errors become exit codes through src/cli/errors.ts.
import { buildProgram, COMMANDS } from './program.js';
import { exitReport } from './errors.js';

const args = process.argv.slice(2);
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
