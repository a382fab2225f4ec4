// Verdicts on a claim (docs/attacks.md §1, §3): a pure function of the claim and the per-seed metric values
// of every grid point. A seed passes when `metric op threshold` and every `and` condition hold (a metric
// that is not a number fails); a point holds when at least `min_share` of its seeds pass; the claim holds
// when every point in `scope` holds. The headline numbers are those of the worst point in scope.

import { compare, parseConditions, type ClaimConfig, type Condition } from '../scenario/schema.js';
import { distribution } from './summary.js';

export interface VerdictPointInput {
  point: number;
  /** The point's grid values, by full dotted path. */
  values: Record<string, number | string | boolean>;
  /** Scenario values the scope may read besides the grid values (full dotted path → value). */
  lookup?: (path: string) => unknown;
  /** One metrics record per seed. */
  perSeed: Record<string, number>[];
}

export interface VerdictPoint {
  point: number;
  values: Record<string, number | string | boolean>;
  in_scope: boolean;
  median: number;
  p10: number;
  p90: number;
  holds_in_share_of_seeds: number;
  holds: boolean;
}

export interface Verdict {
  id: string;
  attack: string;
  quote: string;
  section: string;
  metric: string;
  test: string;
  holds: boolean;
  /** The worst point in scope (null when no point is in scope). */
  worst_point: { point: number; values: Record<string, number | string | boolean> } | null;
  median: number;
  p10: number;
  p90: number;
  holds_in_share_of_seeds: number;
  seeds: number;
  points: VerdictPoint[];
}

const fmtCond = (c: Condition): string => `${c.key} ${c.op} ${c.value}`;

/** The test as text, e.g. `favoured_worker_gain <= 1.05 and … in ≥ 90% of seeds, at every point with …`. */
export function describeTest(c: ClaimConfig): string {
  const conds = [{ key: c.metric, op: c.op, value: c.threshold }, ...(parseConditions(c.and) ?? [])].map(fmtCond).join(' and ');
  const scope = parseConditions(c.scope) ?? [];
  return `${conds} in ≥ ${Math.round(c.min_share * 100)}% of seeds, at every point${scope.length ? ` with ${scope.map(fmtCond).join(' and ')}` : ''}`;
}

/** Whether one seed's metrics pass the claim's test. */
export function seedPasses(c: ClaimConfig, m: Record<string, number>): boolean {
  const conds = [{ key: c.metric, op: c.op, value: c.threshold }, ...(parseConditions(c.and) ?? [])];
  return conds.every((k) => {
    const x = m[k.key];
    return typeof x === 'number' && !Number.isNaN(x) && compare(x, k.op, k.value);
  });
}

function inScope(c: ClaimConfig, p: VerdictPointInput, resolve: (k: string) => string): boolean {
  return (parseConditions(c.scope) ?? []).every((k) => {
    const path = resolve(k.key);
    const v = path in p.values ? p.values[path] : p.lookup?.(path);
    return typeof v === 'number' && compare(v, k.op, k.value);
  });
}

/** How far a median is on the failing side of the threshold (larger = worse). */
const badness = (c: ClaimConfig, median: number): number =>
  Number.isNaN(median) ? Infinity : c.op === '<' || c.op === '<=' ? median - c.threshold : c.threshold - median;

export function judgeClaim(
  claim: ClaimConfig,
  attack: string,
  points: readonly VerdictPointInput[],
  resolve: (key: string) => string = (k) => k,
): Verdict {
  const judged: VerdictPoint[] = points.map((p) => {
    const d = distribution(p.perSeed.map((m) => m[claim.metric]));
    const share = p.perSeed.length ? p.perSeed.filter((m) => seedPasses(claim, m)).length / p.perSeed.length : 0;
    return {
      point: p.point,
      values: p.values,
      in_scope: inScope(claim, p, resolve),
      median: d.median,
      p10: d.p10,
      p90: d.p90,
      holds_in_share_of_seeds: share,
      holds: share >= claim.min_share,
    };
  });
  const scoped = judged.filter((p) => p.in_scope);
  let worst: VerdictPoint | null = null;
  for (const p of scoped) {
    if (
      !worst ||
      p.holds_in_share_of_seeds < worst.holds_in_share_of_seeds ||
      (p.holds_in_share_of_seeds === worst.holds_in_share_of_seeds && badness(claim, p.median) > badness(claim, worst.median))
    )
      worst = p;
  }
  return {
    id: claim.id,
    attack,
    quote: claim.quote,
    section: claim.section,
    metric: claim.metric,
    test: describeTest(claim),
    holds: scoped.length > 0 && scoped.every((p) => p.holds),
    worst_point: worst ? { point: worst.point, values: worst.values } : null,
    median: worst?.median ?? NaN,
    p10: worst?.p10 ?? NaN,
    p90: worst?.p90 ?? NaN,
    holds_in_share_of_seeds: worst?.holds_in_share_of_seeds ?? NaN,
    seeds: points.length ? Math.min(...points.map((p) => p.perSeed.length)) : 0,
    points: judged,
  };
}
