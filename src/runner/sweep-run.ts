// `sweep`: a scenario over a grid of parameter values × replicates on the worker pool. The grid comes from
// `--grid` options and/or the scenario file's `sweep:` section (src/scenario/sweep-section.ts); `--grid` keys
// replace the file's axes of the same key, `--zip` / `--seeds` the file's settings.

import { join } from 'node:path';
import { InputError } from '../scenario/errors.js';
import { scenarioFromObject } from '../scenario/load.js';
import { resolveKey } from '../scenario/keys.js';
import { takeSweepSection } from '../scenario/sweep-section.js';
import type { Scenario } from '../scenario/schema.js';
import { buildSweep, pointCount, type GridPoint } from './grid.js';
import { runMonteCarlo, type RunSummary } from './run.js';
import type { ProgressMode } from './progress.js';
import { parseShard, shardHooks } from './shard.js';

export interface SweepRunOptions {
  file: string;
  raw: Record<string, unknown>;
  base: Scenario;
  profile?: string;
  set: string[];
  grid: string[];
  zip?: boolean;
  seeds?: number;
  baseSeed: number;
  outDir?: string;
  outRoot: string;
  threads?: number;
  progress: ProgressMode;
  resume?: boolean;
  failFast?: boolean;
  /** `--shard i/n` or `auto/n`: run this shard's share of the runs, never assemble (shard.ts). */
  shard?: string;
}

export async function runSweep(o: SweepRunOptions): Promise<RunSummary> {
  const fromFile = takeSweepSection(o.raw, o.file);
  const cli = new Map(o.grid.map((g) => [resolveKey(g.slice(0, Math.max(0, g.indexOf('=')))), g]));
  const args = [
    ...fromFile.grid.filter(([k]) => !cli.has(resolveKey(k))).map(([k, v]) => `${k}=${v}`),
    ...o.grid,
  ];
  if (args.length === 0) throw new InputError(`${o.file}: nothing to sweep: give --grid key=v1,v2,… or a sweep: section`);
  const sweep = buildSweep({ grid: args, zip: o.zip ?? fromFile.zip ?? false, resolveKey });
  // Each point's scenario goes through the loader again, so its values are validated like --set.
  const applyPoint = (_s: unknown, point: GridPoint): unknown =>
    scenarioFromObject(structuredClone(o.raw), o.file, {
      profile: o.profile,
      set: [...o.set, ...Object.entries(point.values).map(([k, v]) => `${k}=${v}`)],
    });
  const replicates = o.seeds ?? fromFile.seeds ?? 1;
  const shard = o.shard === undefined ? undefined : shardHooks(parseShard(o.shard), pointCount(sweep) * replicates, replicates);
  return runMonteCarlo({
    shard,
    scenario: o.base,
    out: o.outDir ?? join(o.outRoot, `${o.base.name}-sweep`),
    seed: o.baseSeed,
    replicates,
    sweep,
    applyPoint,
    threads: o.threads,
    progress: o.progress,
    resume: o.resume,
    failFast: o.failFast,
  });
}
