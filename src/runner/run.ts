// The Monte Carlo runner: runs a scenario over grid points × replicates on a worker pool, checkpoints every
// finished run to a part file, and assembles the final CSVs, summary.csv, metrics.csv and manifest.json.
// Its pieces, in the order a sweep uses them: plan.ts (the options checked, each run's seed, the definition a
// resume must match: definition.ts), checkpoint.ts (resume / fresh start), pool.ts and execute.ts (threads,
// one job → one part file; part.ts the part format), schedule.ts (the loop over the pending runs),
// interrupts.ts (signals), outcome.ts (failures and interruptions), finish.ts (assemble.ts the final files,
// manifest.ts, the rename into place). This file puts them together.
//
// On-disk layout of <out>:
//   .runs/sweep.json                  the sweep definition (checkpoint identity; compared on resume)
//   .runs/p<point>-r<replicate>.ndjson one finished run (see part.ts): its tables already formatted as
//                                     CSV; written atomically (temp + rename) by the thread that ran it
//   <table>.csv …, summary.csv        final outputs (assemble.ts), renamed into place only when every run
//                                     succeeded
//   manifest.json                     written last: definition, tool version, per-run point / replicate /
//                                     seed / status (also written, with status "failed", when runs failed)
// `.runs/` is removed after a successful sweep unless `keepParts`.
//
// Run order: canonical (point, replicate) — point-major, replicates 0…R−1 within a point; run id =
// point·R + replicate. Runs are scheduled in that order; they may finish in any order, but the outputs are
// always assembled in that order, so they are byte-identical for any thread count, executor, or
// interruption and resume.

import { openCheckpoint } from './checkpoint.js';
import { diffDefinitions, setPointValues, type SweepDefinition } from './definition.js';
import { failedEnding, successfulEnding, type Ending } from './finish.js';
import { watchInterrupts } from './interrupts.js';
import { RUN_OK, RUN_PENDING } from './manifest.js';
import { sweepInterrupted, type RunSummary } from './outcome.js';
import { makePlan, type MonteCarloOptions } from './plan.js';
import { createExecutor, type Executor } from './pool.js';
import { createProgress } from './progress.js';
import { schedulePending, type RunState } from './schedule.js';

export { diffDefinitions, setPointValues, type SweepDefinition };
export type { FinishContext, MonteCarloOptions } from './plan.js';
export { referenceIndex } from './plan.js';
export { SweepFailedError, SweepInterruptedError, toolVersion, type RunFailure, type RunSummary } from './outcome.js';

/** Runs the sweep. Resolves when every run succeeded and the outputs are in place; otherwise rejects with
 *  SweepFailedError / SweepInterruptedError (or InputError for a bad definition). */
export async function runMonteCarlo(opts: MonteCarloOptions): Promise<RunSummary> {
  const t0 = Date.now();
  const started = new Date();
  const plan = makePlan(opts);
  const { out, runsDir, P, R, total } = plan;

  // Checkpoint directory (checkpoint.ts): resume state, or a fresh .runs/.
  const cp = openCheckpoint({ out, runsDir, definition: plan.definition, resume: opts.resume ?? false, total, R, seedOf: plan.seedOf, log: plan.log, indexColumns: plan.indexColumns, summary: opts.summary ?? true, format: opts.format, shard: opts.shard });
  if ('complete' in cp) {
    return { out, points: P, replicates: R, total, ran: 0, skipped: total, failures: [], pending: 0, outputs: cp.complete, elapsedMs: Date.now() - t0 };
  }
  const { skipped, elsewhere } = cp;
  const state: RunState = { statuses: cp.statuses, failures: new Map(), ran: 0, stopped: false, fatal: null };

  let executor: Executor | null = null;
  const stop = () => {
    state.stopped = true;
    void executor?.destroy();
  };
  const interrupts = watchInterrupts({ handleSignals: opts.handleSignals ?? true, signal: opts.signal, stop });

  const pendingCount = total - skipped - elsewhere;
  // One run to do: it runs in this thread (starting a pool would cost more than the run).
  const inThread = opts.inline === true || pendingCount === 1;
  const threads = inThread ? 1 : Math.max(1, Math.min(plan.threadsWanted, pendingCount));
  const progress = createProgress({
    total: total - elsewhere,
    done: skipped,
    mode: opts.progress ?? 'auto',
    stream: opts.progressStream,
    intervalMs: opts.progressIntervalMs,
  });

  const summaryOf = (outputs: string[]): RunSummary => {
    let pending = 0;
    for (const s of state.statuses) if (s === RUN_PENDING) pending++;
    return {
      out,
      points: P,
      replicates: R,
      total,
      ran: state.ran,
      skipped,
      failures: [...state.failures.values()].sort((a, b) => a.point - b.point || a.replicate - b.replicate),
      pending,
      outputs,
      elapsedMs: Date.now() - t0,
    };
  };

  try {
    // A shard stamps its start; a merge refuses to go on with runs missing (shard.ts).
    opts.shard?.beforeRuns({ runsDir, threads, resumed: skipped, pending: [...state.statuses.keys()].filter((id) => state.statuses[id] === RUN_PENDING) });
    if (pendingCount > 0 && !state.stopped) {
      executor = createExecutor({ threads, inline: inThread, workerFile: plan.workerFile, guard: (job) => interrupts.withDefaultSignals(job) });
      await schedulePending(plan, executor, state, { stop, tick: () => progress.tick() });
      await executor.destroy();
    }
    progress.stop();

    if (state.fatal) throw state.fatal;
    const sig = interrupts.interrupted;
    if (sig) {
      const done = state.statuses.reduce((n, s) => n + (s === RUN_OK ? 1 : 0), 0);
      const how = sig === 'abort' ? 'aborted' : `interrupted by ${sig}`;
      throw sweepInterrupted(`${how}: ${done} of ${total} runs finished and kept in ${runsDir}; to continue, ${plan.resumeHint}`, sig, summaryOf([]));
    }

    // A shard stops here: its stamp instead of the outputs (shard.ts).
    if (opts.shard?.finish) return opts.shard.finish(summaryOf([]));

    const ending: Ending = { state, skipped, threads, started, interrupted: () => interrupts.interrupted, summaryOf };
    const failed = await failedEnding(plan, ending);
    if (failed) throw failed;
    return summaryOf(await successfulEnding(plan, ending));
  } finally {
    progress.stop();
    interrupts.dispose();
    if (executor) await executor.destroy();
  }
}
