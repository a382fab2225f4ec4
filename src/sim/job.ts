// One Monte Carlo run as a pure synchronous function: a resolved scenario and a seed in, the run's tables and
// headline metrics out. The runner calls it in worker threads; `run` and `check` go through the runner.

import type { Scenario } from '../scenario/schema.js';
import { TABLE_COLUMNS, headlineMetrics, simulate, type Cell } from './simulate.js';

export interface RunJob {
  /** The resolved scenario (plain JSON, as `loadScenario` returns it). */
  scenario: unknown;
  seed: number;
  point: number;
  replicate: number;
}

export interface RunTable {
  columns: string[];
  rows: Cell[][];
}

export interface RunResult {
  tables: Record<string, RunTable>;
  metrics: Record<string, number>;
}

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
