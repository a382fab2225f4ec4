// `allora-sim replay`: recorded topic rows through the exact mechanism.
import type { Command } from 'commander';
import { readReplayTable } from '../scenario/replay-csv.js';
import { mechanismFromCommandLine } from '../scenario/mechanism.js';
import { InputError } from '../scenario/errors.js';
import { replay, type CarryMode } from '../sim/replay.js';
import { writeCsv } from '../output/csv.js';
import { collect } from './options.js';


export function registerReplay(program: Command): void {
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
    .option('--profile <name>', 'mechanism profile: reference (reproduces the reference rows) or whitepaper', 'reference')
    .option('--set <key=value>', 'override one mechanism parameter, e.g. --set p=2.5 --set guard_rails=false (repeatable)', collect, [])
    .addHelpText(
      'after',
      '\nExit codes: 0 done, 2 bad input (one line naming the file, row and column).',
    )
    .action(async (input: string, opts: { output: string; carry: string; profile: string; set: string[] }) => {
      if (opts.carry !== 'computed' && opts.carry !== 'input')
        throw new InputError(`--carry: must be one of computed, input (got '${opts.carry}')`);
      const params = mechanismFromCommandLine(opts.profile, opts.set, 'replay');
      const table = readReplayTable(input);
      const out = replay(table, { carry: opts.carry as CarryMode, params });
      await writeCsv(opts.output, out.columns, out.rows.map((r) => Array.from(r)));
      process.stderr.write(`replay: ${out.rows.length} rows × ${out.columns.length} columns → ${opts.output}\n`);
    });
}
