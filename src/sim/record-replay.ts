// A simulated run written in the replay format (docs/replay-format.md), so any run can be replayed:
// `allora-sim run --record-replay` and the library's `recordReplay`. The first row is the first rewarded
// epoch with the state it carries (regrets, network loss, listening coefficients, smoothed fractions, τ);
// every row holds that epoch's inputs (target, inferences, forecasts, stakes in force, reports of the
// previous epoch's objects, topic emission) and every derived quantity, so `replay` with either carry mode
// recomputes the run's synthesis and rewards from it.

import { createPopulation } from '../agents/index.js';
import type { Scenario } from '../scenario/schema.js';
import { ciPercentiles } from '../engine/synthesis.js';
import { objectNames, replayColumns, reporterColumn } from '../scenario/replay-columns.js';
import { rewardOutputColumns } from './replay-rewards.js';
import { synthesisValues } from './replay.js';
import { stepParams } from './simulate.js';
import { initialState, roster, step } from './step.js';

export interface RecordedReplay {
  columns: string[];
  /** One row per epoch from the first rewarded one, in `columns` order (NaN = empty cell). */
  rows: Float64Array[];
  /** The epoch of the first row. */
  firstEpoch: number;
}

/** Runs `s` with `seed` and records every epoch from the first rewarded one in the replay format. */
export function recordReplay(s: Scenario, seed: number | string): RecordedReplay {
  const pop = createPopulation(s, seed);
  const ids = roster(pop);
  const prm = stepParams(s);
  const nI = ids.inferers.length;
  const nF = ids.forecasters.length;
  const nR = ids.reputers.length;
  const cols = replayColumns(nI, nF, nR, ciPercentiles(s.mechanism).length);
  const index = new Map(cols.all.map((c, i) => [c, i]));
  const names = objectNames(nI, nF);
  const rows: Float64Array[] = [];
  let firstEpoch = 0;
  let state = initialState(pop);
  for (let e = 1; e <= s.epochs; e++) {
    const { state: next, record: r } = step(state, pop, ids, prm);
    state = next;
    if (!r.rewards || !r.reports || !r.networkLosses) continue;
    if (rows.length === 0) firstEpoch = r.epoch;
    const row = new Float64Array(cols.all.length).fill(NaN);
    const put = (c: string, v: number): void => {
      const i = index.get(c);
      if (i !== undefined) row[i] = v;
    };
    put('epoch', r.epoch);
    put('target', r.world.target);
    r.inferences.forEach((v, j) => put(`inference_${j}`, v));
    for (let k = 0; k < nF; k++) for (let j = 0; j < nI; j++) put(`forecasted_loss_${k}_for_${j}`, r.forecasts[k * nI + j]);
    r.stakes.forEach((v, m) => put(`reputer_stake_${m}`, v));
    const nObj = names.length;
    for (let m = 0; m < nR; m++) for (let o = 0; o < nObj; o++) put(reporterColumn(m, names[o].report), r.reports[m * nObj + o]);
    synthesisValues({ nI, nF }, r.synthesis, r.networkLosses, next.regrets, put);
    for (const [c, v] of Object.entries(rewardOutputColumns(r.rewards))) put(c, v);
    rows.push(row);
  }
  return { columns: cols.all, rows, firstEpoch };
}
