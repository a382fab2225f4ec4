// A `kind: agents` scenario (Figures 2 and 3): replicates over seeds on the worker pool, the four CSVs,
// summary.json with the headline metrics and the paper's claims, the figures (first replicate) and
// manifest.json. An interrupted run keeps its finished replicates in <out>/.runs/ for `--resume`.

import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Scenario } from '../scenario/schema.js';
import { runJob } from '../sim/job.js';
import type { RunCell as Cell } from '../sim/contract.js';
import { summarizeRuns, type RunSummary } from '../sim/summary.js';
import { toolInfo } from '../output/run-dir.js';
import { figure2Spec, figure3Spec, writeFigure, type LossRow, type RewardRow, type TaskRow } from '../output/plot.js';
import { runMonteCarlo } from './run.js';
import { readPartHeader, partFileName } from './part.js';
import type { ProgressMode } from './progress.js';

export interface AgentsRunOptions {
  outDir: string;
  baseSeed: number;
  replicates: number;
  figures?: boolean;
  threads?: number;
  progress?: ProgressMode;
  resume?: boolean;
  failFast?: boolean;
  /** How the user continues after an interruption (default: re-run with --resume). */
  resumeHint?: string;
}

const num = (c: Cell): number => (typeof c === 'number' ? c : c === null ? NaN : Number(c));

/** Plot rows of one replicate's tables. */
export function figureRows(tables: Record<string, { rows: Cell[][] }>) {
  const losses: LossRow[] = tables['losses.csv'].rows.map((r) => ({
    seed: num(r[0]),
    epoch: num(r[1]),
    kind: r[2] as LossRow['kind'],
    index: r[3] === null ? null : num(r[3]),
    loss: num(r[4]),
  }));
  const rewards: RewardRow[] = tables['rewards.csv'].rows.map((r) => ({
    seed: num(r[0]),
    epoch: num(r[1]),
    task: r[2] as RewardRow['task'],
    index: num(r[3]),
    reward: num(r[4]),
  }));
  const tasks: TaskRow[] = tables['tasks.csv'].rows.map((r) => {
    const [seed, epoch, emission, inference, forecast, reputer, chi, gamma, F, G, H] = r.map(num);
    return { seed, epoch, emission, inference, forecast, reputer, chi, gamma, F, G, H };
  });
  return { losses, rewards, tasks };
}

/** Epochs of the trailing moving average Figure 2 draws (the per-epoch squared errors scatter over decades). */
export const FIGURE2_WINDOW = 25;

/** Trailing moving average of each (kind, index) loss series over `window` epochs (rows in epoch order). */
export function movingAverageLosses(rows: LossRow[], window: number): LossRow[] {
  const buffers = new Map<string, { sum: number; q: number[] }>();
  return rows.map((r) => {
    const key = `${r.kind}/${r.index}`;
    let b = buffers.get(key);
    if (!b) buffers.set(key, (b = { sum: 0, q: [] }));
    if (!Number.isFinite(r.loss)) return r;
    b.q.push(r.loss);
    b.sum += r.loss;
    if (b.q.length > window) b.sum -= b.q.shift()!;
    return { ...r, loss: b.sum / b.q.length };
  });
}

/** Writes a file under a temporary name, then renames it into place. */
function writeAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

const json = (v: unknown): string =>
  JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x), 2) + '\n';

/**
 * Runs `replicates` seeds of the scenario on the pool into `out` (tables streamed to `<out>/<table>.csv`, the
 * runner's manifest.json) and returns each replicate's seed and headline metrics. `.runs/` is left in place
 * for the caller to remove once it has written what it derives from the runs.
 */
export async function runReplicates(
  s: Scenario,
  opts: Omit<AgentsRunOptions, 'figures'>,
): Promise<{ seeds: number[]; perSeed: Record<string, number>[]; runsDir: string }> {
  await runMonteCarlo({
    scenario: s,
    out: opts.outDir,
    seed: opts.baseSeed,
    replicates: opts.replicates,
    threads: opts.threads,
    indexColumns: false,
    summary: false,
    keepParts: true,
    resume: opts.resume,
    failFast: opts.failFast,
    progress: opts.progress,
    resumeHint: opts.resumeHint,
  });
  const runsDir = join(opts.outDir, '.runs');
  const headers = Array.from({ length: opts.replicates }, (_, r) => readPartHeader(join(runsDir, partFileName(0, r))));
  return {
    seeds: headers.map((h) => h.seed),
    perSeed: headers.map((h) => Object.fromEntries(Object.entries(h.metrics).map(([k, v]) => [k, Number(v)]))),
    runsDir,
  };
}

export async function runAgentsScenario(s: Scenario, opts: AgentsRunOptions): Promise<RunSummary> {
  const out = opts.outDir;
  const { seeds, perSeed, runsDir } = await runReplicates(s, opts);
  const summary = summarizeRuns({ scenario: s.name, profile: s.profile, warmup: s.warmup, epochs: s.epochs }, seeds, perSeed);

  if (opts.figures !== false) {
    // The first replicate again, in this thread (the same seed gives the same run), for its rows.
    const tables: Record<string, { rows: Cell[][] }> = {};
    runJob({ scenario: s, seed: seeds[0], point: 0, replicate: 0 }, {
      table: (name) => {
        const t = (tables[name] = { rows: [] as Cell[][] });
        return (row) => t.rows.push([...row]);
      },
    });
    const first = figureRows(tables);
    const subtitle = `${s.name}, profile ${s.profile}, seed ${seeds[0]}`;
    await writeFigure(
      out,
      'figure2',
      figure2Spec(movingAverageLosses(first.losses, FIGURE2_WINDOW), {
        subtitle: `${subtitle}; MSE averaged over the trailing ${FIGURE2_WINDOW} epochs (losses.csv holds every epoch)`,
      }),
    );
    await writeFigure(out, 'figure3', figure3Spec(first.rewards, first.tasks, { subtitle }));
  }
  writeAtomic(join(out, 'summary.json'), json(summary));
  // The runner's manifest (definition, per-run seeds and status), completed with what identifies the run.
  const manifestPath = join(out, 'manifest.json');
  const runnerManifest = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as object) : {};
  writeAtomic(
    manifestPath,
    json({ ...runnerManifest, ...toolInfo(), command: 'run', kind: 'agents', profile: s.profile, base_seed: opts.baseSeed, seeds, outputs: readdirSync(out).filter((f) => !f.startsWith('.')).sort(), scenario: s }),
  );
  rmSync(runsDir, { recursive: true, force: true });
  return summary;
}
