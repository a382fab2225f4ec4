/**
 * Figure renderer: Vega-Lite spec → Vega → SVG (headless, no canvas) → PNG (resvg).
 *
 * Reproducibility: the only font anywhere in the pipeline is DejaVu Sans from the
 * `dejavu-fonts-ttf` npm package. Vega lays text out with that font's own advance widths
 * (read from the TTF below, instead of a canvas or a machine-dependent estimate), the SVG
 * names it as its font family, and resvg loads that file only (no system fonts). The SVG
 * and the PNG are therefore byte-identical on every machine for the same input.
 *
 * The figure builders take the plain row arrays of the CSV contracts and return a
 * Vega-Lite spec; `renderVegaLite` / `writeFigure` turn any spec into SVG + PNG.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

import { writeFileAtomic } from '../io/files.js';
import { distribution, median } from '../stats/summary.js';

// ---------------------------------------------------------------------------------------------
// Row contracts (the CSV columns the figures read)
// ---------------------------------------------------------------------------------------------

export type LossKind = 'network' | 'naive' | 'inference' | 'forecast_implied';

/** One loss of one epoch. `loss` is the linear MSE (not log10); `index` is null for network/naive. */
export interface LossRow {
  seed: number;
  epoch: number;
  kind: LossKind;
  index: number | null;
  loss: number;
}

export type RewardTask = 'inference' | 'forecast' | 'reputer';

/** Reward of one participant (`index` within its task) in one epoch. */
export interface RewardRow {
  seed: number;
  epoch: number;
  task: RewardTask;
  index: number;
  reward: number;
}

/** Per-epoch topic quantities; `inference`/`forecast`/`reputer` are the class reward totals (U, V, W). */
export interface TaskRow {
  seed: number;
  epoch: number;
  emission: number;
  inference: number;
  forecast: number;
  reputer: number;
  chi: number;
  gamma: number;
  F: number;
  G: number;
  H: number;
}

/** The columns of a TaskRow that Figure 3 draws. */
export type TaskRewardRow = Pick<TaskRow, 'seed' | 'epoch' | 'inference' | 'forecast' | 'reputer'>;

/** Which seed(s) a figure shows. */
export interface SeedSelection {
  /** Seed to plot (default: the smallest seed in the rows). Ignored when aggregate = 'median'. */
  seed?: number;
  /** 'median': plot the per-(epoch, series) median over all seeds instead of one seed. */
  aggregate?: 'seed' | 'median';
}

export interface CommonFigureOptions {
  /** Title above the figure; '' for none. */
  title?: string;
  /** Optional subtitle (default: which seed / median over how many seeds); several strings are several lines. */
  subtitle?: string | string[];
  /**
   * At most this many epochs are drawn per series; longer runs keep every k-th epoch (plus the
   * last), deterministically. Default 2000.
   */
  maxPoints?: number;
}

export interface Figure2Options extends SeedSelection, CommonFigureOptions {
  width?: number;
  height?: number;
}

export interface Figure3Options extends SeedSelection, CommonFigureOptions {
  /** Size of each of the 8 panels. */
  panelWidth?: number;
  panelHeight?: number;
}

export interface RenderOptions {
  /** PNG pixels per SVG pixel (default 2). */
  scale?: number;
}

// ---------------------------------------------------------------------------------------------
// Font: DejaVu Sans from the npm package, and its advance widths for Vega's text layout
// ---------------------------------------------------------------------------------------------

export const FONT_FAMILY = 'DejaVu Sans';

const require = createRequire(import.meta.url);

/** Absolute path of DejaVuSans.ttf inside the installed `dejavu-fonts-ttf` package. */
export const FONT_FILE = path.join(
  path.dirname(require.resolve('dejavu-fonts-ttf/package.json')),
  'ttf',
  'DejaVuSans.ttf',
);

interface FontMetrics {
  unitsPerEm: number;
  advance(codePoint: number): number;
}

/** Minimal TrueType reader: unitsPerEm, cmap (format 12 or 4) and hmtx advance widths. */
function readFontMetrics(buf: Buffer): FontMetrics {
  const numTables = buf.readUInt16BE(4);
  const tables = new Map<string, number>();
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    tables.set(buf.toString('latin1', rec, rec + 4), buf.readUInt32BE(rec + 8));
  }
  const table = (tag: string): number => {
    const off = tables.get(tag);
    if (off === undefined) throw new Error(`font ${FONT_FILE}: no '${tag}' table`);
    return off;
  };
  const unitsPerEm = buf.readUInt16BE(table('head') + 18);
  const numHMetrics = buf.readUInt16BE(table('hhea') + 34);
  const hmtx = table('hmtx');
  const glyphAdvance = (g: number): number => buf.readUInt16BE(hmtx + 4 * Math.min(g, numHMetrics - 1));

  const cmap = table('cmap');
  let fmt12 = -1;
  let fmt4 = -1;
  for (let i = 0, n = buf.readUInt16BE(cmap + 2); i < n; i++) {
    const rec = cmap + 4 + 8 * i;
    const platform = buf.readUInt16BE(rec);
    const encoding = buf.readUInt16BE(rec + 2);
    const sub = cmap + buf.readUInt32BE(rec + 4);
    const format = buf.readUInt16BE(sub);
    if (format === 12 && (platform === 3 || platform === 0)) fmt12 = sub;
    if (format === 4 && ((platform === 3 && encoding === 1) || platform === 0) && fmt4 < 0) fmt4 = sub;
  }

  const glyphOf = (c: number): number => {
    if (fmt12 >= 0) {
      const groups = buf.readUInt32BE(fmt12 + 12);
      let lo = 0;
      let hi = groups - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const g = fmt12 + 16 + 12 * mid;
        const start = buf.readUInt32BE(g);
        const end = buf.readUInt32BE(g + 4);
        if (c < start) hi = mid - 1;
        else if (c > end) lo = mid + 1;
        else return buf.readUInt32BE(g + 8) + (c - start);
      }
      return 0;
    }
    if (fmt4 >= 0 && c <= 0xffff) {
      const segX2 = buf.readUInt16BE(fmt4 + 6);
      const ends = fmt4 + 14;
      const starts = ends + segX2 + 2;
      const deltas = starts + segX2;
      const ranges = deltas + segX2;
      for (let s = 0; s < segX2; s += 2) {
        if (buf.readUInt16BE(ends + s) < c) continue;
        const start = buf.readUInt16BE(starts + s);
        if (c < start) return 0;
        const delta = buf.readUInt16BE(deltas + s);
        const ro = buf.readUInt16BE(ranges + s);
        if (ro === 0) return (c + delta) & 0xffff;
        const g = buf.readUInt16BE(ranges + s + ro + 2 * (c - start));
        return g === 0 ? 0 : (g + delta) & 0xffff;
      }
    }
    return 0;
  };

  const cache = new Map<number, number>();
  return {
    unitsPerEm,
    advance(c: number): number {
      let w = cache.get(c);
      if (w === undefined) {
        w = glyphAdvance(glyphOf(c));
        cache.set(c, w);
      }
      return w;
    },
  };
}

let metrics: FontMetrics | undefined;

function textWidth(text: string, fontSize: number): number {
  metrics ??= readFontMetrics(readFileSync(FONT_FILE));
  let units = 0;
  for (const ch of text) units += metrics.advance(ch.codePointAt(0) ?? 0);
  return (units / metrics.unitsPerEm) * fontSize;
}

/** `text` broken at spaces into lines at most `maxWidth` pixels wide in DejaVu Sans at `fontSize` (a word
 *  longer than the width gets a line of its own). */
export function wrapText(text: string, fontSize: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const next = line === '' ? word : `${line} ${word}`;
    if (line !== '' && textWidth(next, fontSize) > maxWidth) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Runtime exports of vega(-scenegraph) that vega's typings do not declare. */
interface VegaSceneInternals {
  textMetrics: { width: (item: { fontSize?: number; limit?: number }, text: unknown) => number };
  resetSVGDefIds: () => void;
}
const vegaInternals = vega as unknown as VegaSceneInternals;

let metricsInstalled = false;
/** Make Vega measure text with DejaVu Sans's real advance widths (deterministic, no canvas). */
function installTextMetrics(): void {
  if (metricsInstalled) return;
  vegaInternals.textMetrics.width = (item, text) => {
    const size = item.fontSize != null ? +item.fontSize || 0 : 11;
    const s = text == null ? '' : String(text).trim();
    const w = size <= 0 || s === '' ? 0 : textWidth(s, size);
    // Labels longer than `limit` are truncated to fit it (vega's own truncate uses this function).
    return item.limit != null && item.limit > 0 ? Math.min(w, item.limit) : w;
  };
  metricsInstalled = true;
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

/** Base Vega-Lite config: one font everywhere, regular weight (only the regular face is loaded). */
const BASE_CONFIG = {
  font: FONT_FAMILY,
  background: 'white',
  padding: 8,
  title: { fontSize: 15, fontWeight: 'normal', subtitleFontSize: 11, subtitleColor: '#555', anchor: 'start', offset: 10 },
  axis: {
    labelFontSize: 10,
    titleFontSize: 11,
    titleFontWeight: 'normal',
    labelColor: '#222',
    titleColor: '#111',
    gridColor: '#e6e6e6',
    domainColor: '#555',
    tickColor: '#555',
  },
  legend: { labelFontSize: 10, titleFontSize: 11, titleFontWeight: 'normal', symbolStrokeWidth: 2 },
  header: { labelFontWeight: 'normal', titleFontWeight: 'normal' },
  view: { stroke: '#bbbbbb' },
  line: { strokeCap: 'butt' },
} as const;

// vega's scenegraph keeps SVG clip/gradient ids in module globals: the vega part of renders (spec → SVG) is
// serialised so that every render starts from the same ids. The PNG (resvg, off the main thread) is not: it
// overlaps the next figure's vega work.
let svgQueue: Promise<unknown> = Promise.resolve();

/** Render a Vega-Lite spec to an SVG string and a PNG buffer (byte-reproducible). */
export async function renderVegaLite(spec: TopLevelSpec, opts: RenderOptions = {}): Promise<{ svg: string; png: Buffer }> {
  const scale = opts.scale ?? 2;
  if (!(scale > 0)) throw new Error(`renderVegaLite: scale must be > 0 (got ${scale})`);
  const job = svgQueue.then(() => renderSvg(spec));
  svgQueue = job.catch(() => undefined);
  const svg = await job;
  const resvgOpts: ResvgRenderOptions = {
    font: {
      fontFiles: [FONT_FILE],
      loadSystemFonts: false,
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    logLevel: 'off',
  };
  const png = (await renderAsync(svg, resvgOpts)).asPng();
  return { svg, png };
}

async function renderSvg(spec: TopLevelSpec): Promise<string> {
  installTextMetrics();
  const lines = new Map<string, Row[]>();
  const withFont = {
    ...(cutTraces(spec, lines) as TopLevelSpec),
    config: { ...BASE_CONFIG, ...(spec.config ?? {}), font: FONT_FAMILY },
  } as TopLevelSpec;
  const vgSpec = compile(withFont).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none', logLevel: vega.Error });
  try {
    await view.runAsync();
    const root = (view.scenegraph() as unknown as { root: SceneMark }).root;
    if (lines.size > 0) drawTraces(root, lines, vgSpec, (name) => view.scale(name) as (v: unknown) => number);
    lightenTraces({ items: [root] });
    vegaInternals.resetSVGDefIds();
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

// ---------------------------------------------------------------------------------------------
// Trace lines: vega lays the figure out from a few rows per line, the lines get every row afterwards
// ---------------------------------------------------------------------------------------------

type Row = Record<string, unknown>;
/** The field of a trace row that names its line (unique within a render). */
const TRACE_KEY = '__trace';

/** The `data.values` arrays of line layers that are drawn as traces (see `traces`), with their line key and the
 *  fields whose extent sets a scale domain. */
const traceArrays = new WeakMap<object, { keyOf: (r: Row) => string; fields: string[] }>();

/**
 * Marks `values` (the data of a line layer: one line per `keyOf`, each line's rows in drawing order) as traces. The
 * spec holds every row; `renderVegaLite` hands vega only each line's first row and the rows with the smallest and
 * largest value of each of `fields` (so that scale domains computed from the data are those of all rows): vega then
 * builds, encodes and lays out a handful of points instead of thousands, and afterwards each line mark gets all of
 * its line's rows, encoded with vega's own scales as the mark encodes them (`drawTraces`). The SVG is the one vega
 * draws from all rows.
 */
function traces<T extends object>(values: T[], keyOf: (r: T) => string, fields: (keyof T & string)[]): T[] {
  traceArrays.set(values, { keyOf: keyOf as (r: Row) => string, fields });
  return values;
}

/** `spec` with the data of its trace layers cut down (see `traces`); `lines` receives every line's rows. */
function cutTraces(spec: unknown, lines: Map<string, Row[]>): unknown {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return spec;
  const node = spec as Record<string, unknown>;
  let out: Record<string, unknown> | null = null;
  const data = node.data as { values?: unknown } | undefined;
  const t = data?.values ? traceArrays.get(data.values as object) : undefined;
  if (t) {
    const prefix = `${lines.size}|`;
    out = { ...node, data: { ...data, values: cutRows(data!.values as Row[], (r) => prefix + t.keyOf(r), t.fields, lines) } };
  }
  for (const k of ['layer', 'concat', 'hconcat', 'vconcat']) {
    const children = node[k];
    if (!Array.isArray(children)) continue;
    const cut = children.map((c) => cutTraces(c, lines));
    if (cut.some((c, i) => c !== children[i])) (out ??= { ...node })[k] = cut;
  }
  return out ?? spec;
}

/** The rows of `rows` that vega gets (see `traces`), each with its line key; `lines` receives every line's rows. */
function cutRows(rows: Row[], keyOf: (r: Row) => string, fields: string[], lines: Map<string, Row[]>): Row[] {
  const keep = new Set<number>();
  const own = new Set<string>();
  rows.forEach((r, i) => {
    const k = keyOf(r);
    let line = lines.get(k);
    if (!line) {
      lines.set(k, (line = []));
      own.add(k);
      keep.add(i);
    } else if (!own.has(k)) throw new Error(`renderVegaLite: trace line '${k}' twice`);
    line.push(r);
  });
  for (const f of fields) {
    let lo = -1;
    let hi = -1;
    rows.forEach((r, i) => {
      const v = r[f];
      if (typeof v !== 'number' || !Number.isFinite(v)) return;
      if (lo < 0 || v < (rows[lo][f] as number)) lo = i;
      if (hi < 0 || v > (rows[hi][f] as number)) hi = i;
    });
    if (lo >= 0) keep.add(lo).add(hi);
  }
  return [...keep].sort((a, b) => a - b).map((i) => ({ ...rows[i], [TRACE_KEY]: keyOf(rows[i]) }));
}

/** Vega's `isValid(v) && isFinite(+v)`, as a line's `defined` encodes it. */
const validNumber = (v: unknown): boolean => v != null && v === v && Number.isFinite(+(v as number));

/** The x and y encodings ({scale, field}) of each named mark of a compiled Vega spec. */
function markEncodings(vg: unknown): Map<string, { x: { scale: string; field: string }; y: { scale: string; field: string } }> {
  const out = new Map<string, { x: { scale: string; field: string }; y: { scale: string; field: string } }>();
  const visit = (m: { name?: string; marks?: unknown[]; encode?: { update?: Record<string, { scale?: string; field?: unknown }> } }): void => {
    const u = m.encode?.update;
    const x = u?.x;
    const y = u?.y;
    if (m.name && x?.scale && y?.scale && typeof x.field === 'string' && typeof y.field === 'string') {
      out.set(m.name, { x: { scale: x.scale, field: x.field }, y: { scale: y.scale, field: y.field } });
    }
    for (const c of m.marks ?? []) visit(c as typeof m);
  };
  visit(vg as Parameters<typeof visit>[0]);
  return out;
}

/** Gives every line mark built from cut trace rows all of its line's rows (see `traces`). */
function drawTraces(root: SceneMark, lines: Map<string, Row[]>, vg: unknown, scale: (name: string) => (v: unknown) => number): void {
  const enc = markEncodings(vg);
  const visit = (mark: SceneMark): void => {
    if (mark.marktype === 'group') {
      for (const g of mark.items) for (const m of g.items ?? []) visit(m);
      return;
    }
    if (mark.marktype !== 'line' || mark.items.length === 0) return;
    const first = mark.items[0];
    const key = (first.datum as Row | undefined)?.[TRACE_KEY];
    const rows = typeof key === 'string' ? lines.get(key) : undefined;
    const e = mark.name !== undefined ? enc.get(mark.name) : undefined;
    if (!rows || !e) return;
    const sx = scale(e.x.scale);
    const sy = scale(e.y.scale);
    mark.items = rows.map((r, i) => {
      const x = r[e.x.field];
      const y = r[e.y.field];
      const at = { x: sx(x), y: sy(y), defined: validNumber(x) && validNumber(y) };
      // the first item carries the line's style (stroke, width, dash, …), as vega encoded it
      return i === 0 ? Object.assign(first, { ...at, datum: r }) : { mark, datum: r, ...at };
    });
  };
  visit(root);
}

/** The parts of vega's scenegraph that `lightenTraces` reads and changes. */
interface SceneItem {
  items?: SceneMark[];
  mark?: SceneMark;
  datum?: unknown;
  width?: number;
  height?: number;
  x?: number;
  y?: number;
  x2?: number;
  y2?: number;
  defined?: boolean;
  interpolate?: string;
  fill?: unknown;
  stroke?: unknown;
  opacity?: number;
  fillOpacity?: number;
  strokeOpacity?: number;
}
interface SceneMark {
  marktype: string;
  name?: string;
  clip?: unknown;
  group?: SceneItem;
  items: SceneItem[];
}

const painted = (paint: unknown): boolean => paint != null && paint !== 'none' && paint !== 'transparent';

/**
 * The same picture with less work for the rasteriser, which draws an element with an `opacity` and a clipped
 * group each as a separate layer of the whole image: a line, area or rule that paints only its stroke (or only its
 * fill) gets its opacity as a stroke (fill) opacity, which draws the same pixels; and a clip goes from the linear
 * lines and areas whose every point lies inside the plot (it would cut nothing but the half stroke at an edge).
 */
function lightenTraces(item: SceneItem): void {
  for (const mark of item.items ?? []) {
    if (mark.marktype === 'group') {
      for (const g of mark.items) lightenTraces(g);
      continue;
    }
    if (mark.marktype !== 'line' && mark.marktype !== 'area' && mark.marktype !== 'rule') continue;
    for (const it of mark.items) {
      if (it.opacity === undefined || it.opacity === 1) continue;
      const stroke = painted(it.stroke);
      const fill = mark.marktype !== 'rule' && mark.marktype !== 'line' && painted(it.fill);
      if (stroke === fill) continue;
      if (stroke) it.strokeOpacity = (it.strokeOpacity ?? 1) * it.opacity;
      else it.fillOpacity = (it.fillOpacity ?? 1) * it.opacity;
      it.opacity = undefined;
    }
    if (mark.clip === true && mark.marktype !== 'rule' && mark.group && insidePlot(mark, mark.group)) mark.clip = false;
  }
}

/** Whether every point of a linear line or area mark lies within its group's width and height. */
function insidePlot(mark: SceneMark, group: SceneItem): boolean {
  const w = group.width ?? NaN;
  const h = group.height ?? NaN;
  const inX = (v: number | undefined) => v === undefined || (v >= 0 && v <= w);
  const inY = (v: number | undefined) => v === undefined || (v >= 0 && v <= h);
  const first = mark.items[0];
  if (first && first.interpolate !== undefined && first.interpolate !== 'linear') return false;
  for (const it of mark.items) {
    if (it.defined === false) continue;
    if (it.x === undefined || it.y === undefined || !inX(it.x) || !inY(it.y) || !inX(it.x2) || !inY(it.y2)) return false;
  }
  return true;
}

/** Write `<dir>/<basename>.svg` and `<dir>/<basename>.png`, each atomically (src/io/files.ts). */
export async function writeFigure(dir: string, basename: string, spec: TopLevelSpec, opts: RenderOptions = {}): Promise<void> {
  if (basename === '' || basename.includes('/') || basename.includes('\\')) {
    throw new Error(`writeFigure: basename must be a plain file name without extension (got '${basename}')`);
  }
  const { svg, png } = await renderVegaLite(spec, opts);
  writeFileAtomic(path.join(dir, `${basename}.svg`), svg);
  writeFileAtomic(path.join(dir, `${basename}.png`), png);
}

// ---------------------------------------------------------------------------------------------
// Row helpers
// ---------------------------------------------------------------------------------------------

interface Selection {
  /** Seeds whose rows are used (one seed, or all seeds for the median). */
  seeds: number[];
  median: boolean;
  label: string;
}

function selectSeeds(who: string, rowSeeds: Iterable<number>, sel: SeedSelection): Selection {
  const seeds = [...new Set(rowSeeds)].sort((a, b) => a - b);
  if (sel.aggregate === 'median') {
    return { seeds, median: true, label: seeds.length === 1 ? `seed ${seeds[0]}` : `median over ${seeds.length} seeds` };
  }
  const seed = sel.seed ?? seeds[0];
  if (!seeds.includes(seed)) {
    const shown = seeds.slice(0, 10).join(', ') + (seeds.length > 10 ? ', …' : '');
    throw new Error(`${who}: seed ${seed} is not in the rows (seeds present: ${shown})`);
  }
  return { seeds: [seed], median: false, label: `seed ${seed}` };
}

/**
 * Combine per-seed values of each key: the single selected seed's value, or the median over seeds.
 * `values` maps key → seed → value.
 */
function combineSeeds<K>(values: Map<K, Map<number, number>>, sel: Selection): Map<K, number> {
  const out = new Map<K, number>();
  for (const [key, bySeed] of values) {
    if (sel.median) {
      const v = [...bySeed.values()];
      if (v.length > 0) out.set(key, median(v));
    } else {
      const v = bySeed.get(sel.seeds[0]);
      if (v !== undefined) out.set(key, v);
    }
  }
  return out;
}

/** The epochs to draw: all of them, or every k-th (plus the last) when there are more than maxPoints. */
function thinEpochs(epochs: Iterable<number>, maxPoints: number | undefined): Set<number> {
  const sorted = [...new Set(epochs)].sort((a, b) => a - b);
  const max = Math.max(2, Math.floor(maxPoints ?? 2000));
  if (sorted.length <= max) return new Set(sorted);
  const stride = Math.ceil(sorted.length / max);
  const keep = new Set<number>();
  for (let i = 0; i < sorted.length; i += stride) keep.add(sorted[i]);
  keep.add(sorted[sorted.length - 1]);
  return keep;
}

export function requireRows(who: string, what: string, rows: readonly unknown[]): void {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new Error(`${who}: no ${what} rows to plot (got an empty array)`);
  }
}

export function titleParams(defaultTitle: string, subtitle: string | string[], opts: CommonFigureOptions): { title?: unknown } {
  const text = opts.title ?? defaultTitle;
  const sub = opts.subtitle ?? subtitle;
  if (text === '' && sub === '') return {};
  return { title: sub === '' ? { text } : { text, subtitle: sub } };
}

const BLUE = '#1f4fd8';
const CYAN = '#00b4c8';
const RED = '#d62728';
export const BLACK = '#000000';
/** Colour-blind-friendly categorical colours (Okabe–Ito, then Tableau) for one line per setup / swept value. */
export const SERIES_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#8c564b', '#7f7f7f', '#bcbd22'];
/** Marks of the data traces (thousands of points): clipped to the plot, and without a per-point ARIA description
 *  (vega would format one for every point, and the SVG would label each line with its first point only). */
const TRACE = { clip: true, aria: false } as const;
/** A line follows the rows' order (the figure builders hand them over in epoch order): vega need not sort it. */
const IN_DATA_ORDER = { value: null };

/** Distinct colours for individual participants (first is black-free, colour-blind friendly order). */
const PARTICIPANT_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

// ---------------------------------------------------------------------------------------------
// Figure 2: losses of inferences, forecast-implied inferences, naive and network inference
// ---------------------------------------------------------------------------------------------

const LOSS_SERIES: Record<LossKind, { label: string; color: string; dash: number[]; width: number; opacity: number }> = {
  inference: { label: 'Inferences (workers)', color: BLUE, dash: [], width: 0.8, opacity: 0.75 },
  forecast_implied: { label: 'Forecast-implied inferences', color: CYAN, dash: [], width: 0.8, opacity: 0.85 },
  naive: { label: 'Naive network inference', color: BLACK, dash: [2, 2], width: 1.4, opacity: 1 },
  network: { label: 'Network inference', color: BLACK, dash: [], width: 1.4, opacity: 1 },
};

/** Figure 2's colour and dash per series (in the order of `kinds`) and its legend, shared by the one-seed and
 *  the banded figure. */
function lossSeriesEncoding(kinds: readonly LossKind[]): Record<'color' | 'strokeDash', unknown> {
  const domain = kinds.map((k) => LOSS_SERIES[k].label);
  const legend = { title: null, orient: 'bottom', direction: 'horizontal', columns: 2, symbolSize: 400, labelLimit: 260, columnPadding: 24 };
  return {
    color: { field: 'series', type: 'nominal', scale: { domain, range: kinds.map((k) => LOSS_SERIES[k].color) }, legend },
    strokeDash: { field: 'series', type: 'nominal', scale: { domain, range: kinds.map((k) => LOSS_SERIES[k].dash) }, legend },
  };
}
/** Drawing (and legend) order: thin lines below, network on top. */
const LOSS_ORDER: LossKind[] = ['inference', 'forecast_implied', 'naive', 'network'];

export function figure2Spec(losses: LossRow[], opts: Figure2Options = {}): TopLevelSpec {
  const who = 'figure2Spec';
  requireRows(who, 'loss', losses);
  const sel = selectSeeds(who, losses.map((r) => r.seed), opts);
  const seedSet = new Set(sel.seeds);

  // key "kind|index|epoch" → its parts and the loss (one seed) or seed → loss (the median over seeds)
  const byKey = new Map<string, { kind: LossKind; index: number | null; epoch: number; loss: number; bySeed?: Map<number, number> }>();
  for (const r of losses) {
    if (!seedSet.has(r.seed)) continue;
    if (!(r.kind in LOSS_SERIES)) throw new Error(`${who}: unknown loss kind '${String(r.kind)}'`);
    if (!Number.isFinite(r.loss) || r.loss === 0) continue; // missing value: leave a gap
    if (r.loss < 0) {
      throw new Error(
        `${who}: loss must be the positive linear MSE, got ${r.loss} (seed ${r.seed}, epoch ${r.epoch}, ${r.kind}); ` +
          'convert log10 losses with 10 ** x first',
      );
    }
    const index = r.kind === 'network' || r.kind === 'naive' ? null : r.index;
    const key = `${r.kind}|${index ?? ''}|${r.epoch}`;
    let m = byKey.get(key);
    if (!m) byKey.set(key, (m = { kind: r.kind, index, epoch: r.epoch, loss: NaN, bySeed: sel.median ? new Map() : undefined }));
    if (m.bySeed) m.bySeed.set(r.seed, r.loss);
    else m.loss = r.loss;
  }
  if (byKey.size === 0) throw new Error(`${who}: no positive finite losses for ${sel.label}`);

  const keep = thinEpochs([...byKey.values()].map((p) => p.epoch), opts.maxPoints);
  const values: { epoch: number; loss: number; series: string; id: string; kind: LossKind }[] = [];
  for (const p of byKey.values()) {
    if (!keep.has(p.epoch)) continue;
    const loss = p.bySeed ? median([...p.bySeed.values()]) : p.loss;
    values.push({ epoch: p.epoch, loss, series: LOSS_SERIES[p.kind].label, id: `${p.kind}${p.index ?? ''}`, kind: p.kind });
  }
  // kind, then id (in localeCompare order, ranked once per distinct id), then epoch
  const idRank = new Map([...new Set(values.map((v) => v.id))].sort((a, b) => a.localeCompare(b)).map((id, i) => [id, i]));
  values.sort((a, b) => LOSS_ORDER.indexOf(a.kind) - LOSS_ORDER.indexOf(b.kind) || idRank.get(a.id)! - idRank.get(b.id)! || a.epoch - b.epoch);

  const kinds = LOSS_ORDER.filter((k) => values.some((v) => v.kind === k));
  const logAxis = logTicks(values.map((v) => v.loss));
  const lines = new Map<string, Row[]>();
  const enc = {
    x: { field: 'epoch', type: 'quantitative', title: 'Time step (epoch)', scale: { nice: false, zero: false } },
    y: {
      field: 'loss',
      type: 'quantitative',
      title: 'Loss (MSE)',
      scale: { type: 'log', domain: logAxis.domain, nice: false },
      axis: { values: logAxis.values, labelExpr: logAxis.labelExpr, grid: true },
    },
    detail: { field: 'id' },
    ...lossSeriesEncoding(kinds),
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...titleParams(
      'Figure 2: losses of the inferences, forecast-implied inferences and network inference',
      sel.label,
      opts,
    ),
    width: opts.width ?? 640,
    height: opts.height ?? 400,
    data: { values: traces(values, (v) => v.id, ['epoch', 'loss']) },
    // one layer per kind so that the z-order is fixed: inferences below, network on top
    layer: kinds.map((k) => ({
      transform: [{ filter: { field: 'kind', equal: k } }],
      mark: { type: 'line', interpolate: 'linear', ...TRACE, strokeWidth: LOSS_SERIES[k].width, opacity: LOSS_SERIES[k].opacity },
      encoding: { ...enc, order: IN_DATA_ORDER },
    })),
  } as TopLevelSpec;
}

const SUPERSCRIPT: Record<string, string> = {
  '-': '\u207b', '0': '\u2070', '1': '\u00b9', '2': '\u00b2', '3': '\u00b3', '4': '\u2074',
  '5': '\u2075', '6': '\u2076', '7': '\u2077', '8': '\u2078', '9': '\u2079',
};

/** "10⁻³", "2×10⁻³" (DejaVu Sans has the superscript digits). */
function powerOfTenLabel(mantissa: number, exponent: number): string {
  const sup = [...String(exponent)].map((c) => SUPERSCRIPT[c] ?? c).join('');
  return `${mantissa === 1 ? '' : `${mantissa}\u00d7`}10${sup}`;
}

/**
 * Log-axis ticks: whole decades spanning the data (1-2-5 steps when that is at most two decades),
 * labelled as powers of ten. Returns the scale domain, the tick values and a vega label expression.
 */
function logTicks(data: number[]): { domain: [number, number]; values: number[]; labelExpr: string } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const e0 = Math.floor(Math.log10(lo) + 1e-9);
  let e1 = Math.ceil(Math.log10(hi) - 1e-9);
  if (e1 <= e0) e1 = e0 + 1;
  const mantissas = e1 - e0 <= 2 ? [1, 2, 5] : [1];
  const ticks: { value: number; label: string }[] = [];
  for (let e = e0; e <= e1; e++) {
    for (const m of mantissas) {
      if (e === e1 && m > 1) break;
      ticks.push({ value: Number(`${m}e${e}`), label: powerOfTenLabel(m, e) });
    }
  }
  // choose each tick's label by comparing with the geometric midpoints between ticks
  let expr = JSON.stringify(ticks[ticks.length - 1].label);
  for (let i = ticks.length - 2; i >= 0; i--) {
    const mid = Math.sqrt(ticks[i].value * ticks[i + 1].value);
    expr = `datum.value < ${mid.toPrecision(6)} ? ${JSON.stringify(ticks[i].label)} : ${expr}`;
  }
  return { domain: [ticks[0].value, ticks[ticks.length - 1].value], values: ticks.map((t) => t.value), labelExpr: expr };
}

// ---------------------------------------------------------------------------------------------
// Figure 3: rewards per epoch and cumulative, by class and by participant
// ---------------------------------------------------------------------------------------------

const TASK_LABEL: Record<RewardTask, { column: string; participant: string }> = {
  inference: { column: 'Inference task', participant: 'Inferer' },
  forecast: { column: 'Forecasting task', participant: 'Forecaster' },
  reputer: { column: 'Reputer task', participant: 'Reputer' },
};
const TASKS: RewardTask[] = ['inference', 'forecast', 'reputer'];
const CLASS_SERIES = [
  { key: 'inference', label: 'Inference', color: BLUE },
  { key: 'forecast', label: 'Forecasting', color: CYAN },
  { key: 'reputer', label: 'Reputers', color: RED },
  { key: 'total', label: 'Total', color: BLACK },
] as const;

interface SeriesPoint {
  series: string;
  epoch: number;
  perEpoch: number;
  cumulative: number;
  /** Banded figures: the 10–90 % range over seeds (perEpoch and cumulative are then the medians). */
  perEpochLo?: number;
  perEpochHi?: number;
  cumulativeLo?: number;
  cumulativeHi?: number;
}

/**
 * Per-seed series (key → seed → epoch → value) → combined per-epoch and cumulative series.
 * Cumulative sums are taken per seed first (missing epochs add nothing), then the selected seed
 * or the median over seeds is taken per epoch.
 */
function perEpochAndCumulative(
  raw: Map<string, Map<number, Map<number, number>>>,
  sel: Selection,
  allEpochs: number[],
): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  if (!sel.median) {
    // one seed: its values as they are, and their running sum (what the general path below computes for it)
    for (const [series, bySeed] of raw) {
      const byEpoch = bySeed.get(sel.seeds[0]);
      if (!byEpoch) continue;
      let sum = 0;
      for (const e of allEpochs) {
        const v = byEpoch.get(e);
        const finite = v !== undefined && Number.isFinite(v);
        if (finite) sum += v;
        out.push({ series, epoch: e, perEpoch: finite ? v : NaN, cumulative: sum });
      }
    }
    return out;
  }
  for (const [series, bySeed] of raw) {
    const perEpoch = new Map<number, Map<number, number>>();
    const cumulative = new Map<number, Map<number, number>>();
    for (const [seed, byEpoch] of bySeed) {
      let sum = 0;
      for (const e of allEpochs) {
        const v = byEpoch.get(e);
        if (v !== undefined && Number.isFinite(v)) {
          sum += v;
          if (!perEpoch.has(e)) perEpoch.set(e, new Map());
          perEpoch.get(e)!.set(seed, v);
        }
        if (!cumulative.has(e)) cumulative.set(e, new Map());
        cumulative.get(e)!.set(seed, sum);
      }
    }
    const pe = combineSeeds(perEpoch, sel);
    const cu = combineSeeds(cumulative, sel);
    for (const e of allEpochs) {
      const c = cu.get(e);
      if (c === undefined) continue;
      out.push({ series, epoch: e, perEpoch: pe.get(e) ?? NaN, cumulative: c });
    }
  }
  return out;
}

function addTo(raw: Map<string, Map<number, Map<number, number>>>, series: string, seed: number, epoch: number, v: number): void {
  let bySeed = raw.get(series);
  if (!bySeed) raw.set(series, (bySeed = new Map()));
  let byEpoch = bySeed.get(seed);
  if (!byEpoch) bySeed.set(seed, (byEpoch = new Map()));
  byEpoch.set(epoch, (byEpoch.get(epoch) ?? 0) + v);
}

export function figure3Spec(rewards: RewardRow[], tasks: TaskRewardRow[], opts: Figure3Options = {}): TopLevelSpec {
  const who = 'figure3Spec';
  requireRows(who, 'reward', rewards);
  requireRows(who, 'task', tasks);
  const sel = selectSeeds(who, [...rewards.map((r) => r.seed), ...tasks.map((r) => r.seed)], opts);
  const seedSet = new Set(sel.seeds);
  const w = opts.panelWidth ?? 230;
  const h = opts.panelHeight ?? 170;

  // class totals (left column)
  const classRaw = new Map<string, Map<number, Map<number, number>>>();
  const classEpochs = new Set<number>();
  for (const t of tasks) {
    if (!seedSet.has(t.seed)) continue;
    classEpochs.add(t.epoch);
    for (const s of CLASS_SERIES) {
      const v = s.key === 'total' ? t.inference + t.forecast + t.reputer : t[s.key];
      addTo(classRaw, s.label, t.seed, t.epoch, v);
    }
  }
  if (classEpochs.size === 0) throw new Error(`${who}: no task rows for ${sel.label}`);

  // individual participants, one column per task
  const partRaw: Record<RewardTask, Map<string, Map<number, Map<number, number>>>> = {
    inference: new Map(),
    forecast: new Map(),
    reputer: new Map(),
  };
  const partIndices: Record<RewardTask, Set<number>> = { inference: new Set(), forecast: new Set(), reputer: new Set() };
  const partEpochs = new Set<number>();
  for (const r of rewards) {
    if (!seedSet.has(r.seed)) continue;
    if (!(r.task in partRaw)) throw new Error(`${who}: unknown reward task '${String(r.task)}'`);
    partEpochs.add(r.epoch);
    partIndices[r.task].add(r.index);
    addTo(partRaw[r.task], `${TASK_LABEL[r.task].participant} ${r.index}`, r.seed, r.epoch, r.reward);
  }
  if (partEpochs.size === 0) throw new Error(`${who}: no reward rows for ${sel.label}`);

  const allEpochs = [...new Set([...classEpochs, ...partEpochs])].sort((a, b) => a - b);
  const keep = thinEpochs(allEpochs, opts.maxPoints);

  const columns: Figure3Column[] = [
    {
      header: 'All tasks',
      points: perEpochAndCumulative(classRaw, sel, allEpochs),
      domain: CLASS_SERIES.map((s) => s.label),
      range: CLASS_SERIES.map((s) => s.color),
    },
  ];
  for (const task of TASKS) {
    const idx = [...partIndices[task]].sort((a, b) => a - b);
    if (idx.length === 0) continue;
    const domain = idx.map((i) => `${TASK_LABEL[task].participant} ${i}`);
    columns.push({
      header: TASK_LABEL[task].column,
      points: perEpochAndCumulative(partRaw[task], sel, allEpochs),
      domain,
      range: domain.map((_, i) => PARTICIPANT_COLORS[i % PARTICIPANT_COLORS.length]),
    });
  }
  return figure3Grid(columns, allEpochs, keep, { w, h }, titleParams('Figure 3: rewards per task class and per participant', sel.label, opts));
}

/** One column of Figure 3's grid: its title, series points, colour domain and range. */
interface Figure3Column {
  header: string;
  points: SeriesPoint[];
  domain: string[];
  range: string[];
}

/**
 * Figure 3's grid: per column a per-epoch panel above a cumulative one, one legend per column. Points with
 * bands (`perEpochLo` …) get a translucent 10–90 % band under the line; `yMax` caps a per-epoch panel's y-range.
 */
function figure3Grid(
  columns: Figure3Column[],
  allEpochs: number[],
  keep: Set<number>,
  size: { w: number; h: number; yMax?: (col: Figure3Column) => number | undefined },
  title: { title?: unknown },
): TopLevelSpec {
  const { w, h } = size;
  const xDomain = [allEpochs[0], allEpochs[allEpochs.length - 1]];
  // A cumulative curve is smooth at the panel's scale: one point per pixel of its width draws the same curve.
  const keepCumulative = new Set(thinEpochs([...keep], Math.max(2, Math.round(w))));
  const legendFor = () => ({
    title: null,
    orient: 'bottom',
    direction: 'horizontal',
    columns: 2,
    symbolType: 'stroke',
    symbolSize: 200,
    labelLimit: 110,
    columnPadding: 12,
  });

  const panel = (col: Figure3Column, first: boolean, cumulative: boolean) => {
    const field = cumulative ? 'cumulative' : 'perEpoch';
    const fin = (x: number | undefined): number | null => (x !== undefined && Number.isFinite(x) ? x : null);
    const banded = col.points.some((p) => p.perEpochLo !== undefined);
    const values = col.points
      .filter((p) => (cumulative ? keepCumulative : keep).has(p.epoch))
      .map((p) =>
        banded
          ? {
              series: p.series,
              epoch: p.epoch,
              value: fin(p[field]),
              lo: fin(cumulative ? p.cumulativeLo : p.perEpochLo),
              hi: fin(cumulative ? p.cumulativeHi : p.perEpochHi),
            }
          : { series: p.series, epoch: p.epoch, value: Number.isFinite(p[field]) ? p[field] : null },
      );
    const x = {
      field: 'epoch',
      type: 'quantitative',
      title: cumulative ? 'Time step (epoch)' : null,
      scale: { nice: false, zero: false, domain: xDomain },
    };
    const yMax = cumulative ? undefined : size.yMax?.(col);
    const y = {
      field: 'value',
      type: 'quantitative',
      title: first ? (cumulative ? 'Cumulative reward' : 'Reward per time step') : null,
      axis: { tickCount: 5 },
      ...(yMax !== undefined ? { scale: { domain: [0, yMax], nice: true } } : {}),
    };
    const color = {
      field: 'series',
      type: 'nominal',
      scale: { domain: col.domain, range: col.range },
      // one legend per column, under its bottom panel
      legend: cumulative ? legendFor() : null,
    };
    const head = {
      ...(cumulative ? {} : { title: { text: col.header, fontSize: 13, anchor: 'middle', offset: 8 } }),
      width: w,
      height: h,
      data: { values },
    };
    if (!banded) return { ...head, data: { values: traces(values, (v) => v.series, ['epoch', 'value']) }, mark: { type: 'line', strokeWidth: 1, ...TRACE }, encoding: { x, y, color, order: IN_DATA_ORDER } };
    // the legend shows the lines, not the bands drawn first
    if (cumulative) color.legend = { ...legendFor(), symbolOpacity: 1, symbolStrokeWidth: 2 } as ReturnType<typeof legendFor>;
    return {
      ...head,
      layer: [
        { mark: { type: 'area', opacity: 0.14, ...TRACE }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color } },
        { mark: { type: 'line', strokeWidth: 1.2, ...TRACE }, encoding: { x, y, color, order: IN_DATA_ORDER } },
      ],
    };
  };

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...title,
    columns: columns.length,
    concat: [
      ...columns.map((c, i) => panel(c, i === 0, false)),
      ...columns.map((c, i) => panel(c, i === 0, true)),
    ],
    spacing: { row: 10, column: 18 },
    resolve: { scale: { color: 'independent', x: 'independent', y: 'independent' } },
  } as TopLevelSpec;
}

// ---------------------------------------------------------------------------------------------
// Banded Figures 2 and 3 (`run --seeds N`): every seed's trace → per epoch the median over seeds as the
// line and the 10–90 % range as a band
// ---------------------------------------------------------------------------------------------

/** Per epoch, the median and the 10 % and 90 % quantiles over seeds of one series (NaN: no seed has a value). */
export interface Band {
  median: Float64Array;
  p10: Float64Array;
  p90: Float64Array;
}

/** `traces[s][e]`: seed s's value at the e-th epoch (NaN: none that epoch) → the band over seeds
 *  (src/stats/summary.ts quantiles, finite values only). */
export function bandOverSeeds(traces: readonly ArrayLike<number>[], length: number): Band {
  const band: Band = { median: new Float64Array(length), p10: new Float64Array(length), p90: new Float64Array(length) };
  const column = new Array<number>(traces.length);
  for (let e = 0; e < length; e++) {
    for (let s = 0; s < traces.length; s++) column[s] = e < traces[s].length ? traces[s][e] : NaN;
    const d = distribution(column);
    band.median[e] = d.median;
    band.p10[e] = d.p10;
    band.p90[e] = d.p90;
  }
  return band;
}

/** Running sum of each trace (missing epochs add nothing), as Figure 3's cumulative panels draw it. */
export function cumulativeTraces(traces: readonly ArrayLike<number>[]): Float64Array[] {
  return traces.map((t) => {
    const out = new Float64Array(t.length);
    let sum = 0;
    for (let e = 0; e < t.length; e++) {
      if (Number.isFinite(t[e])) sum += t[e];
      out[e] = sum;
    }
    return out;
  });
}

export interface BandFigureOptions extends CommonFigureOptions {
  /** The y-range is chosen from the epochs from this one on (default: the first); earlier values outside it are
   *  clipped, and the subtitle says so. */
  yFrom?: number;
}

/** Every seed's loss traces of Figure 2: per kind, its series (worker series ranked within each seed). */
export interface Figure2Traces {
  /** Epoch numbers, ascending; every trace has one value per epoch (NaN: none). */
  epochs: number[];
  series: { kind: LossKind; rank: number; traces: Float64Array[] }[];
}

/** The subtitle with the clipping note, wrapped to `width` pixels. */
function bandSubtitle(subtitle: string | string[], clipped: boolean, yFrom: number, width: number): string | string[] {
  const note = clipped ? `y-range from epoch ${yFrom} on (earlier values clipped)` : '';
  const text = [[subtitle].flat().join(' '), note].filter((x) => x !== '').join('; ');
  const lines = wrapText(text, 11, width);
  return lines.length === 1 ? lines[0] : lines;
}

export function figure2BandSpec(input: Figure2Traces, opts: BandFigureOptions & { width?: number; height?: number } = {}): TopLevelSpec {
  const who = 'figure2BandSpec';
  requireRows(who, 'epoch', input.epochs);
  const yFrom = opts.yFrom ?? input.epochs[0];
  const keep = thinEpochs(input.epochs, opts.maxPoints);
  const values: { epoch: number; median: number; p10: number; p90: number; series: string; id: string; kind: LossKind }[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  let outside = false;
  const pending: typeof values = [];
  for (const k of LOSS_ORDER) {
    for (const ser of input.series.filter((x) => x.kind === k).sort((a, b) => a.rank - b.rank)) {
      const b = bandOverSeeds(ser.traces, input.epochs.length);
      input.epochs.forEach((epoch, e) => {
        const [m, p10, p90] = [b.median[e], b.p10[e], b.p90[e]];
        if (!(m > 0)) return;
        if (epoch >= yFrom) {
          lo = Math.min(lo, p10 > 0 ? p10 : m);
          hi = Math.max(hi, p90);
        }
        if (keep.has(epoch)) pending.push({ epoch, median: m, p10: p10 > 0 ? p10 : m, p90, series: LOSS_SERIES[k].label, id: `${k}${ser.rank}`, kind: k });
      });
    }
  }
  if (pending.length === 0 || !Number.isFinite(lo)) throw new Error(`${who}: no positive finite losses to plot`);
  const logAxis = logTicks([lo, hi]);
  const [d0, d1] = logAxis.domain;
  for (const v of pending) {
    if (v.epoch < yFrom && (v.p10 < d0 || v.p90 > d1)) outside = true;
    values.push(v);
  }
  const kinds = LOSS_ORDER.filter((k) => values.some((v) => v.kind === k));
  const x = { field: 'epoch', type: 'quantitative', title: 'Time step (epoch)', scale: { nice: false, zero: false } };
  const y = {
    type: 'quantitative',
    title: 'Loss (MSE)',
    scale: { type: 'log', domain: logAxis.domain, nice: false },
    axis: { values: logAxis.values, labelExpr: logAxis.labelExpr, grid: true },
  };
  const BAND_OPACITY: Record<LossKind, number> = { inference: 0.07, forecast_implied: 0.09, naive: 0.1, network: 0.16 };
  const enc = {
    x,
    y: { ...y, field: 'median' },
    detail: { field: 'id' },
    ...lossSeriesEncoding(kinds),
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...titleParams(
      'Figure 2: losses of the inferences, forecast-implied inferences and network inference',
      '',
      { ...opts, subtitle: bandSubtitle(opts.subtitle ?? '', outside, yFrom, (opts.width ?? 640) + 40) },
    ),
    width: opts.width ?? 640,
    height: opts.height ?? 400,
    data: { values },
    // bands below every line; within each, one layer per kind so that the z-order is fixed (network on top)
    layer: [
      ...kinds.map((k) => ({
        transform: [{ filter: { field: 'kind', equal: k } }],
        mark: { type: 'area', ...TRACE, opacity: BAND_OPACITY[k], color: LOSS_SERIES[k].color },
        encoding: { x, y: { ...y, field: 'p10' }, y2: { field: 'p90' }, detail: { field: 'id' } },
      })),
      ...kinds.map((k) => ({
        transform: [{ filter: { field: 'kind', equal: k } }],
        mark: { type: 'line', interpolate: 'linear', ...TRACE, strokeWidth: LOSS_SERIES[k].width, opacity: LOSS_SERIES[k].opacity },
        encoding: { ...enc, order: IN_DATA_ORDER },
      })),
    ],
  } as TopLevelSpec;
}

/** Every seed's reward traces of Figure 3 (one value per epoch of `epochs`, NaN: not rewarded that epoch). */
export interface Figure3Traces {
  epochs: number[];
  /** Class totals: inference, forecast, reputer (U, V, W) and their sum, per seed. */
  classes: Record<'inference' | 'forecast' | 'reputer' | 'total', Float64Array[]>;
  /** Per task, the participants ranked within each seed (index 0 = rank 1), each with its per-seed traces. */
  participants: Record<RewardTask, Float64Array[][]>;
}

export function figure3BandSpec(input: Figure3Traces, opts: BandFigureOptions & { panelWidth?: number; panelHeight?: number; rankedBy?: string } = {}): TopLevelSpec {
  requireRows('figure3BandSpec', 'epoch', input.epochs);
  const n = input.epochs.length;
  const yFrom = opts.yFrom ?? input.epochs[0];
  const keep = thinEpochs(input.epochs, opts.maxPoints);
  const points = (label: string, traces: Float64Array[]): SeriesPoint[] => {
    const per = bandOverSeeds(traces, n);
    const cum = bandOverSeeds(cumulativeTraces(traces), n);
    return input.epochs.map((epoch, e) => ({
      series: label,
      epoch,
      perEpoch: per.median[e],
      cumulative: cum.median[e],
      perEpochLo: per.p10[e],
      perEpochHi: per.p90[e],
      cumulativeLo: cum.p10[e],
      cumulativeHi: cum.p90[e],
    }));
  };
  const columns: Figure3Column[] = [
    {
      header: 'All tasks',
      points: CLASS_SERIES.flatMap((c) => points(c.label, input.classes[c.key])),
      domain: CLASS_SERIES.map((c) => c.label),
      range: CLASS_SERIES.map((c) => c.color),
    },
  ];
  for (const task of TASKS) {
    const ranks = input.participants[task];
    if (ranks.length === 0) continue;
    const domain = ranks.map((_, i) => `${TASK_LABEL[task].participant} #${i + 1}`);
    columns.push({
      header: TASK_LABEL[task].column,
      points: ranks.flatMap((traces, i) => points(domain[i], traces)),
      domain,
      range: domain.map((_, i) => PARTICIPANT_COLORS[i % PARTICIPANT_COLORS.length]),
    });
  }
  // A per-epoch panel's y-range: from the epochs from `yFrom` on, when earlier ones would stretch it.
  let clipped = false;
  const yMax = (col: Figure3Column): number | undefined => {
    let after = 0;
    let all = 0;
    for (const p of col.points) {
      const top = Number.isFinite(p.perEpochHi!) ? p.perEpochHi! : p.perEpoch;
      if (!Number.isFinite(top)) continue;
      all = Math.max(all, top);
      if (p.epoch >= yFrom) after = Math.max(after, top);
    }
    if (!(after > 0) || all <= after * 1.05) return undefined;
    clipped = true;
    return after * 1.05;
  };
  const yMaxes = new Map(columns.map((c) => [c, yMax(c)]));
  const ranked = opts.rankedBy ?? 'participants ranked by total reward within each seed (#1 = most rewarded)';
  const sub = [[opts.subtitle ?? ''].flat().join(' '), ranked].filter((x) => x !== '').join('; ');
  return figure3Grid(
    columns,
    input.epochs,
    keep,
    { w: opts.panelWidth ?? 230, h: opts.panelHeight ?? 170, yMax: (c) => yMaxes.get(c) },
    titleParams('Figure 3: rewards per task class and per participant', '', {
      ...opts,
      subtitle: bandSubtitle(sub, clipped, yFrom, columns.length * ((opts.panelWidth ?? 230) + 40)),
    }),
  );
}
