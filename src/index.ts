// The library API of allora-sim: load a scenario, simulate it epoch by epoch, record a run in the replay
// format, and the engine's functions. See README "Using allora-sim as a library".

import { anyScenarioFromObject, loadAnyScenario, type LoadOptions, type LoadedScenario } from './scenario/load.js';
import type { Scenario } from './scenario/schema.js';
import { epochRecords } from './sim/simulate.js';
import type { EpochRecord } from './sim/record.js';
import { parseReplayText, readReplayTable, type ReplayTable } from './scenario/replay-csv.js';
import { mechanismFromCommandLine } from './scenario/mechanism.js';
import { replay as replayTable, type CarryMode, type ReplayResult } from './sim/replay.js';

export * as engine from './engine/index.js';
export { epochRecords } from './sim/simulate.js';
export { recordReplay, type RecordedReplay } from './sim/record-replay.js';
export type { EpochRecord, SimState } from './sim/record.js';
export type { Scenario, LoadOptions, LoadedScenario, ReplayResult, CarryMode };

/**
 * A scenario from a file (YAML or JSON) or a plain object, validated and resolved exactly as the CLI does
 * (`opts.profile`, `opts.set` = the command line's `--profile`, `--set`). Bad input throws an InputError
 * whose message is the one line the CLI prints.
 */
export function loadScenario(pathOrObject: string | object, opts: LoadOptions = {}): LoadedScenario {
  return typeof pathOrObject === 'string' ? loadAnyScenario(pathOrObject, opts) : anyScenarioFromObject(pathOrObject, '<object>', opts);
}

/**
 * Every epoch's record of one run of an agents scenario with `seed` (the same numbers as `allora-sim run`
 * with `--run-seed seed`). For long runs iterate `epochRecords(scenario, seed)` instead: it keeps no record.
 */
export function simulate(scenario: Scenario, options: { seed: number }): EpochRecord[] {
  if (scenario.kind !== 'agents') throw new TypeError(`simulate: an agents scenario is needed (got kind '${String(scenario.kind)}')`);
  return [...epochRecords(scenario, options.seed)];
}

export interface ReplayApiOptions {
  /** 'computed' (default): carry the state this replay computes; 'input': each row's from the previous row. */
  carry?: CarryMode;
  /** Mechanism profile (default 'reference', which reproduces the reference rows). */
  profile?: string;
  /** Mechanism overrides as on the command line, e.g. ['p=2.5', 'guard_rails=false']. */
  set?: string[];
}

const cellText = (v: number | null | undefined): string => (v === null || v === undefined || Number.isNaN(v) ? '' : String(v));

/**
 * Recorded topic rows through the exact mechanism, as `allora-sim replay` (docs/replay-format.md): `rows` is
 * the path of a replay CSV, or the rows as objects `{ column: value }` (null / missing = empty cell). The
 * rows are checked exactly as the CLI checks a file; bad input throws an InputError with the CLI's line.
 */
export function replay(rows: string | readonly Record<string, number | null>[], options: ReplayApiOptions = {}): ReplayResult {
  let table: ReplayTable;
  if (typeof rows === 'string') table = readReplayTable(rows);
  else {
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const text = [columns.join(','), ...rows.map((r) => columns.map((c) => cellText(r[c])).join(','))].join('\n') + '\n';
    table = parseReplayText(text, '<rows>');
  }
  const params = mechanismFromCommandLine(options.profile ?? 'reference', options.set ?? [], 'replay');
  return replayTable(table, { carry: options.carry ?? 'computed', params });
}
