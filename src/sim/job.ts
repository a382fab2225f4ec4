// One Monte Carlo run as a pure synchronous function: a resolved scenario and a seed in, the run's tables and
// headline metrics out. The runner (src/runner/) calls it in worker threads through workers/run-job.ts.

import type { Scenario } from '../scenario/schema.js';
import type { RunJob, RunResult, RunTable } from '../runner/types.js';
import { TABLE_COLUMNS, headlineMetrics, simulate } from './simulate.js';

export type { RunJob, RunResult, RunTable };

export function runJob(job: RunJob): RunResult {
  const s = job.scenario as Scenario;
  const tables: Record<string, RunTable> = {};
  for (const [name, columns] of Object.entries(TABLE_COLUMNS)) tables[name] = { columns: [...columns], rows: [] };
  const acc = simulate(s, job.seed, {
    loss: (r) => tables['losses.csv'].rows.push(r),
    reward: (r) => tables['rewards.csv'].rows.push(r),
    task: (r) => tables['tasks.csv'].rows.push(r),
    reputer: (r) => tables['reputers.csv'].rows.push(r),
  });
  return { tables, metrics: headlineMetrics(acc) };
}
