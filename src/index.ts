// The library API of allora-sim: load a scenario, simulate it epoch by epoch, record a run in the replay
// format, and the engine's functions. See README "Using allora-sim as a library".

import { anyScenarioFromObject, loadAnyScenario, type LoadOptions, type LoadedScenario } from './scenario/load.js';
import type { Scenario } from './scenario/schema.js';
import { epochRecords } from './sim/simulate.js';
import type { EpochRecord } from './sim/record.js';

export * as engine from './engine/index.js';
export { epochRecords } from './sim/simulate.js';
export { recordReplay, type RecordedReplay } from './sim/record-replay.js';
export type { EpochRecord, SimState } from './sim/record.js';
export type { Scenario, LoadOptions, LoadedScenario };

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
