// Start-up of the command line, measured as a user sees it: wall time of `node dist/src/cli/main.js …` child
// processes, median of 5 (after one warm-up of each, so the file cache is warm). `figures` is the difference
// between a one-seed run with and without the figures.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ColdRun } from './cold-run.js';

export interface StartupTimes {
  help: number;
  version: number;
  run: number;
  runWithFigures: number;
  figures: number;
  /** `node -e 0`: the floor of any command. */
  bareNode: number;
  /** A fresh process's first runs (bench/cold-run.ts), medians over the repetitions, position by position. */
  cold: { importMs: number; loadMs: number; runsMs: number[] };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Median wall times (ms) of the commands, the repetitions interleaved so that load drifts hit all alike. */
export function benchStartup(root: string, reps = 5): StartupTimes {
  const cli = join(root, 'dist/src/cli/main.js');
  const out = mkdtempSync(join(tmpdir(), 'allora-startup-bench-'));
  const scenario = join(root, 'scenarios/figure2-3.yaml');
  const cmds: Record<'help' | 'version' | 'run' | 'runWithFigures', string[]> = {
    help: ['--help'],
    version: ['--version'],
    run: ['run', scenario, '--no-figures', '--seeds', '1', '--quiet', '--force', '-o', join(out, 'run')],
    runWithFigures: ['run', scenario, '--seeds', '1', '--quiet', '--force', '-o', join(out, 'figures')],
  };
  const times: Record<string, number[]> = { help: [], version: [], run: [], runWithFigures: [] };
  const bare: number[] = [];
  const colds: ColdRun[] = [];
  const coldScript = join(root, 'dist/bench/cold-run.js');
  const coldOnce = (): ColdRun => {
    const r = spawnSync(process.execPath, [coldScript, scenario, '4'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) throw new Error(`cold-run exited with ${r.status}: ${r.stderr.toString().trim()}`);
    return JSON.parse(r.stdout.toString().trim()) as ColdRun;
  };
  const once = (args: string[]): number => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`allora-sim ${args.join(' ')} exited with ${r.status}: ${r.stderr.toString().trim()}`);
    return ms;
  };
  try {
    for (const args of Object.values(cmds)) once(args); // warm-up
    coldOnce();
    for (let i = 0; i < reps; i++) {
      for (const [k, args] of Object.entries(cmds)) times[k].push(once(args));
      const t0 = performance.now();
      spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
      bare.push(performance.now() - t0);
      colds.push(coldOnce());
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])) as Record<keyof typeof cmds, number>;
  const cold = {
    importMs: median(colds.map((c) => c.importMs)),
    loadMs: median(colds.map((c) => c.loadMs)),
    runsMs: colds[0].runsMs.map((_, i) => median(colds.map((c) => c.runsMs[i]))),
  };
  return { ...m, figures: m.runWithFigures - m.run, bareNode: median(bare), cold };
}
