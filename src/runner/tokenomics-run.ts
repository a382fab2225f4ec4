// `run` of a `kind: tokenomics` scenario (Figure 4, and any setups): `--seeds N` replicates of the job
// src/sim/tokenomics-job.ts on the worker pool (tables streamed to <out>/<table>.csv), then summary.json (every
// per-run metric over the seeds, the Figure 4 claims when its three setups are present, the verdicts of the
// file's claim), figure4.svg/.png and manifest.json.

import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { tokenomicsFromObject, type TokenomicsFile } from '../scenario/tokenomics.js';
import {
  judgeFigure4,
  judgeStudyClaims,
  metricDefinition,
  runTokenomicsFile,
  type Claim,
  type Verdict,
} from '../sim/tokenomics.js';
import {
  FIGURE4_TABLE,
  TOPIC_SERIES_COLUMNS,
  TOPIC_SERIES_TABLE,
  figure4Runs,
  networkIsDeterministic,
  populationRng,
} from '../sim/tokenomics-job.js';
import { distribution, type MetricSummary } from '../sim/summary.js';
import { toolInfo } from '../output/run-dir.js';
import { jsonText, writeFileAtomic } from '../io/files.js';
import { writeFigure } from '../output/plot.js';
import { figure4Spec } from '../output/figure4.js';
import { topicBandsSpec, type BandRow } from '../output/tokenomics-figures.js';
import { runMonteCarlo } from './run.js';
import { readPartTable } from './part.js';
import type { ProgressMode } from './progress.js';
import type { OutputFormat } from './assemble.js';
import type { GridPoint } from './grid.js';

/** Seeded stream of one setup, as earlier versions drew it (kept for `check`, whose baseline measures the
 *  deterministic network table only). */
export const setupRng = (seed: number | string, setup: string): (() => number) => seedrandom(`${seed}:${setup}`);

export interface TokenomicsRunOptions {
  outDir: string;
  baseSeed: number;
  replicates: number;
  figures?: boolean;
  threads?: number;
  progress?: ProgressMode;
  resume?: boolean;
  failFast?: boolean;
  /** File format of the tables and metrics (default csv). */
  format?: OutputFormat;
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

/**
 * Runs a resolved tokenomics scenario into `outDir` on the pool; summary.json and the figures are written
 * in the runner's finish step, so they are put in place with the tables and `manifest.json` last (a run
 * that fails or is interrupted leaves no finished-looking output). `manifest` holds fields for the manifest.
 */
export async function runTokenomicsScenario(
  file: TokenomicsFile,
  opts: TokenomicsRunOptions & { manifest?: Record<string, unknown> },
): Promise<TokenomicsSummary> {
  let summary: TokenomicsSummary | undefined;
  await runMonteCarlo({
    scenario: file,
    out: opts.outDir,
    seed: opts.baseSeed,
    replicates: opts.replicates,
    kind: 'tokenomics',
    format: opts.format,
    threads: opts.threads,
    indexColumns: false,
    summary: false,
    resume: opts.resume,
    failFast: opts.failFast,
    progress: opts.progress,
    finish: async (ctx) => {
      const seeds = ctx.runs.map((r) => r.seed);
      const perSeed = ctx.runs.map((r) => r.metrics);
      // The claims and Figure 4 from what the first run kept (its hidden table), not a second simulation.
      const runs = firstRun(file, ctx.runsDir, seeds[0]);
      const fig4 = judgeFigure4(runs);
      const keys = [...new Set(perSeed.flatMap((m) => Object.keys(m)))];
      const metrics: Record<string, MetricSummary> = {};
      for (const k of keys) metrics[k] = { definition: metricDefinition(k), ...distribution(perSeed.map((m) => m[k] ?? NaN)) };
      summary = {
        scenario: file.name,
        profile: file.profile,
        months: file.tokenomics.months,
        seeds,
        setups: file.tokenomics.setups.map((x) => x.name),
        network_table: networkIsDeterministic(file)
          ? 'tokenomics.csv is written once (by the first seed): with f_stakers = constant in every setup the network table does not depend on the seed; topics.csv, validators.csv and treasury.csv hold every seed'
          : 'tokenomics.csv holds every seed (a seed column in front): with f_stakers = actual the emission depends on the topic and validator populations',
        metrics,
        claims: fig4.claims,
        skipped_claims: fig4.skipped,
        verdicts: judgeStudyClaims(file.claims, perSeed),
      };
      if (opts.figures !== false) {
        const bands = topicBands(ctx.runsDir, opts.replicates);
        const sub = `${file.name}, profile ${file.profile}, ${seeds.length} seed${seeds.length === 1 ? '' : 's'}`;
        if (bands.length > 0) await writeFigure(ctx.dir, 'topic-bands', topicBandsSpec(bands, { seeds: seeds.length, subtitle: sub }));
        const apy = Object.values(runs).flatMap((r) => r.network.filter((x) => x.month > 0).map((x) => ({ setup: r.setup, month: x.month, apy: x.apy })));
        const caps = Object.values(runs).map((r) => r.treasury[r.treasury.length - 1].apy_cap);
        const cap = caps.every((c) => c === caps[0]) ? caps[0] : undefined;
        await writeFigure(ctx.dir, 'figure4', figure4Spec(apy, { cap, subtitle: `${file.name}, profile ${file.profile}` }));
      }
      writeFileAtomic(join(ctx.dir, 'summary.json'), jsonText(summary));
      return { ...toolInfo(), command: 'run', kind: 'tokenomics', profile: file.profile, base_seed: opts.baseSeed, seeds, scenario: file, ...opts.manifest };
    },
  });
  if (!summary) throw new Error('runTokenomicsScenario: the runs finished without a summary');
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

/** What Figure 4 and its claims read of the first run, from its part file (the hidden table it wrote). A part
 *  written before that table existed (a resumed run) has none: the first seed is then run again in this thread. */
function firstRun(file: TokenomicsFile, runsDir: string, seed: number): ReturnType<typeof runTokenomicsFile> {
  let t: ReturnType<typeof readPartTable>;
  try {
    t = readPartTable(runsDir, 0, 0, FIGURE4_TABLE);
  } catch {
    return runTokenomicsFile(file, () => populationRng(seed));
  }
  return figure4Runs(file, t.rows);
}

/** The hidden per-month topic series of every seed (from the part files), as median and 10–90 % bands. */
function topicBands(runsDir: string, replicates: number): BandRow[] {
  const values = new Map<string, number[]>();
  const order: string[] = [];
  for (let r = 0; r < replicates; r++) {
    let t: ReturnType<typeof readPartTable>;
    try {
      t = readPartTable(runsDir, 0, r, TOPIC_SERIES_TABLE);
    } catch {
      continue; // a run without the series (none drawn)
    }
    const col = (name: string) => t.columns.indexOf(name);
    for (const row of t.rows) {
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
  }
  return order.map((key) => {
    const [setup, month, quantity] = JSON.parse(key) as [string, number, BandRow['quantity']];
    const d = distribution(values.get(key)!);
    return { setup, month, quantity, median: d.median, p10: d.p10, p90: d.p90 };
  });
}

/** A number as the run report shows it (4 significant digits). */
export const fmt = (x: number): string => (Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x));
