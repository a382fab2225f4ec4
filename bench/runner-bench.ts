// Benchmark of the Monte Carlo runner (src/runner):
//   1. a sweep of `runs` (≥ 32) runs with 2 threads against 1 thread, the two alternated `reps` times (each
//      sweep starts its own pool, as a command does) → median wall times and their ratio;
//   2. peak memory of a sweep of 32 runs against one of 128 runs (2 threads), each measured in a fresh
//      child process: peak RSS (process.resourceUsage().maxRSS — worker threads included) and peak
//      main-thread heap (sampled) → both, and their ratio (≈ 1 when memory stays flat).
// Usage from code: `await benchRunner(jobModulePath, resolvedScenario)` → report lines and the speed-up.
// Standalone:      node dist/bench/runner-bench.js <job module> [scenario.json]
// (The same file is the child process of the memory measurement: `--runner-bench-child <json>`.)

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runMonteCarlo, type MonteCarloOptions } from '../src/runner/run.js';
import { closeWarmPool } from '../src/runner/pool.js';

const CHILD_FLAG = '--runner-bench-child';

export interface BenchRunnerOptions {
  /** Runs of the thread-scaling sweep (default 32, at least 32). */
  runs?: number;
  /** Alternations of 1 and 2 threads (default 3); the medians are compared. */
  reps?: number;
  /** Run counts of the memory comparison (default [32, 128]). */
  memoryRuns?: [number, number];
  /** Threads of the memory sweeps (default 2). */
  memoryThreads?: number;
}

interface ChildResult {
  maxRssKiB: number;
  peakHeapBytes: number;
  elapsedMs: number;
}

function sweepOptions(runJobModule: string, scenario: unknown, out: string, runs: number, threads: number): MonteCarloOptions {
  return {
    scenario,
    out,
    seed: 1,
    replicates: runs,
    runJobModule,
    threads,
    progress: 'quiet',
    handleSignals: false,
    indexColumns: true,
  };
}

/** CPU time (ms, every thread of the process: main, workers, V8's compiler and GC threads) of the last timed sweep. */
let lastCpuMs = 0;

/** One sweep, timed. Cold (default): its threads start with it, as a command's do. Warm: the process's pool
 *  is kept from the sweep before (the same thread count), as between the sweeps of `attacks` or `figures`. */
async function timedSweep(runJobModule: string, scenario: unknown, runs: number, threads: number, warm = false): Promise<number> {
  const out = mkdtempSync(join(tmpdir(), 'allora-runner-bench-'));
  try {
    if (!warm) await closeWarmPool();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await runMonteCarlo(sweepOptions(runJobModule, scenario, out, runs, threads));
    const c = process.cpuUsage(c0);
    lastCpuMs = (c.user + c.system) / 1000;
    return performance.now() - t0;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** This module, compiled (the child must be JavaScript). */
function compiledSelf(): string {
  const self = fileURLToPath(import.meta.url);
  return self.endsWith('.ts') ? resolve(dirname(self), '../dist/bench/runner-bench.js') : self;
}

function measureInChild(runJobModule: string, scenario: unknown, runs: number, threads: number): Promise<ChildResult> {
  const arg = JSON.stringify({ runJobModule: resolve(runJobModule), scenario, runs, threads });
  return new Promise((resolveChild, reject) => {
    const proc = spawn(process.execPath, [compiledSelf(), CHILD_FLAG, arg], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    proc.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      if (code !== 0) reject(new Error(`runner-bench child (${runs} runs) exited with ${code}: ${stderr.trim()}`));
      else resolveChild(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ChildResult);
    });
  });
}

async function childMain(arg: string): Promise<void> {
  const { runJobModule, scenario, runs, threads } = JSON.parse(arg) as {
    runJobModule: string;
    scenario: unknown;
    runs: number;
    threads: number;
  };
  let peakHeap = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 20);
  const out = mkdtempSync(join(tmpdir(), 'allora-runner-bench-'));
  const t0 = performance.now();
  try {
    await runMonteCarlo(sweepOptions(runJobModule, scenario, out, runs, threads));
  } finally {
    clearInterval(timer);
    rmSync(out, { recursive: true, force: true });
  }
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  const res: ChildResult = { maxRssKiB: process.resourceUsage().maxRSS, peakHeapBytes: peakHeap, elapsedMs: performance.now() - t0 };
  process.stdout.write(`${JSON.stringify(res)}\n`);
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Runs the runner benchmark; returns the report lines and the 2-thread speed-up (median 1 thread / median 2). */
export async function benchRunner(
  runJobModule: string,
  scenario: unknown,
  opts: BenchRunnerOptions = {},
): Promise<{ lines: string[]; speedup: number; warmSpeedup: number; cpuCold: number; cpuWarm: number; t1: number; t2: number }> {
  const runs = Math.max(32, opts.runs ?? 32);
  const reps = opts.reps ?? 3;
  const [small, large] = opts.memoryRuns ?? [32, 128];
  const memThreads = opts.memoryThreads ?? 2;
  const lines: string[] = [];

  // Warm-up (module loading, JIT of the main thread) so that the first timed sweep is not penalised.
  await timedSweep(runJobModule, scenario, 2, 2);
  const one: number[] = [];
  const two: number[] = [];
  const cpu: number[][] = [[], []];
  for (let i = 0; i < reps; i++) {
    one.push(await timedSweep(runJobModule, scenario, runs, 1));
    cpu[0].push(lastCpuMs);
    two.push(await timedSweep(runJobModule, scenario, runs, 2));
    cpu[1].push(lastCpuMs);
  }
  const t1 = median(one);
  const t2 = median(two);
  const speedup = t1 / t2;
  // Warm: per thread count, one untimed sweep starts and warms the pool, then `reps` timed sweeps reuse it.
  const warmTimes: number[][] = [];
  const warmCpu: number[][] = [];
  for (const threads of [1, 2]) {
    await closeWarmPool();
    await timedSweep(runJobModule, scenario, runs, threads);
    const times: number[] = [];
    const cpus: number[] = [];
    for (let i = 0; i < reps; i++) {
      times.push(await timedSweep(runJobModule, scenario, runs, threads, true));
      cpus.push(lastCpuMs);
    }
    warmTimes.push(times);
    warmCpu.push(cpus);
  }
  await closeWarmPool();
  const [w1, w2] = warmTimes.map(median);
  const warmSpeedup = w1 / w2;
  lines.push(
    `runner threads: ${runs} runs, 1 and 2 threads alternated ${reps}× — 1 thread ${sec(t1)} (${(runs / (t1 / 1000)).toFixed(2)} runs/s; all ${one.map(sec).join(', ')}), ` +
      `2 threads ${sec(t2)} (${(runs / (t2 / 1000)).toFixed(2)} runs/s; all ${two.map(sec).join(', ')}); speed-up ×${speedup.toFixed(2)} (medians)`,
  );
  lines.push(
    `runner threads, warm pool (reused from the sweep before, as between the sweeps of one process): 1 thread ${sec(w1)} (all ${warmTimes[0].map(sec).join(', ')}), ` +
      `2 threads ${sec(w2)} (all ${warmTimes[1].map(sec).join(', ')}); speed-up ×${warmSpeedup.toFixed(2)} (medians)`,
  );
  // CPU of the whole process: what a second thread adds beyond the runs themselves. Cold, each new thread
  // compiles the job's code again (V8 optimises per thread), which the warm pool has done already.
  const [c1, c2] = cpu.map(median);
  const [wc1, wc2] = warmCpu.map(median);
  const cpuCold = c2 / c1;
  const cpuWarm = wc2 / wc1;
  lines.push(
    `runner CPU (all threads of the process, medians): cold 1 thread ${sec(c1)}, 2 threads ${sec(c2)} (×${cpuCold.toFixed(2)}); ` +
      `warm pool 1 thread ${sec(wc1)}, 2 threads ${sec(wc2)} (×${cpuWarm.toFixed(2)})`,
  );
  // Two cores cannot finish the 2-thread sweep in less than half its CPU time: the best cold speed-up this CPU allows.
  lines.push(
    `  cold speed-up at best on 2 cores with this CPU (1-thread wall / (2-thread CPU / 2)): ×${(t1 / (c2 / 2)).toFixed(2)}; warm ×${(w1 / (wc2 / 2)).toFixed(2)}`,
  );
  lines.push(
    `  (${process.execArgv.includes('--single-threaded-gc') ? 'with' : 'WITHOUT'} --single-threaded-gc, as the CLI runs: V8's parallel GC helper threads otherwise compete with the second worker for the 2 cores)`,
  );

  const a = await measureInChild(runJobModule, scenario, small, memThreads);
  const b = await measureInChild(runJobModule, scenario, large, memThreads);
  const rssA = a.maxRssKiB * 1024;
  const rssB = b.maxRssKiB * 1024;
  lines.push(
    `runner memory (${memThreads} threads): ${small} runs peak RSS ${mb(rssA)} (main heap ${mb(a.peakHeapBytes)}, ${sec(a.elapsedMs)}); ` +
      `${large} runs peak RSS ${mb(rssB)} (main heap ${mb(b.peakHeapBytes)}, ${sec(b.elapsedMs)}); ` +
      `ratio RSS ×${(rssB / rssA).toFixed(2)}, heap ×${(b.peakHeapBytes / a.peakHeapBytes).toFixed(2)}`,
  );
  return { lines, speedup, warmSpeedup, cpuCold, cpuWarm, t1, t2 };
}

// Entry points when run as a script.
if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  const [first, second] = process.argv.slice(2);
  if (first === CHILD_FLAG) {
    await childMain(second);
  } else if (first) {
    const scenario: unknown = second ? JSON.parse(readFileSync(second, 'utf8')) : {};
    for (const line of (await benchRunner(first, scenario)).lines) process.stdout.write(`${line}\n`);
  } else {
    process.stderr.write('usage: node dist/bench/runner-bench.js <job module> [scenario.json]\n');
    process.exitCode = 2;
  }
}
