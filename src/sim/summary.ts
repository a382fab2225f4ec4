// summary.json of a run: every headline metric with its definition and its distribution over seeds, and each
// claim of the paper judged on the median run, with the share of seeds in which it holds.

import { intervalDistribution } from '../stats/summary.js';
import { METRICS } from './metrics.js';
import { judgeClaims } from './claims.js';
import { ATTACK_METRICS } from './attack-metrics.js';
import type { ClaimConfig } from '../scenario/schema.js';
import { judgeClaim, type Verdict } from './attack-verdicts.js';

export interface MetricSummary {
  definition: string;
  median: number;
  p10: number;
  p90: number;
  mean: number;
  std: number;
  /** Seeds with a number (the statistics leave the others out). */
  n: number;
  /** Standard error of the mean and its 95 % Student-t interval, as in a sweep's summary.csv (null for n < 2). */
  se: number;
  ci95_lo: number;
  ci95_hi: number;
  values: number[];
}

export interface RunSummary {
  scenario: string;
  profile: string;
  seeds: number[];
  warmup: number;
  epochs: number;
  metrics: Record<string, MetricSummary>;
  claims: {
    id: string;
    paper: string;
    test: string;
    holds: boolean;
    holds_in_share_of_seeds: number;
    numbers: Record<string, number>;
  }[];
  /** Attack scenarios only (docs/attacks.md §3): the verdict on the scenario's claim. */
  verdicts?: Verdict[];
}

export function distribution(values: number[]): Omit<MetricSummary, 'definition'> {
  const d = intervalDistribution(values, 0.95);
  return { median: d.median, p10: d.p10, p90: d.p90, mean: d.mean, std: d.std, n: d.n, se: d.se, ci95_lo: d.lo, ci95_hi: d.hi, values };
}

export function summarizeRuns(
  info: { scenario: string; profile: string; warmup: number; epochs: number },
  seeds: number[],
  perSeed: Record<string, number>[],
  claim?: ClaimConfig,
): RunSummary {
  const metrics: Record<string, MetricSummary> = {};
  for (const m of METRICS) metrics[m.key] = { definition: m.definition, ...distribution(perSeed.map((x) => x[m.key])) };
  // The attack metrics of an attack scenario's runs (docs/attacks.md §4), when the runs have them.
  for (const m of ATTACK_METRICS)
    if (perSeed.some((x) => m.key in x)) metrics[m.key] = { definition: m.definition, ...distribution(perSeed.map((x) => x[m.key])) };
  const medians = Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, v.median]));
  const perSeedClaims = perSeed.map((x) => judgeClaims(x));
  const claims = judgeClaims(medians).map((c, i) => ({
    id: c.id,
    paper: c.paper,
    test: `${c.test} (on the median over seeds)`,
    holds: c.holds,
    holds_in_share_of_seeds: perSeedClaims.filter((pc) => pc[i].holds).length / Math.max(1, perSeed.length),
    numbers: c.numbers,
  }));
  const verdicts = claim && claim.id !== '' ? { verdicts: [judgeClaim(claim, info.scenario, [{ point: 0, values: {}, perSeed }])] } : {};
  return { ...info, seeds, metrics, claims, ...verdicts };
}
