// Replay: recorded topic rows through the exact mechanism (docs/replay-format.md, "The replay contract").
// Row 0 is the carried state; every later row is recomputed from its own inputs and the carried state — the
// state computed here (`carry: 'computed'`) or the previous input row's (`carry: 'input'`).

import type { MechanismParams } from '../engine/params.js';
import {
  emptyRegretState,
  objectLayout,
  stakeWeightedLosses,
  synthesize,
  updateRegrets,
  type RegretState,
  type SynthesisResult,
} from '../engine/synthesis.js';
import { computeEpochRewards, type RewardState } from '../engine/rewards.js';
import { rewardOutputColumns, rewardStateFromRow, rowScoreSamples, type Row } from './replay-rewards.js';
import { cell, type ReplayTable } from '../scenario/replay-csv.js';
import { objectNames, replayColumns, reporterColumn } from '../scenario/replay-columns.js';

export type CarryMode = 'computed' | 'input';

export interface ReplayOptions {
  carry: CarryMode;
  params: MechanismParams;
}

export interface ReplayResult {
  columns: string[];
  rows: Float64Array[];
}

/** The regret tables and network loss a row carries (empty cells: no regret yet). */
export function regretStateFromRow(t: ReplayTable, row: Float64Array): RegretState {
  const { nI, nF } = t;
  const nW = nI + nF;
  const s = emptyRegretState(nI, nF);
  for (let l = 0; l < nW; l++) {
    s.network[l] = cell(t, row, `inference_regret_worker_${l}`);
    for (let m = 0; m < nW; m++) s.oneOut[m * nW + l] = cell(t, row, `inference_regret_worker_${l}_oneout_${m}`);
  }
  for (let j = 0; j < nI; j++) s.naive[j] = cell(t, row, `naive_inference_regret_worker_${j}`);
  for (let k = 0; k < nF; k++)
    for (let j = 0; j <= nI; j++) s.oneIn[k * (nI + 1) + j] = cell(t, row, `inference_regret_worker_${j}_onein_${k}`);
  s.networkLoss = cell(t, row, 'network_loss');
  return s;
}

/** Column-indexed readers for one table, built once. */
function readers(t: ReplayTable) {
  const { nI, nF, nR } = t;
  const L = objectLayout(nI, nF);
  const names = objectNames(nI, nF);
  const col = (c: string): number => t.index.get(c) ?? -1;
  const infCols = Array.from({ length: nI }, (_, j) => col(`inference_${j}`));
  const fcCols = Array.from({ length: nF * nI }, (_, i) => col(`forecasted_loss_${Math.floor(i / nI)}_for_${i % nI}`));
  const stakeCols = Array.from({ length: nR }, (_, m) => col(`reputer_stake_${m}`));
  const reportCols = new Int32Array(nR * L.count);
  for (let m = 0; m < nR; m++) for (let o = 0; o < L.count; o++) reportCols[m * L.count + o] = col(reporterColumn(m, names[o].report));
  const pick = (row: Float64Array, cols: ArrayLike<number>): Float64Array => {
    const out = new Float64Array(cols.length);
    for (let i = 0; i < cols.length; i++) out[i] = cols[i] < 0 ? NaN : row[cols[i]];
    return out;
  };
  return {
    L,
    inferences: (row: Float64Array) => pick(row, infCols),
    forecasts: (row: Float64Array) => pick(row, fcCols),
    stakes: (row: Float64Array) => pick(row, stakeCols),
    reports: (row: Float64Array) => pick(row, reportCols),
  };
}

/** Writes every synthesis-section value of one row into `out` by column name. */
export function synthesisValues(
  t: Pick<ReplayTable, 'nI' | 'nF'>,
  res: SynthesisResult,
  losses: Float64Array,
  regrets: RegretState,
  put: (c: string, v: number) => void,
): void {
  const { nI, nF } = t;
  const nW = nI + nF;
  const names = objectNames(nI, nF);
  for (let k = 0; k < nF; k++) {
    put(`forecast_implied_inference_${k}`, res.forecastImplied[k]);
    for (let j = 0; j < nI; j++) {
      put(`forecast_implied_inference_${k}_oneout_${j}`, res.forecastImpliedOneOut[k * nI + j]);
      put(`forecasted_regret_${k}_inferer_${j}`, res.forecastedRegrets[k * nI + j]);
    }
    put(`network_naive_inference_onein_${k}`, res.naiveOneIn[k]);
  }
  put('network_inference', res.network);
  res.confidence.forEach((v, i) => put(`network_inference_errorbar_${i}`, v));
  put('network_naive_inference', res.naive);
  for (let l = 0; l < nW; l++) put(`network_inference_oneout_${l}`, res.networkOneOut[l]);
  names.forEach((o, i) => put(o.loss, losses[i]));
  for (let l = 0; l < nW; l++) {
    put(`inference_regret_worker_${l}`, regrets.network[l]);
    for (let m = 0; m < nW; m++) put(`inference_regret_worker_${l}_oneout_${m}`, regrets.oneOut[m * nW + l]);
  }
  for (let j = 0; j < nI; j++) put(`naive_inference_regret_worker_${j}`, regrets.naive[j]);
  for (let k = 0; k < nF; k++)
    for (let j = 0; j <= nI; j++) put(`inference_regret_worker_${j}_onein_${k}`, regrets.oneIn[k * (nI + 1) + j]);
}

/** Replays every row; returns the output table (same epochs, the format's column names, full precision). */
export function replay(t: ReplayTable, opts: ReplayOptions): ReplayResult {
  const prm = opts.params;
  const { nI, nF, nR } = t;
  const percentileCount = prm.confidence_intervals === 'reference' ? 5 : 4;
  const cols = replayColumns(nI, nF, nR, percentileCount);
  const columns = cols.all.filter((c) => c !== 'target' || t.index.has('target'));
  const outIndex = new Map(columns.map((c, i) => [c, i]));
  const rd = readers(t);
  const copied = columns.filter(
    (c) => t.index.has(c) && (c === 'topic_rewards' || cols.submissions.includes(c) || cols.reports.includes(c)),
  );
  const record = (row: Float64Array): Row => Object.fromEntries(t.columns.map((c, i) => [c, row[i]]));

  // The σ(T) score history (eq 29) always comes from the rows' own losses, newest first.
  const scores = t.rows.map((row) => rowScoreSamples(record(row), nI, nF, nR, prm));
  const historyBefore = (r: number) => ({
    inferer: scores.slice(0, r).reverse().map((s) => s.inferer),
    forecaster: scores.slice(0, r).reverse().map((s) => s.forecaster),
  });
  const rewardStateOfRow = (r: number): RewardState =>
    rewardStateFromRow(record(t.rows[r]), nI, nF, nR, prm, historyBefore(r + 1));

  const rows: Float64Array[] = [];
  // Row 0: the carried state, echoed.
  const first = new Float64Array(columns.length);
  columns.forEach((c, i) => (first[i] = cell(t, t.rows[0], c)));
  rows.push(first);

  let carried = regretStateFromRow(t, t.rows[0]);
  let carriedRewards = rewardStateOfRow(0);
  for (let r = 1; r < t.rows.length; r++) {
    const row = t.rows[r];
    const state = opts.carry === 'input' ? regretStateFromRow(t, t.rows[r - 1]) : carried;
    const rewardState = opts.carry === 'input' ? rewardStateOfRow(r - 1) : carriedRewards;
    const inferences = rd.inferences(row);
    const res = synthesize({ inferences, forecasts: rd.forecasts(row) }, state, prm);
    const stakes = rd.stakes(row);
    const reports = rd.reports(row);
    const losses = stakeWeightedLosses(reports, stakes, rd.L.count);
    const next = updateRegrets(state, losses, prm);
    const rewards = computeEpochRewards(
      { nI, nF, nR, stakes, losses: reports, networkLosses: losses, topicReward: cell(t, row, 'topic_rewards') },
      rewardState,
      prm,
    );

    const out = new Float64Array(columns.length).fill(NaN);
    const put = (c: string, v: number): void => {
      const i = outIndex.get(c);
      if (i !== undefined) out[i] = v;
    };
    for (const c of copied) put(c, cell(t, row, c)); // inputs are copied through
    synthesisValues(t, res, losses, next, put);
    for (const [c, v] of Object.entries(rewardOutputColumns(rewards.outputs))) put(c, v);
    rows.push(out);
    carried = next;
    carriedRewards = rewards.state;
  }
  return { columns, rows };
}
