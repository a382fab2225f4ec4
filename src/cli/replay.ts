// `allora-sim replay`: parse, call. The command is src/commands/replay.ts.
import type { Command } from 'commander';
import { isAbsolute, relative, resolve } from 'node:path';
import { projectRoot } from '../scenario/paths.js';
import { collect } from './options.js';

/** The shipped example input, relative to the working directory when that is shorter. */
export function replayExamplePath(): string {
  const abs = resolve(projectRoot(), 'examples/replay/reference-300-303.csv');
  const rel = relative(process.cwd(), abs);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

export function registerReplay(program: Command): void {
  const example = replayExamplePath();
  program
    .command('replay')
    .summary('recorded topic rows through the exact mechanism: every intermediate quantity')
    .description(
      'Replay recorded topic rows (the reference-row format: inputs of every epoch, carried state in the first row)\n' +
        'through the mechanism and write every derived quantity, one output row per input row.',
    )
    .argument('<in.csv>', 'input rows; sizes N_i, N_f, N_r are read from the header; an empty cell = did not submit')
    .requiredOption('-o, --output <out.csv>', 'output CSV (written atomically: no partial file on failure)')
    .option(
      '--carry <mode>',
      "'computed': carry the state this replay computes from row to row; 'input': take each row's carried state from the previous input row",
      'computed',
    )
    .option('--profile <name>', 'mechanism profile: reference (reproduces the reference rows), whitepaper, chain or chain-latest (docs/mechanism.md, docs/chain.md)', 'reference')
    .option('--set <key=value>', 'override one mechanism parameter, e.g. --set p=2.5 --set guard_rails=false (repeatable)', collect, [])
    .addHelpText(
      'after',
      `\nTry it (a shipped example: the reference rows' inputs and the carried state of their first row):\n` +
        `  allora-sim replay ${example} -o replayed.csv\n` +
        `The example's README (examples/replay/README.md) says what comes out; the format is docs/replay-format.md.\n` +
        '\nExit codes: 0 done, 1 the replay failed, 2 bad input (one line naming the file, row and column).',
    )
    .action(async (input: string, opts: { output: string; carry: string; profile: string; set: string[] }) => {
      // Loaded when used: the replay pulls in the CSV parser and the mechanism.
      const { replayCommand } = await import('../commands/replay.js');
      await replayCommand(input, opts);
    });
}
