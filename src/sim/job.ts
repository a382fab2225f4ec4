// One Monte Carlo run of an agents scenario as a job (src/sim/contract.ts): a resolved scenario and a seed
// in; the chosen tables' rows streamed to the caller's TableWriter as the epochs run; the headline metrics
// out. The runner (src/runner/) calls it in worker threads through workers/run-job.ts.

import type { Scenario } from '../scenario/schema.js';
import { isHiddenTable, type RunJob, type RunResult, type TableWriter } from './contract.js';
import { metricsObserver } from './metrics.js';
import { runRecords } from './simulate.js';
import { TABLES, findTable, type TableReporter } from './tables.js';
import { ACTORS_TABLE, RUN_METRICS_TABLE, isAttackScenario, runAttackJob } from './attack-job.js';

export type { RunJob, RunResult, TableWriter };

/** The reporters of the tables a job asks for (all public tables when it names none). */
export function selectedTables(names: readonly string[] | undefined): TableReporter[] {
  if (names === undefined) return [...TABLES];
  return names.filter((n) => n !== ACTORS_TABLE.name && n !== RUN_METRICS_TABLE.name).map((n) => {
    const t = findTable(n);
    if (!t) throw new Error(`unknown table '${n}' (known: ${TABLES.map((x) => x.name).join(', ')})`);
    return t;
  });
}

export function runJob(job: RunJob, out: TableWriter): RunResult {
  const s = job.scenario as Scenario;
  // Hidden copies for the figures are written by the first run only (the figures show it), and only of
  // the tables it does not write anyway.
  const first = job.point === 0 && job.replicate === 0;
  const chosen = selectedTables(job.tables);
  const writers = chosen
    .filter((t) => !isHiddenTable(t.name) || (first && !chosen.some((u) => u.name === t.name.slice(1))))
    .map((t) => ({ t, emit: out.table(t.name, t.columns.map((c) => c.name)) }));
  const seed = job.seed;
  // An attack scenario (docs/attacks.md §4): paired runs, actors.csv, the attack metrics.
  const wants = (name: string): boolean => job.tables === undefined || job.tables.includes(name);
  if (isAttackScenario(s)) return runAttackJob(s, seed, writers, out, wants(ACTORS_TABLE.name), wants(RUN_METRICS_TABLE.name));
  const metrics = metricsObserver({ warmup: s.warmup });
  runRecords(s, seed, (rec) => {
    for (const w of writers) w.t.rows(rec, seed, w.emit);
    metrics.add(rec);
  });
  return { metrics: metrics.finish() };
}
