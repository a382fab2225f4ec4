// `sweep`: a scenario (either kind) over a grid of parameter values × replicates on the worker pool. The grid
// comes from `--grid` options and/or the scenario file's `sweep:` section (src/scenario/sweep-section.ts);
// `--grid` keys replace the file's axes of the same key, `--zip` / `--seeds` the file's settings. The job
// module follows the scenario's kind (src/runner/pool.ts `jobModuleFor`).
// Seeds: common random numbers by default (replicate r has the seed of `run --seeds N`'s replicate r at every
// point), `--independent` for seeds from the point's values (src/runner/seeds.ts). summary.csv carries, per
// point, every metric's interval and the claims' shares and — under the common rule, when a reference point
// exists — the paired differences to it (src/sim/sweep-summary.ts); the command returns the per-point
// summaries and the terminal table (src/output/sweep-table.ts).

import { InputError } from '../scenario/errors.js';
import { readScenarioFile, scenarioFromObject } from '../scenario/load.js';
import { resolveKey } from '../scenario/keys.js';
import { takeSweepSection } from '../scenario/sweep-section.js';
import { tokenomicsFromObject } from '../scenario/tokenomics.js';
import { buildSweep, parseScalar, pointAt, pointCount, type GridPoint, type GridValue, type Sweep } from '../runner/grid.js';
import type { JobKind } from '../runner/pool.js';
import type { ProgressMode } from '../runner/progress.js';
import { referenceIndex, runMonteCarlo, type RunSummary } from '../runner/run.js';
import { baseSeed, canonicalJson, seedRuleText, type SeedRule } from '../runner/seeds.js';
import { agentsClaimJudge, tokenomicsClaimJudge, type ClaimJudge, type PointSummary } from '../sim/sweep-summary.js';
import { formatSweepTable } from '../output/sweep-table.js';
import type { ClaimConfig } from '../scenario/schema.js';
import type { StudyClaim } from '../scenario/tokenomics.js';
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
  /** `--independent`: seeds from each point's values instead of common random numbers. */
  independent?: boolean;
  /** `--reference key=value[,key=value]`: the reference point of the paired differences. */
  reference?: string;
  /** Draw sweep.svg/.png (default true). */
  figures?: boolean;
  note?: (line: string) => void;
}

export type SweepReport = RunSummary & {
  kind: JobKind;
  /** The seed rule the sweep ran with. */
  seedRule: SeedRule;
  /** Per-point summaries (summary.csv's numbers); absent for a shard, which assembles nothing, and for a
   *  sweep found already complete. */
  pointSummaries?: PointSummary[];
  /** The reference point of the paired differences (index), or null. */
  reference?: number | null;
  /** The terminal summary table's lines (src/output/sweep-table.ts). */
  table?: string[];
};

/** The manifest fields of a sweep — what `merge` repeats from the checkpoint, so a merged sweep's manifest
 *  is the one-machine sweep's (timings aside). `run_identity` is also what an overwrite is checked against. */
export function sweepManifestFields(
  kind: JobKind,
  scenario: unknown,
  sweep: { mode: string; axes: readonly { key: string; values: unknown }[] },
  seedRule: SeedRule = 'independent',
): { command: 'sweep'; kind: JobKind; rng_rule?: string; seed_rule: SeedRule; seed_rule_text: string; run_identity: string } {
  const { name: _n, description: _d, source: _src, overrides: _o, seed: _seed, runs: _runs, ...experiment } = scenario as Record<string, unknown>;
  const run_identity = runIdentity({ kind, command: 'sweep', experiment, axes: sweep.axes.map((a) => ({ key: a.key, values: a.values })), mode: sweep.mode });
  return { command: 'sweep', kind, ...(kind === 'agents' ? { rng_rule: RNG_RULE } : {}), seed_rule: seedRule, seed_rule_text: seedRuleText(seedRule), run_identity };
}

/** The value at a dotted path of a plain object (undefined when a segment is missing). */
function valueAt(obj: unknown, path: string): unknown {
  let o: unknown = obj;
  for (const seg of path.split('.')) {
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return undefined;
    o = (o as Record<string, unknown>)[seg];
  }
  return o;
}

/** The grid point whose values are the scenario's own ({full key: value}), or undefined when no point has them. */
export function scenarioReference(scenario: unknown, sweep: Sweep): Record<string, GridValue> | undefined {
  const own: Record<string, GridValue> = {};
  for (const a of sweep.axes) {
    const v = valueAt(scenario, a.key);
    if (typeof v !== 'number' && typeof v !== 'boolean' && typeof v !== 'string') return undefined;
    own[a.key] = v;
  }
  return referenceIndex(sweep, own) === null ? undefined : own;
}

/** Parses `--reference key=value[,key=value]` into a grid point's values; one line (exit 2) when a key is not
 *  swept, a swept key is missing, or no point has the values. */
export function parseReference(text: string, sweep: Sweep, keyOf: (k: string) => string): Record<string, GridValue> {
  const names = sweep.axes.map((a) => a.name).join(', ');
  const values: Record<string, GridValue> = {};
  for (const item of text.split(',')) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new InputError(`--reference ${text}: expected key=value[,key=value] with a value for every swept key (${names})`);
    const name = item.slice(0, eq).trim();
    const axis = sweep.axes.find((a) => a.key === keyOf(name));
    if (!axis) throw new InputError(`--reference ${text}: '${name}' is not a swept key (swept: ${names})`);
    values[axis.key] = parseScalar(item.slice(eq + 1));
  }
  const missing = sweep.axes.filter((a) => !(a.key in values));
  if (missing.length > 0) throw new InputError(`--reference ${text}: give a value for every swept key (missing: ${missing.map((a) => a.name).join(', ')})`);
  if (referenceIndex(sweep, values) === null) {
    const bad = sweep.axes.find((a) => !a.values.some((v) => canonicalJson(v) === canonicalJson(values[a.key])));
    throw new InputError(
      bad
        ? `--reference ${text}: ${bad.name}=${String(values[bad.key])} is not on the grid (values: ${bad.values.map(String).join(', ')})`
        : `--reference ${text}: no grid point has these values (--zip pairs the lists element by element)`,
    );
  }
  return values;
}

/** The claims judged on each run of a scenario of this kind (src/sim/sweep-summary.ts). */
export function claimJudgeFor(kind: JobKind, scenario: unknown): ClaimJudge {
  return kind === 'tokenomics'
    ? tokenomicsClaimJudge(((scenario as { claims?: StudyClaim[] }).claims ?? []))
    : agentsClaimJudge((scenario as { claim?: ClaimConfig }).claim);
}

/** What the terminal table shows for a scenario: its claim's metric first, then the network-vs-best-worker
 *  log10 losses (agents); the claims' metrics, else the first two metrics (tokenomics). */
export function headlineMetrics(kind: JobKind, scenario: unknown, points: readonly PointSummary[]): string[] {
  const present = points.length > 0 ? Object.keys(points[0].metrics) : [];
  const picks =
    kind === 'tokenomics'
      ? ((scenario as { claims?: StudyClaim[] }).claims ?? []).map((c) => c.metric)
      : [(scenario as { claim?: ClaimConfig }).claim?.metric, 'network_log10_loss', 'best_inferer_log10_loss'];
  const chosen = [...new Set(picks.filter((m): m is string => m !== undefined && present.includes(m)))].slice(0, 3);
  if (chosen.length > 0) return chosen;
  // A tokenomics scenario without claims: the final APY of (up to) three setups.
  const apy = kind === 'tokenomics' ? present.filter((m) => m.startsWith('final_apy.')).slice(0, 3) : [];
  return apy.length > 0 ? apy : present.slice(0, 2);
}

/** The terminal table of a finished sweep. */
export function sweepTable(
  name: string,
  kind: JobKind,
  scenario: unknown,
  sweep: Sweep,
  replicates: number,
  rule: SeedRule,
  points: readonly PointSummary[],
  reference: number | null,
): string[] {
  const refText = reference === null ? '' : `; reference point ${reference} (${sweep.axes.map((a) => `${a.name}=${String(pointAt(sweep, reference).values[a.key])}`).join(', ')})`;
  const title = `${name}: ${pointCount(sweep)} point(s) × ${replicates} seed(s), ${rule === 'common' ? 'common random numbers' : 'independent seeds per point'}${refText}`;
  return formatSweepTable(points, { axes: sweep.axes.map((a) => a.name), metrics: headlineMetrics(kind, scenario, points), reference, title });
}

/** sweep.svg/.png (and sweep-heatmap for a two-parameter grid) into the staging folder of a finished sweep
 *  (or merge): the per-point summaries against the swept parameters. Charts load only here. */
export async function drawSweepPictures(
  dir: string,
  o: { scenario: unknown; sweep: Sweep; points: PointSummary[]; replicates: number; baseSeed: number; seedRule: SeedRule },
): Promise<void> {
  const s = o.scenario as { name?: string; profile?: string; overrides?: { key: string; value: unknown }[] };
  const { writeSweepPictures, sweepSubtitle } = await import('../output/sweep-plots.js');
  await writeSweepPictures(dir, {
    axes: o.sweep.axes.map((a) => ({ name: a.name, values: a.values })),
    points: o.points,
    subtitle: sweepSubtitle({
      scenario: s.name ?? 'sweep',
      profile: s.profile,
      replicates: o.replicates,
      baseSeed: o.baseSeed,
      seedRule: o.seedRule === 'common' ? 'the same seeds at every point' : 'independent seeds per point',
      overrides: (s.overrides ?? []).map((x) => `${x.key}=${String(x.value)}`),
    }),
  });
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
  for (const a of sweep.axes) {
    if (['point', 'replicate', 'seed'].includes(a.name)) {
      throw new InputError(`--grid ${a.name}: '${a.name}' names a column of every table (use --seed for the base seed and --seeds N for replicates)`);
    }
  }
  const seedRule: SeedRule = o.independent ? 'independent' : 'common';
  if (o.reference !== undefined && seedRule === 'independent') {
    throw new InputError(`--reference: paired differences need common random numbers; leave out --independent`);
  }
  const reference = o.reference !== undefined ? parseReference(o.reference, sweep, keyOf) : seedRule === 'common' ? scenarioReference(base.scenario, sweep) : undefined;
  // Each point's scenario goes through the loader again, so its values are validated like --set.
  const applyPoint = (_s: unknown, point: GridPoint): unknown =>
    load([...fixed, ...Object.entries(point.values).map(([k, v]) => `${k}=${String(v)}`)]).scenario;
  const out = o.outDir ?? defaultOutDir(o.outRoot, base.name, '-sweep');
  const manifest = sweepManifestFields(kind, base.scenario, sweep, seedRule);
  const identity = manifest.run_identity;
  // Shards share one directory (and may run at once): no lock, no refusal of the others' parts; the
  // checkpoint they join is what keeps them consistent.
  const shard = o.shard === undefined ? undefined : shardHooks(parseShard(o.shard), points * replicates, replicates);
  const lock = shard ? { release: () => {} } : lockOutputDir(out);
  try {
    if (!shard) prepareOutputDir(out, { identity, resume: o.resume, force: o.force });
    for (const l of notes) note(l);
    let points: PointSummary[] | undefined;
    const seed = baseSeed(o.seed ?? base.seed, o.seed !== undefined ? '--seed' : `${file}: seed`);
    const res = await runMonteCarlo({
      scenario: base.scenario,
      kind,
      tables,
      format: o.format,
      out,
      seed,
      replicates,
      sweep,
      applyPoint,
      threads: o.threads,
      progress: o.progress,
      resume: o.resume,
      failFast: o.failFast,
      shard,
      seedRule,
      axisColumns: true,
      summarize: { claims: claimJudgeFor(kind, base.scenario), ...(reference ? { reference } : {}) },
      finish: async (ctx) => {
        points = ctx.points;
        if (points && o.figures !== false) await drawSweepPictures(ctx.dir, { scenario: base.scenario, sweep, points, replicates, baseSeed: seed, seedRule });
        return manifest;
      },
    });
    const refIndex = reference ? referenceIndex(sweep, reference) : null;
    const table = points ? sweepTable(base.name, kind, base.scenario, sweep, replicates, seedRule, points, refIndex) : undefined;
    return { ...res, kind, seedRule, ...(points ? { pointSummaries: points, reference: refIndex, table } : {}) };
  } finally {
    lock.release();
  }
}
