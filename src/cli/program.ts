import { Command } from 'commander';
import { packageInfo } from '../scenario/paths.js';
import { registerAttacks } from './attacks.js';
import { registerCheck } from './check.js';
import { registerMerge } from './merge.js';
import { registerReplay } from './replay.js';
import { registerRun } from './run.js';
import { registerSweep } from './sweep.js';

/** The sub-commands. */
export const COMMANDS = ['run', 'figures', 'sweep', 'merge', 'replay', 'check', 'attacks'] as const;

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('allora-sim')
    .description('Agent-based Monte Carlo simulator of the Allora network mechanism (whitepaper §3–§5).')
    .version(packageInfo().version)
    // Usage errors are thrown (src/cli/errors.ts prints one line and exits 2), not printed by commander.
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .addHelpText(
      'after',
      `
Examples:
  allora-sim figures                                    reproduce Figures 2–4 into output/
  allora-sim run scenarios/figure2-3.yaml --seeds 100   the §3.3 experiment over 100 seeds
  allora-sim sweep scenarios/figure2-3.yaml --grid p=2,3,4 --grid alpha=0.05,0.1 --seeds 8
  allora-sim replay rows.csv -o out.csv --carry input   recorded rows through the mechanism
  allora-sim check scenarios/figure2-3.yaml --baseline baselines/figure2-3.json

Profiles: --profile reference (default; reproduces the reference rows) or whitepaper (the text read literally).
Exit codes: 0 done, 1 a run failed or a regression, 2 bad input, 130/143 interrupted (resume with --resume).`,
    );
  registerRun(program);
  registerSweep(program);
  registerReplay(program);
  registerCheck(program);
  registerMerge(program); // sharded sweeps (src/cli/merge.ts)
  registerAttacks(program);
  return program;
}
