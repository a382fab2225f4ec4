// Figures 2 and 3 of an agents run, drawn into the run's output directory once its runs have finished, from
// the first run's own rows (its part file is still in `runsDir`).

import type { Scenario } from '../scenario/schema.js';
import { readPartTable } from '../runner/part.js';
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

/** The first run's rows of one table, from its part file: the table itself when the run wrote it, else its
 *  hidden copy (`_losses.csv`, … — written by the first run for the figures when the table is not chosen). */
function firstRunTable(runsDir: string, name: string): { rows: Cell[][] } {
  let t: ReturnType<typeof readPartTable>;
  try {
    t = readPartTable(runsDir, 0, 0, name);
  } catch {
    t = readPartTable(runsDir, 0, 0, `_${name}`);
  }
  return { rows: t.rows.map((r) => r.map((c) => (c === '' ? null : c))) };
}

/**
 * Draws Figures 2 and 3 of the first run into `out`, from the rows that run wrote while it ran (its part
 * file in `runsDir`): nothing is simulated again. The subtitle names the seed and every --set override.
 */
export async function drawAgentsFigures(s: Scenario, out: string, runsDir: string, seeds: number[]): Promise<void> {
  const tables = Object.fromEntries(['losses.csv', 'rewards.csv', 'tasks.csv'].map((n) => [n, firstRunTable(runsDir, n)]));
  const first = figureRows(tables);
  const overrides = s.overrides.map((o) => `${o.key}=${String(o.value)}`);
  const subtitle = `${s.name}, profile ${s.profile}, seed ${seeds[0]}${overrides.length ? `; ${overrides.join(', ')}` : ''}`;
  await writeFigure(
    out,
    'figure2',
    figure2Spec(movingAverageLosses(first.losses, FIGURE2_WINDOW), {
      subtitle: `${subtitle}; MSE averaged over the trailing ${FIGURE2_WINDOW} epochs (losses.csv holds every epoch)`,
    }),
  );
  await writeFigure(out, 'figure3', figure3Spec(first.rewards, first.tasks, { subtitle }));
}
