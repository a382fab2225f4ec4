// The trace lines of Figures 2 and 3 (thousands of points) are laid out by vega from a few rows per line and then
// drawn with every row (src/output/plot.ts `traces`): the SVG and PNG must be the bytes vega draws from all rows.
import { describe, expect, it } from 'vitest';

import { figure2Spec, figure3Spec, renderVegaLite, type LossRow, type RewardRow, type TaskRewardRow } from '../../src/output/plot.js';
import { seededUniform } from '../helpers/rng.js';

function rows(epochs: number, seeds: number[]): { losses: LossRow[]; rewards: RewardRow[]; tasks: TaskRewardRow[] } {
  const u = seededUniform(5);
  const losses: LossRow[] = [];
  const rewards: RewardRow[] = [];
  const tasks: TaskRewardRow[] = [];
  for (const seed of seeds) {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      losses.push({ seed, epoch, kind: 'network', index: null, loss: 0.001 * (1 + u()) }, { seed, epoch, kind: 'naive', index: null, loss: 0.01 * (1 + u()) });
      for (let i = 0; i < 3; i++) {
        losses.push({ seed, epoch, kind: 'inference', index: i, loss: 0.05 * (1 + u()) }, { seed, epoch, kind: 'forecast_implied', index: i, loss: 0.002 * (1 + u()) });
      }
      // no rewards in the first epochs, and a gap (NaN) in one participant's trace
      if (epoch < 4) continue;
      for (const task of ['inference', 'forecast', 'reputer'] as const) {
        for (let index = 0; index < 3; index++) rewards.push({ seed, epoch, task, index, reward: task === 'forecast' && index === 1 && epoch % 50 < 5 ? NaN : u() });
      }
      tasks.push({ seed, epoch, inference: u(), forecast: u(), reputer: u() });
    }
  }
  return { losses, rewards, tasks };
}

describe('trace lines', () => {
  it('Figures 2 and 3 of one seed are the bytes vega draws from every row', async () => {
    const { losses, rewards, tasks } = rows(400, [1, 2]);
    for (const spec of [figure2Spec(losses), figure2Spec(losses, { seed: 2 }), figure3Spec(rewards, tasks), figure3Spec(rewards, tasks, { seed: 2 })]) {
      // a copy of the spec is rendered without the shortcut: vega gets every row
      const fast = await renderVegaLite(spec);
      const full = await renderVegaLite(structuredClone(spec));
      expect(fast.svg).toBe(full.svg);
      expect(fast.png.equals(full.png)).toBe(true);
    }
  });
});
