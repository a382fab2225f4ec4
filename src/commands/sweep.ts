// `sweep`: a scenario (either kind) over a grid of parameter values × replicates on the worker pool. The grid
// comes from `--grid` options and/or the scenario file's `sweep:` section (src/scenario/sweep-section.ts);
// `--grid` keys replace the file's axes of the same key, `--zip` / `--seeds` the file's settings. The job
// module follows the scenario's kind (src/runner/pool.ts `jobModuleFor`).

import { InputError } from '../scenario/errors.js';
import { readScenarioFile, scenarioFromObject } from '../scenario/load.js';
import { resolveKey } from '../scenario/keys.js';
import { takeSweepSection } from '../scenario/sweep-section.js';
import { tokenomicsFromObject } from '../scenario/tokenomics.js';
import { buildSweep, type GridPoint } from '../runner/grid.js';
import type { JobKind } from '../runner/pool.js';
import type { ProgressMode } from '../runner/progress.js';
import { runMonteCarlo, type RunSummary } from '../runner/run.js';
import { baseSeed } from '../runner/seeds.js';
import { checkRunSize } from './limits.js';
import { checkOutOption, defaultOutDir, lockOutputDir, prepareOutputDir, runIdentity } from './outdir.js';
import { parseTablesOption } from './tables.js';
import { RNG_RULE } from '../agents/rng.js';
import { parseShard, shardHooks } from '../runner/shard.js';
import type { OutputFormat } from '../runner/assemble.js';

export interface SweepCommandOptions {
  profile?: string;
  set: string[];
  grid: string[];
  zip?: boolean;
  seeds?: number;
  seed?: string;
  epochs?: number;
  tables?: string;
  /** File format of the outputs (default csv). */
  format?: OutputFormat;
  outDir?: string;
  outRoot: string;
  threads?: number;
  progress: ProgressMode;
  resume?: boolean;
  failFast?: boolean;
  force?: boolean;
  /** `--shard i/n` or `auto/n`: this shard's share of the runs into a directory shared with the other shards;
   *  never assembles (src/runner/shard.ts; `merge` does). */
  shard?: string;
  note?: (line: string) => void;
}

export type SweepReport = RunSummary & { kind: JobKind };

/** The manifest fields of a sweep — what `merge` repeats from the checkpoint, so a merged sweep's manifest
 *  is the one-machine sweep's (timings aside). `run_identity` is also what an overwrite is checked against. */
export function sweepManifestFields(
  kind: JobKind,
  scenario: unknown,
  sweep: { mode: string; axes: readonly { key: string; values: unknown }[] },
): { command: 'sweep'; kind: JobKind; rng_rule?: string; run_identity: string } {
  const { name: _n, description: _d, source: _src, overrides: _o, seed: _seed, runs: _runs, ...experiment } = scenario as Record<string, unknown>;
  const run_identity = runIdentity({ kind, command: 'sweep', experiment, axes: sweep.axes.map((a) => ({ key: a.key, values: a.values })), mode: sweep.mode });
  return { command: 'sweep', kind, ...(kind === 'agents' ? { rng_rule: RNG_RULE } : {}), run_identity };
}

export async function runSweepCommand(file: string, o: SweepCommandOptions): Promise<SweepReport> {
  const note = o.note ?? ((l: string) => void process.stderr.write(`${l}\n`));
  checkOutOption(o.outDir);
  const raw = readScenarioFile(file);
  const kind: JobKind = raw.kind === 'tokenomics' ? 'tokenomics' : 'agents';
  const fromFile = takeSweepSection(raw, file);
  const keyOf = kind === 'agents' ? resolveKey : (k: string) => k;

  /** The scenario with these `--set` arguments, validated by its kind's loader. */
  const load = (set: readonly string[], onNote?: (l: string) => void): { scenario: unknown; name: string; seed: string | number; runs: number } => {
    if (kind === 'agents') {
      const s = scenarioFromObject(structuredClone(raw), file, { profile: o.profile, set, onNote });
      return { scenario: s, name: s.name, seed: s.seed, runs: s.runs };
    }
    const t = tokenomicsFromObject(raw, file, { profile: o.profile, set });
    return { scenario: t, name: t.name, seed: t.seed, runs: 1 };
  };

  const fixed = [...o.set, ...(o.epochs !== undefined ? [`epochs=${o.epochs}`] : [])];
  const notes: string[] = [];
  const base = load(fixed, (l) => notes.push(l));
  const cli = new Map(o.grid.map((g) => [keyOf(g.slice(0, Math.max(0, g.indexOf('=')))), g]));
  const args = [...fromFile.grid.filter(([k]) => !cli.has(keyOf(k))).map(([k, v]) => `${k}=${v}`), ...o.grid];
  if (args.length === 0) throw new InputError(`${file}: nothing to sweep: give --grid key=v1,v2,… or a sweep: section`);
  const sweep = buildSweep({ grid: args, zip: o.zip ?? fromFile.zip ?? false, resolveKey: keyOf });
  const replicates = o.seeds ?? fromFile.seeds ?? base.runs;
  let points = 1;
  for (const a of sweep.axes) points = sweep.mode === 'zip' ? a.values.length : points * a.values.length;
  checkRunSize(null, replicates, points);
  const tables = parseTablesOption(o.tables, kind);
  // Each point's scenario goes through the loader again, so its values are validated like --set.
  const applyPoint = (_s: unknown, point: GridPoint): unknown =>
    load([...fixed, ...Object.entries(point.values).map(([k, v]) => `${k}=${String(v)}`)]).scenario;
  const out = o.outDir ?? defaultOutDir(o.outRoot, base.name, '-sweep');
  const manifest = sweepManifestFields(kind, base.scenario, sweep);
  const identity = manifest.run_identity;
  // Shards share one directory (and may run at once): no lock, no refusal of the others' parts; the
  // checkpoint they join is what keeps them consistent.
  const shard = o.shard === undefined ? undefined : shardHooks(parseShard(o.shard), points * replicates, replicates);
  const lock = shard ? { release: () => {} } : lockOutputDir(out);
  try {
    if (!shard) prepareOutputDir(out, { identity, resume: o.resume, force: o.force });
    for (const l of notes) note(l);
    const res = await runMonteCarlo({
      scenario: base.scenario,
      kind,
      tables,
      format: o.format,
      out,
      seed: baseSeed(o.seed ?? base.seed, o.seed !== undefined ? '--seed' : `${file}: seed`),
      replicates,
      sweep,
      applyPoint,
      threads: o.threads,
      progress: o.progress,
      resume: o.resume,
      failFast: o.failFast,
      shard,
      finish: async () => manifest,
    });
    return { ...res, kind };
  } finally {
    lock.release();
  }
}
