// Replay: recorded topic rows through the exact mechanism (docs/replay-format.md §1).
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
import { computeEpochRewards, pushScoreHistory, type RewardState } from '../engine/rewards.js';
import { rewardOutputColumns, rewardStateFromRow, rowScoreSamples, type Row } from './replay-rewards.js';
import { cell, type ReplayHeader, type ReplayTable } from '../scenario/replay-csv.js';
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
export function regretStateFromRow(t: ReplayHeader, row: Float64Array): RegretState {
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
function readers(t: ReplayHeader) {
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
  t: Pick<ReplayHeader, 'nI' | 'nF'>,
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

/**
 * Replays rows one at a time (docs/replay-format.md §1): the first row pushed is the carried state and is echoed;
 * every later row is recomputed from its inputs and the carried state. Memory does not grow with the number of
 * rows: the σ(T) score history (eq. 29) is cut to what the window can still reach.
 */
export class Replayer {
  /** Output columns: the format's names in the reference rows' order (`target` only if the input has it). */
  readonly columns: string[];
  private readonly prm: MechanismParams;
  private readonly carry: CarryMode;
  private readonly outIndex: Map<string, number>;
  private readonly copied: string[];
  private readonly rd: ReturnType<typeof readers>;
  /** Scores of the rows pushed so far, from their own losses, newest first (trimmed by `pushScoreHistory`). */
  private rowHistory: { inferer: Float64Array[]; forecaster: Float64Array[] } = { inferer: [], forecaster: [] };
  private previous: Float64Array | null = null;
  private previousRewardState: RewardState | null = null;
  private carried: RegretState | null = null;
  private carriedRewards: RewardState | null = null;

  constructor(
    readonly header: ReplayHeader,
    opts: ReplayOptions,
  ) {
    const t = header;
    this.prm = opts.params;
    this.carry = opts.carry;
    const percentileCount = this.prm.confidence_intervals === 'reference' ? 5 : 4;
    const cols = replayColumns(t.nI, t.nF, t.nR, percentileCount);
    this.columns = cols.all.filter((c) => c !== 'target' || t.index.has('target'));
    this.outIndex = new Map(this.columns.map((c, i) => [c, i]));
    this.rd = readers(t);
    const inputs = new Set([...cols.submissions, ...cols.reports, 'topic_rewards']);
    this.copied = this.columns.filter((c) => t.index.has(c) && inputs.has(c));
  }

  private record(row: Float64Array): Row {
    return Object.fromEntries(this.header.columns.map((c, i) => [c, row[i]]));
  }

  /** The reward state a row carries, with the score history of the rows up to and including it. */
  private rewardStateOf(row: Float64Array): RewardState {
    const { nI, nF, nR } = this.header;
    const s = rowScoreSamples(this.record(row), nI, nF, nR, this.prm);
    this.rowHistory = {
      inferer: pushScoreHistory(this.rowHistory.inferer, s.inferer, this.prm),
      forecaster: pushScoreHistory(this.rowHistory.forecaster, s.forecaster, this.prm),
    };
    return rewardStateFromRow(this.record(row), nI, nF, nR, this.prm, this.rowHistory);
  }

  /** The output row of the next input row. */
  push(row: Float64Array): Float64Array {
    const t = this.header;
    const { nI, nF, nR } = t;
    if (this.previous === null) {
      // The first row: the carried state, echoed.
      const first = new Float64Array(this.columns.length);
      this.columns.forEach((c, i) => (first[i] = cell(t, row, c)));
      this.carried = regretStateFromRow(t, row);
      this.carriedRewards = this.rewardStateOf(row);
      this.previous = row;
      this.previousRewardState = this.carriedRewards;
      return first;
    }
    const prm = this.prm;
    const input = this.carry === 'input';
    const state = input ? regretStateFromRow(t, this.previous) : this.carried!;
    const rewardState = input ? this.previousRewardState! : this.carriedRewards!;
    const res = synthesize({ inferences: this.rd.inferences(row), forecasts: this.rd.forecasts(row) }, state, prm);
    const stakes = this.rd.stakes(row);
    const reports = this.rd.reports(row);
    const losses = stakeWeightedLosses(reports, stakes, this.rd.L.count);
    const next = updateRegrets(state, losses, prm);
    const rewards = computeEpochRewards(
      { nI, nF, nR, stakes, losses: reports, networkLosses: losses, topicReward: cell(t, row, 'topic_rewards') },
      rewardState,
      prm,
    );

    const out = new Float64Array(this.columns.length).fill(NaN);
    const put = (c: string, v: number): void => {
      const i = this.outIndex.get(c);
      if (i !== undefined) out[i] = v;
    };
    for (const c of this.copied) put(c, cell(t, row, c)); // inputs are copied through
    synthesisValues(t, res, losses, next, put);
    for (const [c, v] of Object.entries(rewardOutputColumns(rewards.outputs))) put(c, v);
    this.carried = next;
    this.carriedRewards = rewards.state;
    if (input) this.previousRewardState = this.rewardStateOf(row);
    this.previous = row;
    return out;
  }
}

/** Replays every row of a table held in memory; returns the output table (same epochs, the format's column
 *  names, full precision). */
export function replay(t: ReplayTable, opts: ReplayOptions): ReplayResult {
  const r = new Replayer(t, opts);
  return { columns: r.columns, rows: t.rows.map((row) => r.push(row)) };
}
