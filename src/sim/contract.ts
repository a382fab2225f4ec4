// The contract between a simulation job and whoever runs it (the Monte Carlo runner in src/runner/, or a
// library user). A job module exports
//   export function runJob(job: RunJob, out: TableWriter): RunResult
// which must be deterministic in (job.scenario, job.seed): the same inputs give the same rows. Rows are
// handed to `out` as the run produces them, so nothing of the run's tables needs to stay in memory.
// Tables whose name starts with `_` are the run's own records for later drawing (figures): they are kept
// with the run but never assembled into an output file.

export type RunCell = number | string | null;

export interface RunJob {
  /** The resolved scenario with this run's grid point applied (plain JSON). */
  scenario: unknown;
  /** Unsigned 32-bit seed of this run. */
  seed: number;
  /** Grid point index (canonical order, 0-based). */
  point: number;
  /** Replicate index within the point (0-based). */
  replicate: number;
  /** Names of the tables to write (e.g. `losses.csv`); undefined = every table the job knows. Hidden
   *  `_…` tables the caller asks for are written too. */
  tables?: readonly string[];
}

/** Receives one row of a table, cells in the order of the table's columns. */
export type RowWriter = (row: readonly RunCell[]) => void;

export interface TableWriter {
  /** Declares a table (once, before its first row) and returns the function that takes its rows. */
  table(name: string, columns: readonly string[]): RowWriter;
}

export interface RunResult {
  /** Headline metrics of this run (one row of metrics.csv; summarised over replicates). */
  metrics: Record<string, number>;
}

export interface JobModule {
  runJob(job: RunJob, out: TableWriter): RunResult | Promise<RunResult>;
}

/** Hidden tables (`_…`) are kept with the run for drawing, never assembled into an output file. */
export const isHiddenTable = (name: string): boolean => name.startsWith('_');
