// The epoch loop of the whitepaper's numerical experiment (§3.3, §4; Figures 2 and 3):
// agents → engine (synthesis, reported losses, regrets, rewards, stake growth) → rows.
//
// Timing follows the reference rows (docs/agents.md): epoch i synthesises with the state of epoch i−1, and the
// losses of epoch i−1's objects are reported in epoch i. Rewards (and emission) start at the first epoch whose
// reports cover every object (docs/agents.md #10).

import { createPopulation } from '../agents/index.js';
import type { Scenario } from '../scenario/schema.js';
import {
  emptyRegretState,
  objectLayout,
  objectValues,
  stakeWeightedLosses,
  synthesize,
  updateRegrets,
  type ObjectLayout,
} from '../engine/synthesis.js';
import { computeEpochRewards, initialRewardState, type EpochRewardOutputs } from '../engine/rewards.js';

export type Cell = number | string | null;

/** Sinks for the rows of one run; each call hands one row in the order of the table's columns. */
export interface RowSinks {
  loss(row: Cell[]): void;
  reward(row: Cell[]): void;
  task(row: Cell[]): void;
  reputer(row: Cell[]): void;
}

export const TABLE_COLUMNS = {
  'losses.csv': ['seed', 'epoch', 'kind', 'index', 'loss'],
  'rewards.csv': ['seed', 'epoch', 'task', 'index', 'reward'],
  'tasks.csv': ['seed', 'epoch', 'emission', 'inference', 'forecast', 'reputer', 'chi', 'gamma', 'F', 'G', 'H'],
  'reputers.csv': ['seed', 'epoch', 'index', 'stake', 'listening_coefficient', 'score'],
} as const;

/** Running sums from which the headline metrics are computed (kept per run, O(N) memory). */
export interface RunAccumulators {
  warmup: number;
  /** Epochs after the warm-up with every loss present. */
  n: number;
  sumNetwork: number;
  sumNaive: number;
  sumInference: Float64Array;
  sumForecastImplied: Float64Array;
  /** Epochs after warm-up where forecast-implied losses exist. */
  nForecastImplied: number;
  rewardInference: number;
  rewardForecast: number;
  rewardReputer: number;
  emission: number;
}

/** log10 squared error of a value against the truth (NaN when the value is missing). */
const log10Loss = (v: number, y: number): number => Math.log10(Math.max((v - y) * (v - y), 1e-300));

/**
 * Runs one replicate of a scenario with `seed`, streaming rows to `sinks`. Returns the accumulators from
 * which `headlineMetrics` computes the summary.
 */
export function simulate(s: Scenario, seed: number, sinks: RowSinks): RunAccumulators {
  const prm = s.mechanism;
  const pop = createPopulation(s, seed);
  const nI = pop.nInferers;
  const nF = pop.nForecasters;
  const nR = pop.nReputers;
  const L: ObjectLayout = objectLayout(nI, nF);
  const bootstrap = s.switches.bootstrap_surrogate_first;

  let regrets = emptyRegretState(nI, nF);
  let rewardState = initialRewardState(nI, nF, nR);
  let stakes: Float64Array = pop.initialStakes.slice();
  let prevTrueLoss: Float64Array | null = null; // true log10 losses of the previous epoch's objects
  let rewardsStarted = false;

  const acc: RunAccumulators = {
    warmup: s.warmup,
    n: 0,
    sumNetwork: 0,
    sumNaive: 0,
    sumInference: new Float64Array(nI),
    sumForecastImplied: new Float64Array(nF),
    nForecastImplied: 0,
    rewardInference: 0,
    rewardForecast: 0,
    rewardReputer: 0,
    emission: 0,
  };

  for (let epoch = 1; epoch <= s.epochs; epoch++) {
    const sub = pop.step(epoch);
    const y = sub.target;

    // Synthesis with the state of epoch − 1 (eqs. 3–19).
    let state = regrets;
    if (bootstrap && Number.isNaN(state.networkLoss)) {
      // docs/agents.md #9 alternative: a surrogate previous network loss, the median forecasted log loss.
      const f = Array.from(sub.forecasts).filter(Number.isFinite).sort((a, b) => a - b);
      if (f.length) state = { ...state, networkLoss: f[f.length >> 1] };
    }
    const res = synthesize({ inferences: sub.inferences, forecasts: sub.forecasts }, state, prm);
    const objects = objectValues(res, sub.inferences, L);
    const trueLoss = new Float64Array(L.count);
    for (let o = 0; o < L.count; o++) trueLoss[o] = Number.isNaN(objects[o]) ? NaN : log10Loss(objects[o], y);

    // losses.csv: the true MSE of the network, naive, every inference and forecast-implied inference.
    const mse = (o: number): number | null => (Number.isNaN(trueLoss[o]) ? null : 10 ** trueLoss[o]);
    sinks.loss([seed, epoch, 'network', null, mse(L.network)]);
    sinks.loss([seed, epoch, 'naive', null, mse(L.naive)]);
    for (let j = 0; j < nI; j++) sinks.loss([seed, epoch, 'inference', j, mse(L.inference + j)]);
    for (let k = 0; k < nF; k++) sinks.loss([seed, epoch, 'forecast_implied', k, mse(L.forecastImplied + k)]);

    if (epoch > s.warmup) {
      acc.n++;
      acc.sumNetwork += trueLoss[L.network];
      acc.sumNaive += trueLoss[L.naive];
      for (let j = 0; j < nI; j++) acc.sumInference[j] += trueLoss[L.inference + j];
      if (nF > 0 && !Number.isNaN(trueLoss[L.forecastImplied])) {
        acc.nForecastImplied++;
        for (let k = 0; k < nF; k++) acc.sumForecastImplied[k] += trueLoss[L.forecastImplied + k];
      }
    }

    // Reputers report on the previous epoch's objects (eq. 13); losses (eq. 14) and regrets (eq. 15).
    if (prevTrueLoss) {
      const reports = pop.report(epoch, prevTrueLoss);
      const losses = stakeWeightedLosses(reports, stakes, L.count);
      regrets = updateRegrets(regrets, losses, prm, bootstrap);

      // Rewards from the first epoch whose reports cover every object (docs/agents.md #10).
      if (!rewardsStarted) rewardsStarted = losses.every((l) => !Number.isNaN(l));
      if (rewardsStarted) {
        const E = pop.emission(epoch);
        const r = computeEpochRewards(
          { nI, nF, nR, stakes, losses: reports, networkLosses: losses, topicReward: E },
          rewardState,
          prm,
        );
        rewardState = r.state;
        emitRewards(sinks, seed, epoch, stakes, r.outputs);
        acc.rewardInference += r.outputs.infererClassReward;
        acc.rewardForecast += r.outputs.forecasterClassReward;
        acc.rewardReputer += r.outputs.reputerClassReward;
        acc.emission += E;
        stakes = r.outputs.nextStakes; // eq. 37
      }
    }
    prevTrueLoss = trueLoss;
  }
  return acc;
}

function emitRewards(sinks: RowSinks, seed: Cell, epoch: number, stakes: Float64Array, o: EpochRewardOutputs): void {
  const num = (x: number): number | null => (Number.isNaN(x) ? null : x);
  o.infererRewards.forEach((v, j) => sinks.reward([seed, epoch, 'inference', j, v]));
  o.forecasterRewards.forEach((v, k) => sinks.reward([seed, epoch, 'forecast', k, v]));
  o.reputerRewards.forEach((v, m) => sinks.reward([seed, epoch, 'reputer', m, v]));
  sinks.task([
    seed,
    epoch,
    o.topicReward,
    o.infererClassReward,
    o.forecasterClassReward,
    o.reputerClassReward,
    num(o.chi),
    num(o.gamma),
    num(o.infererEntropy),
    num(o.forecasterEntropy),
    num(o.reputerEntropy),
  ]);
  for (let m = 0; m < stakes.length; m++)
    sinks.reputer([seed, epoch, m, stakes[m], num(o.listening[m]), num(o.reputerScores[m])]);
}

// ---------------------------------------------------------------------------------------------------------
// Headline metrics and the paper's claims (summary.json).

export interface MetricDef {
  key: string;
  definition: string;
}

export const METRICS: MetricDef[] = [
  { key: 'network_log10_loss', definition: 'time average after the warm-up of log10 of the network inference’s squared error' },
  { key: 'naive_log10_loss', definition: 'time average after the warm-up of log10 of the naive network inference’s squared error' },
  { key: 'best_inferer_log10_loss', definition: 'lowest, over inferers, time-averaged log10 squared error of an inference after the warm-up' },
  { key: 'mean_inferer_log10_loss', definition: 'mean over inferers of the time-averaged log10 squared error of their inferences after the warm-up' },
  { key: 'best_forecast_implied_log10_loss', definition: 'lowest, over forecasters, time-averaged log10 squared error of a forecast-implied inference after the warm-up' },
  { key: 'mean_forecast_implied_log10_loss', definition: 'mean over forecasters of the time-averaged log10 squared error of their forecast-implied inferences after the warm-up' },
  { key: 'improvement_over_naive_dex', definition: 'naive_log10_loss − network_log10_loss: how many dex (orders of magnitude) the network beats the naive inference by' },
  { key: 'inference_reward_share', definition: 'cumulative inference-class reward Σ U_i divided by the cumulative topic emission Σ E_i' },
  { key: 'forecast_reward_share', definition: 'cumulative forecast-class reward Σ V_i divided by the cumulative topic emission Σ E_i' },
  { key: 'reputer_reward_share', definition: 'cumulative reputer-class reward Σ W_i divided by the cumulative topic emission Σ E_i' },
];

export function headlineMetrics(acc: RunAccumulators): Record<string, number> {
  const n = acc.n;
  const inf = Array.from(acc.sumInference, (s) => s / n);
  const fi = Array.from(acc.sumForecastImplied, (s) => s / acc.nForecastImplied);
  const network = acc.sumNetwork / n;
  const naive = acc.sumNaive / n;
  const m = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  return {
    network_log10_loss: network,
    naive_log10_loss: naive,
    best_inferer_log10_loss: inf.length ? Math.min(...inf) : NaN,
    mean_inferer_log10_loss: m(inf),
    best_forecast_implied_log10_loss: fi.length ? Math.min(...fi) : NaN,
    mean_forecast_implied_log10_loss: m(fi),
    improvement_over_naive_dex: naive - network,
    inference_reward_share: acc.rewardInference / acc.emission,
    forecast_reward_share: acc.rewardForecast / acc.emission,
    reputer_reward_share: acc.rewardReputer / acc.emission,
  };
}

export interface Claim {
  id: string;
  paper: string;
  test: string;
  holds: boolean;
  numbers: Record<string, number>;
}

/** The paper's claims (§3.3 Figure 2, §4 Figure 3), each judged on the given metric values. */
export function judgeClaims(x: Record<string, number>): Claim[] {
  const pick = (...keys: string[]) => Object.fromEntries(keys.map((k) => [k, x[k]]));
  return [
    {
      id: 'naive_beats_best_inference',
      paper: 'On average, the naive network is as good as or better than the best inference.',
      test: 'naive_log10_loss ≤ best_inferer_log10_loss',
      holds: x.naive_log10_loss <= x.best_inferer_log10_loss,
      numbers: pick('naive_log10_loss', 'best_inferer_log10_loss'),
    },
    {
      id: 'forecast_implied_beats_naive',
      paper: 'The forecast-implied inferences are even more accurate [than the naive network].',
      test: 'mean_forecast_implied_log10_loss < naive_log10_loss',
      holds: x.mean_forecast_implied_log10_loss < x.naive_log10_loss,
      numbers: pick('mean_forecast_implied_log10_loss', 'best_forecast_implied_log10_loss', 'naive_log10_loss'),
    },
    {
      id: 'network_best_of_all',
      paper: 'The network-wide inference outperforms all other inferences on average.',
      test: 'network_log10_loss < min(naive, best inferer, best forecast-implied)',
      holds:
        x.network_log10_loss < x.naive_log10_loss &&
        x.network_log10_loss < x.best_inferer_log10_loss &&
        !(x.network_log10_loss >= x.best_forecast_implied_log10_loss),
      numbers: pick('network_log10_loss', 'naive_log10_loss', 'best_inferer_log10_loss', 'best_forecast_implied_log10_loss'),
    },
    {
      id: 'order_of_magnitude_improvement',
      paper: 'An order of magnitude improvement in loss thanks to the forecasting task (Figure 2 caption).',
      test: 'improvement_over_naive_dex ≥ 1',
      holds: x.improvement_over_naive_dex >= 1,
      numbers: pick('improvement_over_naive_dex'),
    },
    {
      id: 'reputers_smallest_share',
      paper: 'Reputers receive the smallest share of the rewards (Figure 3).',
      test: 'reputer_reward_share < min(inference_reward_share, forecast_reward_share)',
      holds: x.reputer_reward_share < x.inference_reward_share && x.reputer_reward_share < x.forecast_reward_share,
      numbers: pick('reputer_reward_share', 'inference_reward_share', 'forecast_reward_share'),
    },
    {
      id: 'inference_above_forecast',
      paper: 'Cumulatively, the inference class earns more than the forecast class (Figure 3).',
      test: 'inference_reward_share > forecast_reward_share',
      holds: x.inference_reward_share > x.forecast_reward_share,
      numbers: pick('inference_reward_share', 'forecast_reward_share'),
    },
  ];
}
