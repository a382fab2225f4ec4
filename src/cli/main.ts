#!/usr/bin/env node
// allora-sim command-line entry point: parse, call, print. No logic here.
import { buildProgram } from './program.js';

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`allora-sim: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
