// The pictures of an attack study (docs/attacks.md §6), as Vega-Lite specs rendered by the project's
// SVG → PNG path (plot.ts `writeFigure`):
//   attack-curve: the claim's metric against the first grid axis — median line and p10–p90 band over seeds,
//                 one line per value of the second axis, the threshold as a rule, points that fail marked;
//   attack-map:   for two-axis grids, the share of seeds in which the claim's test holds at each point.

import type { TopLevelSpec } from 'vega-lite';

export interface CurvePoint {
  /** Value of the first axis. */
  x: number | string;
  /** Value of the second axis (the line it belongs to), or '' for a one-axis grid. */
  series: string;
  median: number;
  p10: number;
  p90: number;
  /** Whether the point holds (share of seeds ≥ min_share); out-of-scope points are drawn hollow. */
  holds: boolean;
  inScope: boolean;
}

export interface CurveOptions {
  title: string;
  subtitle: string | string[];
  xTitle: string;
  yTitle: string;
  seriesTitle: string;
  threshold: number;
  width?: number;
  height?: number;
}

const numericX = (pts: readonly CurvePoint[]): boolean => pts.every((p) => typeof p.x === 'number');

/** x on a log scale when every value is positive and they span a factor ≥ 8. */
function logX(pts: readonly CurvePoint[]): boolean {
  if (!numericX(pts)) return false;
  const xs = [...new Set(pts.map((p) => p.x as number))].sort((a, b) => a - b);
  // geometric grids (2, 4, 8, 16; 1, 10, 100) read best on a log axis
  return xs.every((x) => x > 0) && xs[xs.length - 1] / xs[0] >= 8 && xs.every((x, i) => i === 0 || x / xs[i - 1] >= 1.8);
}

export function attackCurveSpec(points: readonly CurvePoint[], o: CurveOptions): TopLevelSpec {
  const values = points
    .filter((p) => Number.isFinite(p.median))
    .map((p) => ({
      ...p,
      x: p.x,
      status: !p.inScope ? 'out of the claim’s scope' : p.holds ? 'holds' : 'does NOT hold',
    }));
  const numeric = numericX(points);
  const x = {
    field: 'x',
    type: numeric ? 'quantitative' : 'ordinal',
    title: o.xTitle,
    ...(numeric
      ? {
          scale: logX(points) ? { type: 'log', nice: false } : { zero: false, nice: false },
          axis: { values: [...new Set(points.map((p) => p.x as number))].sort((a, b) => a - b), format: '.4~g' },
        }
      : { sort: null, axis: { labelAngle: 0 } }),
  };
  const multi = new Set(points.map((p) => p.series)).size > 1;
  const color = multi ? { field: 'series', type: 'nominal', title: o.seriesTitle, sort: null } : { value: '#1f4e79' };
  const finite = values.flatMap((v) => [v.p10, v.p90, v.median]).filter(Number.isFinite);
  const yMin = Math.min(o.threshold, ...finite);
  const yMax = Math.max(o.threshold, ...finite);
  const pad = (yMax - yMin) * 0.08 || Math.abs(yMax) * 0.1 || 0.1;
  const y = { type: 'quantitative', scale: { domain: [yMin - pad, yMax + pad], nice: false, zero: false } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: o.title, subtitle: o.subtitle, anchor: 'start', subtitleColor: '#555555' },
    width: o.width ?? 520,
    height: o.height ?? 300,
    layer: [
      {
        data: { values },
        mark: { type: numeric ? 'area' : 'errorbar', opacity: 0.18, ...(numeric ? {} : { opacity: 0.8, thickness: 1.5 }) },
        encoding: { x, y: { ...y, field: 'p10', title: o.yTitle }, y2: { field: 'p90' }, color, ...(multi ? { detail: { field: 'series' } } : {}) },
      },
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 1.8 },
        encoding: { x, y: { ...y, field: 'median', title: o.yTitle }, color, ...(multi ? { detail: { field: 'series' } } : {}) },
      },
      {
        data: { values },
        mark: { type: 'point', size: 90, strokeWidth: 1.8, opacity: 1 },
        encoding: {
          x,
          y: { ...y, field: 'median' },
          color,
          shape: {
            field: 'status',
            type: 'nominal',
            title: 'claim at this point',
            scale: { domain: ['holds', 'does NOT hold', 'out of the claim’s scope'], range: ['circle', 'cross', 'square'] },
            legend: null,
          },
          fill: { condition: { test: "datum.status === 'does NOT hold'", value: '#c0392b' }, value: 'white' },
        },
      },
      {
        data: { values: [{ t: o.threshold, label: `threshold ${o.threshold}` }] },
        layer: [
          { mark: { type: 'rule', color: '#c0392b', strokeDash: [6, 4], strokeWidth: 1.2 }, encoding: { y: { field: 't', type: 'quantitative' } } },
          {
            mark: { type: 'text', align: 'right', baseline: 'bottom', dy: -3, x: 'width', fontSize: 10, color: '#c0392b' },
            encoding: { y: { field: 't', type: 'quantitative' }, text: { field: 'label' } },
          },
        ],
      },
    ],
    resolve: { scale: { color: 'shared' } },
  } as unknown as TopLevelSpec;
}

export interface MapCell {
  x: number | string;
  y: number | string;
  /** Share of seeds in which the test holds. */
  share: number;
  inScope: boolean;
}

export function attackMapSpec(cells: readonly MapCell[], o: { title: string; subtitle: string; xTitle: string; yTitle: string; minShare: number }): TopLevelSpec {
  const values = cells.map((c) => ({
    x: String(c.x),
    y: String(c.y),
    share: c.share,
    label: `${Math.round(c.share * 100)}%${c.inScope ? '' : ' (out of scope)'}`,
  }));
  const order = (k: 'x' | 'y') => [...new Set(cells.map((c) => c[k]))].map(String);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: o.title, subtitle: o.subtitle, anchor: 'start', subtitleColor: '#555555' },
    width: Math.max(220, 90 * order('x').length),
    height: Math.max(120, 60 * order('y').length),
    data: { values },
    encoding: {
      x: { field: 'x', type: 'ordinal', title: o.xTitle, sort: order('x'), axis: { labelAngle: 0 } },
      y: { field: 'y', type: 'ordinal', title: o.yTitle, sort: order('y') },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          color: {
            field: 'share',
            type: 'quantitative',
            title: ['share of seeds', 'where the claim holds'],
            scale: { domain: [0, o.minShare, 1], range: ['#c0392b', '#f7e8a4', '#2e8b57'] },
            legend: { format: '.0%' },
          },
        },
      },
      { mark: { type: 'text', fontSize: 11 }, encoding: { text: { field: 'label' }, color: { value: '#111111' } } },
    ],
  } as unknown as TopLevelSpec;
}
