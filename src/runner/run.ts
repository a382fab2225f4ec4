// The Monte Carlo runner: runs a scenario over grid points × replicates on a worker pool, checkpoints every
// finished run to a part file, and assembles the final CSVs, summary.csv, metrics.csv and manifest.json.
// Its pieces: definition.ts (what a resume must match), checkpoint.ts (resume / fresh start), pool.ts and
// execute.ts (threads, one job → one part file), part.ts (the part format), assemble.ts (final files),
// manifest.ts; this file schedules the runs, handles interrupts and failures, and commits the outputs.
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

import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../scenario/errors.js';
import { packageInfo } from '../scenario/paths.js';
import { assembleOutputs, AssemblyStopped, commitStaged, discardStaged, type OutputFormat, type StagedFile } from './assemble.js';
import { describePoint, pointAt, pointCount, type GridPoint, type GridValue, type Sweep } from './grid.js';
import { PartDamagedError, partFileName, readPartHeader } from './part.js';
import { createExecutor, defaultThreads, defaultWorkerFile, jobModuleFor, toModuleHref, type Executor, type JobKind } from './pool.js';
import { createProgress, type ProgressMode } from './progress.js';
import { checkBaseSeed, deriveSeed } from './seeds.js';
import { diffDefinitions, jsonClone, setPointValues, type SweepDefinition } from './definition.js';
import { RUN_FAILED, RUN_OK, RUN_PENDING, writeManifest } from './manifest.js';
import { openCheckpoint } from './checkpoint.js';
import type { ShardHooks } from './shard.js';
export { diffDefinitions, setPointValues, type SweepDefinition };
import type { RunJob } from './types.js';

export interface MonteCarloOptions {
  /** The resolved base scenario (plain JSON). */
  scenario: unknown;
  /** Output directory (created if needed). */
  out: string;
  /** Base seed: a non-negative safe integer. */
  seed: number;
  /** Replicates per grid point (≥ 1); `run --seeds N` is N replicates of the single empty point. */
  replicates: number;
  /** From `buildSweep()`; default: the single empty point (`run --seeds N`). */
  sweep?: Sweep;
  /** Module exporting `runJob` (path or URL); default: the module of `kind`. */
  runJobModule?: string | URL;
  /** Run with exactly this run seed instead of the derived one (a single run: one point, one replicate),
   *  to reproduce a run whose seed was printed. */
  runSeed?: number;
  /** Scenario kind, which chooses the job module when `runJobModule` is not given (default agents). */
  kind?: JobKind;
  /** Tables the jobs write (file names, e.g. `losses.csv`, hidden `_…` ones included); default every
   *  table. Passed to each job as `RunJob.tables`. */
  tables?: readonly string[];
  /**
   * Builds a point's scenario from the base scenario (must not mutate it). Default: a deep copy with each
   * `values[key]` set at the dotted path `key` (intermediate mappings created as needed). Called once for
   * every point before any run starts, so a bad value fails the sweep up front (throw InputError).
   */
  applyPoint?: (scenario: unknown, point: GridPoint, sweep: Sweep) => unknown;
  /** Worker threads; default `os.availableParallelism()`. */
  threads?: number;
  /** Run jobs in the main thread without a pool (debugging); same output bytes. */
  inline?: boolean;
  /** Prepend `point`, `replicate` to every table and `point` to summary.csv (default true; the plain
   *  `run --seeds N` mode wants false). */
  indexColumns?: boolean;
  /** Write summary.csv (default true). */
  summary?: boolean;
  /** File format of the tables, metrics and summary (default csv; assemble.ts). */
  format?: OutputFormat;
  /** Skip runs whose part file exists; the checkpoint's sweep definition must match. */
  resume?: boolean;
  /** Stop at the first failed run (abandoning the runs in flight). */
  failFast?: boolean;
  /** Keep `<out>/.runs/` after a successful sweep (default: removed). */
  keepParts?: boolean;
  /** Progress display (default `auto`: bar on a TTY, lines otherwise). */
  progress?: ProgressMode;
  progressStream?: NodeJS.WritableStream;
  progressIntervalMs?: number;
  /** Informational lines (failed runs as they happen, resume notes). Default: stderr unless progress is
   *  'quiet'. */
  log?: (line: string) => void;
  /** Aborting it interrupts the sweep like SIGINT. */
  signal?: AbortSignal;
  /** Handle SIGINT / SIGTERM during the sweep (default true). */
  handleSignals?: boolean;
  /** How the user resumes, for the interruption message (default 're-run the same command with --resume'). */
  resumeHint?: string;
  /** Override the worker file (default dist/workers/run-job.js). */
  workerFile?: string | URL;
  /**
   * Called once every run succeeded and the tables are assembled, before anything is put in place: writes
   * what the caller derives from the runs (figures, summaries) into `ctx.dir`, a staging folder whose files
   * are moved into `out` with the tables, `manifest.json` last, and returns fields to add to the manifest.
   * Part files are still in `ctx.runsDir` (e.g. `readPartTable`). A throw fails the sweep (nothing is put
   * in place; the runs are kept for `resume`); an interrupt during it is reported like any other.
   */
  finish?: (ctx: FinishContext) => Promise<Record<string, unknown> | void>;
  /** One shard of the sweep (`sweep --shard i/n`), or a merge of shards that never simulates (shard.ts). */
  shard?: ShardHooks;
}

export interface FinishContext {
  /** Staging folder inside `out`: files written here are moved into `out` with the tables. */
  dir: string;
  out: string;
  runsDir: string;
  /** Every run in canonical order: its seed and metrics (from its part header). */
  runs: { point: number; replicate: number; seed: number; metrics: Record<string, number> }[];
}

export interface RunFailure {
  point: number;
  replicate: number;
  seed: number;
  /** The point's values, keyed by full dotted path. */
  values: Record<string, GridValue>;
  /** `p=1.5, alpha=0.1` (names as typed). */
  where: string;
  error: string;
}

export interface RunSummary {
  out: string;
  points: number;
  replicates: number;
  total: number;
  /** Runs executed (and succeeded) in this call. */
  ran: number;
  /** Runs skipped because their part file existed (resume). */
  skipped: number;
  failures: RunFailure[];
  /** Runs neither done nor failed (interrupted / fail-fast). */
  pending: number;
  /** Final files written in `out` (tables, summary.csv, manifest.json); empty unless the sweep succeeded
   *  (manifest.json alone when runs failed). */
  outputs: string[];
  elapsedMs: number;
}

/** Some runs failed: `failures` lists them; exit code 1. The finished runs are kept in `.runs/`. */
export class SweepFailedError extends Error {
  readonly exitCode = 1;
  constructor(
    message: string,
    readonly summary: RunSummary,
  ) {
    super(message);
    this.name = 'SweepFailedError';
  }
}

/** SIGINT / SIGTERM / abort: finished runs are kept; exit code 130 (SIGINT, abort) or 143 (SIGTERM). */
export class SweepInterruptedError extends Error {
  constructor(
    message: string,
    readonly signal: string,
    readonly exitCode: number,
    readonly summary: RunSummary,
  ) {
    super(message);
    this.name = 'SweepInterruptedError';
  }
}


/** The tool's version (package.json). */
export function toolVersion(): string {
  return packageInfo().version;
}


/** How to run one failed run alone: `run` with the point's values and its seed. */
function reproduce(sweep: Sweep, point: GridPoint, seed: number): string {
  const sets = sweep.axes.map((a) => ` --set ${a.name}=${String(point.values[a.key])}`).join('');
  return `alone: run <scenario>${sets} --run-seed ${seed}`;
}

/** The first line of an error message (a job's error may span lines). */
function oneLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

function checkInt(v: number, min: number, label: string): number {
  if (!Number.isSafeInteger(v) || v < min) throw new InputError(`${label}: must be an integer ≥ ${min} (got ${String(v)})`);
  return v;
}

/** Runs the sweep. Resolves when every run succeeded and the outputs are in place; otherwise rejects with
 *  SweepFailedError / SweepInterruptedError (or InputError for a bad definition). */
export async function runMonteCarlo(opts: MonteCarloOptions): Promise<RunSummary> {
  const t0 = Date.now();
  const started = new Date();
  const sweep: Sweep = opts.sweep ?? { mode: 'single', axes: [] };
  const base = checkBaseSeed(opts.seed);
  const R = checkInt(opts.replicates, 1, 'replicates');
  const threadsWanted = opts.threads === undefined ? defaultThreads() : checkInt(opts.threads, 1, 'threads');
  const P = pointCount(sweep);
  const total = P * R;
  if (!Number.isSafeInteger(total) || total > 2 ** 31) throw new InputError(`the sweep has ${P} points × ${R} replicates: too many runs`);
  if (opts.runSeed !== undefined) {
    if (!Number.isInteger(opts.runSeed) || opts.runSeed < 0 || opts.runSeed > 0xffffffff) {
      throw new InputError(`--run-seed: must be an integer in [0, 4294967295] (got ${String(opts.runSeed)})`);
    }
    if (total !== 1) throw new InputError(`--run-seed: runs exactly one run (got ${P} points × ${R} replicates)`);
  }
  const indexColumns = opts.indexColumns ?? true;
  const out = resolve(opts.out);
  const runsDir = join(out, '.runs');
  const quiet = opts.progress === 'quiet';
  const log = opts.log ?? (quiet ? () => undefined : (s: string) => void process.stderr.write(`${s}\n`));
  const resumeHint = opts.resumeHint ?? 're-run the same command with --resume';
  const applyPoint = opts.applyPoint ?? setPointValues;
  const tables = opts.tables ? [...opts.tables] : undefined;
  const fixedSeed = opts.runSeed;

  const workerFile = opts.inline ? undefined : (opts.workerFile ?? defaultWorkerFile());
  const jobHref = toModuleHref(
    opts.runJobModule ?? jobModuleFor(opts.kind ?? 'agents', workerFile === undefined ? undefined : new URL(toModuleHref(workerFile))),
  );
  // Validate every point's scenario up front.
  for (let p = 0; p < P; p++) applyPoint(opts.scenario, pointAt(sweep, p), sweep);
  if (jobHref.startsWith('file:') && !existsSync(fileURLToPath(jobHref))) {
    throw new Error(`job module not found: ${fileURLToPath(jobHref)} (build the project first: npm run build)`);
  }


  const definition: SweepDefinition = jsonClone({
    seed: base,
    mode: sweep.mode,
    axes: sweep.axes.map((a) => ({ name: a.name, key: a.key, values: a.values })),
    points: P,
    replicates: R,
    scenario: opts.scenario ?? null,
    tables: tables ?? null,
    ...(fixedSeed !== undefined ? { runSeed: fixedSeed } : {}),
  });
  const seedAt = (p: number, r: number): number => fixedSeed ?? deriveSeed(base, pointAt(sweep, p).values, r);
  const seedOf = (id: number): number => seedAt(Math.floor(id / R), id % R);

  // Checkpoint directory (checkpoint.ts): resume state, or a fresh .runs/.
  const manifestPath = join(out, 'manifest.json');
  const cp = openCheckpoint({ out, runsDir, definition, resume: opts.resume ?? false, total, R, seedOf, log, indexColumns, summary: opts.summary ?? true, format: opts.format, shard: opts.shard });
  if ('complete' in cp) {
    return { out, points: P, replicates: R, total, ran: 0, skipped: total, failures: [], pending: 0, outputs: cp.complete, elapsedMs: Date.now() - t0 };
  }
  const statuses = cp.statuses;
  const skipped = cp.skipped;
  const elsewhere = cp.elsewhere;

  // Interruption.
  let stopped = false;
  let interrupted: string | null = null;
  let fatal: Error | null = null;
  let executor: Executor | null = null;
  const stop = () => {
    stopped = true;
    void executor?.destroy();
  };
  // First signal: stop scheduling, abandon the runs in flight, keep the finished ones. A second signal
  // while that is under way gets the default behaviour (the process ends at once).
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted === 'SIGINT' || interrupted === 'SIGTERM') {
      cleanup();
      process.kill(process.pid, sig);
      return;
    }
    interrupted ??= sig;
    stop();
  };
  const onSigint = () => onSignal('SIGINT');
  const onSigterm = () => onSignal('SIGTERM');
  const onAbort = () => {
    interrupted ??= 'abort';
    stop();
  };
  const handleSignals = opts.handleSignals ?? true;
  if (handleSignals) {
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
  }
  opts.signal?.addEventListener('abort', onAbort);
  if (opts.signal?.aborted) onAbort();
  const cleanup = () => {
    if (handleSignals) {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    }
    opts.signal?.removeEventListener('abort', onAbort);
  };

  const failures = new Map<number, RunFailure>();
  let ran = 0;
  const pendingCount = total - skipped - elsewhere;
  const threads = opts.inline ? 1 : Math.max(1, Math.min(threadsWanted, pendingCount));
  const progress = createProgress({
    total: total - elsewhere,
    done: skipped,
    mode: opts.progress ?? 'auto',
    stream: opts.progressStream,
    intervalMs: opts.progressIntervalMs,
  });

  const summaryOf = (outputs: string[]): RunSummary => {
    let pending = 0;
    for (const s of statuses) if (s === RUN_PENDING) pending++;
    return {
      out,
      points: P,
      replicates: R,
      total,
      ran,
      skipped,
      failures: [...failures.values()].sort((a, b) => a.point - b.point || a.replicate - b.replicate),
      pending,
      outputs,
      elapsedMs: Date.now() - t0,
    };
  };

  try {
    // A shard stamps its start; a merge refuses to go on with runs missing (shard.ts).
    opts.shard?.beforeRuns({ runsDir, threads, resumed: skipped, pending: [...statuses.keys()].filter((id) => statuses[id] === RUN_PENDING) });
    if (pendingCount > 0 && !stopped) {
      executor = createExecutor({ threads, inline: opts.inline, workerFile });
      const ex = executor;
      const maxInFlight = opts.inline ? 1 : threads * 2;
      const inflight = new Set<Promise<void>>();
      let cachedPoint = -1;
      let cachedScenario: unknown;

      const launch = (id: number): void => {
        const p = Math.floor(id / R);
        const r = id % R;
        const point = pointAt(sweep, p);
        if (p !== cachedPoint) {
          cachedScenario = applyPoint(opts.scenario, point, sweep);
          cachedPoint = p;
        }
        const seed = seedAt(p, r);
        const job: RunJob = { scenario: cachedScenario, seed, point: p, replicate: r, ...(tables ? { tables } : {}) };
        const task = ex.run({ module: jobHref, job, runsDir, indexColumns }).then((res) => {
          if (res.ok) {
            statuses[id] = RUN_OK;
            ran++;
            progress.tick();
            return;
          }
          if (res.writeFailed) {
            fatal ??= Object.assign(new Error(`${runsDir}: cannot write the part file of run (point ${p}, replicate ${r}): ${oneLine(res.error)}`), { exitCode: 1 });
            stop();
            return;
          }
          if (stopped && res.error === 'abandoned') return;
          statuses[id] = RUN_FAILED;
          const where = describePoint(sweep, point);
          const failure: RunFailure = { point: p, replicate: r, seed, values: point.values, where, error: res.error };
          failures.set(id, failure);
          progress.tick();
          log(`run failed: point ${p} (${where}), replicate ${r}, seed ${seed} [${reproduce(sweep, point, seed)}]: ${oneLine(res.error)}`);
          if (opts.failFast) stop();
        });
        inflight.add(task);
        void task.finally(() => inflight.delete(task));
      };

      for (let id = 0; id < total && !stopped; id++) {
        if (statuses[id] !== RUN_PENDING) continue;
        while (inflight.size >= maxInFlight && !stopped) await Promise.race(inflight);
        if (stopped) break;
        launch(id);
      }
      await Promise.all(inflight);
      await ex.destroy();
    }
    progress.stop();

    if (fatal) throw fatal;
    if (interrupted) {
      const done = statuses.reduce((n, s) => n + (s === RUN_OK ? 1 : 0), 0);
      const how = interrupted === 'abort' ? 'aborted' : `interrupted by ${interrupted}`;
      throw new SweepInterruptedError(
        `${how}: ${done} of ${total} runs finished and kept in ${runsDir}; to continue, ${resumeHint}`,
        interrupted,
        interrupted === 'SIGTERM' ? 143 : 130,
        summaryOf([]),
      );
    }

    // A shard stops here: its stamp instead of the outputs (shard.ts).
    if (opts.shard?.finish) return opts.shard.finish(summaryOf([]));

    const manifestBase = {
      path: manifestPath,
      definition,
      started,
      indexColumns,
      format: opts.format ?? 'csv',
      threads,
      jobModule: jobHref,
      statuses,
      resumed: skipped,
      failures,
      seedOf,
    };

    if (failures.size > 0 || summaryOf([]).pending > 0) {
      const staged = await writeManifest({ ...manifestBase, status: 'failed', outputs: [] });
      commitStaged([staged]);
      const s = summaryOf(['manifest.json']);
      const shown = s.failures
        .slice(0, 20)
        .map((f) => `  point ${f.point} (${f.where}), replicate ${f.replicate}, seed ${f.seed} [${reproduce(sweep, pointAt(sweep, f.point), f.seed)}]: ${oneLine(f.error)}`);
      if (s.failures.length > 20) shown.push(`  … and ${s.failures.length - 20} more (see ${manifestPath})`);
      const pendingNote = s.pending > 0 ? `; ${s.pending} runs not started (fail-fast)` : '';
      throw new SweepFailedError(
        `${s.failures.length} of ${total} runs failed${pendingNote}; no CSV outputs were written (finished runs are kept in ${runsDir}; ${resumeHint} to re-run only the missing ones):\n${shown.join('\n')}`,
        s,
      );
    }

    let staged: StagedFile[];
    try {
      staged = await assembleOutputs({
        out,
        runsDir,
        sweep,
        replicates: R,
        indexColumns,
        summary: opts.summary ?? true,
        format: opts.format,
        threads: opts.inline ? 1 : threadsWanted,
        expectedSeed: seedAt,
        shouldStop: () => stopped,
      });
    } catch (e) {
      if (e instanceof AssemblyStopped) {
        throw new SweepInterruptedError(
          `interrupted by ${interrupted ?? 'signal'} while writing the outputs: all ${total} runs are kept in ${runsDir}; to continue, ${resumeHint}`,
          interrupted ?? 'SIGINT',
          interrupted === 'SIGTERM' ? 143 : 130,
          summaryOf([]),
        );
      }
      if (e instanceof PartDamagedError) {
        // Damaged after it was written: remove it so that resume runs it again (the others are kept).
        rmSync(e.path, { force: true });
        throw Object.assign(
          new Error(`${e.path}: ${e.reason}; removed — the other runs are kept in ${runsDir}; to run it again, ${resumeHint}`),
          { exitCode: 1 },
        );
      }
      throw e;
    }
    let extra: Record<string, unknown> | undefined;
    const finishDir = join(out, `.finish-${process.pid}`);
    try {
      if (opts.finish) {
        rmSync(finishDir, { recursive: true, force: true });
        mkdirSync(finishDir);
        const runs: FinishContext['runs'] = [];
        for (let id = 0; id < total; id++) {
          const h = readPartHeader(join(runsDir, partFileName(Math.floor(id / R), id % R)));
          runs.push({ point: h.point, replicate: h.replicate, seed: h.seed, metrics: Object.fromEntries(Object.entries(h.metrics).map(([k, v]) => [k, Number(v)])) });
        }
        extra = (await opts.finish({ dir: finishDir, out, runsDir, runs })) ?? undefined;
        if (interrupted) {
          throw new SweepInterruptedError(
            `interrupted by ${interrupted} while writing the outputs: all ${total} runs are kept in ${runsDir}; to continue, ${resumeHint}`,
            interrupted,
            interrupted === 'SIGTERM' ? 143 : 130,
            summaryOf([]),
          );
        }
        for (const name of readdirSync(finishDir).sort()) {
          if (name === 'manifest.json' || staged.some((f) => f.name === name)) continue;
          staged.push({ name, tmp: join(finishDir, name), final: join(out, name) });
        }
      }
      const outputs = [...staged.map((f) => f.name), 'manifest.json'];
      staged.push(await writeManifest({ ...manifestBase, status: 'ok', outputs, extra: { ...extra, ...opts.shard?.manifest } }));
      commitStaged(staged);
    } catch (e) {
      discardStaged(staged);
      throw e;
    } finally {
      rmSync(finishDir, { recursive: true, force: true });
    }
    const outputs = staged.map((f) => f.name);
    if (!opts.keepParts) rmSync(runsDir, { recursive: true, force: true });
    return summaryOf(outputs);
  } finally {
    progress.stop();
    cleanup();
    if (executor) await executor.destroy();
  }
}
