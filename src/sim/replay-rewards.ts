// Reward-state and reward-column helpers of the replay format (docs/replay-format.md): reading a row's
// reward inputs and carried state, and naming an epoch's reward outputs. Rows are plain records
// column → number (empty cell = NaN).

import {
  workerScores,
  type EpochRewardInput,
  type EpochRewardOutputs,
  type RewardState,
} from '../engine/rewards.js';
import { objectLayout, stakeWeightedLosses } from '../engine/synthesis.js';
import type { MechanismParams } from '../engine/params.js';
import { objectNames as replayObjectNames } from '../scenario/replay-columns.js';

/** Report suffixes of the objects in layout order: a reputer's report column is `reputer_<m>_loss_<name>`. */
export const objectNames = (nI: number, nF: number): string[] => replayObjectNames(nI, nF).map((o) => o.report);

/** Network-loss (eq 14) column names in layout order. */
export const networkLossColumnNames = (nI: number, nF: number): string[] =>
  replayObjectNames(nI, nF).map((o) => o.loss);


export type Row = Record<string, number>;

const col = (row: Row, name: string): number => {
  const v = row[name];
  return v === undefined ? NaN : v;
};

/** Network losses (eq 14) of a golden row, in the object layout. */
export function networkLossesFromRow(row: Row, nI: number, nF: number): Float64Array {
  return Float64Array.from(networkLossColumnNames(nI, nF), (c) => col(row, c));
}

/** The epoch inputs of a golden row: `reputer_stake_m`, `reputer_m_loss_<object>`, `topic_rewards`. With
 *  `useRowNetworkLosses` the row's own `network_loss*` columns are passed as ℓ (otherwise they are recomputed). */
export function rewardInputFromRow(row: Row, nI: number, nF: number, nR: number, useRowNetworkLosses = false): EpochRewardInput {
  const names = objectNames(nI, nF);
  const nObj = names.length;
  const losses = new Float64Array(nR * nObj);
  const stakes = new Float64Array(nR);
  for (let m = 0; m < nR; m++) {
    stakes[m] = col(row, `reputer_stake_${m}`);
    for (let j = 0; j < nObj; j++) losses[m * nObj + j] = col(row, `reputer_${m}_loss_${names[j]}`);
  }
  return {
    nI,
    nF,
    nR,
    stakes,
    losses,
    networkLosses: useRowNetworkLosses ? networkLossesFromRow(row, nI, nF) : undefined,
    topicReward: col(row, 'topic_rewards'),
  };
}

/** The participating worker scores of a row (eqs 22–26), computed from its network losses — what the σ history
 *  stores for that epoch. Uses `network_loss*` columns if present, else recomputes them from the reports. */
export function rowScoreSamples(row: Row, nI: number, nF: number, nR: number, params: MechanismParams): { inferer: Float64Array; forecaster: Float64Array } {
  const names = networkLossColumnNames(nI, nF);
  let ell = networkLossesFromRow(row, nI, nF);
  if (names.some((c) => row[c] === undefined)) {
    const inp = rewardInputFromRow(row, nI, nF, nR);
    ell = stakeWeightedLosses(inp.losses, inp.stakes, ell.length);
  }
  const ws = workerScores(ell, objectLayout(nI, nF), params);
  return {
    inferer: ws.inferer.filter((_, j) => ws.infererActive[j] === 1),
    forecaster: ws.forecaster.filter((_, k) => ws.forecasterActive[k] === 1),
  };
}

/**
 * Carried state read from a golden row (the replay's first row, or every previous input row with
 * `--carry input`): `reputer_listening_coefficient_m`, `inferer|forecaster|reputer_reward_fraction_smooth_*`,
 * `forecaster_score_ratio`. The score history defaults to that row's own scores (`rowScoreSamples`); pass
 * `history` (newest first) to supply a longer one built from earlier rows.
 */
export function rewardStateFromRow(
  row: Row,
  nI: number,
  nF: number,
  nR: number,
  params: MechanismParams,
  history?: { inferer: Float64Array[]; forecaster: Float64Array[] },
): RewardState {
  const arr = (n: number, f: (i: number) => string) => Float64Array.from({ length: n }, (_, i) => col(row, f(i)));
  const own = history ?? (() => {
    const s = rowScoreSamples(row, nI, nF, nR, params);
    return { inferer: [s.inferer], forecaster: [s.forecaster] };
  })();
  return {
    listening: arr(nR, (m) => `reputer_listening_coefficient_${m}`),
    smoothInferer: arr(nI, (j) => `inferer_reward_fraction_smooth_${j}`),
    smoothForecaster: arr(nF, (k) => `forecaster_reward_fraction_smooth_${k}`),
    smoothReputer: arr(nR, (m) => `reputer_reward_fraction_smooth_${m}`),
    tau: Number.isFinite(col(row, 'forecaster_score_ratio')) ? col(row, 'forecaster_score_ratio') : 0,
    infererScoreHistory: own.inferer,
    forecasterScoreHistory: own.forecaster,
  };
}

/** The golden reward columns of one epoch's outputs (full float64; NaN = empty cell). */
export function rewardOutputColumns(o: EpochRewardOutputs): Row {
  const r: Row = {};
  const put = (prefix: string, xs: ArrayLike<number>) => {
    for (let i = 0; i < xs.length; i++) r[`${prefix}${i}`] = xs[i];
  };
  put('inferer_score_', o.infererScores);
  put('forecaster_score_', o.forecasterScores);
  put('inferer_reward_fraction_', o.infererFractions);
  put('forecaster_reward_fraction_', o.forecasterFractions);
  put('reputer_listening_coefficient_', o.listening);
  put('reputer_adjusted_stake_', o.adjustedStakes);
  put('reputer_score_', o.reputerScores);
  put('reputer_reward_fraction_', o.reputerFractions);
  put('inferer_reward_fraction_smooth_', o.smoothInferer);
  put('forecaster_reward_fraction_smooth_', o.smoothForecaster);
  put('reputer_reward_fraction_smooth_', o.smoothReputer);
  r.inferers_entropy = o.infererEntropy;
  r.forecasters_entropy = o.forecasterEntropy;
  r.reputers_entropy = o.reputerEntropy;
  r.forecaster_task_score = o.forecastTaskScore;
  r.forecaster_score_ratio = o.tau;
  r.forecasters_utility = o.chi;
  r.inferers_reward_fraction = o.infererClassFraction;
  r.forecasters_reward_fraction = o.forecasterClassFraction;
  r.reputers_reward_fraction = o.reputerClassFraction;
  r.topic_rewards = o.topicReward;
  put('inferer_reward_', o.infererRewards);
  put('forecaster_reward_', o.forecasterRewards);
  put('reputer_reward_', o.reputerRewards);
  return r;
}
