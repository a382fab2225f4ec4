// A `kind: agents` scenario (Figures 2 and 3): replicates over seeds, the four CSVs, summary.json with the
// headline metrics and the paper's claims, manifest.json, and the figures (from the first replicate).

import type { Scenario } from '../scenario/schema.js';
import { runJob } from '../sim/job.js';
import { TABLE_COLUMNS, type Cell } from '../sim/simulate.js';
import { summarizeRuns, type RunSummary } from '../sim/summary.js';
import { AtomicCsvWriter } from '../output/csv.js';
import { RunDirectory, toolInfo } from '../output/run-dir.js';
import { figure2Spec, figure3Spec, writeFigure, type LossRow, type RewardRow, type TaskRow } from '../output/plot.js';

export interface AgentsRunOptions {
  outDir: string;
  seeds: number[];
  figures?: boolean;
  onProgress?: (done: number, total: number) => void;
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

export async function runAgentsScenario(s: Scenario, opts: AgentsRunOptions): Promise<RunSummary> {
  const dir = new RunDirectory(opts.outDir);
  const writers = Object.fromEntries(
    Object.entries(TABLE_COLUMNS).map(([name, cols]) => [name, new AtomicCsvWriter(dir.path(name), cols)]),
  );
  try {
    const perSeed: Record<string, number>[] = [];
    let first: ReturnType<typeof figureRows> | null = null;
    for (let r = 0; r < opts.seeds.length; r++) {
      const res = runJob({ scenario: s, seed: opts.seeds[r], point: 0, replicate: r });
      for (const [name, t] of Object.entries(res.tables)) for (const row of t.rows) await writers[name].write(row);
      perSeed.push(res.metrics);
      if (r === 0 && opts.figures !== false) first = figureRows(res.tables);
      opts.onProgress?.(r + 1, opts.seeds.length);
    }
    for (const w of Object.values(writers)) await w.commit();
    const summary = summarizeRuns(
      { scenario: s.name, profile: s.profile, warmup: s.warmup, epochs: s.epochs },
      opts.seeds,
      perSeed,
    );
    if (first) {
      const subtitle = `${s.name}, profile ${s.profile}, seed ${opts.seeds[0]}`;
      await writeFigure(
        dir.staging,
        'figure2',
        figure2Spec(movingAverageLosses(first.losses, FIGURE2_WINDOW), {
          subtitle: `${subtitle}; MSE averaged over the trailing ${FIGURE2_WINDOW} epochs (losses.csv holds every epoch)`,
        }),
      );
      await writeFigure(dir.staging, 'figure3', figure3Spec(first.rewards, first.tasks, { subtitle }));
    }
    dir.writeJson('summary.json', summary);
    dir.writeJson('manifest.json', {
      ...toolInfo(),
      command: 'run',
      kind: 'agents',
      profile: s.profile,
      seeds: opts.seeds,
      scenario: s,
    });
    dir.commit();
    return summary;
  } catch (e) {
    for (const w of Object.values(writers)) w.abort();
    dir.abort();
    throw e;
  }
}
