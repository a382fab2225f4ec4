// One child process of the start-up bench: how a fresh process spends its first runs. It times the import of
// the job's modules, the scenario's loading, and `runs` successive figure-2 runs with every table (as a worker
// or a one-seed command runs them), and prints them as one JSON line. The first run is slow because V8 runs
// the mechanism's code unoptimised while it compiles it; the later runs show the warm cost.
// Usage: node dist/bench/cold-run.js <scenario.yaml> [runs]
import { performance } from 'node:perf_hooks';

export interface ColdRun {
  importMs: number;
  loadMs: number;
  /** Wall time of each run, in order (ms). */
  runsMs: number[];
}

const t0 = performance.now();
const [file, runsArg] = process.argv.slice(2);
const { loadScenario } = await import('../src/scenario/load.js');
const { runJob } = await import('../src/sim/job.js');
const { partBuilder } = await import('../src/runner/part.js');
const t1 = performance.now();
const scenario = loadScenario(file);
const t2 = performance.now();
const runsMs: number[] = [];
for (let seed = 1; seed <= Number(runsArg ?? 4); seed++) {
  const t = performance.now();
  const b = partBuilder({ point: 0, replicate: 0, seed }, false);
  b.finish(runJob({ scenario, seed, point: 0, replicate: 0 }, b.writer));
  runsMs.push(performance.now() - t);
}
const res: ColdRun = { importMs: t1 - t0, loadMs: t2 - t1, runsMs };
process.stdout.write(`${JSON.stringify(res)}\n`);
