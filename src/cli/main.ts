#!/usr/bin/env -S node --single-threaded-gc
// allora-sim command-line entry point: parse, call, print. No logic here.
import { buildProgram } from './program.js';
import { isInputError } from '../scenario/errors.js';

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    if (isInputError(err)) {
      process.stderr.write(`allora-sim: ${err.message}\n`);
      process.exit(2);
    }
    const code = (err as { exitCode?: unknown }).exitCode;
    if (typeof code === 'number') {
      // Failed or interrupted runs: the message says which, and how to resume.
      process.stderr.write(`allora-sim: ${(err as Error).message}\n`);
      process.exit(code);
    }
    process.stderr.write(`allora-sim: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
