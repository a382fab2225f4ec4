// Benchmark: the per-epoch cost at paper scale. One run of the figure scenario (1000 epochs, 3 workers,
// 5 reputers) with every table formatted to CSV as the workers do (the part builder, without the file
// write), single thread; and, measured in the same loop, the same run without tables (metrics only), so
// the share of the tables is a ratio that does not drift with the machine's load.
// Not a test; `benchEpochs(scenario)` returns printable lines.
import { performance } from 'node:perf_hooks';
import type { Scenario } from '../src/scenario/schema.js';
import { runJob } from '../src/sim/job.js';
import { partBuilder } from '../src/runner/part.js';

/** The target of one such run, in ms (issue: per-epoch cost at paper scale). */
export const EPOCH_RUN_TARGET_MS = 35;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** One run with every table, as a worker formats it (no file write). */
export function runWithTables(scenario: Scenario, seed: number, replicate: number): void {
  const b = partBuilder({ point: 0, replicate, seed }, false);
  b.finish(runJob({ scenario, seed, point: 0, replicate }, b.writer));
}

/** The same run writing no table (metrics only). */
export function runWithoutTables(scenario: Scenario, seed: number, replicate: number): void {
  const b = partBuilder({ point: 0, replicate, seed }, false);
  b.finish(runJob({ scenario, seed, point: 0, replicate, tables: [] }, b.writer));
}

/** Median ms of a run with every table and of one without, interleaved run by run (`reps` each). */
export function timeEpochRuns(scenario: Scenario, reps = 9): { withTables: number; withoutTables: number } {
  for (let i = 0; i < 2; i++) {
    runWithTables(scenario, 100 + i, i); // warm-up
    runWithoutTables(scenario, 100 + i, i);
  }
  const w: number[] = [];
  const wo: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    runWithTables(scenario, 2 + r, r);
    const t1 = performance.now();
    runWithoutTables(scenario, 2 + r, r);
    w.push(t1 - t0);
    wo.push(performance.now() - t1);
  }
  return { withTables: median(w), withoutTables: median(wo) };
}

export function benchEpochs(scenario: Scenario, reps = 9): string[] {
  const { withTables, withoutTables } = timeEpochRuns(scenario, reps);
  const p = scenario.participants;
  const met = withTables <= EPOCH_RUN_TARGET_MS ? 'met' : 'NOT met';
  return [
    `simulation: one figure-2 run (${scenario.epochs} epochs, ${p.inferers.count} workers, ${p.reputers.count} reputers, every table, single thread): ` +
      `${withTables.toFixed(1)} ms median of ${reps} → ${((scenario.epochs / withTables) * 1000).toFixed(0)} epochs/s (target ≤ ${EPOCH_RUN_TARGET_MS} ms: ${met})`,
    `  with vs without tables (same loop): ${withoutTables.toFixed(1)} ms without → tables cost ×${(withTables / withoutTables).toFixed(2)}`,
  ];
}
