// Summary statistics, one definition for every output (summary.csv, summary.json, metrics of `check`):
//   mean      arithmetic mean;
//   std       sample standard deviation (n − 1 in the denominator); 0 for a single value;
//   median, quantiles   linear interpolation between order statistics (simple-statistics' quantileSorted);
//   se        standard error of the mean, std / √n (NaN for n < 2);
//   interval  of the mean at level L: mean ∓ t((1 + L)/2, n − 1) · se, Student's t (NaN for n < 2).
// Values that are not finite are left out; every statistic of an empty set is NaN.

import { mean as ssMean, quantileSorted, sampleStandardDeviation } from 'simple-statistics';
import { studentQuantile } from './student.js';

/** The finite values of `values`. */
export const finite = (values: readonly number[]): number[] => values.filter((x) => Number.isFinite(x));

export function mean(values: readonly number[]): number {
  const v = finite(values);
  return v.length === 0 ? NaN : ssMean(v);
}

/** Sample standard deviation (n − 1); 0 for one value, NaN for none. */
export function std(values: readonly number[]): number {
  const v = finite(values);
  if (v.length === 0) return NaN;
  return v.length === 1 ? 0 : sampleStandardDeviation(v);
}

/** Quantile q ∈ [0, 1] of the finite values. */
export function quantile(values: readonly number[], q: number): number {
  const v = finite(values).sort((a, b) => a - b);
  return v.length === 0 ? NaN : quantileSorted(v, q);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

export interface Distribution {
  n: number;
  mean: number;
  std: number;
  median: number;
  p10: number;
  p90: number;
}

/** Every statistic at once (one sort). */
export function distribution(values: readonly number[]): Distribution {
  const v = finite(values).sort((a, b) => a - b);
  if (v.length === 0) return { n: 0, mean: NaN, std: NaN, median: NaN, p10: NaN, p90: NaN };
  return {
    n: v.length,
    mean: ssMean(v),
    std: v.length === 1 ? 0 : sampleStandardDeviation(v),
    median: quantileSorted(v, 0.5),
    p10: quantileSorted(v, 0.1),
    p90: quantileSorted(v, 0.9),
  };
}

export interface IntervalDistribution extends Distribution {
  /** Standard error of the mean, std / √n (NaN for n < 2). */
  se: number;
  /** Student-t interval of the mean at the level asked: mean ∓ t((1 + level)/2, n − 1) · se (NaN for n < 2). */
  lo: number;
  hi: number;
}

/** `distribution` plus the standard error of the mean and its Student-t interval (default 95 %). */
export function intervalDistribution(values: readonly number[], level = 0.95): IntervalDistribution {
  const d = distribution(values);
  if (d.n < 2) return { ...d, se: NaN, lo: NaN, hi: NaN };
  const se = d.std / Math.sqrt(d.n);
  const half = studentQuantile((1 + level) / 2, d.n - 1) * se;
  return { ...d, se, lo: d.mean - half, hi: d.mean + half };
}
