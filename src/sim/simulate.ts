// The epoch loop of an agents scenario: participants seated from the scenario, then `step` epoch after
// epoch; each record goes to the observers (tables, metrics, figures) and is not kept.

import { createPopulation, type Population } from '../agents/index.js';
import type { Scenario } from '../scenario/schema.js';
import type { EpochRecord, SimState } from './record.js';
import { initialState, roster, step, type StepParams } from './step.js';

export function stepParams(s: Scenario): StepParams {
  return {
    mechanism: s.mechanism,
    bootstrapSurrogateFirst: s.switches.bootstrap_surrogate_first,
    fcExpected: s.switches.fc_expected,
    visibility: s.adversaries
      ? { currentSubmissions: s.adversaries.visibility.current_submissions, currentReports: s.adversaries.visibility.current_reports }
      : undefined,
  };
}

/** The records of a run, one per epoch, produced lazily (memory flat in the number of epochs). */
export function* epochRecords(s: Scenario, seed: number | string, pop: Population = createPopulation(s, seed)): Generator<EpochRecord, SimState> {
  const ids = roster(pop);
  const prm = stepParams(s);
  let state = initialState(pop);
  for (let e = 1; e <= s.epochs; e++) {
    const r = step(state, pop, ids, prm);
    state = r.state;
    yield r.record;
  }
  return state;
}

/** Runs a scenario with `seed`, handing every record to `observe`. */
export function runRecords(s: Scenario, seed: number | string, observe: (rec: EpochRecord) => void): void {
  for (const rec of epochRecords(s, seed)) observe(rec);
}
