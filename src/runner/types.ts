// The contract between the runner and a simulation job module. The production module is src/sim/job.ts
// (compiled dist/src/sim/job.js); tests use test/fixtures/fake-job.mjs. A job module exports
//   export function runJob(job: RunJob): RunResult
// which must be pure and deterministic in (job.scenario, job.seed): the same inputs give the same tables.

export interface RunJob {
  /** The resolved scenario with this run's grid point applied (plain JSON). */
  scenario: unknown;
  /** Unsigned 32-bit seed derived by `deriveSeed` (src/runner/seeds.ts). */
  seed: number;
  /** Grid point index (canonical order, 0-based). */
  point: number;
  /** Replicate index within the point (0-based). */
  replicate: number;
}

export type RunCell = number | string | null;

export interface RunTable {
  columns: string[];
  rows: RunCell[][];
}

export interface RunResult {
  /** File name (e.g. `losses.csv`) → table. */
  tables: Record<string, RunTable>;
  /** Headline metrics of this run (summarised over replicates in summary.csv). */
  metrics: Record<string, number>;
}

export interface JobModule {
  runJob(job: RunJob): RunResult | Promise<RunResult>;
}
