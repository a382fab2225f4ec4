// `npm run bench`: the engine's and the runner's costs, printed as times and ratios measured in this run.
//   1. one synthesis epoch for N_i = N_f ∈ {3, 32, 256, 1024} and the log-log slope of its cost;
//   2. one reward epoch for N_r ∈ {5, 50, 500} reputers (N_i = N_f = 32) and the listening ascent's share;
//   3. epochs per second of one figure-2 run at paper scale;
//   4. a sweep of 32 figure-2 runs with 2 threads against 1, and peak memory of 32 against 256 runs.
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { benchSynthesis } from './synthesis-bench.js';
import { benchRewards } from './rewards-bench.js';
import { benchRunner } from './runner-bench.js';
import { benchOutput } from './output-bench.js';
import { loadScenario } from '../src/scenario/load.js';
import { runJob } from '../src/sim/job.js';
import { partBuilder } from '../src/runner/part.js';
import { projectRoot } from '../src/scenario/paths.js';

const root = projectRoot();
const scenario = loadScenario(join(root, 'scenarios/figure2-3.yaml'));

function benchEpochRate(): string[] {
  // Every table formatted to CSV as the workers do (the part builder), without the file write.
  const run = (seed: number, replicate: number): void => {
    const b = partBuilder({ point: 0, replicate, seed }, false);
    b.finish(runJob({ scenario, seed, point: 0, replicate }, b.writer));
  };
  run(1, 0); // warm-up
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    run(2 + r, r);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const ms = times[2];
  return [
    `simulation: one figure-2 run (${scenario.epochs} epochs, 3 workers, 5 reputers, every table): ${ms.toFixed(0)} ms median → ${((scenario.epochs / ms) * 1000).toFixed(0)} epochs/s`,
  ];
}

const only = process.argv[2];
const sections: [string, () => string[] | Promise<string[]>][] = [
  ['synthesis', () => benchSynthesis()],
  ['rewards', () => benchRewards()],
  ['simulation', () => benchEpochRate()],
  ['runner', () => benchRunner(join(root, 'dist/src/sim/job.js'), scenario)],
  ['output', () => benchOutput()],
];
for (const [name, run] of sections) {
  if (only && only !== name) continue;
  for (const line of await run()) process.stdout.write(line + '\n');
  process.stdout.write('\n');
}
