// The headline metrics of a run, as reporters found by key: each keeps its own small accumulator over the
// epoch records (O(participants) memory, whatever the epochs) and finishes to one number. summary.json,
// metrics.csv and `check` read them by key.

import type { EpochRecord } from './record.js';

export interface MetricContext {
  /** Epochs left out of the time averages. */
  warmup: number;
}

export interface MetricReporter<A = unknown> {
  key: string;
  definition: string;
  init(ctx: MetricContext): A;
  add(acc: A, rec: EpochRecord): void;
  finish(acc: A): number;
}

/** A metric as a type-erased entry of the registry. */
function metric<A>(m: MetricReporter<A>): MetricReporter {
  return m as unknown as MetricReporter;
}

/** Time average after the warm-up of the true log10 loss of the objects `pick` selects (one per series). */
interface SeriesAcc {
  warmup: number;
  n: Float64Array;
  sum: Float64Array;
}
function seriesMean(
  key: string,
  definition: string,
  count: (rec: EpochRecord) => number,
  at: (rec: EpochRecord, i: number) => number,
  reduce: (means: number[]) => number,
): MetricReporter {
  return metric<SeriesAcc>({
    key,
    definition,
    init: ({ warmup }) => ({ warmup, n: new Float64Array(0), sum: new Float64Array(0) }),
    add(acc, rec) {
      if (rec.epoch <= acc.warmup) return;
      const c = count(rec);
      if (acc.sum.length !== c) {
        const sum = new Float64Array(c);
        const n = new Float64Array(c);
        sum.set(acc.sum.subarray(0, Math.min(c, acc.sum.length)));
        n.set(acc.n.subarray(0, Math.min(c, acc.n.length)));
        acc.sum = sum;
        acc.n = n;
      }
      for (let i = 0; i < c; i++) {
        const v = at(rec, i);
        if (Number.isNaN(v)) continue;
        acc.sum[i] += v;
        acc.n[i]++;
      }
    },
    finish: (acc) => reduce(Array.from(acc.sum, (s, i) => (acc.n[i] > 0 ? s / acc.n[i] : NaN)).filter((x) => !Number.isNaN(x))),
  });
}

const only = (xs: number[]): number => (xs.length ? xs[0] : NaN);
const best = (xs: number[]): number => (xs.length ? Math.min(...xs) : NaN);
const meanOf = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const loss = (rec: EpochRecord, o: number): number => rec.trueLog10Loss[o];

/** Cumulative class reward over cumulative topic emission. */
function rewardShare(key: string, definition: string, pick: (r: NonNullable<EpochRecord['rewards']>) => number): MetricReporter {
  return metric<{ reward: number; emission: number }>({
    key,
    definition,
    init: () => ({ reward: 0, emission: 0 }),
    add(acc, rec) {
      if (!rec.rewards || rec.emission === null) return;
      acc.reward += pick(rec.rewards);
      acc.emission += rec.emission;
    },
    finish: (acc) => acc.reward / acc.emission,
  });
}

export const METRICS: readonly MetricReporter[] = [
  seriesMean('network_log10_loss', 'time average after the warm-up of log10 of the network inference’s squared error', () => 1, (r) => loss(r, r.layout.network), only),
  seriesMean('naive_log10_loss', 'time average after the warm-up of log10 of the naive network inference’s squared error', () => 1, (r) => loss(r, r.layout.naive), only),
  seriesMean(
    'best_inferer_log10_loss',
    'lowest, over inferers, time-averaged log10 squared error of an inference after the warm-up',
    (r) => r.layout.nI,
    (r, j) => loss(r, r.layout.inference + j),
    best,
  ),
  seriesMean(
    'mean_inferer_log10_loss',
    'mean over inferers of the time-averaged log10 squared error of their inferences after the warm-up',
    (r) => r.layout.nI,
    (r, j) => loss(r, r.layout.inference + j),
    meanOf,
  ),
  seriesMean(
    'best_forecast_implied_log10_loss',
    'lowest, over forecasters, time-averaged log10 squared error of a forecast-implied inference after the warm-up',
    (r) => r.layout.nF,
    (r, k) => loss(r, r.layout.forecastImplied + k),
    best,
  ),
  seriesMean(
    'mean_forecast_implied_log10_loss',
    'mean over forecasters of the time-averaged log10 squared error of their forecast-implied inferences after the warm-up',
    (r) => r.layout.nF,
    (r, k) => loss(r, r.layout.forecastImplied + k),
    meanOf,
  ),
  seriesMean(
    'improvement_over_naive_dex',
    'naive_log10_loss − network_log10_loss: how many dex (orders of magnitude) the network beats the naive inference by',
    () => 1,
    (r) => loss(r, r.layout.naive) - loss(r, r.layout.network),
    only,
  ),
  rewardShare('inference_reward_share', 'cumulative inference-class reward Σ U_i divided by the cumulative topic emission Σ E_i', (o) => o.infererClassReward),
  rewardShare('forecast_reward_share', 'cumulative forecast-class reward Σ V_i divided by the cumulative topic emission Σ E_i', (o) => o.forecasterClassReward),
  rewardShare('reputer_reward_share', 'cumulative reputer-class reward Σ W_i divided by the cumulative topic emission Σ E_i', (o) => o.reputerClassReward),
];

/** A reporter of one number over a run: its accumulator starts from a context, takes the observations
 *  one by one, and finishes to the value. The headline metrics (observations: epoch records) and the
 *  attack metrics (attack-metrics.ts; observations: paired epochs) are reporters of this shape. */
export interface Reporter<C, E> {
  key: string;
  init(ctx: C): unknown;
  add(acc: unknown, e: E, ctx: C): void;
  finish(acc: unknown, ctx: C): number;
}

/** Observes a run with `reporters` (one accumulator each) and finishes them to `{ key: value }`. */
export function observer<C, E>(ctx: C, reporters: readonly Reporter<C, E>[]) {
  const accs = reporters.map((m) => m.init(ctx));
  return {
    add(e: E): void {
      for (let i = 0; i < reporters.length; i++) reporters[i].add(accs[i], e, ctx);
    },
    finish(): Record<string, number> {
      return Object.fromEntries(reporters.map((m, i) => [m.key, m.finish(accs[i], ctx)]));
    },
  };
}

/** Observes records and finishes every metric of `metrics` (default: all). */
export const metricsObserver = (ctx: MetricContext, metrics: readonly MetricReporter[] = METRICS) => observer<MetricContext, EpochRecord>(ctx, metrics);
