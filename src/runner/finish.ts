// The end of a sweep whose runs all ran: the final tables assembled from the part files in canonical order
// (assemble.ts), what the caller derives from the runs (`finish`: figures, summaries) staged beside them,
// manifest.json last, then everything renamed into place at once. When runs failed, manifest.json alone
// (status "failed") and SweepFailedError.

import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { assembleOutputs, AssemblyStopped, commitStaged, discardStaged, type StagedFile } from './assemble.js';
import { RUN_PENDING, writeManifest, type ManifestInput } from './manifest.js';
import { PartDamagedError, partFileName, readPartHeader } from './part.js';
import { sweepFailed, sweepInterrupted, type RunSummary } from './outcome.js';
import { referenceIndex, type FinishContext, type Plan } from './plan.js';
import type { PointSummary } from '../sim/sweep-summary.js';
import type { RunState } from './schedule.js';

export interface Ending {
  state: RunState;
  /** Runs found done on resume. */
  skipped: number;
  /** Threads the runs had (recorded in the manifest). */
  threads: number;
  started: Date;
  /** The interrupting signal so far (it may arrive during the ending too). */
  interrupted: () => string | null;
  summaryOf: (outputs: string[]) => RunSummary;
}

function manifestBase(plan: Plan, e: Ending): Omit<ManifestInput, 'status' | 'outputs' | 'extra'> {
  return {
    path: plan.manifestPath,
    definition: plan.definition,
    started: e.started,
    indexColumns: plan.indexColumns,
    format: plan.opts.format ?? 'csv',
    threads: e.threads,
    jobModule: plan.jobHref,
    statuses: e.state.statuses,
    resumed: e.skipped,
    failures: e.state.failures,
    seedOf: plan.seedOf,
  };
}

/** Runs failed or are pending: writes manifest.json (status "failed") and returns the error to throw; or
 *  undefined when every run succeeded. */
export async function failedEnding(plan: Plan, e: Ending): Promise<Error | undefined> {
  const pending = e.state.statuses.some((s) => s === RUN_PENDING);
  if (e.state.failures.size === 0 && !pending) return undefined;
  const staged = await writeManifest({ ...manifestBase(plan, e), status: 'failed', outputs: [] });
  commitStaged([staged]);
  return sweepFailed(e.summaryOf(['manifest.json']), plan.sweep, plan);
}

/** Every run succeeded: assembles, finishes, commits; returns the names of the files put in place. */
export async function successfulEnding(plan: Plan, e: Ending): Promise<string[]> {
  const { out, runsDir, total, R, resumeHint, opts } = plan;
  let staged: StagedFile[];
  let points: PointSummary[] | undefined;
  try {
    staged = await assembleOutputs({
      out,
      runsDir,
      sweep: plan.sweep,
      replicates: R,
      indexColumns: plan.indexColumns,
      summary: opts.summary ?? true,
      format: opts.format,
      threads: opts.inline ? 1 : plan.threadsWanted,
      expectedSeed: plan.seedAt,
      shouldStop: () => e.state.stopped,
      summarize: { claims: opts.summarize?.claims, reference: plan.seedRule === 'common' && plan.reference ? referenceIndex(plan.sweep, plan.reference) : null },
      onSummary: (p) => (points = p),
      axisColumns: opts.axisColumns,
    });
  } catch (err) {
    if (err instanceof AssemblyStopped) {
      const sig = e.interrupted();
      throw sweepInterrupted(
        `interrupted by ${sig ?? 'signal'} while writing the outputs: all ${total} runs are kept in ${runsDir}; to continue, ${resumeHint}`,
        sig ?? 'SIGINT',
        e.summaryOf([]),
      );
    }
    if (err instanceof PartDamagedError) {
      // Damaged after it was written: remove it so that resume runs it again (the others are kept).
      rmSync(err.path, { force: true });
      throw Object.assign(new Error(`${err.path}: ${err.reason}; removed — the other runs are kept in ${runsDir}; to run it again, ${resumeHint}`), {
        exitCode: 1,
      });
    }
    throw err;
  }
  let extra: Record<string, unknown> | undefined;
  const finishDir = join(out, `.finish-${process.pid}`);
  try {
    if (opts.finish) {
      rmSync(finishDir, { recursive: true, force: true });
      mkdirSync(finishDir);
      extra = (await opts.finish({ dir: finishDir, out, runsDir, runs: finishedRuns(plan), ...(points ? { points } : {}) })) ?? undefined;
      const sig = e.interrupted();
      if (sig) {
        throw sweepInterrupted(
          `interrupted by ${sig} while writing the outputs: all ${total} runs are kept in ${runsDir}; to continue, ${resumeHint}`,
          sig,
          e.summaryOf([]),
        );
      }
      for (const name of readdirSync(finishDir).sort()) {
        if (name === 'manifest.json' || staged.some((f) => f.name === name)) continue;
        staged.push({ name, tmp: join(finishDir, name), final: join(out, name) });
      }
    }
    const outputs = [...staged.map((f) => f.name), 'manifest.json'];
    staged.push(await writeManifest({ ...manifestBase(plan, e), status: 'ok', outputs, extra: { ...extra, ...opts.shard?.manifest } }));
    commitStaged(staged);
  } catch (err) {
    discardStaged(staged);
    throw err;
  } finally {
    rmSync(finishDir, { recursive: true, force: true });
  }
  if (!opts.keepParts) rmSync(runsDir, { recursive: true, force: true });
  return staged.map((f) => f.name);
}

/** Every run in canonical order, from its part header: seed and metrics. */
function finishedRuns(plan: Plan): FinishContext['runs'] {
  const runs: FinishContext['runs'] = [];
  for (let id = 0; id < plan.total; id++) {
    const h = readPartHeader(join(plan.runsDir, partFileName(Math.floor(id / plan.R), id % plan.R)));
    runs.push({ point: h.point, replicate: h.replicate, seed: h.seed, metrics: Object.fromEntries(Object.entries(h.metrics).map(([k, v]) => [k, Number(v)])) });
  }
  return runs;
}
