// The pictures of a sweep, drawn from its per-point summaries (src/sim/sweep-summary.ts):
//   sweep.svg/.png          per headline metric a panel of the metric against the first swept parameter — the
//                           median over seeds as a line with dots, the 10–90 % range of the seeds as a band, the
//                           mean ± its 95 % Student-t interval as an error bar — one colour per value of the other
//                           swept parameters (a tokenomics sweep: one colour per setup); then one small panel per
//                           claim: the share of seeds in which it holds, against the same parameter;
//   sweep-heatmap.svg/.png  a two-parameter grid only: per metric a heat map of the median over the two parameters.
// String and boolean values are drawn on an ordinal axis in the order they were swept; numbers on a linear axis.

import { join } from 'node:path';

import type { TopLevelSpec } from 'vega-lite';

import { writeFileAtomic } from '../io/files.js';
import { ATTACK_METRICS } from '../sim/attack-metrics.js';
import { METRICS } from '../sim/metrics.js';
import type { MetricStats, PointSummary, SweptValue } from '../sim/sweep-summary.js';
import { CABAL_METRICS, SETUP_METRICS } from '../sim/tokenomics.js';
import { renderVegaLite, SERIES_COLORS, wrapText, type RenderOptions } from './plot.js';

export interface SweepAxis {
  /** The axis as typed (`p`, `alpha_e`, `tokenomics.fees.rate`): the key of PointSummary.values. */
  name: string;
  values: readonly SweptValue[];
}

export interface SweepPicturesInput {
  axes: readonly SweepAxis[];
  points: readonly PointSummary[];
  /** First subtitle line: the seeds and every override (the caller's words). */
  subtitle: string;
  /**
   * Metrics to draw, in order. Agents: metric keys (default `SWEEP_HEADLINE_METRICS` that the points have, else
   * every metric). Tokenomics (keys `<metric>.<setup>`): a key names one setup's metric, a bare metric name
   * (`final_apy`) every setup's (default `SWEEP_TOKENOMICS_METRICS`).
   */
  metrics?: readonly string[];
  /** Metric key (or bare tokenomics name) → definition, shown under the panel title; default the registries'. */
  definitions?: Record<string, string>;
}

export interface Picture {
  /** File name: `sweep.svg`, `sweep.png`, `sweep-heatmap.svg`, `sweep-heatmap.png`. */
  name: string;
  data: string | Uint8Array;
}

/** The agents metrics a sweep draws by default: the network's loss and its gain over the naive inference, the
 *  best worker, and where the rewards go (the other log10 losses are in metrics.csv and summary.csv). */
export const SWEEP_HEADLINE_METRICS = [
  'network_log10_loss',
  'improvement_over_naive_dex',
  'best_inferer_log10_loss',
  'inference_reward_share',
  'forecast_reward_share',
  'reputer_reward_share',
] as const;

/** The tokenomics metrics a sweep draws by default, each per setup (the strategic topic's net gain when present). */
export const SWEEP_TOKENOMICS_METRICS = ['final_apy', 'apy_at_unlock', 'max_monthly_change_after_unlock', 'total_emission', 'treasury_final', 'cabal_net_gain'] as const;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const PANEL_W = 300;
const PANEL_H = 170;
const CLAIM_W = 200;
const CLAIM_H = 100;
const NOTE = 'line and dot: median over seeds; band: 10–90 % of seeds; error bar: 95 % Student-t interval of the mean';

/** A number as a label: 3 significant digits, exponent form for very large or small magnitudes. */
export function shortNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return x.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return String(Number(x.toPrecision(3)));
}

const valueText = (v: SweptValue): string => (typeof v === 'number' ? String(v) : String(v));

/** One drawn quantity: a metric of one setup (tokenomics) or a plain metric (agents). */
interface Quantity {
  /** Panel title and key into PointSummary.metrics. */
  key: string;
  /** Bare metric name (a tokenomics key without its setup) and, for tokenomics, the setup. */
  base: string;
  setup: string | null;
}

interface Panel {
  title: string;
  definition: string;
  quantities: Quantity[];
}

/** Is this a tokenomics sweep (every metric key is `<metric>.<setup>`)? */
function tokenomicsKeys(points: readonly PointSummary[]): boolean {
  const keys = points.flatMap((p) => Object.keys(p.metrics));
  return keys.length > 0 && keys.every((k) => k.includes('.'));
}

function splitKey(key: string): Quantity {
  const dot = key.indexOf('.');
  return dot < 0 ? { key, base: key, setup: null } : { key, base: key.slice(0, dot), setup: key.slice(dot + 1) };
}

function defaultDefinition(base: string): string {
  return [...METRICS, ...ATTACK_METRICS, ...SETUP_METRICS, ...CABAL_METRICS].find((m) => m.key === base)?.definition ?? '';
}

/** The panels: one per chosen metric (tokenomics: one per bare metric, holding every setup's key). */
function choosePanels(input: SweepPicturesInput): Panel[] {
  const present: string[] = [];
  for (const p of input.points) for (const k of Object.keys(p.metrics)) if (!present.includes(k)) present.push(k);
  const def = (base: string) => input.definitions?.[base] ?? defaultDefinition(base);
  if (tokenomicsKeys(input.points)) {
    const quantities = present.map(splitKey);
    const wanted = input.metrics ?? SWEEP_TOKENOMICS_METRICS.filter((m) => quantities.some((q) => q.base === m));
    const panels: Panel[] = [];
    for (const w of wanted) {
      const qs = quantities.filter((q) => q.key === w || q.base === w);
      if (qs.length === 0) throw new Error(`sweepPictures: no metric '${w}' in the sweep (metrics: ${[...new Set(quantities.map((q) => q.base))].join(', ')})`);
      const base = qs[0].base;
      const existing = panels.find((p) => p.title === base);
      if (existing) existing.quantities.push(...qs.filter((q) => !existing.quantities.includes(q)));
      else panels.push({ title: base, definition: def(base), quantities: qs });
    }
    return panels;
  }
  const headline = SWEEP_HEADLINE_METRICS.filter((m) => present.includes(m));
  const wanted = input.metrics ?? (headline.length > 0 ? headline : present);
  return wanted.map((m) => {
    if (!present.includes(m)) throw new Error(`sweepPictures: no metric '${m}' in the sweep (metrics: ${present.join(', ')})`);
    return { title: m, definition: input.definitions?.[m] ?? def(m), quantities: [splitKey(m)] };
  });
}

interface XAxis {
  name: string;
  numeric: boolean;
  /** Labels in swept order (the ordinal axis' order). */
  order: string[];
}

function xAxisOf(input: SweepPicturesInput): XAxis {
  const a = input.axes[0];
  if (!a) throw new Error('sweepPictures: a sweep has at least one axis');
  const distinct = [...new Set(a.values.map(valueText))];
  return { name: a.name, numeric: a.values.every((v) => typeof v === 'number') && distinct.length > 1, order: distinct };
}

/** The label of a point's values on the axes after the first: the value alone for two axes (the legend's title
 *  names the axis), `alpha=0.05, beta=1` for more, '' for a one-axis sweep. */
function seriesOfPoint(input: SweepPicturesInput, p: PointSummary): string {
  const rest = input.axes.slice(1);
  if (rest.length === 1) return valueText(p.values[rest[0].name]);
  return rest.map((a) => `${a.name}=${valueText(p.values[a.name])}`).join(', ');
}

/** Series labels in swept order (the canonical point order keeps the axes' order). */
function orderedSeries(labels: Iterable<string>): string[] {
  return [...new Set(labels)];
}

interface MetricRow {
  x: number | string;
  series: string;
  median: number;
  p10: number;
  p90: number;
  mean: number;
  lo: number;
  hi: number;
}

function metricRows(input: SweepPicturesInput, xa: XAxis, panel: Panel): MetricRow[] {
  const rows: MetricRow[] = [];
  for (const p of input.points) {
    const v = p.values[xa.name];
    const x = xa.numeric ? (v as number) : valueText(v);
    const rest = seriesOfPoint(input, p);
    for (const q of panel.quantities) {
      const s: MetricStats | undefined = p.metrics[q.key];
      if (!s || !Number.isFinite(s.median)) continue;
      const series = q.setup === null ? rest : rest === '' ? q.setup : `${q.setup}, ${rest}`;
      rows.push({ x, series, median: s.median, p10: s.p10, p90: s.p90, mean: s.mean, lo: s.ci95_lo, hi: s.ci95_hi });
    }
  }
  return rows;
}

function xEncoding(xa: XAxis, title: boolean) {
  return xa.numeric
    ? {
        field: 'x',
        type: 'quantitative',
        title: title ? xa.name : null,
        scale: { zero: false, nice: false, padding: 14 },
        axis: { values: xa.order.map(Number), format: '~g', labelFlush: false },
      }
    : { field: 'x', type: 'ordinal', title: title ? xa.name : null, sort: xa.order, scale: { padding: 0.5 }, axis: { labelAngle: 0 } };
}

/** Colour by series: one fixed colour for a single unnamed series, else the categorical palette (one legend). */
function colorEncoding(series: string[], title: string) {
  if (series.length === 1 && series[0] === '') return { value: SERIES_COLORS[0] };
  return {
    field: 'series',
    type: 'nominal',
    title,
    scale: { domain: series, range: series.map((_, i) => SERIES_COLORS[i % SERIES_COLORS.length]) },
    legend: { orient: 'bottom', direction: 'horizontal', columns: Math.min(4, series.length), labelLimit: 260, symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolOpacity: 1 },
  };
}

/** Pixel offsets that set the series' interval marks side by side at one x. */
function offsets(n: number): number[] {
  const step = n > 6 ? 4 : 6;
  return Array.from({ length: n }, (_, i) => (i - (n - 1) / 2) * step);
}

function panelTitle(title: string, definition: string, width: number) {
  const sub = definition === '' ? [] : wrapText(definition, 9.5, width);
  return { text: title, fontSize: 12, anchor: 'start', offset: 6, ...(sub.length ? { subtitle: sub, subtitleFontSize: 9.5, subtitleColor: '#666666', subtitlePadding: 2 } : {}) };
}

function metricPanel(rows: MetricRow[], panel: Panel, xa: XAxis, series: string[], colorTitle: string, xTitle: boolean) {
  const color = colorEncoding(series, colorTitle);
  const x = xEncoding(xa, xTitle);
  const finite = rows.flatMap((r) => [r.p10, r.p90, r.median, r.lo, r.hi]).filter(Number.isFinite);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const pad = (hi - lo) * 0.06 || Math.abs(hi) * 0.05 || 0.05;
  const y = { type: 'quantitative', title: null, scale: { domain: [lo - pad, hi + pad], nice: false, zero: false }, axis: { format: '~g', tickCount: 5 } };
  const off = offsets(series.length);
  const perSeries = (i: number) => ({ filter: { field: 'series', equal: series[i] } });
  const layers: unknown[] = [];
  // the seeds' 10–90 % range: a band between numeric values, a wide translucent bar at an ordinal value
  if (xa.numeric) {
    layers.push({ mark: { type: 'area', opacity: 0.15 }, encoding: { x, y: { ...y, field: 'p10' }, y2: { field: 'p90' }, color, detail: { field: 'series' } } });
  } else {
    series.forEach((_, i) =>
      layers.push({
        transform: [perSeries(i)],
        mark: { type: 'rule', strokeWidth: 7, opacity: 0.2, xOffset: off[i] },
        encoding: { x, y: { ...y, field: 'p10' }, y2: { field: 'p90' }, color },
      }),
    );
  }
  layers.push({ mark: { type: 'line', strokeWidth: 1.8 }, encoding: { x, y: { ...y, field: 'median' }, color, detail: { field: 'series' } } });
  layers.push({ mark: { type: 'point', filled: true, size: 28, opacity: 1 }, encoding: { x, y: { ...y, field: 'median' }, color } });
  // mean ± 95 % interval as an error bar with caps, the series side by side (none where it has no width)
  const cap = { type: 'point', shape: 'M-1,0L1,0', strokeWidth: 1.2, size: 30, opacity: 1 };
  series.forEach((_, i) =>
    layers.push({
      transform: [perSeries(i), { filter: 'datum.hi > datum.lo' }],
      layer: [
        { mark: { type: 'rule', strokeWidth: 1.2, xOffset: off[i] }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color } },
        { mark: { ...cap, xOffset: off[i] }, encoding: { x, y: { ...y, field: 'lo' }, color } },
        { mark: { ...cap, xOffset: off[i] }, encoding: { x, y: { ...y, field: 'hi' }, color } },
      ],
    }),
  );
  return { title: panelTitle(panel.title, panel.definition, PANEL_W), width: PANEL_W, height: PANEL_H, data: { values: rows }, layer: layers };
}

interface ClaimRow {
  x: number | string;
  series: string;
  share: number;
}

function claimPanels(input: SweepPicturesInput, xa: XAxis, series: string[], colorTitle: string) {
  const ids: string[] = [];
  for (const p of input.points) for (const k of Object.keys(p.claims)) if (!ids.includes(k)) ids.push(k);
  const x = xEncoding(xa, true);
  const color = colorEncoding(series, colorTitle);
  const off = offsets(series.length);
  return ids.map((id) => {
    const rows: ClaimRow[] = [];
    for (const p of input.points) {
      const share = p.claims[id];
      if (share === undefined || !Number.isFinite(share)) continue;
      const v = p.values[xa.name];
      rows.push({ x: xa.numeric ? (v as number) : valueText(v), series: seriesOfPoint(input, p), share });
    }
    const y = { field: 'share', type: 'quantitative', title: null, scale: { domain: [0, 1], nice: false }, axis: { format: '.0%', values: [0, 0.5, 1] } };
    return {
      title: { text: id, fontSize: 11, anchor: 'start', offset: 4, limit: CLAIM_W + 30 },
      width: CLAIM_W,
      height: CLAIM_H,
      data: { values: rows },
      layer: [
        { mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y, color, detail: { field: 'series' } } },
        ...series.map((s, i) => ({
          transform: [{ filter: { field: 'series', equal: s } }],
          mark: { type: 'point', filled: true, size: 26, opacity: 1, xOffset: off[i] },
          encoding: { x, y, color },
        })),
      ],
    };
  });
}

/** Title lines: the caller's subtitle (seeds, overrides) wrapped, then how to read the marks. */
function subtitleLines(text: string, width: number, extra: string[]): string[] {
  return [...wrapText(text, 11, width), ...extra];
}

/** The Vega-Lite spec of sweep.svg. */
export function sweepSpec(input: SweepPicturesInput): TopLevelSpec {
  if (input.points.length === 0) throw new Error('sweepPictures: no points to draw');
  const xa = xAxisOf(input);
  const panels = choosePanels(input);
  const tokenomics = tokenomicsKeys(input.points);
  const perPanel = panels.map((p) => ({ panel: p, rows: metricRows(input, xa, p) })).filter((x) => x.rows.length > 0);
  const series = orderedSeries(perPanel.flatMap((x) => x.rows.map((r) => r.series)));
  const rest = input.axes.slice(1).map((a) => a.name).join(', ');
  const colorTitle = tokenomics ? (rest === '' ? 'setup' : `setup, ${input.axes.length === 2 ? `${rest}=…` : rest}`) : rest;
  const cols = perPanel.length >= 5 && perPanel.length !== 6 ? 3 : Math.min(2, perPanel.length);
  const metricBlock = {
    columns: Math.max(1, cols),
    concat: perPanel.map((x, i) => metricPanel(x.rows, x.panel, xa, series, colorTitle, i >= perPanel.length - cols)),
    spacing: { row: 16, column: 26 },
  };
  const claimSeries = orderedSeries(input.points.map((p) => seriesOfPoint(input, p)));
  const claims = claimPanels(input, xa, tokenomics ? claimSeries : series, colorTitle);
  const width = Math.max(1, cols) * (PANEL_W + 60);
  const blocks: unknown[] = perPanel.length > 0 ? [metricBlock] : [];
  if (claims.length > 0) {
    blocks.push({
      title: { text: 'Claims: share of seeds in which each holds', fontSize: 13, anchor: 'start', offset: 8 },
      columns: Math.min(claims.length, Math.max(2, Math.floor(width / (CLAIM_W + 40)))),
      concat: claims,
      spacing: { row: 14, column: 26 },
    });
  }
  if (blocks.length === 0) throw new Error('sweepPictures: no finite metric or claim values to draw');
  return {
    $schema: SCHEMA,
    title: { text: `Sweep over ${input.axes.map((a) => a.name).join(' × ')}`, subtitle: subtitleLines(input.subtitle, width, [NOTE]) },
    vconcat: blocks,
    spacing: 24,
    resolve: { scale: { color: 'shared' } },
  } as unknown as TopLevelSpec;
}

/** The subtitle a sweep's pictures carry: scenario, profile, seeds and every override (`--set`, `--epochs`). */
export function sweepSubtitle(o: { scenario: string; profile?: string; replicates: number; baseSeed: number; seedRule?: string; overrides?: readonly string[] }): string {
  const seeds = `${o.replicates} seed${o.replicates === 1 ? '' : 's'} per point from base seed ${o.baseSeed}${o.seedRule ? ` (${o.seedRule})` : ''}`;
  const sets = o.overrides && o.overrides.length > 0 ? `; ${o.overrides.join(', ')}` : '';
  return `${o.scenario}${o.profile ? `, profile ${o.profile}` : ''}, ${seeds}${sets}`;
}

/** Is the sweep a full grid of exactly two axes (every pair of values a point)? */
function isTwoAxisGrid(input: SweepPicturesInput): boolean {
  if (input.axes.length !== 2) return false;
  const [a, b] = input.axes;
  const pairs = new Set(input.points.map((p) => `${valueText(p.values[a.name])}\u0000${valueText(p.values[b.name])}`));
  return pairs.size === new Set(a.values.map(valueText)).size * new Set(b.values.map(valueText)).size && a.values.length > 1 && b.values.length > 1;
}

/** The Vega-Lite spec of sweep-heatmap.svg (a two-axis grid), or null for any other sweep. */
export function sweepHeatmapSpec(input: SweepPicturesInput): TopLevelSpec | null {
  if (!isTwoAxisGrid(input)) return null;
  const [a, b] = input.axes;
  const xs = [...new Set(a.values.map(valueText))];
  const ys = [...new Set(b.values.map(valueText))];
  const quantities = choosePanels(input).flatMap((p) => p.quantities.map((q) => ({ q, definition: p.definition })));
  const setups = [...new Set(quantities.map((x) => x.q.setup))];
  const w = Math.max(150, 52 * xs.length);
  const h = Math.max(70, 26 * ys.length);
  const panels = quantities.flatMap(({ q, definition }) => {
    const cells = input.points
      .map((p) => ({ x: valueText(p.values[a.name]), y: valueText(p.values[b.name]), median: p.metrics[q.key]?.median ?? NaN }))
      .filter((c) => Number.isFinite(c.median));
    if (cells.length === 0) return [];
    const lo = Math.min(...cells.map((c) => c.median));
    const hi = Math.max(...cells.map((c) => c.median));
    const values = cells.map((c) => ({ ...c, label: shortNumber(c.median), dark: hi > lo && (c.median - lo) / (hi - lo) > 0.55 }));
    return [
      {
        title: panelTitle(q.setup === null ? q.key : `${q.base} (${q.setup})`, setups.length > 1 ? '' : definition, w + 60),
        width: w,
        height: h,
        data: { values },
        encoding: {
          x: { field: 'x', type: 'ordinal', title: a.name, sort: xs, axis: { labelAngle: 0 } },
          y: { field: 'y', type: 'ordinal', title: b.name, sort: ys },
        },
        layer: [
          {
            mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
            encoding: {
              color: {
                field: 'median',
                type: 'quantitative',
                title: 'median',
                scale: { scheme: 'blues', ...(hi > lo ? {} : { domain: [lo - 1, hi + 1] }) },
                legend: { orient: 'right', gradientLength: Math.max(60, h - 10), format: '~g', labelFontSize: 9, titleFontSize: 9 },
              },
            },
          },
          { mark: { type: 'text', fontSize: 10 }, encoding: { text: { field: 'label' }, color: { condition: { test: 'datum.dark', value: 'white' }, value: '#111111' } } },
        ],
      },
    ];
  });
  if (panels.length === 0) return null;
  const cols = setups.length > 1 ? Math.min(setups.length, 4) : panels.length >= 5 && panels.length !== 6 ? 3 : Math.min(2, panels.length);
  return {
    $schema: SCHEMA,
    title: {
      text: `Median over seeds: ${a.name} × ${b.name}`,
      subtitle: subtitleLines(input.subtitle, cols * (w + 130), ['each cell: the median of the metric over the point’s seeds (colour scale per panel)']),
    },
    columns: cols,
    concat: panels,
    spacing: { row: 16, column: 24 },
    resolve: { scale: { color: 'independent' } },
  } as unknown as TopLevelSpec;
}

/** Renders the sweep's pictures (pure: nothing is written). */
export async function sweepPictures(input: SweepPicturesInput, opts: RenderOptions = {}): Promise<Picture[]> {
  const out: Picture[] = [];
  const specs: [string, TopLevelSpec | null][] = [
    ['sweep', sweepSpec(input)],
    ['sweep-heatmap', sweepHeatmapSpec(input)],
  ];
  for (const [name, spec] of specs) {
    if (!spec) continue;
    const { svg, png } = await renderVegaLite(spec, opts);
    out.push({ name: `${name}.svg`, data: svg }, { name: `${name}.png`, data: png });
  }
  return out;
}

/**
 * Writes sweep.svg/.png (and sweep-heatmap.svg/.png for a two-axis grid) into `dir` — in a sweep, the finish
 * step's staging folder, so the pictures are put in place with the tables, before the manifest. Returns the
 * file names written.
 */
export async function writeSweepPictures(dir: string, input: SweepPicturesInput): Promise<string[]> {
  const pictures = await sweepPictures(input);
  for (const p of pictures) writeFileAtomic(join(dir, p.name), p.data);
  return pictures.map((p) => p.name);
}
