// `run` and `figures`: load a scenario of either kind, apply the command line, run it into its output
// directory (locked, overwrite checked), and return a report. The CLI prints it.

import { jsonText as json, writeFileAtomic as writeAtomic } from '../io/files.js';
import { join } from 'node:path';
import { InputError } from '../scenario/errors.js';
import { readScenarioFile, scenarioFromObject } from '../scenario/load.js';
import { projectRoot } from '../scenario/paths.js';
import type { Scenario } from '../scenario/schema.js';
import { tokenomicsFromObject } from '../scenario/tokenomics.js';
import { PROFILE_NAMES, isProfileName } from '../engine/params.js';
import { summarizeRuns, type RunSummary } from '../sim/summary.js';
import { toolInfo } from '../output/run-dir.js';
import { RNG_RULE } from '../agents/rng.js';
import { recordReplay } from '../sim/record-replay.js';
import { AtomicCsvWriter } from '../output/csv.js';
import { runReplicates } from '../runner/agents-run.js';
import { baseSeed } from '../runner/seeds.js';
import type { ProgressMode } from '../runner/progress.js';
import type { OutputFormat } from '../runner/assemble.js';
import { checkOutOption, defaultOutDir, lockOutputDir, prepareOutputDir, runIdentity } from './outdir.js';
import { checkRunSize } from './limits.js';
import { parseTablesOption } from './tables.js';
import type { FigureSeeds } from './figures-agents.js';
import { FigureWorker, figureScenario } from './figure-workers.js';
import { allocatedThreads } from '../runner/cpus.js';

export interface ScenarioRunOptions {
  /** Output directory; default <outRoot>/<scenario name>. */
  outDir?: string;
  outRoot: string;
  seed?: string;
  /** Replicates; default the scenario's `runs`. */
  seeds?: number;
  /** Run exactly this run seed (one replicate), as printed for a failed run. */
  runSeed?: number;
  epochs?: number;
  profile?: string;
  set: string[];
  /** `--tables` as typed (undefined = all). */
  tables?: string;
  /** File format of the tables and metrics (default csv). */
  format?: OutputFormat;
  threads?: number;
  quiet: boolean;
  figures: boolean;
  /** Figures 2–3 of several seeds: 'all' (median and 10–90 % band, default) or 'first' (the first seed's trace). */
  figureSeeds?: FigureSeeds;
  /** Also write the first run in the replay format (`replay.csv`, docs/replay-format.md). */
  recordReplay?: boolean;
  resume?: boolean;
  failFast?: boolean;
  force?: boolean;
  /** One-line notes (warm-up rule, …); default stderr. */
  note?: (line: string) => void;
}

export interface ScenarioRunReport {
  name: string;
  kind: 'agents' | 'tokenomics';
  outDir: string;
  /** The printed report. */
  report: string;
}

/** The scenarios `figures` runs, in order. */
export const FIGURE_SCENARIOS = ['figure2-3.yaml', 'figure4.yaml'].map((f) => join(projectRoot(), 'scenarios', f));


/** The identity of an agents run (what must match for an overwrite without --force). */
function agentsIdentity(s: Scenario): string {
  const { source: _source, overrides: _overrides, name: _name, description: _description, runs: _runs, seed: _seed, ...experiment } = s;
  return runIdentity({ kind: 'agents', experiment });
}

export async function runScenarioFile(file: string, o: ScenarioRunOptions): Promise<ScenarioRunReport> {
  const note = o.note ?? ((l: string) => void process.stderr.write(`${l}\n`));
  if (o.profile !== undefined && !isProfileName(o.profile))
    throw new InputError(`--profile: must be one of ${PROFILE_NAMES.join(', ')} (got '${o.profile}')`);
  checkOutOption(o.outDir);
  const raw = readScenarioFile(file);
  if (raw.kind === 'tokenomics') return runTokenomicsFile(file, raw, o);
  // With a second CPU, the chart libraries load in a worker thread while the input is checked and the runs
  // simulate, and the worker draws the figures.
  const figureWorker = o.figures !== false && (o.threads ?? allocatedThreads().threads) >= 2 ? FigureWorker.start() : null;
  try {
    return await runAgentsFile(file, raw, o, note, figureWorker);
  } finally {
    await figureWorker?.close();
  }
}

async function runAgentsFile(
  file: string,
  raw: Record<string, unknown>,
  o: ScenarioRunOptions,
  note: (line: string) => void,
  figureWorker: FigureWorker | null,
): Promise<ScenarioRunReport> {
  const set = [...o.set, ...(o.epochs !== undefined ? [`epochs=${o.epochs}`] : [])];
  // Notes are printed once the input is known to be good (a refused command prints only its error).
  const notes: string[] = [];
  const s = scenarioFromObject(raw, file, { profile: o.profile, set, onNote: (l) => notes.push(l) });
  const tables = parseTablesOption(o.tables, 'agents');
  const replicates = o.runSeed !== undefined ? 1 : (o.seeds ?? s.runs);
  checkRunSize(s, replicates, 1);
  const base = baseSeed(o.seed ?? s.seed, o.seed !== undefined ? '--seed' : `${file}: seed`);
  const outDir = o.outDir ?? defaultOutDir(o.outRoot, s.name);
  const lock = lockOutputDir(outDir);
  let summary: RunSummary;
  try {
    prepareOutputDir(outDir, { identity: agentsIdentity(s), resume: o.resume, force: o.force });
    for (const l of notes) note(l);
    summary = await runAgentsScenario(s, {
      outDir,
      baseSeed: base,
      runSeed: o.runSeed,
      replicates,
      tables,
      format: o.format,
      figures: o.figures,
      figureSeeds: o.figureSeeds,
      recordReplay: o.recordReplay,
      threads: o.threads,
      progress: o.quiet ? 'quiet' : 'auto',
      resume: o.resume,
      failFast: o.failFast,
      identity: agentsIdentity(s),
      figureWorker: figureWorker ?? undefined,
    });
  } finally {
    lock.release();
  }
  const lines = summary.claims.map(
    (c) =>
      `  ${c.holds ? 'holds         ' : 'does NOT hold '} ${c.paper}  [${c.test}; in ${(100 * c.holds_in_share_of_seeds).toFixed(0)}% of seeds]`,
  );
  const head =
    summary.seeds.length === 0
      ? `${s.name}: already complete → ${outDir} (nothing to do)`
      : `${s.name}: ${summary.seeds.length} run(s), profile ${s.profile} → ${outDir}`;
  return { name: s.name, kind: 'agents', outDir, report: [head, ...lines].join('\n') };
}

async function runTokenomicsFile(file: string, raw: Record<string, unknown>, o: ScenarioRunOptions): Promise<ScenarioRunReport> {
  if (o.runSeed !== undefined) throw new InputError(`--run-seed: applies to agents scenarios; ${file} is kind: tokenomics`);
  if (o.tables !== undefined && o.tables.trim() !== 'all') {
    throw new InputError(`--tables: a tokenomics run writes all its tables; ${file} is kind: tokenomics (use --tables all or leave it out)`);
  }
  const doc = tokenomicsFromObject(raw, file, { profile: o.profile, set: o.set, months: o.epochs });
  const seeds = o.seeds ?? 1;
  checkRunSize(null, seeds, 1);
  const outDir = o.outDir ?? defaultOutDir(o.outRoot, doc.name);
  const identity = runIdentity({ kind: 'tokenomics', doc: { ...doc, name: undefined, description: undefined, seed: undefined } });
  const lock = lockOutputDir(outDir);
  try {
    prepareOutputDir(outDir, { identity, resume: o.resume, force: o.force });
    // Loaded when needed: the tokenomics run and the figures pull in the chart library.
    const { runTokenomicsScenario, fmt } = await import('../runner/tokenomics-run.js');
    const s = await runTokenomicsScenario(doc, {
      outDir,
      baseSeed: baseSeed(o.seed ?? doc.seed, o.seed !== undefined ? '--seed' : `${file}: seed`),
      replicates: seeds,
      figures: o.figures,
      threads: o.threads,
      progress: o.quiet ? 'quiet' : 'auto',
      resume: o.resume,
      failFast: o.failFast,
      format: o.format,
      manifest: { run_identity: identity },
    });
    const lines = [
      `${doc.name}: ${s.seeds.length} run(s), profile ${doc.profile}, ${doc.tokenomics.months} months (rows 0–${doc.tokenomics.months - 1}), setups ${s.setups.join(', ')} → ${outDir}`,
      `  ${s.network_table}`,
      ...s.claims.map((c) => `  ${c.holds ? 'holds         ' : 'does NOT hold '} ${c.claim}`),
      ...s.skipped_claims.map((k) => `  skipped        ${k.claims}: ${k.reason}`),
      ...s.verdicts.map(
        (v) =>
          `  ${v.verdict === 'holds' ? 'holds         ' : v.verdict === 'does NOT hold' ? 'does NOT hold ' : 'not measured  '} ${v.id}: ${v.test}: median ${fmt(v.median)} [${fmt(v.p10)}, ${fmt(v.p90)}]; in ${(100 * v.holds_in_share_of_seeds).toFixed(0)}% of seeds`,
      ),
    ];
    return { name: doc.name, kind: 'tokenomics', outDir, report: lines.join('\n') };
  } finally {
    lock.release();
  }
}

export interface AgentsRunOptions {
  outDir: string;
  baseSeed: number;
  runSeed?: number;
  replicates: number;
  tables?: string[];
  format?: OutputFormat;
  figures?: boolean;
  figureSeeds?: FigureSeeds;
  recordReplay?: boolean;
  threads?: number;
  progress?: ProgressMode;
  resume?: boolean;
  failFast?: boolean;
  resumeHint?: string;
  identity: string;
  /** Draw the figures in this worker (started by the caller while the runs simulate); default in this thread. */
  figureWorker?: FigureWorker;
}

/**
 * Runs the replicates of an agents scenario into `outDir`: the tables and metrics.csv (runner), then — while
 * the runs are still kept — Figures 2–3 and summary.json, and the manifest last. A failure or an interrupt
 * leaves no manifest saying "ok".
 */
export async function runAgentsScenario(s: Scenario, opts: AgentsRunOptions): Promise<RunSummary> {
  let summary: RunSummary | undefined;
  const r = await runReplicates(s, {
    outDir: opts.outDir,
    baseSeed: opts.baseSeed,
    runSeed: opts.runSeed,
    replicates: opts.replicates,
    tables: opts.tables,
    format: opts.format,
    threads: opts.threads,
    progress: opts.progress,
    resume: opts.resume,
    failFast: opts.failFast,
    resumeHint: opts.resumeHint,
    finish: async (ctx) => {
      const seeds = ctx.runs.map((x) => x.seed);
      summary = summarizeRuns(
        { scenario: s.name, profile: s.profile, warmup: s.warmup, epochs: s.epochs },
        seeds,
        ctx.runs.map((x) => x.metrics),
        s.claim,
      );
      if (opts.figures !== false) {
        try {
          const fo = { seeds, baseSeed: opts.baseSeed, figureSeeds: opts.figureSeeds };
          if (opts.figureWorker) await opts.figureWorker.draw(figureScenario(s), ctx.dir, ctx.runsDir, fo);
          else {
            const { drawAgentsFigures } = await import('./figures-agents.js');
            await drawAgentsFigures(s, ctx.dir, ctx.runsDir, fo);
          }
        } catch (e) {
          if (e instanceof InputError || (e as { exitCode?: unknown }).exitCode !== undefined || typeof (e as NodeJS.ErrnoException).code === 'string') throw e;
          // The runs are fine, the figures cannot be drawn for this scenario (e.g. --set N_i=1).
          throw new InputError(
            `figures: cannot draw Figures 2–3 for scenario '${s.name}' (${(e as Error).message}); the runs are kept in ${ctx.runsDir}: add --no-figures --resume to finish without figures`,
          );
        }
      }
      if (opts.recordReplay) {
        // The first run in the replay format: `allora-sim replay replay.csv` reproduces its synthesis and rewards.
        const rec = recordReplay(s, seeds[0]);
        const w = new AtomicCsvWriter(join(ctx.dir, 'replay.csv'), rec.columns);
        for (const row of rec.rows) await w.write(Array.from(row));
        await w.commit();
      }
      writeAtomic(join(ctx.dir, 'summary.json'), json(summary));
      return {
        ...toolInfo(),
        command: 'run',
        kind: 'agents',
        rng_rule: RNG_RULE,
        profile: s.profile,
        base_seed: opts.baseSeed,
        ...(opts.runSeed !== undefined ? { run_seed: opts.runSeed } : {}),
        seeds,
        scenario: s,
        run_identity: opts.identity,
      };
    },
  });
  if (summary) return summary;
  // Already complete (resume of a finished run): nothing ran.
  return summarizeRuns({ scenario: s.name, profile: s.profile, warmup: s.warmup, epochs: s.epochs }, r.seeds, r.perSeed);
}
