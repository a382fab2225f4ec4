// Per-point summaries of a sweep (or of `run --seeds N`, one point): the distribution of every metric over
// the point's replicates with a 95 % Student-t interval, the share of seeds in which each claim holds, and —
// for sweeps with common random numbers — the paired difference of each metric to a reference point.
// Consumers: summary.csv, the terminal summary table, and the sweep pictures (src/output/).

import { intervalDistribution } from '../stats/summary.js';
import type { ClaimConfig } from '../scenario/schema.js';
import type { StudyClaim } from '../scenario/tokenomics.js';
import { judgeClaims } from './claims.js';
import { seedPasses } from './attack-verdicts.js';
import { judgeStudyClaims } from './tokenomics.js';

/** A swept value (the runner's GridValue). */
export type SweptValue = number | boolean | string;

/** The distribution of one metric over n runs. Empty/NaN values are not counted in n. */
export interface MetricStats {
  n: number;
  mean: number;
  std: number;
  /** Standard error of the mean: std / √n (NaN for n < 2). */
  se: number;
  /** 95 % Student-t interval of the mean: mean ∓ t(0.975, n − 1) · se (NaN for n < 2). */
  ci95_lo: number;
  ci95_hi: number;
  median: number;
  p10: number;
  p90: number;
}

/** What each statistic of a metric over runs means: summary.csv's `<metric>_<stat>` and `<metric>_diff_<stat>`
 *  columns and summary.json's per-metric fields (src/stats/summary.ts computes them). The data dictionary
 *  (docs/data-dictionary.md) is generated from it. */
export const STAT_DEFINITIONS: Readonly<Record<keyof MetricStats, string>> = {
  n: 'number of runs whose value is a number (empty, NaN and infinite values are left out of every statistic)',
  mean: 'arithmetic mean over those n runs',
  std: 'sample standard deviation (n − 1 in the denominator); 0 when n = 1',
  se: 'standard error of the mean, std / √n; empty when n < 2',
  ci95_lo: 'lower end of the 95 % Student-t interval of the mean, mean − t(0.975, n − 1) · se; empty when n < 2',
  ci95_hi: 'upper end of the 95 % Student-t interval of the mean, mean + t(0.975, n − 1) · se; empty when n < 2',
  median: 'median (linear interpolation between order statistics: numpy’s default, R type 7)',
  p10: '10th percentile (the same interpolation)',
  p90: '90th percentile (the same interpolation)',
};

export interface PointSummary {
  /** Position in the sweep's canonical order. */
  point: number;
  /** Axis name (as typed) → the point's value. Empty for `run --seeds N`. */
  values: Record<string, SweptValue>;
  /** Metric key → its distribution over the point's replicates. */
  metrics: Record<string, MetricStats>;
  /** Claim id → share of the point's seeds in which it holds, in [0, 1]. */
  claims: Record<string, number>;
  /** Paired sweeps: metric key → distribution of (this point − reference point) over shared replicates. */
  diff?: Record<string, MetricStats>;
}

/** The statistics of one metric over runs (src/stats/summary.ts; non-finite values left out). */
export function metricStats(values: readonly number[]): MetricStats {
  const d = intervalDistribution(values, 0.95);
  return { n: d.n, mean: d.mean, std: d.std, se: d.se, ci95_lo: d.lo, ci95_hi: d.hi, median: d.median, p10: d.p10, p90: d.p90 };
}

/** Judges a scenario's claims on one run's metrics: claim id → holds. */
export type ClaimJudge = (metrics: Readonly<Record<string, number>>) => { id: string; holds: boolean }[];

/** The claims of an agents scenario, per run: the paper's (src/sim/claims.ts) and, for an attack scenario,
 *  its `claim:` (a run passes its per-seed test, src/sim/attack-verdicts.ts). */
export function agentsClaimJudge(claim?: ClaimConfig): ClaimJudge {
  return (m) => [
    // A paper claim about metrics the run does not have is not judged.
    ...judgeClaims(m as Record<string, number>)
      .filter((c) => Object.keys(c.numbers).some((k) => k in m))
      .map((c) => ({ id: c.id, holds: c.holds })),
    ...(claim && claim.id !== '' ? [{ id: claim.id, holds: seedPasses(claim, m as Record<string, number>) }] : []),
  ];
}

/** The claims of a tokenomics study, per run (its `claims:` thresholds on the run's metrics; a run whose
 *  metric is not a number does not hold). */
export function tokenomicsClaimJudge(claims: readonly StudyClaim[]): ClaimJudge {
  return (m) => judgeStudyClaims(claims, [m as Record<string, number>]).map((v) => ({ id: v.id, holds: v.holds_in_share_of_seeds === 1 }));
}

/** One run as the summary reads it. */
export interface SummaryRun {
  point: number;
  replicate: number;
  metrics: Readonly<Record<string, number>>;
}

export interface SummarizeOptions {
  /** Claims judged on each run; a point's share is the fraction of its runs in which a claim holds. */
  claims?: ClaimJudge;
  /** The reference point (its index) of the paired differences; only meaningful when every point's
   *  replicate r has the same seed (common random numbers). Absent or null: no differences. */
  reference?: number | null;
}

/**
 * Per point: every metric's distribution over its runs (n, mean, std, se, 95 % Student-t interval, median,
 * p10, p90), the share of runs in which each claim holds and, given a reference point, the distribution of
 * the paired differences (this point − reference, replicate by replicate, over the replicates where both are
 * numbers) — whose interval is the paired t-interval. Metrics (and claims) in order of first appearance over
 * the runs; a point without runs has n = 0 and NaN statistics. Pure.
 */
export function summarizePoints(
  points: readonly { point: number; values: Record<string, SweptValue> }[],
  runs: readonly SummaryRun[],
  opts: SummarizeOptions = {},
): PointSummary[] {
  const metricNames: string[] = [];
  const seen = new Set<string>();
  for (const r of runs) {
    for (const k of Object.keys(r.metrics)) {
      if (!seen.has(k)) {
        seen.add(k);
        metricNames.push(k);
      }
    }
  }
  const byPoint = new Map<number, SummaryRun[]>();
  for (const r of runs) {
    let l = byPoint.get(r.point);
    if (!l) byPoint.set(r.point, (l = []));
    l.push(r);
  }
  const value = (r: SummaryRun | undefined, m: string): number => {
    const v = r?.metrics[m];
    return typeof v === 'number' ? v : NaN;
  };
  const refRuns = opts.reference === undefined || opts.reference === null ? null : (byPoint.get(opts.reference) ?? []);
  const refByReplicate = new Map((refRuns ?? []).map((r) => [r.replicate, r]));
  return points.map(({ point, values }) => {
    const own = byPoint.get(point) ?? [];
    const metrics: Record<string, MetricStats> = {};
    for (const m of metricNames) metrics[m] = metricStats(own.map((r) => value(r, m)));
    const claims: Record<string, number> = {};
    if (opts.claims) {
      const held = new Map<string, number>();
      for (const r of own) {
        for (const c of opts.claims(r.metrics)) held.set(c.id, (held.get(c.id) ?? 0) + (c.holds ? 1 : 0));
      }
      for (const [id, k] of held) claims[id] = own.length > 0 ? k / own.length : NaN;
    }
    const summary: PointSummary = { point, values: { ...values }, metrics, claims };
    if (refRuns) {
      const diff: Record<string, MetricStats> = {};
      for (const m of metricNames) {
        const d: number[] = [];
        for (const r of own) {
          const ref = refByReplicate.get(r.replicate);
          const a = value(r, m);
          const b = value(ref, m);
          if (ref && Number.isFinite(a) && Number.isFinite(b)) d.push(a - b);
        }
        diff[m] = metricStats(d);
      }
      summary.diff = diff;
    }
    return summary;
  });
}
