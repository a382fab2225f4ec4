// `run` of a `kind: tokenomics` scenario (Figure 4, and any setups): `--seeds N` replicates of the job
// src/sim/tokenomics-job.ts on the worker pool (tables streamed to <out>/<table>.csv), then summary.json (every
// per-run metric over the seeds, the Figure 4 claims when its three setups are present, the verdicts of the
// file's claim), figure4.svg/.png and manifest.json.

import { closeSync, existsSync, readFileSync, readSync, rmSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { tokenomicsFromObject, type TokenomicsFile } from '../scenario/tokenomics.js';
import { InputError } from '../scenario/errors.js';
import {
  judgeFigure4,
  judgeStudyClaims,
  metricDefinition,
  runTokenomicsFile,
  type Claim,
  type Verdict,
} from '../sim/tokenomics.js';
import { TOPIC_SERIES_COLUMNS, TOPIC_SERIES_TABLE, networkIsDeterministic, populationRng } from '../sim/tokenomics-job.js';
import { distribution, type MetricSummary } from '../sim/summary.js';
import { RunDirectory, toolInfo } from '../output/run-dir.js';
import { writeFigure } from '../output/plot.js';
import { figure4Spec } from '../output/figure4.js';
import { topicBandsSpec, type BandRow } from '../output/tokenomics-figures.js';
import { runMonteCarlo } from './run.js';
import { openPart, partFileName, readPartHeader } from './part.js';
import { defaultWorkerFile } from './pool.js';
import type { ProgressMode } from './progress.js';
import type { GridPoint } from './grid.js';

/** Seeded stream of one setup, as earlier versions drew it (kept for `check`, whose baseline measures the
 *  deterministic network table only). */
export const setupRng = (seed: number | string, setup: string): (() => number) => seedrandom(`${seed}:${setup}`);

/** The compiled job module of tokenomics scenarios (beside the runner's default job module). */
export function tokenomicsJobModule(): URL {
  return new URL('../src/sim/tokenomics-job.js', defaultWorkerFile());
}

export interface TokenomicsRunOptions {
  outDir: string;
  baseSeed: number;
  replicates: number;
  figures?: boolean;
  threads?: number;
  progress?: ProgressMode;
  resume?: boolean;
  failFast?: boolean;
}

export interface TokenomicsSummary {
  scenario: string;
  profile: string;
  months: number;
  seeds: number[];
  setups: string[];
  /** How the network table was written (once, or per seed) and why. */
  network_table: string;
  metrics: Record<string, MetricSummary>;
  claims: Claim[];
  skipped_claims: { claims: string; reason: string }[];
  verdicts: Verdict[];
}

/** Runs a resolved tokenomics scenario into `outDir`. */
export async function runTokenomicsScenario(file: TokenomicsFile, opts: TokenomicsRunOptions): Promise<TokenomicsSummary> {
  const out = opts.outDir;
  await runMonteCarlo({
    scenario: file,
    out,
    seed: opts.baseSeed,
    replicates: opts.replicates,
    runJobModule: tokenomicsJobModule(),
    threads: opts.threads,
    indexColumns: false,
    summary: false,
    keepParts: true,
    resume: opts.resume,
    failFast: opts.failFast,
    progress: opts.progress,
  });
  const runsDir = join(out, '.runs');
  const headers = Array.from({ length: opts.replicates }, (_, r) => readPartHeader(join(runsDir, partFileName(0, r))));
  const seeds = headers.map((h) => h.seed);
  const perSeed = headers.map((h) => Object.fromEntries(Object.entries(h.metrics).map(([k, v]) => [k, Number(v)])));

  // The first seed again, in this thread (the same seed gives the same run), for the claims and the figure.
  const runs = runTokenomicsFile(file, () => populationRng(seeds[0]));
  const fig4 = judgeFigure4(runs);
  const keys = [...new Set(perSeed.flatMap((m) => Object.keys(m)))];
  const metrics: Record<string, MetricSummary> = {};
  for (const k of keys) metrics[k] = { definition: metricDefinition(k), ...distribution(perSeed.map((m) => m[k] ?? NaN)) };
  const deterministic = networkIsDeterministic(file);
  const summary: TokenomicsSummary = {
    scenario: file.name,
    profile: file.profile,
    months: file.tokenomics.months,
    seeds,
    setups: file.tokenomics.setups.map((s) => s.name),
    network_table: deterministic
      ? 'tokenomics.csv is written once (by the first seed): with f_stakers = constant in every setup the network table does not depend on the seed; topics.csv, validators.csv and treasury.csv hold every seed'
      : 'tokenomics.csv holds every seed (a seed column in front): with f_stakers = actual the emission depends on the topic and validator populations',
    metrics,
    claims: fig4.claims,
    skipped_claims: fig4.skipped,
    verdicts: judgeStudyClaims(file.claims, perSeed),
  };

  const bands = opts.figures !== false ? topicBands(runsDir, opts.replicates) : [];
  const dir = new RunDirectory(out);
  try {
    if (bands.length > 0) await writeFigure(dir.staging, 'topic-bands', topicBandsSpec(bands, { seeds: seeds.length, subtitle: `${file.name}, profile ${file.profile}, ${seeds.length} seed${seeds.length === 1 ? '' : 's'}` }));
    if (opts.figures !== false) {
      const apy = Object.values(runs).flatMap((r) => r.network.filter((x) => x.month > 0).map((x) => ({ setup: r.setup, month: x.month, apy: x.apy })));
      const caps = Object.values(runs).map((r) => r.treasury[r.treasury.length - 1].apy_cap);
      const cap = caps.every((c) => c === caps[0]) ? caps[0] : undefined;
      await writeFigure(dir.staging, 'figure4', figure4Spec(apy, { cap, subtitle: `${file.name}, profile ${file.profile}` }));
    }
    dir.writeJson('summary.json', summary);
    // The runner's manifest (definition, per-run seeds and status), completed with what identifies the run.
    const manifestPath = join(out, 'manifest.json');
    const runnerManifest = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as object) : {};
    dir.writeJson('manifest.json', { ...runnerManifest, ...toolInfo(), command: 'run', kind: 'tokenomics', profile: file.profile, base_seed: opts.baseSeed, seeds, scenario: file });
    dir.commit();
  } catch (e) {
    dir.abort();
    throw e;
  }
  rmSync(runsDir, { recursive: true, force: true });
  return summary;
}

/** `applyPoint` of a sweep over a tokenomics scenario: each point's values go through the same `--set` path as
 *  the command line (paths, per-setup paths, the paper's symbols), so a bad value fails up front, one line. */
export function tokenomicsApplyPoint(
  raw: Record<string, unknown>,
  source: string,
  opts: { profile?: string; set?: readonly string[]; months?: number } = {},
): (scenario: unknown, point: GridPoint) => TokenomicsFile {
  return (_scenario, point) =>
    tokenomicsFromObject(raw, source, {
      profile: opts.profile,
      set: [...(opts.set ?? []), ...Object.entries(point.values).map(([k, v]) => `${k}=${String(v)}`)],
      months: opts.months,
    });
}

/** The hidden per-month topic series of every seed (from the part files), as median and 10–90 % bands. */
function topicBands(runsDir: string, replicates: number): BandRow[] {
  const values = new Map<string, number[]>();
  const order: string[] = [];
  for (let r = 0; r < replicates; r++) {
    const p = openPart(join(runsDir, partFileName(0, r)));
    try {
      const t = p.header.tables.find((x) => x.name === TOPIC_SERIES_TABLE);
      if (!t) continue;
      const buf = Buffer.alloc(t.length);
      readSync(p.fd, buf, 0, t.length, t.offset);
      const rows = parse(buf.toString('utf8'), { relax_column_count: false }) as string[][];
      const col = (name: string) => t.columns.indexOf(name);
      for (const row of rows) {
        for (const q of TOPIC_SERIES_COLUMNS.slice(2)) {
          const cell = row[col(q)];
          if (cell === undefined || cell === '') continue;
          const key = JSON.stringify([row[col('setup')], Number(row[col('month')]), q]);
          let l = values.get(key);
          if (!l) {
            values.set(key, (l = []));
            order.push(key);
          }
          l.push(Number(cell));
        }
      }
    } finally {
      closeSync(p.fd);
    }
  }
  return order.map((key) => {
    const [setup, month, quantity] = JSON.parse(key) as [string, number, BandRow['quantity']];
    const d = distribution(values.get(key)!);
    return { setup, month, quantity, median: d.median, p10: d.p10, p90: d.p90 };
  });
}

export interface TokenomicsFileRunOptions {
  outDir?: string;
  outRoot: string;
  seed?: string;
  seeds: number;
  epochs?: number;
  profile?: string;
  set: string[];
  threads?: number;
  quiet: boolean;
  figures: boolean;
  resume?: boolean;
  failFast?: boolean;
}

/** `run` of a raw `kind: tokenomics` document: --profile, --set, --epochs (months), --seed(s); a report. */
export async function runTokenomicsDocument(
  raw: Record<string, unknown>,
  source: string,
  o: TokenomicsFileRunOptions,
  baseSeed: (raw: string | number, where: string) => number,
): Promise<{ report: string }> {
  const file = tokenomicsFromObject(raw, source, { profile: o.profile, set: o.set, months: o.epochs });
  const base = baseSeed(o.seed ?? file.seed, o.seed !== undefined ? '--seed' : `${source}: seed`);
  const outDir = o.outDir ?? join(o.outRoot, file.name);
  if (outDir === '') throw new InputError('-o: the output directory must not be empty');
  const s = await runTokenomicsScenario(file, {
    outDir,
    baseSeed: base,
    replicates: o.seeds,
    figures: o.figures,
    threads: o.threads,
    progress: o.quiet ? 'quiet' : 'auto',
    resume: o.resume,
    failFast: o.failFast,
  });
  const lines = [
    `${file.name}: ${s.seeds.length} run(s), profile ${file.profile}, ${file.tokenomics.months} months (rows 0–${file.tokenomics.months - 1}), setups ${s.setups.join(', ')} → ${outDir}`,
    `  ${s.network_table}`,
    ...s.claims.map((c) => `  ${c.holds ? 'holds         ' : 'does NOT hold '} ${c.claim}`),
    ...s.skipped_claims.map((k) => `  skipped        ${k.claims}: ${k.reason}`),
    ...s.verdicts.map(
      (v) =>
        `  ${v.verdict === 'holds' ? 'holds         ' : v.verdict === 'does NOT hold' ? 'does NOT hold ' : 'not measured  '} ${v.id}: ${v.test}: median ${fmt(v.median)} [${fmt(v.p10)}, ${fmt(v.p90)}]; in ${(100 * v.holds_in_share_of_seeds).toFixed(0)}% of seeds`,
    ),
  ];
  return { report: lines.join('\n') };
}

const fmt = (x: number): string => (Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x));
