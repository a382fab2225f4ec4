// Column names of the replay format (docs/replay-format.md §2): the reference rows' own names, for any
// N_i, N_f, N_r, in the reference rows' order.

import { objectLayout, type ObjectLayout } from '../engine/synthesis.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Name of each eq-12 object in `objectLayout` order, as it appears in `reputer_<m>_loss_<name>` and in the loss columns. */
export interface ObjectName {
  /** Suffix of the reputer report column `reputer_<m>_loss_<report>`. */
  report: string;
  /** The stake-weighted loss column (eq. 14). */
  loss: string;
}

export function objectNames(nI: number, nF: number): ObjectName[] {
  const L = objectLayout(nI, nF);
  const out: ObjectName[] = new Array(L.count);
  out[L.network] = { report: 'network_inference', loss: 'network_loss' };
  out[L.naive] = { report: 'naive_network_inference', loss: 'network_naive_loss' };
  for (const j of range(nI)) out[L.inference + j] = { report: `inference_${j}`, loss: `inference_loss_${j}` };
  for (const k of range(nF)) {
    out[L.forecastImplied + k] = {
      report: `forecast_implied_inference_${k}`,
      loss: `forecast_implied_inference_loss_${k}`,
    };
    for (const j of range(nI))
      out[L.forecastImpliedOneOut + k * nI + j] = {
        report: `forecast_implied_inference_${k}_oneout_${j}`,
        loss: `forecast_implied_inference_loss_${k}_oneout_${j}`,
      };
    out[L.naiveOneIn + k] = {
      report: `naive_network_inference_onein_${k}`,
      loss: `network_naive_loss_onein_${k}`,
    };
  }
  for (const l of range(nI + nF))
    out[L.networkOneOut + l] = { report: `network_inference_oneout_${l}`, loss: `network_loss_oneout_${l}` };
  return out;
}

/** The object indices in the order the reference rows list reputer reports (and losses). */
function reportGroups(L: ObjectLayout): number[][] {
  const { nI, nF } = L;
  return [
    range(nI).map((j) => L.inference + j),
    range(nF).map((k) => L.forecastImplied + k),
    range(nF * nI).map((i) => L.forecastImpliedOneOut + i),
    [L.network],
    [L.naive],
    range(nI + nF).map((l) => L.networkOneOut + l),
    range(nF).map((k) => L.naiveOneIn + k),
  ];
}

export const reporterColumn = (m: number, report: string): string => `reputer_${m}_loss_${report}`;

export interface ReplayColumns {
  /** Participant inputs: `epoch`, `target`, `inference_j`, `forecasted_loss_k_for_j`. */
  submissions: string[];
  /** `reputer_stake_m` and every `reputer_m_loss_<object>`. */
  reports: string[];
  /** Every column of the format, in the reference rows' order. */
  all: string[];
  /** The reward-section columns (eqs. 22–47), in order. */
  rewards: string[];
}

export function replayColumns(nI: number, nF: number, nR: number, nPercentiles: number): ReplayColumns {
  const L = objectLayout(nI, nF);
  const names = objectNames(nI, nF);
  const I = range(nI);
  const F = range(nF);
  const R = range(nR);
  const W = range(nI + nF);

  const submissions = [
    'epoch',
    'target',
    ...I.map((j) => `inference_${j}`),
    ...F.flatMap((k) => I.map((j) => `forecasted_loss_${k}_for_${j}`)),
  ];
  const synthesis = [
    ...F.map((k) => `forecast_implied_inference_${k}`),
    ...F.flatMap((k) => I.map((j) => `forecast_implied_inference_${k}_oneout_${j}`)),
    'network_inference',
    ...range(nPercentiles).map((i) => `network_inference_errorbar_${i}`),
    'network_naive_inference',
    ...W.map((l) => `network_inference_oneout_${l}`),
    ...F.map((k) => `network_naive_inference_onein_${k}`),
    'network_loss',
  ];
  const groups = reportGroups(L);
  const reports = [
    ...R.map((m) => `reputer_stake_${m}`),
    ...groups.flatMap((g) => R.flatMap((m) => g.map((o) => reporterColumn(m, names[o].report)))),
  ];
  const losses = groups
    .flat()
    .filter((o) => o !== L.network)
    .map((o) => names[o].loss);
  const regrets = [
    ...F.flatMap((k) => I.map((j) => `forecasted_regret_${k}_inferer_${j}`)),
    ...W.map((l) => `inference_regret_worker_${l}`),
    ...I.map((j) => `naive_inference_regret_worker_${j}`),
    ...W.flatMap((m) => W.map((l) => `inference_regret_worker_${l}_oneout_${m}`)),
    ...F.flatMap((k) => range(nI + 1).map((j) => `inference_regret_worker_${j}_onein_${k}`)),
  ];
  const rewardsHead = [
    ...I.map((j) => `inferer_score_${j}`),
    ...F.map((k) => `forecaster_score_${k}`),
    ...I.map((j) => `inferer_reward_fraction_${j}`),
    ...F.map((k) => `forecaster_reward_fraction_${k}`),
    ...R.map((m) => `reputer_listening_coefficient_${m}`),
    ...R.map((m) => `reputer_adjusted_stake_${m}`),
    ...R.map((m) => `reputer_score_${m}`),
    ...R.map((m) => `reputer_reward_fraction_${m}`),
    ...I.map((j) => `inferer_reward_fraction_smooth_${j}`),
    ...F.map((k) => `forecaster_reward_fraction_smooth_${k}`),
    ...R.map((m) => `reputer_reward_fraction_smooth_${m}`),
    'inferers_entropy',
    'forecasters_entropy',
    'reputers_entropy',
    'forecaster_task_score',
    'forecaster_score_ratio',
    'forecasters_utility',
    'inferers_reward_fraction',
    'forecasters_reward_fraction',
    'reputers_reward_fraction',
  ];
  const rewardsTail = [
    ...I.map((j) => `inferer_reward_${j}`),
    ...F.map((k) => `forecaster_reward_${k}`),
    ...R.map((m) => `reputer_reward_${m}`),
  ];
  const all = [
    ...submissions,
    ...synthesis,
    ...reports,
    ...losses,
    ...regrets,
    ...rewardsHead,
    'topic_rewards',
    ...rewardsTail,
  ];
  return { submissions, reports, all, rewards: [...rewardsHead, ...rewardsTail] };
}
