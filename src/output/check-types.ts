// The data of a `check` report and of a baseline file (the command is src/commands/check.ts; the report's
// formats src/output/check-report.ts).

export const BASELINE_FORMAT = 'allora-sim/baseline';
export const BASELINE_VERSION = 1;
/** Default z of the band (normal-equivalent; converted to Student t for the pooled degrees of freedom). */
export const DEFAULT_Z = 4;
/** Float-noise floor of every band: FLOOR_ABS + FLOOR_REL·|baseline mean|. */
export const FLOOR_ABS = 1e-12;
export const FLOOR_REL = 1e-9;
/** `check` runs base seed = the baseline's base seed + this, unless `--seed`. */
export const CHECK_SEED_OFFSET = 1;
/** Default number of seeds of `check` and `check --update`. */
export const DEFAULT_CHECK_SEEDS = 32;

export type ScenarioKindName = 'agents' | 'tokenomics';

/** A per-metric tolerance of the baseline file; each given component is a half-width of the band, and the
 *  band is the widest of them (so any one suffices to pass). */
export interface Tolerance {
  /** Absolute half-width, in the metric's units. */
  abs?: number;
  /** Relative half-width, a fraction of |baseline mean|. */
  rel?: number;
  /** z of the statistical band (replaces the file's `z` for this metric). */
  z?: number;
  /** Why the tolerance was set (free text, ignored). */
  note?: string;
}

export interface MetricBaseline {
  definition: string;
  /** Mean over the seeds with a finite value (null: no seed had one). */
  mean: number | null;
  /** Sample standard deviation over those seeds (0 for one seed). */
  std: number | null;
  /** Seeds with a finite value. */
  n: number;
  tolerance?: Tolerance;
}

export interface Baseline {
  format: typeof BASELINE_FORMAT;
  version: typeof BASELINE_VERSION;
  scenario: string;
  kind: ScenarioKindName;
  /** sha256 of the canonical JSON of the experiment (see the top of this file). */
  fingerprint: string;
  profile: string;
  /** `--set` arguments the baseline was made with. */
  set: string[];
  tool: { name: string; version: string; git_commit: string | null };
  base_seed: number;
  seeds: number[];
  /** z of every metric's band unless its tolerance says otherwise. */
  z: number;
  metrics: Record<string, MetricBaseline>;
}

export interface MetricStats {
  mean: number;
  std: number;
  n: number;
}

export type Verdict = 'pass' | 'fail' | 'new';

export interface MetricResult {
  metric: string;
  definition: string;
  baseline: MetricStats | null;
  now: MetricStats;
  /** now.mean − baseline.mean (NaN when either is undefined). */
  delta: number;
  /** Half-width of the band (NaN for a new metric). */
  band: number;
  /** How the band was made, e.g. `z=4 (t=4.25 × SE 0.0712)`, `abs 0.05`. */
  rule: string;
  /** The Student-t multiplier of SE (when a z band applies). */
  multiplier?: number;
  /** Standard error of the difference of the means (pooled). */
  se: number;
  verdict: Verdict;
}

export interface CheckReport {
  scenario: string;
  kind: ScenarioKindName;
  scenario_file: string;
  profile: string;
  set: string[];
  baseline_file: string;
  baseline: {
    scenario: string;
    profile: string;
    set: string[];
    base_seed: number;
    /** Number of seeds of the baseline. */
    n_seeds: number;
    version: string;
    git_commit: string | null;
  };
  base_seed: number;
  seeds: number[];
  /** Seeds the run shares with the baseline (0 by default: a statistical comparison). */
  shared_seeds: number;
  z: number;
  metrics: MetricResult[];
  /** Metrics whose verdict is fail. */
  failed: string[];
  passed: boolean;
  notes: string[];
  elapsed_s: number;
}

export interface UpdateReport {
  file: string;
  baseline: Baseline;
  /** Metrics whose tolerance was carried over from the previous baseline file. */
  kept_tolerances: string[];
  notes: string[];
}
