// Figures 2 and 3 of an agents run, drawn into the run's output directory once its runs have finished, from the
// rows the runs recorded (their part files are still in `runsDir`): the first run's traces, or with several seeds
// the median over seeds and the 10–90 % band.

import type { Scenario } from '../scenario/schema.js';
import { figureScenario, type FigureScenario } from './figure-workers.js';
import { closeSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { openPart, partFileName, readSection } from '../runner/part.js';
import {
  figure2BandSpec,
  figure2Spec,
  figure3BandSpec,
  figure3Spec,
  writeFigure,
  type Figure2Traces,
  type Figure3Traces,
  type LossRow,
  type RewardRow,
  type TaskRewardRow,
} from '../output/plot.js';

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

/** Which runs Figures 2–3 are drawn from (`run --figure-seeds`): every seed's trace as a median with a 10–90 %
 *  band, or the first seed's trace alone (what a single run draws). */
export type FigureSeeds = 'all' | 'first';
export const FIGURE_SEEDS: readonly FigureSeeds[] = ['all', 'first'];

/** The CSV section of table `name` of run `replicate` (checksum verified), or null when the run has no such table. */
function sectionText(runsDir: string, replicate: number, name: string): { columns: string[]; skip: number; text: string } | null {
  const path = join(runsDir, partFileName(0, replicate));
  const part = openPart(path);
  try {
    const t = part.header.tables.find((x) => x.name === name);
    if (!t) return null;
    const bytes = Buffer.allocUnsafe(t.length);
    let at = 0;
    readSection(path, part, t, Buffer.allocUnsafe(Math.max(1, Math.min(t.length, 1 << 20))), (chunk, n) => {
      chunk.copy(bytes, at, 0, n);
      at += n;
    });
    return { columns: [...t.columns], skip: part.header.index ? 2 : 0, text: bytes.toString('utf8') };
  } finally {
    closeSync(part.fd);
  }
}

/**
 * Columns `wanted` of table `name` of run `replicate`, from its part file: the table itself when the run wrote it,
 * else its hidden copy (`_losses.csv`, … — written by the first run for the figures when the table is not chosen);
 * null when neither. Each column is its cell texts in row order. Rows without a quote (every row of the figure
 * tables: numbers and plain names) are split at commas; a row with a quote goes through csv-parse.
 */
function runColumns(runsDir: string, replicate: number, name: string, wanted: readonly string[]): string[][] | null {
  let sec: ReturnType<typeof sectionText> = null;
  try {
    sec = sectionText(runsDir, replicate, name) ?? sectionText(runsDir, replicate, `_${name}`);
  } catch {
    return null;
  }
  if (!sec) return null;
  const at = wanted.map((c) => {
    const i = sec!.columns.indexOf(c);
    if (i < 0) throw new Error(`${name} of run ${replicate} has no column ${c}`);
    return i + sec!.skip;
  });
  const { text } = sec;
  if (text.includes('"')) {
    // quoted fields (a comma, a quote or a newline inside a cell): csv-parse reads them
    const rows = parse(text) as string[][];
    return at.map((i) => rows.map((r) => r[i] ?? ''));
  }
  const out: string[][] = wanted.map(() => []);
  const width = sec.columns.length + sec.skip;
  const cells = new Array<string>(width);
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let from = start;
    for (let c = 0; c < width; c++) {
      let comma = text.indexOf(',', from);
      if (comma < 0 || comma > end) comma = end;
      cells[c] = text.slice(from, comma);
      from = comma + 1;
      if (comma === end) {
        for (let d = c + 1; d < width; d++) cells[d] = '';
        break;
      }
    }
    for (let j = 0; j < at.length; j++) out[j].push(cells[at[j]]);
    start = end + 1;
  }
  return out;
}

/** A cell text as a number: '' (NaN or null when written) → NaN. */
const cellNumber = (t: string): number => (t === '' ? NaN : Number(t));

/** The plot rows of Figures 2–3 of run `replicate` (the columns they need only), or null when it kept none. */
function runRows(runsDir: string, replicate: number): { losses: LossRow[]; rewards: RewardRow[]; tasks: TaskRewardRow[] } | null {
  const l = runColumns(runsDir, replicate, 'losses.csv', ['seed', 'epoch', 'kind', 'index', 'loss']);
  const w = runColumns(runsDir, replicate, 'rewards.csv', ['seed', 'epoch', 'task', 'index', 'reward']);
  const t = runColumns(runsDir, replicate, 'tasks.csv', ['seed', 'epoch', 'inference', 'forecast', 'reputer']);
  if (!l || !w || !t) return null;
  const losses: LossRow[] = l[0].map((_, i) => ({
    seed: cellNumber(l[0][i]),
    epoch: cellNumber(l[1][i]),
    kind: l[2][i] as LossRow['kind'],
    index: l[3][i] === '' ? null : cellNumber(l[3][i]),
    loss: cellNumber(l[4][i]),
  }));
  const rewards: RewardRow[] = w[0].map((_, i) => ({
    seed: cellNumber(w[0][i]),
    epoch: cellNumber(w[1][i]),
    task: w[2][i] as RewardRow['task'],
    index: cellNumber(w[3][i]),
    reward: cellNumber(w[4][i]),
  }));
  const tasks: TaskRewardRow[] = t[0].map((_, i) => ({
    seed: cellNumber(t[0][i]),
    epoch: cellNumber(t[1][i]),
    inference: cellNumber(t[2][i]),
    forecast: cellNumber(t[3][i]),
    reputer: cellNumber(t[4][i]),
  }));
  return { losses, rewards, tasks };
}

/** Participant indices in rank order: ascending `score` (NaN last), ties by index. */
function rankBy(scores: Map<number, number>, descending: boolean): number[] {
  const key = (i: number): number => {
    const v = scores.get(i)!;
    return Number.isNaN(v) ? Infinity : descending ? -v : v;
  };
  return [...scores.keys()].sort((a, b) => key(a) - key(b) || a - b);
}

/** Pushes `trace` as seed data of rank `rank` (ranks may differ in how many seeds have them). */
function pushRank(list: Float64Array[][], rank: number, trace: Float64Array): void {
  while (list.length <= rank) list.push([]);
  list[rank].push(trace);
}

/**
 * Every seed's traces for the banded Figures 2–3, from the runs' part files (what they recorded while they ran).
 * Workers are ranked within each seed — Figure 2 by their time-averaged log10 loss after the warm-up (#1 = lowest),
 * Figure 3 by total reward (#1 = most rewarded) — so a band is the spread of "the best worker", not of an index
 * whose agent differs from seed to seed. Null when a run kept no figure tables (`--tables` without them).
 */
export function collectTraces(runsDir: string, replicates: number, warmup: number): { fig2: Figure2Traces; fig3: Figure3Traces } | null {
  let epochs: number[] | null = null;
  let at = new Map<number, number>();
  const fig2 = new Map<string, Float64Array[][]>();
  const classes: Figure3Traces['classes'] = { inference: [], forecast: [], reputer: [], total: [] };
  const participants: Figure3Traces['participants'] = { inference: [], forecast: [], reputer: [] };
  for (let r = 0; r < replicates; r++) {
    const rows = runRows(runsDir, r);
    if (!rows) return null;
    if (!epochs) {
      epochs = [...new Set([...rows.losses.map((x) => x.epoch), ...rows.tasks.map((x) => x.epoch)])].filter(Number.isFinite).sort((a, b) => a - b);
      at = new Map(epochs.map((e, i) => [e, i]));
    }
    const E = epochs.length;
    const blank = (): Float64Array => new Float64Array(E).fill(NaN);

    // Figure 2: the moving-average loss of every series; worker series ranked by their mean log10 loss.
    const meanLog = new Map<string, { sum: number; n: number }>();
    for (const x of rows.losses) {
      if (x.epoch <= warmup || !(x.loss > 0)) continue;
      const k = `${x.kind}/${x.index}`;
      const m = meanLog.get(k) ?? { sum: 0, n: 0 };
      m.sum += Math.log10(x.loss);
      m.n++;
      meanLog.set(k, m);
    }
    const traces = new Map<string, Float64Array>();
    for (const x of movingAverageLosses(rows.losses, FIGURE2_WINDOW)) {
      const e = at.get(x.epoch);
      if (e === undefined) continue;
      const k = `${x.kind}/${x.index}`;
      let t = traces.get(k);
      if (!t) traces.set(k, (t = blank()));
      t[e] = x.loss;
    }
    for (const kind of ['network', 'naive', 'inference', 'forecast_implied'] as const) {
      const idx = new Map<number, number>();
      for (const k of traces.keys()) {
        const [kk, i] = k.split('/');
        if (kk !== kind) continue;
        const m = meanLog.get(k);
        idx.set(i === 'null' ? 0 : Number(i), m && m.n > 0 ? m.sum / m.n : NaN);
      }
      const order = kind === 'network' || kind === 'naive' ? [...idx.keys()] : rankBy(idx, false);
      let list = fig2.get(kind);
      if (!list) fig2.set(kind, (list = []));
      order.forEach((i, rank) => pushRank(list!, rank, traces.get(`${kind}/${kind === 'network' || kind === 'naive' ? 'null' : i}`)!));
    }

    // Figure 3: class totals, and every participant's reward ranked by its total.
    const cls = { inference: blank(), forecast: blank(), reputer: blank(), total: blank() };
    for (const t of rows.tasks) {
      const e = at.get(t.epoch);
      if (e === undefined) continue;
      cls.inference[e] = t.inference;
      cls.forecast[e] = t.forecast;
      cls.reputer[e] = t.reputer;
      cls.total[e] = t.inference + t.forecast + t.reputer;
    }
    for (const k of ['inference', 'forecast', 'reputer', 'total'] as const) classes[k].push(cls[k]);
    for (const task of ['inference', 'forecast', 'reputer'] as const) {
      const byIndex = new Map<number, Float64Array>();
      const totals = new Map<number, number>();
      for (const x of rows.rewards) {
        if (x.task !== task) continue;
        const e = at.get(x.epoch);
        if (e === undefined || !Number.isFinite(x.reward)) continue;
        let t = byIndex.get(x.index);
        if (!t) byIndex.set(x.index, (t = blank()));
        t[e] = (Number.isNaN(t[e]) ? 0 : t[e]) + x.reward;
        totals.set(x.index, (totals.get(x.index) ?? 0) + x.reward);
      }
      rankBy(totals, true).forEach((i, rank) => pushRank(participants[task], rank, byIndex.get(i)!));
    }
  }
  if (!epochs) return null;
  const series: Figure2Traces['series'] = [];
  for (const [kind, ranks] of fig2) ranks.forEach((traces, i) => series.push({ kind: kind as LossRow['kind'], rank: i + 1, traces }));
  return { fig2: { epochs, series }, fig3: { epochs, classes, participants } };
}

export interface DrawFiguresOptions {
  /** Run seeds in replicate order. */
  seeds: number[];
  /** The base seed the run seeds derive from (named in the subtitle). */
  baseSeed?: number;
  /** Default: 'all' when there are several seeds. */
  figureSeeds?: FigureSeeds;
}

/**
 * Draws Figures 2 and 3 into `out` from the rows the runs wrote while they ran (their part files in `runsDir`):
 * nothing is simulated again. One seed, or `figureSeeds: 'first'`: the first run's traces. Several seeds: the
 * median over seeds with the 10–90 % band, the y-range chosen from the epochs after the warm-up. The subtitle
 * names the seeds and every --set override.
 */
export async function drawAgentsFigures(s: Scenario | FigureScenario, out: string, runsDir: string, o: DrawFiguresOptions): Promise<void> {
  const fs = 'mechanism' in s ? figureScenario(s) : s;
  const { seeds } = o;
  const sets = fs.overrides.length ? `; ${fs.overrides.join(', ')}` : '';
  const head = `${fs.name}, profile ${fs.profile}`;
  const ma = `MSE averaged over the trailing ${FIGURE2_WINDOW} epochs (losses.csv holds every epoch)`;
  let fallback = '';
  if (seeds.length > 1 && (o.figureSeeds ?? 'all') === 'all') {
    const traces = collectTraces(runsDir, seeds.length, fs.warmup);
    if (traces) {
      const last = traces.fig2.epochs[traces.fig2.epochs.length - 1];
      const yFrom = fs.warmup + 1 <= last ? fs.warmup + 1 : traces.fig2.epochs[0];
      const who = `${seeds.length} seeds (base seed ${o.baseSeed ?? seeds[0]}), median and 10–90 % range over seeds`;
      // the two renders overlap where they can (the larger Figure 3's PNG while Figure 2's SVG is drawn)
      await Promise.all([
        writeFigure(out, 'figure3', figure3BandSpec(traces.fig3, { yFrom, subtitle: `${head}, ${who}${sets}` })),
        writeFigure(out, 'figure2', figure2BandSpec(traces.fig2, { yFrom, subtitle: `${head}, ${who}${sets}; ${ma}; workers ranked by loss within each seed` })),
      ]);
      return;
    }
    fallback = ` (first of ${seeds.length} seeds: the other runs kept no losses, rewards and tasks tables)`;
  }
  const first = runRows(runsDir, 0);
  if (!first) throw new Error('the first run kept no losses, rewards and tasks tables');
  const subtitle = `${head}, seed ${seeds[0]}${fallback}${sets}`;
  await Promise.all([
    writeFigure(out, 'figure3', figure3Spec(first.rewards, first.tasks, { subtitle })),
    writeFigure(out, 'figure2', figure2Spec(movingAverageLosses(first.losses, FIGURE2_WINDOW), { subtitle: `${subtitle}; ${ma}` })),
  ]);
}
