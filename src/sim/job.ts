// One Monte Carlo run of an agents scenario as a job (src/sim/contract.ts): a resolved scenario and a seed
// in, the run's table rows streamed to the caller's TableWriter, the headline metrics out. The runner
// (src/runner/) calls it in worker threads through workers/run-job.ts.

import type { Scenario } from '../scenario/schema.js';
import type { RunJob, RunResult, TableWriter } from './contract.js';
import { TABLE_COLUMNS, headlineMetrics, simulate } from './simulate.js';

export type { RunJob, RunResult, TableWriter };

export function runJob(job: RunJob, out: TableWriter): RunResult {
  const s = job.scenario as Scenario;
  const want = (name: string): boolean => job.tables === undefined || job.tables.includes(name);
  const skip = (): void => {};
  const sink = (name: keyof typeof TABLE_COLUMNS) => (want(name) ? out.table(name, TABLE_COLUMNS[name]) : skip);
  const loss = sink('losses.csv');
  const reward = sink('rewards.csv');
  const task = sink('tasks.csv');
  const reputer = sink('reputers.csv');
  const acc = simulate(s, job.seed, { loss, reward, task, reputer });
  return { metrics: headlineMetrics(acc) };
}
