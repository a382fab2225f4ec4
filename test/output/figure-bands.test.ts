import { describe, expect, it } from 'vitest';

import {
  bandOverSeeds,
  cumulativeTraces,
  figure2BandSpec,
  figure3BandSpec,
  renderVegaLite,
  type Figure2Traces,
  type Figure3Traces,
} from '../../src/output/plot.js';
import { quantile } from '../../src/stats/summary.js';
import { seededUniform } from '../helpers/rng.js';

const f64 = (xs: number[]) => Float64Array.from(xs);

describe('bands over seeds', () => {
  it('median, p10 and p90 per epoch over the seeds, missing values left out', () => {
    // 5 seeds, 3 epochs; epoch 2 has one seed missing, epoch 3 none present
    const traces = [f64([1, 10, NaN]), f64([2, NaN, NaN]), f64([3, 30, NaN]), f64([4, 40, NaN]), f64([5, 50, NaN])];
    const b = bandOverSeeds(traces, 3);
    expect(b.median[0]).toBe(3);
    expect(b.median[1]).toBe(35); // median of 10, 30, 40, 50
    expect(b.p10[0]).toBe(quantile([1, 2, 3, 4, 5], 0.1));
    expect(b.p90[0]).toBe(quantile([1, 2, 3, 4, 5], 0.9));
    expect(b.p10[1]).toBe(quantile([10, 30, 40, 50], 0.1));
    expect(b.p90[1]).toBe(quantile([10, 30, 40, 50], 0.9));
    expect(b.p10[0]).toBeLessThanOrEqual(b.median[0]);
    expect(Number.isNaN(b.median[2])).toBe(true);
  });

  it('one seed: the band is the trace itself', () => {
    const b = bandOverSeeds([f64([0.5, 0.25])], 2);
    expect(Array.from(b.median)).toEqual([0.5, 0.25]);
    expect(Array.from(b.p10)).toEqual([0.5, 0.25]);
    expect(Array.from(b.p90)).toEqual([0.5, 0.25]);
  });

  it('cumulative traces sum per seed, missing epochs adding nothing', () => {
    expect(Array.from(cumulativeTraces([f64([1, NaN, 2, 3])])[0])).toEqual([1, 1, 3, 6]);
  });
});

/** Synthetic traces of `seeds` seeds with a large start-up transient. */
function traces(seeds: number, epochs: number) {
  const rand = seededUniform(3);
  const ep = Array.from({ length: epochs }, (_, i) => i + 1);
  const trace = (scale: number, transient: number) =>
    Array.from({ length: seeds }, () => Float64Array.from(ep, (e) => scale * (1 + 0.5 * rand()) * (e <= 10 ? transient : 1)));
  const fig2: Figure2Traces = {
    epochs: ep,
    series: [
      { kind: 'network', rank: 1, traces: trace(1e-3, 100) },
      { kind: 'naive', rank: 1, traces: trace(4e-3, 10) },
      { kind: 'inference', rank: 1, traces: trace(5e-3, 1) },
      { kind: 'inference', rank: 2, traces: trace(1e-2, 1) },
      { kind: 'forecast_implied', rank: 1, traces: trace(2e-3, 1) },
    ],
  };
  const fig3: Figure3Traces = {
    epochs: ep,
    classes: { inference: trace(0.006, 5), forecast: trace(0.005, 1), reputer: trace(0.009, 1), total: trace(0.02, 1) },
    participants: { inference: [trace(0.003, 1), trace(0.002, 1)], forecast: [trace(0.003, 1)], reputer: [trace(0.004, 1), trace(0.002, 1), trace(0.001, 1)] },
  };
  return { fig2, fig3 };
}

describe('banded Figures 2 and 3', () => {
  it('Figure 2: bands and median lines, y-range from the epochs after the warm-up, clipping said', async () => {
    const { fig2 } = traces(8, 60);
    const spec = figure2BandSpec(fig2, { yFrom: 11, subtitle: 'figure2-3, 8 seeds (base seed 1), median and 10–90 % range over seeds' });
    const s = spec as unknown as { layer: { mark: { type: string } }[]; title: { subtitle: string | string[] } };
    expect(s.layer.filter((l) => l.mark.type === 'area')).toHaveLength(4);
    expect(s.layer.filter((l) => l.mark.type === 'line')).toHaveLength(4);
    expect([s.title.subtitle].flat().join(' ')).toContain('y-range from epoch 11 on (earlier values clipped)');
    const { svg } = await renderVegaLite(spec, { scale: 1 });
    expect(svg).toContain('Figure 2: losses');
    expect(svg).toContain('8 seeds (base seed 1)');
    expect(svg).toContain('Network inference');
    // the transient (×100 in the first 10 epochs) does not stretch the axis: its top tick is 10⁻¹ at most
    expect(svg).not.toContain('10⁰');
  });

  it('Figure 2 without a transient says nothing about clipping', () => {
    const { fig2 } = traces(4, 30);
    const calm = { ...fig2, series: fig2.series.filter((x) => x.kind === 'inference') };
    const s = figure2BandSpec(calm, { yFrom: 11, subtitle: 'x' }) as unknown as { title: { subtitle: string | string[] } };
    expect([s.title.subtitle].flat().join(' ')).not.toContain('clipped');
  });

  it('Figure 3: ranked participants, bands, one legend per column; deterministic', async () => {
    const { fig3 } = traces(6, 40);
    const spec = figure3BandSpec(fig3, { yFrom: 11, subtitle: 'figure2-3, 6 seeds (base seed 7)' });
    const a = await renderVegaLite(spec, { scale: 1 });
    for (const t of ['Figure 3: rewards', '6 seeds (base seed 7)', 'Inferer #1', 'Inferer #2', 'Forecaster #1', 'Reputer #3', 'Total', 'ranked by total reward'])
      expect(a.svg).toContain(t);
    const b = await renderVegaLite(figure3BandSpec(fig3, { yFrom: 11, subtitle: 'figure2-3, 6 seeds (base seed 7)' }), { scale: 1 });
    expect(a.svg).toBe(b.svg);
    expect(a.png.equals(b.png)).toBe(true);
  });
});
