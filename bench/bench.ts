// `npm run bench`: the engine's and the runner's costs, printed as times and ratios measured in this run, and
// at the end every target of the tool with the figure measured here next to it (✓ met, ✗ not met):
//   1. one synthesis epoch for N_i = N_f ∈ {3, 32, 256, 1024} and the log-log slope of its cost;
//   2. one reward epoch for N_r ∈ {5, 50, 500} reputers (N_i = N_f = 32) and the listening ascent's share;
//   3. one figure-2 run at paper scale (1000 epochs, single thread) with every table and with none, and the
//      fast against the definitional listening ascent at that scale;
//   4. start-up: --help, --version, a one-seed run without and with figures (child processes, median of 5);
//   5. a sweep of 32 figure-2 runs with 2 threads against 1, and peak memory of 32 against 128 runs.
// `npm run bench -- <section>` runs one section. Ratios are the figures to compare between machines: absolute
// times drift with the load of a shared machine.
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { benchSynthesis } from './synthesis-bench.js';
import { benchRewards, timeListeningAscents } from './rewards-bench.js';
import { benchRunner } from './runner-bench.js';
import { benchStartup } from './startup-bench.js';
import { benchOutput } from './output-bench.js';
import { loadScenario } from '../src/scenario/load.js';
import { runJob } from '../src/sim/job.js';
import { partBuilder } from '../src/runner/part.js';
import { projectRoot } from '../src/scenario/paths.js';

const root = projectRoot();
const scenario = loadScenario(join(root, 'scenarios/figure2-3.yaml'));

/** A target: its name, the figure measured in this run, the bound and how to print them. */
interface Target {
  name: string;
  value: number;
  /** 'max': value ≤ bound; 'min': value ≥ bound. */
  kind: 'max' | 'min';
  bound: number;
  unit: 'ms' | '×';
}
const targets: Target[] = [];
/** Ratios measured in this run (no target). */
const ratios: string[] = [];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Times the functions interleaved, `reps` times each after one warm-up; the median ms of each. */
function interleaved(fns: (() => void)[], reps: number): number[] {
  for (const f of fns) f();
  const times = fns.map(() => [] as number[]);
  for (let r = 0; r < reps; r++) {
    fns.forEach((f, i) => {
      const t0 = performance.now();
      f();
      times[i].push(performance.now() - t0);
    });
  }
  return times.map(median);
}

function benchSimulation(): string[] {
  // Every table formatted to CSV as the workers do (the part builder), without the file write; and no table
  // (`--tables none`: metrics only).
  let seed = 1;
  const run = (tables?: readonly string[]) => (): void => {
    const s = seed++;
    const b = partBuilder({ point: 0, replicate: 0, seed: s }, false);
    b.finish(runJob({ scenario, seed: s, point: 0, replicate: 0, ...(tables ? { tables } : {}) }, b.writer));
  };
  const [all, none] = interleaved([run(), run([])], 7);
  targets.push({ name: `one ${scenario.epochs}-epoch figure-2 run, single thread, every table`, value: all, kind: 'max', bound: 35, unit: 'ms' });
  ratios.push(`every table / no table (--tables none), one run: ×${(all / none).toFixed(2)}`);

  // The listening ascent at the figure's scale (N_i = N_f = 3, N_r = 5): fast against definitional.
  const nW = scenario.participants.inferers.count;
  const nR = scenario.participants.reputers.count;
  const asc = timeListeningAscents(nR, nW);
  ratios.push(`listening ascent at the figure's scale (N_i = N_f = ${nW}, N_r = ${nR}): definitional / fast ×${asc.ratio.toFixed(2)}`);
  return [
    `simulation: one figure-2 run (${scenario.epochs} epochs, ${nW} workers, ${nR} reputers), median of 7: every table ${all.toFixed(0)} ms → ${((scenario.epochs / all) * 1000).toFixed(0)} epochs/s; no table ${none.toFixed(0)} ms`,
    `  listening ascent, N_r = ${nR}: fast ${asc.fastMs.toFixed(3)} ms, definitional ${asc.definitionalMs.toFixed(3)} ms per call`,
  ];
}

function benchStart(): string[] {
  const t = benchStartup(root);
  targets.push({ name: '--help', value: t.help, kind: 'max', bound: 120, unit: 'ms' });
  targets.push({ name: '--version', value: t.version, kind: 'max', bound: 120, unit: 'ms' });
  targets.push({ name: 'run figure2-3.yaml --no-figures, one seed (whole command)', value: t.run, kind: 'max', bound: 250, unit: 'ms' });
  targets.push({ name: 'figures of one run (run with figures − without)', value: t.figures, kind: 'max', bound: 400, unit: 'ms' });
  const c = t.cold;
  const warm = c.runsMs[c.runsMs.length - 1];
  ratios.push(`a fresh process's first run / its ${c.runsMs.length}th (V8 compiling the mechanism while it runs): ×${(c.runsMs[0] / warm).toFixed(2)}`);
  return [
    `start-up (node dist/src/cli/main.js …, wall, median of 5): --help ${t.help.toFixed(0)} ms, --version ${t.version.toFixed(0)} ms, ` +
      `run one seed --no-figures ${t.run.toFixed(0)} ms, with figures ${t.runWithFigures.toFixed(0)} ms; bare \`node -e 0\` ${t.bareNode.toFixed(0)} ms`,
    `  a fresh process (bench/cold-run.ts, median of 5): job modules imported in ${c.importMs.toFixed(0)} ms, scenario loaded in ${c.loadMs.toFixed(0)} ms, ` +
      `then runs of ${c.runsMs.map((x) => x.toFixed(0)).join(', ')} ms (figure 2, every table)`,
  ];
}

async function benchThreads(): Promise<string[]> {
  const r = await benchRunner(join(root, 'dist/src/sim/job.js'), scenario);
  targets.push({ name: '32-run sweep, 2 threads against 1 (speed-up), warm pool (reused within one process)', value: r.warmSpeedup, kind: 'min', bound: 1.85, unit: '×' });
  targets.push({ name: '32-run sweep, 2 threads against 1 (speed-up), cold (threads started by the sweep, as one command)', value: r.speedup, kind: 'min', bound: 1.85, unit: '×' });
  ratios.push(`threads 2 / 1, 32-run sweep: ×${r.warmSpeedup.toFixed(2)} warm, ×${r.speedup.toFixed(2)} cold`);
  ratios.push(`CPU of the 32-run sweep, 2 threads / 1 (all threads of the process): ×${r.cpuWarm.toFixed(2)} warm, ×${r.cpuCold.toFixed(2)} cold`);
  return r.lines;
}

const only = process.argv[2];
const sections: [string, () => string[] | Promise<string[]>][] = [
  ['synthesis', () => benchSynthesis()],
  ['rewards', () => benchRewards()],
  ['simulation', () => benchSimulation()],
  ['startup', () => benchStart()],
  ['runner', () => benchThreads()],
  ['output', () => benchOutput()],
];
for (const [name, run] of sections) {
  if (only && only !== name) continue;
  for (const line of await run()) process.stdout.write(line + '\n');
  process.stdout.write('\n');
}

const fmt = (t: Target, v: number) => (t.unit === 'ms' ? `${v.toFixed(0)} ms` : `×${v.toFixed(2)}`);
if (targets.length > 0) {
  process.stdout.write('targets (measured in this run):\n');
  for (const t of targets) {
    const met = t.kind === 'max' ? t.value <= t.bound : t.value >= t.bound;
    process.stdout.write(`  ${t.name}: ${fmt(t, t.value)} (target ${t.kind === 'max' ? '≤' : '≥'} ${fmt(t, t.bound)}) ${met ? '✓' : '✗'}\n`);
  }
}
if (ratios.length > 0) process.stdout.write(`ratios (measured in this run):\n${ratios.map((r) => `  ${r}\n`).join('')}`);
