// `sweep`: a scenario over a grid of parameter values × replicates on the worker pool. The grid comes from
// `--grid` options and/or a `sweep:` section of the scenario file:
//
//   sweep:
//     grid:                 # key (full path or short alias) → list of values or a range "start:stop:step"
//       p: [2, 3, 4]
//       alpha: "0.05:0.2:0.05"
//     zip: false            # true: pair the lists instead of taking the full grid
//     seeds: 8              # replicates per point
//
// `--grid` keys replace the file's axes of the same key; `--zip` / `--seeds` replace the file's settings.

import { join } from 'node:path';
import { InputError } from '../scenario/errors.js';
import { scenarioFromObject } from '../scenario/load.js';
import { resolveKey } from '../scenario/keys.js';
import type { Scenario } from '../scenario/schema.js';
import { buildSweep, type GridPoint } from './grid.js';
import { runMonteCarlo, type RunSummary } from './run.js';
import type { ProgressMode } from './progress.js';

export interface SweepFileSection {
  grid: [string, string][];
  zip?: boolean;
  seeds?: number;
}

/** Takes the `sweep:` section out of a raw scenario mapping (the scenario loader does not know it). */
export function takeSweepSection(raw: Record<string, unknown>, file: string): SweepFileSection {
  const sec = raw.sweep;
  delete raw.sweep;
  if (sec === undefined || sec === null) return { grid: [] };
  if (typeof sec !== 'object' || Array.isArray(sec))
    throw new InputError(`${file}: sweep: must be a mapping with grid, zip, seeds`);
  const s = sec as Record<string, unknown>;
  for (const k of Object.keys(s))
    if (!['grid', 'zip', 'seeds'].includes(k)) throw new InputError(`${file}: sweep.${k}: unknown key (allowed: grid, zip, seeds)`);
  const grid: [string, string][] = [];
  if (s.grid !== undefined) {
    if (typeof s.grid !== 'object' || s.grid === null || Array.isArray(s.grid))
      throw new InputError(`${file}: sweep.grid: must be a mapping key → list of values or "start:stop:step"`);
    for (const [k, v] of Object.entries(s.grid as Record<string, unknown>)) {
      if (Array.isArray(v) && v.length > 0 && v.every((x) => ['number', 'string', 'boolean'].includes(typeof x)))
        grid.push([k, v.map(String).join(',')]);
      else if (typeof v === 'string' || typeof v === 'number') grid.push([k, String(v)]);
      else throw new InputError(`${file}: sweep.grid.${k}: must be a non-empty list of values or "start:stop:step"`);
    }
  }
  if (s.zip !== undefined && typeof s.zip !== 'boolean') throw new InputError(`${file}: sweep.zip: must be true or false`);
  if (s.seeds !== undefined && !(Number.isInteger(s.seeds) && (s.seeds as number) >= 1))
    throw new InputError(`${file}: sweep.seeds: must be an integer ≥ 1 (got ${JSON.stringify(s.seeds)})`);
  return { grid, zip: s.zip as boolean | undefined, seeds: s.seeds as number | undefined };
}

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
  return runMonteCarlo({
    scenario: o.base,
    out: o.outDir ?? join(o.outRoot, `${o.base.name}-sweep`),
    seed: o.baseSeed,
    replicates: o.seeds ?? fromFile.seeds ?? 1,
    sweep,
    applyPoint,
    threads: o.threads,
    progress: o.progress,
    resume: o.resume,
    failFast: o.failFast,
  });
}
