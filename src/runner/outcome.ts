// How a sweep ends when it does not succeed: the summary every outcome carries, a failed run's record, the
// two errors (some runs failed: exit 1; interrupted: exit 130 / 143) and their messages. Light on purpose:
// the command line loads it (through shard.ts) without the runner.

import { packageInfo } from '../scenario/paths.js';
import { describePoint, pointAt, type GridPoint, type GridValue, type Sweep } from './grid.js';

export interface RunFailure {
  point: number;
  replicate: number;
  seed: number;
  /** The point's values, keyed by full dotted path. */
  values: Record<string, GridValue>;
  /** `p=1.5, alpha=0.1` (names as typed). */
  where: string;
  error: string;
}

export interface RunSummary {
  out: string;
  points: number;
  replicates: number;
  total: number;
  /** Runs executed (and succeeded) in this call. */
  ran: number;
  /** Runs skipped because their part file existed (resume). */
  skipped: number;
  failures: RunFailure[];
  /** Runs neither done nor failed (interrupted / fail-fast). */
  pending: number;
  /** Final files written in `out` (tables, summary.csv, manifest.json); empty unless the sweep succeeded
   *  (manifest.json alone when runs failed). */
  outputs: string[];
  elapsedMs: number;
}

/** Some runs failed: `failures` lists them; exit code 1. The finished runs are kept in `.runs/`. */
export class SweepFailedError extends Error {
  readonly exitCode = 1;
  constructor(
    message: string,
    readonly summary: RunSummary,
  ) {
    super(message);
    this.name = 'SweepFailedError';
  }
}

/** SIGINT / SIGTERM / abort: finished runs are kept; exit code 130 (SIGINT, abort) or 143 (SIGTERM). */
export class SweepInterruptedError extends Error {
  constructor(
    message: string,
    readonly signal: string,
    readonly exitCode: number,
    readonly summary: RunSummary,
  ) {
    super(message);
    this.name = 'SweepInterruptedError';
  }
}

/** The tool's version (package.json). */
export function toolVersion(): string {
  return packageInfo().version;
}

/** How to run one failed run alone: `run` with the point's values and its seed. */
export function reproduce(sweep: Sweep, point: GridPoint, seed: number): string {
  const sets = sweep.axes.map((a) => ` --set ${a.name}=${String(point.values[a.key])}`).join('');
  return `alone: run <scenario>${sets} --run-seed ${seed}`;
}

/** The first line of an error message (a job's error may span lines). */
export function oneLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** The record of a failed run, and the line logged as it happens. */
export function runFailure(sweep: Sweep, p: number, r: number, seed: number, error: string): { failure: RunFailure; line: string } {
  const point = pointAt(sweep, p);
  const where = describePoint(sweep, point);
  const failure: RunFailure = { point: p, replicate: r, seed, values: point.values, where, error };
  return { failure, line: `run failed: point ${p} (${where}), replicate ${r}, seed ${seed} [${reproduce(sweep, point, seed)}]: ${oneLine(error)}` };
}

/** Runs failed (or were left pending by fail-fast): the error listing the first 20, with how to re-run. */
export function sweepFailed(s: RunSummary, sweep: Sweep, o: { manifestPath: string; runsDir: string; resumeHint: string }): SweepFailedError {
  const shown = s.failures
    .slice(0, 20)
    .map((f) => `  point ${f.point} (${f.where}), replicate ${f.replicate}, seed ${f.seed} [${reproduce(sweep, pointAt(sweep, f.point), f.seed)}]: ${oneLine(f.error)}`);
  if (s.failures.length > 20) shown.push(`  … and ${s.failures.length - 20} more (see ${o.manifestPath})`);
  const pendingNote = s.pending > 0 ? `; ${s.pending} runs not started (fail-fast)` : '';
  return new SweepFailedError(
    `${s.failures.length} of ${s.total} runs failed${pendingNote}; no CSV outputs were written (finished runs are kept in ${o.runsDir}; ${o.resumeHint} to re-run only the missing ones):\n${shown.join('\n')}`,
    s,
  );
}

/** The interruption error: `how` is e.g. `interrupted by SIGINT: 3 of 8 runs finished and kept in …`. */
export function sweepInterrupted(message: string, signal: string, s: RunSummary): SweepInterruptedError {
  return new SweepInterruptedError(message, signal, signal === 'SIGTERM' ? 143 : 130, s);
}
