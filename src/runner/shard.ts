// Sharded sweeps: `sweep --shard i/n` runs a share of the runs and `merge` assembles the shares, so a sweep
// can be spread over the tasks of a Slurm job array, an AWS Batch array, a Kubernetes Indexed Job or a CI
// matrix (README "Sweeps on a cluster").
//
// Ownership: run id = point·R + replicate (the canonical order, run.ts); shard i of n (1-based) owns the runs
// with id mod n = i − 1 — round-robin, so a cost that varies along the grid is spread over the shards. A
// shard with no runs (more shards than runs) does nothing but stamp.
//
// A shard writes part files into `<out>/.runs/` like a one-machine sweep, but:
//   - it never wipes `.runs/`: it creates `sweep.json` exclusively (link of a complete temporary file, so a
//     reader never sees half a file) or checks it against its own definition (the scenario's file path
//     aside: checkouts differ across machines), the tool version and the Node version;
//   - it always resumes (a requeued or pre-empted task goes on), and removes only its own leftover
//     temporary files (other shards may be writing theirs in the same directory);
//   - instead of assembling it writes a stamp `.runs/shard-<i>-of-<n>.json`: host, threads, tool and Node
//     versions, counts, start and end (status "running" until it ends);
// `merge` (src/commands/merge.ts) runs the same sweep with every part present and nothing to simulate, so it
// assembles exactly what a one-machine sweep would; runs still missing make it stop with the shard indices
// to resubmit (exit 1).

import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../scenario/errors.js';
import { diffDefinitions, type SweepDefinition } from './definition.js';
import { SweepFailedError, toolVersion, type RunSummary } from './outcome.js';

/** Shard i of n, 1-based. */
export interface ShardSpec {
  index: number;
  count: number;
  /** The environment variable the index came from (`--shard auto/n`). */
  from?: string;
}

/** The checkpoint file `.runs/sweep.json`. `node` is written by shards (absent in a one-machine sweep's). */
export interface CheckpointFile {
  tool: string;
  version: string;
  node?: string;
  sweep: SweepDefinition;
}

/** The stamp a shard leaves in `.runs/`. */
export interface ShardStamp {
  tool: string;
  version: string;
  node: string;
  shard: string;
  index: number;
  count: number;
  indexFrom?: string;
  host: string;
  pid: number;
  threads: number;
  status: 'running' | 'ok' | 'failed';
  attempt: number;
  started: string;
  finished?: string;
  counts: { total: number; owned: number; resumed: number; ran?: number; failed?: number; pending?: number };
  failures?: { point: number; replicate: number; seed: number; error: string }[];
  job?: Record<string, string>;
}

/** What `runMonteCarlo` calls back for a shard or a merge (the hooks in run.ts). */
export interface ShardHooks {
  /** Prefix of the log line that counts the runs already done. */
  label: string;
  /** Whether this process runs (or, merging, expects) run `id`; the others are left to other shards. */
  owns(id: number): boolean;
  /** Creates `<runsDir>/sweep.json` if it is absent, else checks it; never wipes. Returns true (resume). */
  openCheckpoint(runsDir: string, checkpoint: CheckpointFile): boolean;
  /** Removes what a killed process left behind, as far as it is this process's to remove. */
  removeStaleTemps(runsDir: string): void;
  /** Before any run: a shard stamps its start; a merge throws when runs are missing (it never simulates). */
  beforeRuns(info: { runsDir: string; threads: number; resumed: number; pending: number[] }): void;
  /** A shard: instead of assembling, stamps the end; throws SweepFailedError when runs failed. */
  finish?(summary: RunSummary): RunSummary;
  /** A merge: extra top-level manifest fields. */
  manifest?: Record<string, unknown>;
}

/** Environment variables `--shard auto/n` reads, in this order; each holds a 0-based index. */
export const SHARD_INDEX_VARS = ['SLURM_ARRAY_TASK_ID', 'AWS_BATCH_JOB_ARRAY_INDEX', 'JOB_COMPLETION_INDEX'] as const;

/** Parses `--shard i/n` (1-based) or `--shard auto/n` (index from the array-job environment, 0-based). */
export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): ShardSpec {
  const m = /^\s*(\d+|auto)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new InputError(`--shard ${text}: expected i/n with 1 ≤ i ≤ n (e.g. --shard 2/4), or auto/n (index from ${SHARD_INDEX_VARS.join(', ')})`);
  const count = Number(m[2]);
  if (!Number.isSafeInteger(count) || count < 1) throw new InputError(`--shard ${text}: the shard count n must be an integer ≥ 1 (got ${m[2]})`);
  if (m[1] !== 'auto') {
    const index = Number(m[1]);
    if (!Number.isSafeInteger(index) || index < 1 || index > count) {
      throw new InputError(`--shard ${text}: the shard index must be 1…${count} (got ${m[1]}; shards are numbered from 1)`);
    }
    return { index, count };
  }
  const name = SHARD_INDEX_VARS.find((v) => env[v] !== undefined && env[v] !== '');
  if (!name) throw new InputError(`--shard ${text}: none of ${SHARD_INDEX_VARS.join(', ')} is set; give the index: --shard i/${count}`);
  const raw = String(env[name]).trim();
  const zero = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(zero) || zero >= count) {
    throw new InputError(
      `--shard ${text}: ${name}=${raw} must be an integer 0…${count - 1} (auto reads a 0-based array index: submit indices 0-${count - 1})`,
    );
  }
  return { index: zero + 1, count, from: name };
}

/** `i/n`. */
export const shardText = (s: ShardSpec): string => `${s.index}/${s.count}`;

/** Whether shard `s` owns run `id`. */
export const ownsRun = (s: ShardSpec, id: number): boolean => id % s.count === s.index - 1;

/** The 1-based shard of n that owns run `id`. */
export const shardOfRun = (id: number, count: number): number => (id % count) + 1;

export const stampName = (s: ShardSpec): string => `shard-${s.index}-of-${s.count}.json`;
export const STAMP_PATTERN = /^shard-(\d+)-of-(\d+)\.json$/;

/** A definition without the scenario's file path (checkouts differ across machines). */
export function withoutSource(d: SweepDefinition): SweepDefinition {
  if (typeof d.scenario !== 'object' || d.scenario === null || Array.isArray(d.scenario)) return d;
  const { source: _source, ...rest } = d.scenario as Record<string, unknown>;
  return { ...d, scenario: rest };
}

/** Differences between two definitions that matter for joining shards (empty when they match). */
export function shardDiffs(a: SweepDefinition, b: SweepDefinition): string[] {
  return diffDefinitions(withoutSource(a), withoutSource(b));
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Reads a JSON file another process may be creating (a few retries for a non-atomic file system). */
export function readJsonFile(path: string): unknown {
  for (let attempt = 0; ; attempt++) {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as unknown;
    } catch (e) {
      if (attempt >= 4) throw new InputError(`${path}: unreadable (${(e as Error).message})`);
      sleepMs(100 * (attempt + 1));
    }
  }
}

/** Writes `value` as JSON under a temporary name, then renames it into place. */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}

/** Checks a saved checkpoint against this process's: same tool version, same Node, same definition. */
export function checkCheckpoint(path: string, saved: CheckpointFile, cur: CheckpointFile, what: string): void {
  if (saved.tool !== cur.tool) throw new InputError(`${path}: not an allora-sim checkpoint (tool '${String(saved.tool)}')`);
  if (saved.version !== cur.version) {
    throw new InputError(`${path}: written by allora-sim ${saved.version}, this is ${cur.version}; every shard of a sweep must run the same version (${what})`);
  }
  if (saved.node !== undefined && cur.node !== undefined && saved.node !== cur.node) {
    throw new InputError(
      `${path}: written under Node ${saved.node}, this is Node ${cur.node}; bit-identical results need one Node version for every shard (${what})`,
    );
  }
  const diffs = shardDiffs(saved.sweep, cur.sweep);
  if (diffs.length > 0) throw new InputError(`${path}: the sweep differs from the checkpoint's: ${diffs.join('; ')} (${what})`);
}

/** Creates `<runsDir>/sweep.json` exclusively, or checks the one there; never wipes anything. */
export function joinCheckpoint(runsDir: string, cp: CheckpointFile, what: string): void {
  try {
    mkdirSync(runsDir, { recursive: true });
  } catch (e) {
    throw new InputError(`${runsDir}: cannot create the parts directory (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const path = join(runsDir, 'sweep.json');
  if (!existsSync(path)) {
    if (readdirSync(runsDir).some((n) => n.endsWith('.ndjson'))) {
      throw new InputError(`${runsDir}: has part files but no sweep.json; cannot tell which sweep they belong to (delete ${runsDir} to start afresh)`);
    }
    const tmp = join(runsDir, `.sweep.json.${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    writeFileSync(tmp, `${JSON.stringify(cp, null, 2)}\n`);
    try {
      linkSync(tmp, path); // exclusive and atomic: fails if another shard created it first
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        // A file system without hard links: an exclusive create (readers retry while it is being written).
        try {
          writeFileSync(path, `${JSON.stringify(cp, null, 2)}\n`, { flag: 'wx' });
        } catch (e2) {
          if ((e2 as NodeJS.ErrnoException).code !== 'EEXIST') throw e2;
        }
      }
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  checkCheckpoint(path, readJsonFile(path) as CheckpointFile, cp, what);
}

/** Removes the temporary and spill files of the runs this shard owns (`.p<P>-r<R>.…(.tmp|.spill)`). */
export function removeOwnTemps(runsDir: string, replicates: number, owns: (id: number) => boolean): void {
  let names: string[];
  try {
    names = readdirSync(runsDir);
  } catch {
    return;
  }
  for (const n of names) {
    const m = /^\.p(\d+)-r(\d+)\./.exec(n);
    if (!m || !(n.endsWith('.tmp') || n.endsWith('.spill'))) continue;
    if (owns(Number(m[1]) * replicates + Number(m[2]))) rmSync(join(runsDir, n), { force: true });
  }
}

const JOB_VARS = ['SLURM_JOB_ID', 'SLURM_ARRAY_JOB_ID', 'SLURM_ARRAY_TASK_ID', 'AWS_BATCH_JOB_ID', 'AWS_BATCH_JOB_ARRAY_INDEX', 'JOB_COMPLETION_INDEX', 'HOSTNAME'];

/** The hooks for running shard `spec` of a sweep with `total` runs of `replicates` replicates each. */
export function shardHooks(spec: ShardSpec, total: number, replicates: number, env: NodeJS.ProcessEnv = process.env): ShardHooks {
  const owns = (id: number) => ownsRun(spec, id);
  let owned = 0;
  for (let id = spec.index - 1; id < total; id += spec.count) owned++;
  let stampPath = '';
  let stamp: ShardStamp | null = null;
  const label = `shard ${shardText(spec)}`;
  return {
    label,
    owns,
    openCheckpoint(runsDir, cp) {
      joinCheckpoint(runsDir, { ...cp, node: process.versions.node }, `shard ${shardText(spec)}`);
      return true;
    },
    removeStaleTemps(runsDir) {
      removeOwnTemps(runsDir, replicates, owns);
    },
    beforeRuns({ runsDir, threads, resumed }) {
      stampPath = join(runsDir, stampName(spec));
      let attempt = 1;
      if (existsSync(stampPath)) {
        try {
          attempt = Number((JSON.parse(readFileSync(stampPath, 'utf8')) as ShardStamp).attempt ?? 0) + 1;
        } catch {
          attempt = 1;
        }
      }
      const job: Record<string, string> = {};
      for (const v of JOB_VARS) if (env[v] !== undefined && env[v] !== '') job[v] = String(env[v]);
      stamp = {
        tool: 'allora-sim',
        version: toolVersion(),
        node: process.versions.node,
        shard: shardText(spec),
        index: spec.index,
        count: spec.count,
        ...(spec.from ? { indexFrom: spec.from } : {}),
        host: hostname(),
        pid: process.pid,
        threads,
        status: 'running',
        attempt: Number.isSafeInteger(attempt) && attempt > 0 ? attempt : 1,
        started: new Date().toISOString(),
        counts: { total, owned, resumed },
        ...(Object.keys(job).length > 0 ? { job } : {}),
      };
      writeJsonAtomic(stampPath, stamp);
    },
    finish(summary) {
      const failed = summary.failures.length;
      const ok = failed === 0 && summary.pending === 0;
      const s: ShardStamp = {
        ...stamp!,
        status: ok ? 'ok' : 'failed',
        finished: new Date().toISOString(),
        counts: { ...stamp!.counts, ran: summary.ran, failed, pending: summary.pending },
        ...(failed > 0
          ? { failures: summary.failures.slice(0, 20).map((f) => ({ point: f.point, replicate: f.replicate, seed: f.seed, error: f.error })) }
          : {}),
      };
      writeJsonAtomic(stampPath, s);
      const res: RunSummary = { ...summary, outputs: [join('.runs', stampName(spec))] };
      if (!ok) {
        const shown = summary.failures.slice(0, 20).map((f) => `  point ${f.point} (${f.where}), replicate ${f.replicate}, seed ${f.seed}: ${f.error}`);
        if (failed > 20) shown.push(`  … and ${failed - 20} more (see ${stampPath})`);
        const pendingNote = summary.pending > 0 ? `; ${summary.pending} runs not started (fail-fast)` : '';
        throw new SweepFailedError(
          `${label}: ${failed} of its ${owned} runs failed${pendingNote}; the finished runs are kept (re-run the same shard command to run only the missing ones):\n${shown.join('\n')}`,
          res,
        );
      }
      return res;
    },
  };
}

/** Runs are missing when merging: exit 1, naming the shards to resubmit. */
export class MissingRunsError extends Error {
  readonly exitCode = 1;
  constructor(
    message: string,
    /** The runs without a part file. */
    readonly missing: number[],
    /** The 1-based shards that own them (empty when the shard count is unknown). */
    readonly shards: number[],
    readonly count: number | undefined,
  ) {
    super(message);
    this.name = 'MissingRunsError';
  }
}

/** The message and error for runs missing at merge time; `count` is the shard count when known. */
export function missingRunsError(missing: number[], total: number, replicates: number, count: number | undefined): MissingRunsError {
  const runs = missing
    .slice(0, 10)
    .map((id) => `(point ${Math.floor(id / replicates)}, replicate ${id % replicates})`)
    .join(', ');
  const more = missing.length > 10 ? `, … ${missing.length - 10} more` : '';
  const head = `${missing.length} of ${total} runs have no part file: ${runs}${more}`;
  if (count === undefined) {
    return new MissingRunsError(`${head}; re-run the sweep with --resume (or the shards that own them), then merge again`, missing, [], undefined);
  }
  const shards = [...new Set(missing.map((id) => shardOfRun(id, count)))].sort((a, b) => a - b);
  return new MissingRunsError(
    `${head}; resubmit shard${shards.length > 1 ? 's' : ''} ${shards.join(', ')} of ${count} ` +
      `(${shards.map((s) => `--shard ${s}/${count}`).join(', ')}; array index${shards.length > 1 ? 'es' : ''} ${shards.map((s) => s - 1).join(',')} with --shard auto/${count}), then merge again`,
    missing,
    shards,
    count,
  );
}
