import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import {
  FONT_FILE,
  figure2Spec,
  figure3Spec,
  renderVegaLite,
  writeFigure,
  type LossRow,
  type RewardRow,
  type TaskRow,
} from '../../src/output/plot.js';
import { figure4Spec, type ApyRow } from '../../src/output/figure4.js';
import { seededUniform } from '../helpers/rng.js';

// ---------------------------------------------------------------------------------------------
// Deterministic synthetic rows resembling the real outputs
// ---------------------------------------------------------------------------------------------


function gaussian(rand: () => number): () => number {
  return () => {
    const u = 1 - rand();
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

function lossRows(epochs: number, seeds: number[]): LossRow[] {
  const g = gaussian(seededUniform(7));
  const rows: LossRow[] = [];
  for (const seed of seeds) {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const xp = 0.5 * (1 + Math.exp(-0.03 * epoch));
      for (let j = 0; j < 3; j++) {
        rows.push({ seed, epoch, kind: 'inference', index: j, loss: 0.04 * (1 + 0.5 * j) * xp * xp * Math.exp(g()) });
      }
      for (let k = 0; k < 3; k++) {
        rows.push({ seed, epoch, kind: 'forecast_implied', index: k, loss: (0.004 + 0.06 * Math.exp(-epoch / 40)) * Math.exp(g()) });
      }
      rows.push({ seed, epoch, kind: 'naive', index: null, loss: 0.015 * xp * xp * Math.exp(0.8 * g()) });
      rows.push({ seed, epoch, kind: 'network', index: null, loss: (0.0015 + 0.03 * Math.exp(-epoch / 40)) * Math.exp(0.8 * g()) });
    }
  }
  return rows;
}

function rewardRows(epochs: number, seeds: number[]): { rewards: RewardRow[]; tasks: TaskRow[] } {
  const rand = seededUniform(11);
  const g = gaussian(rand);
  const rewards: RewardRow[] = [];
  const tasks: TaskRow[] = [];
  for (const seed of seeds) {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const E = 5 * (1 + 0.2 * g());
      const chi = 0.1 + 0.4 * (1 - Math.exp(-epoch / 100));
      const [F, G, H] = [1, 1, 0.8];
      const gamma = (F + G) / ((1 - chi) * F + chi * G);
      const U = ((1 - chi) * gamma * F * E) / (F + G + H);
      const V = (chi * gamma * G * E) / (F + G + H);
      const W = (H * E) / (F + G + H);
      tasks.push({ seed, epoch, emission: E, inference: U, forecast: V, reputer: W, chi, gamma, F, G, H });
      const split = (total: number, n: number, task: RewardRow['task']) => {
        const w = Array.from({ length: n }, () => Math.exp(0.3 * g()));
        const s = w.reduce((a, b) => a + b, 0);
        w.forEach((x, index) => rewards.push({ seed, epoch, task, index, reward: (total * x) / s }));
      };
      split(U, 3, 'inference');
      split(V, 3, 'forecast');
      split(W, 5, 'reputer');
    }
  }
  return { rewards, tasks };
}

function apyRows(): ApyRow[] {
  const rows: ApyRow[] = [];
  for (let m = 0; m < 96; m++) {
    const after = Math.max(0, m - 12);
    rows.push({ setup: 'no-smoothing', month: m, apy: m < 12 ? 0.12 : 0.104 * Math.exp(-after / 45) });
    rows.push({ setup: 'smoothing', month: m, apy: m < 12 ? 0.12 : 0.12 * Math.exp(-after / 38) });
    rows.push({ setup: 'smoothing-fees', month: m, apy: m < 12 ? 0.12 : 0.074 + 0.046 * Math.exp(-after / 20) });
  }
  return rows;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngSize(png: Buffer): { width: number; height: number } {
  // IHDR is the first chunk: signature (8) + length (4) + "IHDR" (4), then width, height
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function svgSize(svg: string): { width: number; height: number } {
  const m = /^<svg[^>]* width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/.exec(svg);
  expect(m).not.toBeNull();
  return { width: Number(m![1]), height: Number(m![2]) };
}

/** Text content of the SVG's <text> elements. */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

// ---------------------------------------------------------------------------------------------

describe('renderVegaLite', () => {
  const losses = lossRows(200, [1, 2, 3]);

  it('renders byte-identical SVG and PNG twice (also when renders overlap)', async () => {
    const spec = figure2Spec(losses);
    const a = await renderVegaLite(spec);
    const b = await renderVegaLite(spec);
    expect(b.svg).toBe(a.svg);
    expect(b.png.equals(a.png)).toBe(true);

    const [c, d] = await Promise.all([renderVegaLite(figure2Spec(losses)), renderVegaLite(figure4Spec(apyRows()))]);
    expect(c.svg).toBe(a.svg);
    expect(c.png.equals(a.png)).toBe(true);
    expect(d.svg).not.toBe(a.svg);
  });

  it('produces a PNG of plausible size, scaled from the SVG', async () => {
    const { svg, png } = await renderVegaLite(figure2Spec(losses));
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const s = svgSize(svg);
    const p = pngSize(png);
    expect(s.width).toBeGreaterThan(500);
    expect(s.width).toBeLessThan(1200);
    expect(s.height).toBeGreaterThan(300);
    expect(p.width).toBe(Math.ceil(2 * s.width));
    expect(p.height).toBe(Math.ceil(2 * s.height));
    expect(png.length).toBeGreaterThan(20_000);

    const one = await renderVegaLite(figure2Spec(losses), { scale: 1 });
    expect(pngSize(one.png).width).toBe(Math.ceil(s.width));
  });

  it('uses only the DejaVu Sans font from the npm package', async () => {
    const { svg } = await renderVegaLite(figure4Spec(apyRows()));
    const families = new Set([...svg.matchAll(/font-family="([^"]*)"/g)].map((m) => m[1]));
    expect([...families]).toEqual(['DejaVu Sans']);
    expect(FONT_FILE).toMatch(/dejavu-fonts-ttf[\\/]ttf[\\/]DejaVuSans\.ttf$/);
  });
});

describe('figure2Spec', () => {
  const losses = lossRows(120, [1, 2, 3]);

  it('names the four line styles in the legend and labels the axes', async () => {
    const { svg } = await renderVegaLite(figure2Spec(losses));
    const texts = svgTexts(svg);
    for (const label of [
      'Inferences (workers)',
      'Forecast-implied inferences',
      'Naive network inference',
      'Network inference',
      'Loss (MSE)',
      'Time step (epoch)',
      'seed 1',
    ]) {
      expect(texts).toContain(label);
    }
    // log axis labelled in powers of ten
    expect(texts.some((t) => /^10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+$/u.test(t))).toBe(true);
  });

  it('uses blue / cyan thin lines and a dotted and a solid black line', () => {
    const spec = JSON.stringify(figure2Spec(losses));
    expect(spec).toContain('"range":["#1f4fd8","#00b4c8","#000000","#000000"]');
    expect(spec).toContain('"range":[[],[],[2,2],[]]');
  });

  it('plots one seed (default the first) or the median over seeds', () => {
    const data = (opts: Parameters<typeof figure2Spec>[1]) =>
      (figure2Spec(losses, opts) as unknown as { data: { values: { epoch: number; loss: number; id: string }[] } }).data.values;
    const first = data({});
    expect(first).toHaveLength(120 * 8);
    const net0 = (rows: { epoch: number; loss: number; id: string }[]) => rows.find((r) => r.id === 'network' && r.epoch === 0)!.loss;
    const seedLoss = (seed: number) => losses.find((r) => r.seed === seed && r.kind === 'network' && r.epoch === 0)!.loss;
    expect(net0(first)).toBe(seedLoss(1));
    expect(net0(data({ seed: 2 }))).toBe(seedLoss(2));
    const sorted = [seedLoss(1), seedLoss(2), seedLoss(3)].sort((a, b) => a - b);
    expect(net0(data({ aggregate: 'median' }))).toBe(sorted[1]);
  });

  it('thins long runs deterministically', () => {
    const values = (figure2Spec(losses, { maxPoints: 50 }) as unknown as { data: { values: { epoch: number; id: string }[] } }).data.values;
    const epochs = values.filter((v) => v.id === 'network').map((v) => v.epoch);
    expect(epochs.length).toBeLessThanOrEqual(51);
    expect(epochs[0]).toBe(0);
    expect(epochs[epochs.length - 1]).toBe(119);
  });

  it('gives clear errors instead of a blank plot', () => {
    expect(() => figure2Spec([])).toThrow(/figure2Spec: no loss rows to plot/);
    expect(() => figure2Spec(losses, { seed: 99 })).toThrow(/seed 99 is not in the rows \(seeds present: 1, 2, 3\)/);
    expect(() => figure2Spec([{ seed: 1, epoch: 0, kind: 'network', index: null, loss: -2.5 }])).toThrow(/log10/);
    expect(() => figure2Spec([{ seed: 1, epoch: 0, kind: 'network', index: null, loss: Number.NaN }])).toThrow(/no positive finite losses/);
  });
});

describe('figure3Spec', () => {
  const { rewards, tasks } = rewardRows(150, [1, 2]);

  it('draws the class totals and every participant, per epoch and cumulative', async () => {
    const { svg, png } = await renderVegaLite(figure3Spec(rewards, tasks));
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const texts = svgTexts(svg);
    for (const label of [
      'All tasks',
      'Inference task',
      'Forecasting task',
      'Reputer task',
      'Inference',
      'Forecasting',
      'Reputers',
      'Total',
      'Inferer 2',
      'Forecaster 2',
      'Reputer 4',
      'Reward per time step',
      'Cumulative reward',
    ]) {
      expect(texts).toContain(label);
    }
  });

  it('draws a cumulative panel with one point per pixel of its width, the per-epoch panel with every epoch', () => {
    type Panel = { mark: { aria?: boolean }; encoding: { order?: unknown }; data: { values: { series: string; epoch: number }[] } };
    const long = rewardRows(1000, [1]);
    const spec = figure3Spec(long.rewards, long.tasks, { panelWidth: 200 }) as unknown as { concat: Panel[] };
    const n = spec.concat.length / 2;
    const count = (p: Panel) => p.data.values.filter((v) => v.series === 'Total').length;
    expect(count(spec.concat[0])).toBe(1000);
    const cumulative = spec.concat[n].data.values.filter((v) => v.series === 'Total').map((v) => v.epoch);
    expect(cumulative.length).toBeLessThanOrEqual(201);
    expect(cumulative.length).toBeGreaterThan(150);
    expect(cumulative[cumulative.length - 1]).toBe(999); // the last epoch is kept
    // the traces carry no per-point ARIA description and follow the rows' order (no sort)
    for (const p of spec.concat) {
      expect(p.mark.aria).toBe(false);
      expect(p.encoding.order).toEqual({ value: null });
    }
  });

  it('accumulates per seed and takes the median afterwards', () => {
    type Panel = { data: { values: { series: string; epoch: number; value: number | null }[] } };
    const spec = figure3Spec(rewards, tasks, { aggregate: 'median' }) as unknown as { concat: Panel[] };
    const cumulativeAll = spec.concat[4].data.values; // row 2, column 1
    const last = cumulativeAll.find((v) => v.series === 'Total' && v.epoch === 149)!.value!;
    const totals = [1, 2].map((seed) =>
      tasks.filter((t) => t.seed === seed).reduce((s, t) => s + t.inference + t.forecast + t.reputer, 0),
    );
    expect(last).toBeCloseTo((totals[0] + totals[1]) / 2, 9);
  });

  it('gives clear errors for empty rows', () => {
    expect(() => figure3Spec([], tasks)).toThrow(/figure3Spec: no reward rows to plot/);
    expect(() => figure3Spec(rewards, [])).toThrow(/figure3Spec: no task rows to plot/);
  });
});

// figure4Spec: test/output/figure4.test.ts

describe('writeFigure', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('writes <basename>.svg and <basename>.png and leaves no temp files', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'allora-plot-'));
    dirs.push(dir);
    const spec = figure4Spec(apyRows(), { cap: 0.12 });
    const out = path.join(dir, 'figures');
    await writeFigure(out, 'figure4', spec);
    expect((await readdir(out)).sort()).toEqual(['figure4.png', 'figure4.svg']);
    const { svg, png } = await renderVegaLite(spec);
    expect(await readFile(path.join(out, 'figure4.svg'), 'utf8')).toBe(svg);
    expect((await readFile(path.join(out, 'figure4.png'))).equals(png)).toBe(true);
    await expect(writeFigure(out, 'a/b', spec)).rejects.toThrow(/basename/);
  });
});
