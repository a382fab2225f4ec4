import { describe, expect, it } from 'vitest';

import type { MetricStats, PointSummary, SweptValue } from '../../src/sim/sweep-summary.js';
import { distribution } from '../../src/stats/summary.js';
import { studentMultiplier } from '../../src/stats/student.js';
import { shortNumber, sweepHeatmapSpec, sweepPictures, sweepSpec, type SweepPicturesInput } from '../../src/output/sweep-plots.js';

/** MetricStats of a small sample, computed here (the sweep's own summary lives in src/sim/sweep-summary.ts). */
function stats(values: number[]): MetricStats {
  const d = distribution(values);
  const se = d.n > 1 ? d.std / Math.sqrt(d.n) : NaN;
  const t = d.n > 1 ? studentMultiplier(1.959963984540054, d.n - 1) : NaN;
  return { ...d, se, ci95_lo: d.mean - t * se, ci95_hi: d.mean + t * se };
}

/** Points of a full grid; metric values depend on the point so the panels differ. */
function grid(axes: { name: string; values: SweptValue[] }[], metrics: (v: Record<string, SweptValue>, r: number) => Record<string, number>): PointSummary[] {
  const combos: Record<string, SweptValue>[] = [{}];
  for (const a of axes) {
    const next: Record<string, SweptValue>[] = [];
    for (const c of combos) for (const v of a.values) next.push({ ...c, [a.name]: v });
    combos.splice(0, combos.length, ...next);
  }
  return combos.map((values, point) => {
    const runs = [0, 1, 2, 3].map((r) => metrics(values, r));
    const keys = Object.keys(runs[0]);
    return {
      point,
      values,
      metrics: Object.fromEntries(keys.map((k) => [k, stats(runs.map((x) => x[k]))])),
      claims: { network_best_of_all: (point % 4) / 4, order_of_magnitude_improvement: 1 - (point % 3) / 3 },
    };
  });
}

const agentMetrics = (v: Record<string, SweptValue>, r: number) => {
  const p = typeof v.p === 'number' ? v.p : 3;
  const a = typeof v.alpha === 'number' ? v.alpha : 0.1;
  return {
    network_log10_loss: -4 + 0.1 * p - a + 0.05 * r,
    naive_log10_loss: -3 + 0.02 * r,
    improvement_over_naive_dex: 1 - 0.1 * p + 0.01 * r,
    best_inferer_log10_loss: -3.1 + 0.03 * r,
    inference_reward_share: 0.3 + 0.01 * r,
    forecast_reward_share: 0.2 + 0.01 * p,
    reputer_reward_share: 0.5 - 0.01 * p - 0.02 * r,
  };
};

const svgOf = async (input: SweepPicturesInput) => {
  const pics = await sweepPictures(input, { scale: 1 });
  return Object.fromEntries(pics.map((p) => [p.name, p.data]));
};

describe('sweep pictures', () => {
  it('one axis: a panel per headline metric and per claim, no heat map', async () => {
    const axes = [{ name: 'p', values: [2, 3, 4] }];
    const input = { axes, points: grid(axes, agentMetrics), subtitle: 'figure2-3, 4 seeds per point from base seed 1; epochs=200' };
    const files = await svgOf(input);
    expect(Object.keys(files).sort()).toEqual(['sweep.png', 'sweep.svg']);
    const svg = files['sweep.svg'] as string;
    for (const t of ['Sweep over p', 'network_log10_loss', 'improvement_over_naive_dex', 'reputer_reward_share', 'network_best_of_all', 'epochs=200', 'Student-t'])
      expect(svg).toContain(t);
    // naive_log10_loss is not a headline metric of the picture
    expect(svg).not.toContain('naive_log10_loss</text>');
    expect(sweepHeatmapSpec(input)).toBeNull();
    const png = files['sweep.png'] as Uint8Array;
    expect(Buffer.from(png.subarray(1, 4)).toString('latin1')).toBe('PNG');
  });

  it('two axes: one line per value of the second, and a heat map of the medians', async () => {
    const axes = [
      { name: 'p', values: [2, 3, 4] },
      { name: 'alpha', values: [0.05, 0.1] },
    ];
    const points = grid(axes, agentMetrics);
    const files = await svgOf({ axes, points, subtitle: 's', metrics: ['network_log10_loss', 'forecast_reward_share'] });
    const svg = files['sweep.svg'] as string;
    expect(svg).toContain('alpha');
    expect(svg).toContain('0.05');
    const heat = files['sweep-heatmap.svg'] as string;
    expect(heat).toContain('Median over seeds: p × alpha');
    // the cell label of (p=2, alpha=0.05) is the median of that point's network_log10_loss
    const m = points.find((p) => p.values.p === 2 && p.values.alpha === 0.05)!.metrics.network_log10_loss.median;
    expect(heat).toContain(`>${shortNumber(m)}<`);
    expect(heat).not.toContain('improvement_over_naive_dex');
  });

  it('string and boolean axes are drawn on an ordinal axis in swept order', async () => {
    const axes = [
      { name: 'switches.regret', values: ['zero', 'topic', 'median'] },
      { name: 'flag', values: [true, false] },
    ];
    const spec = sweepSpec({ axes, points: grid(axes, agentMetrics), subtitle: 's' }) as unknown as { vconcat: { concat: { layer: { encoding: { x: { type: string; sort?: string[] } } }[] }[] }[] };
    const x = spec.vconcat[0].concat[0].layer[1].encoding.x;
    expect(x.type).toBe('ordinal');
    expect(x.sort).toEqual(['zero', 'topic', 'median']);
    const files = await svgOf({ axes, points: grid(axes, agentMetrics), subtitle: 's' });
    expect(files['sweep.svg']).toContain('median</text>');
    expect(files['sweep.svg']).toContain('false');
    expect(files['sweep-heatmap.svg']).toContain('switches.regret');
  });

  it('a one-point sweep renders', async () => {
    const axes = [{ name: 'p', values: [3] }];
    const files = await svgOf({ axes, points: grid(axes, agentMetrics), subtitle: 's' });
    expect(files['sweep.svg']).toContain('network_log10_loss');
  });

  it('tokenomics: one line per setup, metrics named without their setup', async () => {
    const axes = [{ name: 'alpha_e', values: [0.05, 0.1, 0.2] }];
    const setups = ['fee-1pct', 'fee-2pct', 'fee-3pct'];
    const points = grid(axes, (v, r) => {
      const out: Record<string, number> = {};
      setups.forEach((s, i) => {
        out[`final_apy.${s}`] = 0.02 * (i + 1) + (v.alpha_e as number) * 0.1 + 1e-4 * r;
        out[`total_emission.${s}`] = 3e8 + 1e7 * i;
        out[`unlock_month.${s}`] = 12;
      });
      return out;
    }).map((p) => ({ ...p, claims: {} }));
    const files = await svgOf({ axes, points, subtitle: 'figure4, 4 seeds' });
    const svg = files['sweep.svg'] as string;
    for (const s of setups) expect(svg).toContain(s);
    expect(svg).toContain('final_apy');
    expect(svg).toContain('total_emission');
    expect(svg).not.toContain('unlock_month'); // not a headline metric
    expect(svg).not.toContain('Claims');
  });

  it('an unknown metric is refused', () => {
    const axes = [{ name: 'p', values: [2, 3] }];
    expect(() => sweepSpec({ axes, points: grid(axes, agentMetrics), subtitle: 's', metrics: ['no_such_metric'] })).toThrow(/no metric 'no_such_metric'/);
  });

  it('is deterministic: the same input gives byte-identical SVG and PNG', async () => {
    const axes = [
      { name: 'p', values: [2, 3] },
      { name: 'alpha', values: [0.05, 0.1] },
    ];
    const input = { axes, points: grid(axes, agentMetrics), subtitle: 's' };
    const a = await sweepPictures(input, { scale: 1 });
    const b = await sweepPictures(input, { scale: 1 });
    expect(a.map((p) => p.name)).toEqual(b.map((p) => p.name));
    for (let i = 0; i < a.length; i++) expect(Buffer.from(a[i].data).equals(Buffer.from(b[i].data))).toBe(true);
  });
});

describe('shortNumber', () => {
  it('keeps three significant digits', () => {
    expect(shortNumber(-3.98712)).toBe('-3.99');
    expect(shortNumber(0.2734)).toBe('0.273');
    expect(shortNumber(312345678)).toBe('3.12e8');
    expect(shortNumber(0)).toBe('0');
  });
});
