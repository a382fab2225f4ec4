// The plan of a sweep: the options of `runMonteCarlo` checked and resolved once — grid points × replicates,
// each run's seed, the job module, the definition a resume must match, where the outputs go. Nothing runs
// here; every point's scenario is built once up front so that a bad value fails before any run starts.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../scenario/errors.js';
import { pointAt, pointCount, type GridPoint, type GridValue, type Sweep } from './grid.js';
import { defaultThreads, defaultWorkerFile, jobModuleFor, toModuleHref, type JobKind } from './pool.js';
import type { ProgressMode } from './progress.js';
import { canonicalJson, checkBaseSeed, runSeedOf, type SeedRule } from './seeds.js';
import type { ClaimJudge, PointSummary } from '../sim/sweep-summary.js';
import { jsonClone, setPointValues, type SweepDefinition } from './definition.js';
import type { ShardHooks } from './shard.js';
import type { OutputFormat } from './assemble.js';

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
  /** Worker threads; default `os.availableParallelism()`. A sweep with a single run to do runs it in the
   *  main thread whatever this says (no pool to start). */
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
  /** How the points share seeds (seeds.ts): `common` (replicate r has one seed at every point) or
   *  `independent` (seeds from the point's values; the default). Recorded in the definition. */
  seedRule?: SeedRule;
  /** summary.csv: the claims judged on each run, and the reference point of the paired differences
   *  ({full key: value} of a grid point; used under the common rule only, recorded in the definition). */
  summarize?: { claims?: ClaimJudge; reference?: Record<string, GridValue> };
  /** With the index columns, one column per swept parameter after them in every table (`sweep`). */
  axisColumns?: boolean;
}

export interface FinishContext {
  /** Staging folder inside `out`: files written here are moved into `out` with the tables. */
  dir: string;
  out: string;
  runsDir: string;
  /** Every run in canonical order: its seed and metrics (from its part header). */
  runs: { point: number; replicate: number; seed: number; metrics: Record<string, number> }[];
  /** The per-point summaries summary.csv was written from (absent when summary.csv is not written). */
  points?: PointSummary[];
}

/** A sweep's options checked and resolved. Run id = point · R + replicate. */
export interface Plan {
  opts: MonteCarloOptions;
  sweep: Sweep;
  /** Points, replicates per point, runs. */
  P: number;
  R: number;
  total: number;
  threadsWanted: number;
  out: string;
  runsDir: string;
  manifestPath: string;
  indexColumns: boolean;
  log: (line: string) => void;
  resumeHint: string;
  applyPoint: NonNullable<MonteCarloOptions['applyPoint']>;
  tables: string[] | undefined;
  /** The worker file, or undefined when the jobs run inline. */
  workerFile: string | URL | undefined;
  /** file: URL of the job module. */
  jobHref: string;
  definition: SweepDefinition;
  /** The run seed of point p, replicate r. */
  seedAt: (p: number, r: number) => number;
  /** The run seed of run id. */
  seedOf: (id: number) => number;
  /** How the points share seeds. */
  seedRule: SeedRule;
  /** The reference point's values (paired differences), when given. */
  reference: Record<string, GridValue> | undefined;
}

/** The index of the grid point with these values ({full key: value}), or null when none has them. */
export function referenceIndex(sweep: Sweep, values: Readonly<Record<string, GridValue>>): number | null {
  const want = canonicalJson(values);
  const P = pointCount(sweep);
  for (let p = 0; p < P; p++) if (canonicalJson(pointAt(sweep, p).values) === want) return p;
  return null;
}

function checkInt(v: number, min: number, label: string): number {
  if (!Number.isSafeInteger(v) || v < min) throw new InputError(`${label}: must be an integer ≥ ${min} (got ${String(v)})`);
  return v;
}

/** Checks the options and resolves the plan (InputError for a bad definition or point). */
export function makePlan(opts: MonteCarloOptions): Plan {
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
  const out = resolve(opts.out);
  const quiet = opts.progress === 'quiet';
  const applyPoint = opts.applyPoint ?? setPointValues;
  const tables = opts.tables ? [...opts.tables] : undefined;
  const fixedSeed = opts.runSeed;
  const seedRule: SeedRule = opts.seedRule ?? 'independent';
  const reference = opts.summarize?.reference;

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
    ...(sweep.axes.length > 0 ? { seedRule } : {}),
    ...(reference ? { reference } : {}),
  });
  const seedAt = (p: number, r: number): number => fixedSeed ?? runSeedOf(seedRule, base, pointAt(sweep, p).values, r);
  const seedOf = (id: number): number => seedAt(Math.floor(id / R), id % R);

  return {
    opts,
    sweep,
    P,
    R,
    total,
    threadsWanted,
    out,
    runsDir: join(out, '.runs'),
    manifestPath: join(out, 'manifest.json'),
    indexColumns: opts.indexColumns ?? true,
    log: opts.log ?? (quiet ? () => undefined : (s: string) => void process.stderr.write(`${s}\n`)),
    resumeHint: opts.resumeHint ?? 're-run the same command with --resume',
    applyPoint,
    tables,
    workerFile,
    jobHref,
    definition,
    seedAt,
    seedOf,
    seedRule,
    reference,
  };
}
