// The job module of `allora-sim attacks` (src/sim/contract.ts): an attack run that writes only the small
// tables a suite needs — actors.csv and attack-metrics.csv — so a suite of thousands of runs stays small.
// `attacks --tables all` uses the ordinary job (job.ts) instead.

import type { RunJob, RunResult, TableWriter } from './contract.js';
import { ACTORS_TABLE, RUN_METRICS_TABLE } from './attack-job.js';
import { runJob as runAnyJob } from './job.js';

export const SUITE_TABLES = [ACTORS_TABLE.name, RUN_METRICS_TABLE.name] as const;

export function runJob(job: RunJob, out: TableWriter): RunResult {
  return runAnyJob({ ...job, tables: job.tables ?? SUITE_TABLES }, out);
}
