// Replicates of one scenario over seeds on the worker pool (`run --seeds N`, `check`): the tables streamed to
// `<out>/<table>.csv`, metrics.csv and the runner's manifest.json; returns each replicate's seed and metrics.

import type { FinishContext } from './run.js';
import { runMonteCarlo } from './run.js';
import type { JobKind } from './pool.js';
import type { ProgressMode } from './progress.js';
import type { OutputFormat } from './assemble.js';

export interface ReplicatesOptions {
  outDir: string;
  baseSeed: number;
  replicates: number;
  /** Exactly this run seed (one replicate), instead of the derived one. */
  runSeed?: number;
  threads?: number;
  progress?: ProgressMode;
  resume?: boolean;
  failFast?: boolean;
  /** How the user continues after an interruption (default: re-run with --resume). */
  resumeHint?: string;
  /** Scenario kind (chooses the job module; default agents). */
  kind?: JobKind;
  /** Tables to write (file names; default every table). */
  tables?: readonly string[];
  /** File format of the tables and metrics (default csv). */
  format?: OutputFormat;
  /** Writes what is derived from the runs (figures, summaries) before the manifest; see MonteCarloOptions. */
  finish?: (ctx: FinishContext) => Promise<Record<string, unknown> | void>;
  /** Run the jobs in this thread (no worker pool). */
  inline?: boolean;
}

/** Runs `replicates` seeds of the scenario into `outDir`; returns each replicate's seed and headline metrics. */
export async function runReplicates(
  s: unknown,
  opts: ReplicatesOptions,
): Promise<{ seeds: number[]; perSeed: Record<string, number>[] }> {
  let runs: FinishContext['runs'] = [];
  await runMonteCarlo({
    scenario: s,
    out: opts.outDir,
    seed: opts.baseSeed,
    replicates: opts.replicates,
    runSeed: opts.runSeed,
    threads: opts.threads,
    inline: opts.inline,
    kind: opts.kind,
    tables: opts.tables,
    format: opts.format,
    indexColumns: false,
    summary: false,
    resume: opts.resume,
    failFast: opts.failFast,
    progress: opts.progress,
    resumeHint: opts.resumeHint,
    finish: async (ctx) => {
      runs = ctx.runs;
      return opts.finish ? opts.finish(ctx) : undefined;
    },
  });
  return { seeds: runs.map((r) => r.seed), perSeed: runs.map((r) => r.metrics) };
}
