// `merge`: assembles the part files of a sharded sweep (`sweep --shard i/n`) into the outputs a one-machine
// sweep writes — the same tables and summary.csv, byte for byte, and a manifest that lists the shards.
// It never simulates and never reads the scenario file: the definition comes from the checkpoints
// (`.runs/sweep.json`), since the scenario may sit at another path, or differ, on the merging machine.
//
// Inputs: one directory all shards wrote into, or several (one per shard, e.g. copied back from the
// nodes). With several, the part files are gathered into `<out>/.runs/` (hard links where possible, else
// copies) and assembled there; no input directory other than OUT is changed.
// Refused with exit 2: a directory without a checkpoint, definitions that differ (the scenario's file path
// aside), mixed tool or Node versions, two different part files for one run. Exit 1: runs without a part
// file, with the shard indices to resubmit. The `.runs/` directories are kept (delete them when done).

import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../scenario/errors.js';
import type { GridPoint } from '../runner/grid.js';
import { runMonteCarlo, type RunSummary } from '../runner/run.js';
import { claimJudgeFor, drawSweepPictures, scenarioReference, sweepManifestFields } from './sweep.js';
import { seedRuleOf } from '../runner/definition.js';
import type { ProgressMode } from '../runner/progress.js';
import {
  checkCheckpoint,
  missingRunsError,
  readJsonFile,
  shardDiffs,
  STAMP_PATTERN,
  writeJsonAtomic,
  type CheckpointFile,
  type ShardHooks,
  type ShardStamp,
} from '../runner/shard.js';
import type { OutputFormat } from '../runner/assemble.js';

export interface MergeOptions {
  /** Shard output directories (or one shared directory). */
  dirs: string[];
  /** Where the outputs go; default the directory when there is one, required with several. */
  out?: string;
  progress?: ProgressMode;
  log?: (line: string) => void;
  /** Job module named in the manifest (default: this installation's). */
  runJobModule?: string | URL;
  /** Handle SIGINT / SIGTERM while assembling (default true). */
  handleSignals?: boolean;
  /** Draw sweep.svg/.png (default true). */
  figures?: boolean;
  /** File format of the outputs (default csv), as `sweep --format`. */
  format?: OutputFormat;
}

export interface MergeSummary extends RunSummary {
  /** Shard count from the stamps (undefined when there are none, or several counts). */
  shards: number | undefined;
  stamps: number;
}

interface Source {
  dir: string;
  runsDir: string;
  checkpoint: CheckpointFile;
  stamps: Map<string, ShardStamp>;
}

function readSource(dir: string): Source {
  const runsDir = join(resolve(dir), '.runs');
  const cpPath = join(runsDir, 'sweep.json');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`${dir}: no such directory`);
  if (!existsSync(cpPath)) {
    const assembled = existsSync(join(dir, 'manifest.json')) ? ' (it holds a manifest.json: already assembled, and its parts removed?)' : '';
    throw new InputError(`${dir}: no .runs/sweep.json, not the output directory of a sharded sweep${assembled}`);
  }
  const checkpoint = readJsonFile(cpPath) as CheckpointFile;
  if (checkpoint?.tool !== 'allora-sim' || typeof checkpoint.sweep !== 'object' || checkpoint.sweep === null) {
    throw new InputError(`${cpPath}: not an allora-sim checkpoint`);
  }
  const stamps = new Map<string, ShardStamp>();
  for (const n of readdirSync(runsDir)) if (STAMP_PATTERN.test(n)) stamps.set(n, readJsonFile(join(runsDir, n)) as ShardStamp);
  return { dir, runsDir, checkpoint, stamps };
}

/** `a (where), b (where)` for a version that differs across inputs. */
function versionsOf(entries: { value: string | undefined; where: string }[]): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const e of entries) {
    if (e.value === undefined) continue;
    const list = by.get(e.value) ?? [];
    list.push(e.where);
    by.set(e.value, list);
  }
  return by;
}

function describeVersions(by: Map<string, string[]>, prefix: string): string {
  return [...by]
    .map(([v, where]) => `${prefix}${v} (${where.slice(0, 4).join(', ')}${where.length > 4 ? ', …' : ''})`)
    .join(', ');
}

function sameFile(a: string, b: string): boolean {
  const sa = statSync(a);
  const sb = statSync(b);
  if (sa.ino === sb.ino && sa.dev === sb.dev) return true;
  return sa.size === sb.size && readFileSync(a).equals(readFileSync(b));
}

/** Hard-links (else copies) `src` to `dst`. */
function linkOrCopy(src: string, dst: string): void {
  try {
    linkSync(src, dst);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw e;
    copyFileSync(src, dst);
  }
}

/** Merges shard directories; see the top of this file. */
export async function mergeShards(o: MergeOptions): Promise<MergeSummary> {
  if (o.dirs.length === 0) throw new InputError('merge: give at least one directory');
  if (o.out === undefined && o.dirs.length > 1) throw new InputError(`-o: required when merging ${o.dirs.length} directories (where the outputs go)`);
  const out = resolve(o.out ?? o.dirs[0]);
  const outRuns = join(out, '.runs');
  const dirs = [...new Set(o.dirs.map((d) => resolve(d)))];
  const sources = dirs.map(readSource);

  // Versions: every checkpoint and every stamp must name the same tool and Node versions.
  const entries = sources.flatMap((s) => [
    { tool: s.checkpoint.version, node: s.checkpoint.node, where: `${s.dir}/.runs/sweep.json` },
    ...[...s.stamps].map(([n, st]) => ({ tool: st.version, node: st.node, where: `shard ${st.shard ?? n}` })),
  ]);
  const tools = versionsOf(entries.map((e) => ({ value: e.tool, where: e.where })));
  if (tools.size > 1) throw new InputError(`merge: the shards ran different allora-sim versions: ${describeVersions(tools, '')}; re-run them with one version`);
  const nodes = versionsOf(entries.map((e) => ({ value: e.node, where: e.where })));
  if (nodes.size > 1) {
    throw new InputError(`merge: the shards ran under different Node versions: ${describeVersions(nodes, 'Node ')}; bit-identical results need one Node version, re-run them with one`);
  }

  // Definitions: all the same (the scenario's file path aside).
  const first = sources[0];
  for (const s of sources.slice(1)) {
    const diffs = shardDiffs(first.checkpoint.sweep, s.checkpoint.sweep);
    if (diffs.length > 0) throw new InputError(`${s.dir}: its sweep differs from ${first.dir}'s: ${diffs.join('; ')}`);
  }

  // Gather the parts and stamps into <out>/.runs/ (nothing to do for one shared directory).
  const stamps = new Map<string, ShardStamp>();
  for (const s of sources) {
    for (const [n, st] of s.stamps) {
      const prev = stamps.get(n);
      if (!prev || String(st.finished ?? st.started) > String(prev.finished ?? prev.started)) stamps.set(n, st);
    }
  }
  const gathered = sources.filter((s) => s.runsDir !== outRuns);
  if (gathered.length > 0) {
    mkdirSync(outRuns, { recursive: true });
    const cpPath = join(outRuns, 'sweep.json');
    if (existsSync(cpPath)) {
      const saved = readJsonFile(cpPath) as CheckpointFile;
      checkCheckpoint(cpPath, saved, first.checkpoint, 'merging into a directory that holds another sweep? use another -o');
    } else {
      writeJsonAtomic(cpPath, first.checkpoint);
    }
    for (const s of gathered) {
      for (const n of readdirSync(s.runsDir)) {
        if (!(n.endsWith('.ndjson') && /^p\d+-r\d+\.ndjson$/.test(n))) continue;
        const src = join(s.runsDir, n);
        const dst = join(outRuns, n);
        if (existsSync(dst)) {
          if (!sameFile(src, dst)) throw new InputError(`${src}: differs from ${dst} (two different results for one run); delete the wrong one`);
          continue;
        }
        try {
          linkOrCopy(src, dst);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !sameFile(src, dst)) throw e;
        }
      }
    }
    for (const [n, st] of stamps) writeJsonAtomic(join(outRuns, n), st);
  }

  const counts = [...new Set([...stamps.values()].map((st) => st.count))];
  const count = counts.length === 1 ? counts[0] : undefined;
  const def = first.checkpoint.sweep;
  const total = def.points * def.replicates;
  const stampList = [...stamps.values()].sort((a, b) => a.count - b.count || a.index - b.index);
  const hooks: ShardHooks = {
    label: 'merge',
    owns: () => true,
    openCheckpoint(runsDir, cp) {
      const path = join(runsDir, 'sweep.json');
      const saved = readJsonFile(path) as CheckpointFile;
      checkCheckpoint(path, saved, cp, 'merge with the version the shards ran');
      return true;
    },
    removeStaleTemps: () => undefined, // never touch the inputs (shards may still be writing)
    beforeRuns({ pending }) {
      if (pending.length > 0) throw missingRunsError(pending, total, def.replicates, count);
    },
    manifest: {
      shards: {
        count: count ?? null,
        merged: dirs,
        stamps: stampList,
      },
    },
  };
  const kind = (def.scenario as { kind?: unknown } | null)?.kind === 'tokenomics' ? 'tokenomics' : 'agents';
  // The shards' seed rule and reference point (a checkpoint without a reference: the scenario's own values).
  const seedRule = seedRuleOf(def);
  const sweepDef = { mode: def.mode, axes: def.axes.map((a) => ({ name: a.name, key: a.key, values: a.values })) };
  const reference = def.reference ?? (seedRule === 'common' ? scenarioReference(def.scenario, sweepDef) : undefined);
  const summary = await runMonteCarlo({
    scenario: def.scenario,
    out,
    seed: def.seed,
    replicates: def.replicates,
    sweep: sweepDef,
    seedRule,
    axisColumns: true,
    summarize: { claims: claimJudgeFor(kind, def.scenario), ...(reference ? { reference } : {}) },
    applyPoint: (s: unknown, _p: GridPoint) => s, // never simulates: no point scenario is needed
    runJobModule: o.runJobModule,
    kind,
    threads: 1,
    progress: o.progress ?? 'quiet',
    log: o.log,
    handleSignals: o.handleSignals,
    keepParts: true,
    format: o.format,
    shard: hooks,
    resumeHint: 'run the same merge again',
    finish: async (ctx) => {
      if (ctx.points && o.figures !== false) {
        await drawSweepPictures(ctx.dir, { scenario: def.scenario, sweep: sweepDef, points: ctx.points, replicates: def.replicates, baseSeed: def.seed, seedRule });
      }
      return sweepManifestFields(kind, def.scenario, def, seedRule);
    },
  });
  return { ...summary, shards: count, stamps: stampList.length };
}
