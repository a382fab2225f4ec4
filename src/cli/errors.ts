// How an error becomes what the user sees: one table from error to exit code and message lines. Exit codes:
// 0 done, 1 a run failed (or a regression), 2 bad input, 130/143 interrupted. No stack trace is printed
// unless ALLORA_SIM_DEBUG is set.

import { CommanderError } from 'commander';
import { isInputError, printable } from '../scenario/errors.js';

export interface ExitReport {
  code: number;
  /** Lines for stderr (without the `allora-sim: ` prefix), or none. */
  lines: string[];
}

/** errno codes of a destination that cannot be used (bad input) or of a failing device (a failed run). */
const BAD_PLACE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EISDIR', 'EEXIST', 'ENAMETOOLONG', 'ELOOP', 'ENOENT']);
const DEVICE = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EFBIG', 'EMFILE', 'ENFILE']);

/** Commander's message as one line: "unknown option '--sed' (Did you mean --seed?)". */
function usageLine(err: CommanderError): string {
  return err.message
    .replace(/^error:\s*/, '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');
}

/** The exit code and message lines of an error that reached the CLI. `command` names the sub-command, for
 *  the `--help` pointer. */
export function exitReport(err: unknown, command?: string): ExitReport {
  const help = `see 'allora-sim${command ? ` ${command}` : ''} --help'`;
  if (err instanceof CommanderError) {
    if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return { code: 0, lines: [] };
    return { code: 2, lines: [printable(usageLine(err), 400), help] };
  }
  if (isInputError(err)) return { code: 2, lines: [oneLine(err.message)] };
  const e = err as NodeJS.ErrnoException & { exitCode?: unknown };
  if (e && typeof e === 'object' && typeof e.code === 'string' && typeof e.syscall === 'string') {
    // A file-system error that no command turned into its own message: name the path and what failed.
    const where = e.path ?? (e as { dest?: string }).dest ?? "(unknown path)";
    const what = DEVICE.has(e.code) ? 1 : BAD_PLACE.has(e.code) ? 2 : 1;
    return { code: what, lines: [`${printable(String(where), 300)}: cannot ${e.syscall} (${e.code})`] };
  }
  if (e && typeof e.exitCode === 'number') {
    // Failed or interrupted runs, regressions: the message says which, and how to resume.
    return { code: e.exitCode, lines: String((e as Error).message).split('\n').map((l) => printable(l, 1000)) };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 1, lines: [`internal error: ${oneLine(message)} (set ALLORA_SIM_DEBUG=1 for details)`] };
}

function oneLine(text: string): string {
  return printable(text.split('\n').join(' '), 1000);
}
