// Figures 2 and 3 of an agents run, drawn into the run's output directory once its runs have finished
// (their part files are still in `runsDir`).

import type { Scenario } from '../scenario/schema.js';
import { runJob } from '../sim/job.js';
import type { RunCell as Cell } from '../sim/contract.js';
import { figure2Spec, figure3Spec, writeFigure, type LossRow, type RewardRow, type TaskRow } from '../output/plot.js';

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

/**
 * Draws Figures 2 and 3 (first replicate) into `out`. `runsDir` holds the finished runs' part files (not
 * read yet: the first replicate is simulated again here); `seeds` are the replicates' seeds.
 */
export async function drawAgentsFigures(s: Scenario, out: string, runsDir: string, seeds: number[]): Promise<void> {
  void runsDir;
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
