// `allora-sim replay`: recorded topic rows through the exact mechanism (docs/replay-format.md). The input is
// streamed row by row and the output written atomically, so memory stays flat in rows and a failure leaves no
// output file. Every failure is one line: bad input exit 2, anything else exit 1.
import type { Command } from 'commander';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { forMessage, openReplayFile } from '../scenario/replay-csv.js';
import { mechanismFromCommandLine } from '../scenario/mechanism.js';
import { InputError, isInputError } from '../scenario/errors.js';
import { projectRoot } from '../scenario/paths.js';
import { Replayer, type CarryMode } from '../sim/replay.js';
import { AtomicCsvWriter } from '../output/csv.js';
import { WriteFailedError } from '../io/files.js';
import { collect } from './options.js';

/** The shipped example input, relative to the working directory when that is shorter. */
export function replayExamplePath(): string {
  const abs = resolve(projectRoot(), 'examples/replay/reference-300-303.csv');
  const rel = relative(process.cwd(), abs);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

/** A replay that failed for a reason other than its input (exit 1). */
export class ReplayFailed extends Error {
  readonly exitCode = 1;
}

/** The output path must name a file that is not a directory and not the input itself. */
function checkOutput(input: string, output: string): void {
  if (output.trim() === '') throw new InputError(`-o/--output: must name the output CSV file (got an empty path)`);
  if (existsSync(output)) {
    const st = statSync(output);
    if (st.isDirectory())
      throw new InputError(`${forMessage(output, 200)}: -o/--output names a directory; give the output CSV file's path`);
    // The output replaces the target by a rename: never do that to a device, a pipe or a socket.
    if (!st.isFile())
      throw new InputError(`${forMessage(output, 200)}: -o/--output is not a regular file (a device, pipe or socket); give a file path`);
    let same = false;
    try {
      same = realpathSync(output) === realpathSync(input);
    } catch {
      same = false;
    }
    if (same) throw new InputError(`${forMessage(output, 200)}: -o/--output is the input file; write the replay to another file`);
  }
}

async function runReplay(input: string, output: string, carry: CarryMode, params: ReturnType<typeof mechanismFromCommandLine>): Promise<number> {
  checkOutput(input, output);
  const source = await openReplayFile(input);
  const replayer = new Replayer(source.header, { carry, params });
  const writer = new AtomicCsvWriter(output, replayer.columns);
  // Interrupted: drop the temporary file, so nothing half-written is left; exit 130 (SIGINT) or 143 (SIGTERM).
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    writer.abort();
    process.stderr.write(`allora-sim: replay interrupted (${signal}); no output written to ${forMessage(output, 200)}\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  const onSigint = (): void => onSignal('SIGINT');
  const onSigterm = (): void => onSignal('SIGTERM');
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigterm);
  let rows = 0;
  let line = 0;
  try {
    for await (const row of source.rows) {
      line = row.line;
      let out: Float64Array;
      try {
        out = replayer.push(row.values);
      } catch (e) {
        if (isInputError(e)) throw e;
        throw new ReplayFailed(
          `${forMessage(input, 200)}: row ${line}: the replay failed (${forMessage(e instanceof Error ? e.message : String(e), 160)})`,
        );
      }
      await writer.write(Array.from(out));
      rows++;
    }
    await writer.commit();
  } catch (e) {
    writer.abort();
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  }
  process.stderr.write(`replay: ${rows} rows × ${replayer.columns.length} columns → ${output}\n`);
  return rows;
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
      if (opts.carry !== 'computed' && opts.carry !== 'input')
        throw new InputError(`--carry: must be one of computed, input (got '${forMessage(opts.carry)}')`);
      const params = mechanismFromCommandLine(opts.profile, opts.set, 'replay');
      try {
        await runReplay(input, opts.output, opts.carry, params);
      } catch (e) {
        if (isInputError(e) || e instanceof ReplayFailed || e instanceof WriteFailedError) throw e;
        // Nothing else may reach the user as a stack trace: one line naming the output path.
        const code = (e as NodeJS.ErrnoException).code;
        const what = code ?? forMessage(e instanceof Error ? e.message : String(e), 160);
        throw new ReplayFailed(`${forMessage(opts.output, 200)}: the replay failed (${what})`);
      }
    });
}
