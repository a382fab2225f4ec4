import { Command } from 'commander';
import { registerReplay } from './replay.js';
import { registerRun } from './run.js';
import { registerSweep } from './sweep.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('allora-sim')
    .description('Agent-based Monte Carlo simulator of the Allora network mechanism (whitepaper §3–§5).')
    .showHelpAfterError();
  registerRun(program);
  registerSweep(program);
  registerReplay(program);
  return program;
}
