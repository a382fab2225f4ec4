// `allora-sim replay`: recorded topic rows through the exact mechanism (docs/replay-format.md). The input is
// streamed row by row and the output written atomically, so memory stays flat in rows and a failure leaves no
// output file. Every failure is one line: bad input exit 2, anything else exit 1.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { forMessage, openReplayFile } from '../scenario/replay-csv.js';
import { mechanismFromCommandLine } from '../scenario/mechanism.js';
import { InputError, isInputError } from '../scenario/errors.js';
import { Replayer, type CarryMode } from '../sim/replay.js';
import { AtomicCsvWriter } from '../output/csv.js';
import { WriteFailedError } from '../io/files.js';

export interface ReplayFlags {
  output: string;
  carry: string;
  profile: string;
  set: string[];
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

/** `replay <input> -o <output>`: checks the flags, replays, and turns any failure into one line. */
export async function replayCommand(input: string, opts: ReplayFlags): Promise<void> {
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
}
