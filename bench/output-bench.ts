// Benchmark of the sweep outputs: one sweep of the figure 2–3 scenario (its 1000 epochs; grid p = 2,3,4,5 ×
// 25 seeds = 100 runs, 2 threads), in-process through the sweep command, written three ways:
//   --tables all (CSV), --tables all --format parquet, --tables none (metrics.csv and summary.csv only);
// for each: the wall time, the total size of the outputs, and the main thread's share of the wall time
// (performance.eventLoopUtilization of the main thread over the sweep: scheduling, progress, assembly and,
// with Parquet, the conversion — the simulation itself runs in the worker threads).
// Usage from code: `await benchOutput()` → report lines. Standalone: node dist/bench/output-bench.js [runs/4]

import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { runSweepCommand } from '../src/commands/sweep.js';
import { projectRoot } from '../src/scenario/paths.js';

export interface BenchOutputOptions {
  /** Seeds per grid point (4 points; default 25 → 100 runs). */
  seeds?: number;
  threads?: number;
}

interface Case {
  label: string;
  tables: string;
  format: 'csv' | 'parquet';
}

const CASES: Case[] = [
  { label: '--tables all (CSV)', tables: 'all', format: 'csv' },
  { label: '--tables all --format parquet', tables: 'all', format: 'parquet' },
  { label: '--tables none', tables: 'none', format: 'csv' },
];

const mb = (bytes: number) => (bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`);

function dirSize(dir: string): { bytes: number; files: string[] } {
  const files = readdirSync(dir).filter((n) => !n.startsWith('.'));
  return { bytes: files.reduce((s, n) => s + statSync(join(dir, n)).size, 0), files };
}

/** One sweep into a fresh temporary directory: wall time, output size, main-thread utilisation. */
export async function measureSweep(c: Case, seeds: number, threads: number): Promise<{ ms: number; bytes: number; files: string[]; mainShare: number; mainMs: number }> {
  const root = mkdtempSync(join(tmpdir(), 'allora-output-bench-'));
  const out = join(root, 'out');
  try {
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    await runSweepCommand(join(projectRoot(), 'scenarios/figure2-3.yaml'), {
      set: [],
      grid: ['p=2,3,4,5'],
      seeds,
      tables: c.tables,
      format: c.format,
      outDir: out,
      outRoot: root,
      threads,
      progress: 'quiet',
      note: () => undefined,
    });
    const ms = performance.now() - t0;
    const elu = performance.eventLoopUtilization(elu0);
    const size = dirSize(out);
    return { ms, bytes: size.bytes, files: size.files, mainShare: elu.utilization, mainMs: elu.active };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Runs the output benchmark; returns the report lines. */
export async function benchOutput(opts: BenchOutputOptions = {}): Promise<string[]> {
  const seeds = opts.seeds ?? 25;
  const threads = opts.threads ?? 2;
  const runs = 4 * seeds;
  const lines = [`output: sweep of figure2-3 (1000 epochs), --grid p=2,3,4,5 --seeds ${seeds} = ${runs} runs, ${threads} threads, in-process`];
  await measureSweep(CASES[2], 1, threads); // warm-up (module loading, JIT)
  const res = [];
  for (const c of CASES) {
    const r = await measureSweep(c, seeds, threads);
    res.push(r);
    lines.push(
      `  ${c.label.padEnd(30)} ${(r.ms / 1000).toFixed(1).padStart(6)} s wall, ${mb(r.bytes).padStart(9)} in ${r.files.length} files, ` +
        `main thread busy ${(100 * r.mainShare).toFixed(0)}% of the wall (${(r.mainMs / 1000).toFixed(1)} s)`,
    );
  }
  lines.push(`  Parquet / CSV size ×${(res[1].bytes / res[0].bytes).toFixed(3)}; time ×${(res[1].ms / res[0].ms).toFixed(2)}`);
  return lines;
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  const seeds = process.argv[2] ? Number(process.argv[2]) : undefined;
  for (const line of await benchOutput({ seeds })) process.stdout.write(`${line}\n`);
}
