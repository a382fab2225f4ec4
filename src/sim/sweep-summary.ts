// Per-point summaries of a sweep (or of `run --seeds N`, one point): the distribution of every metric over
// the point's replicates with a 95 % Student-t interval, the share of seeds in which each claim holds, and —
// for sweeps with common random numbers — the paired difference of each metric to a reference point.
// Consumers: summary.csv, the terminal summary table, and the sweep pictures (src/output/).

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
