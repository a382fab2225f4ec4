// Figure 4: the staking APY against the month, one line per tokenomics setup, with the APY cap.
//
// The figure's own three setups (no-smoothing, smoothing, smoothing-fees) are drawn as in the whitepaper: black,
// dotted / dashed / solid. Any other setup names, or more than three setups, are drawn in distinct colours and
// dash patterns, with one legend entry per setup below the plot, so five or ten free-named setups stay readable.

import type { TopLevelSpec } from 'vega-lite';
import { BLACK, requireRows, SERIES_COLORS as COLORS, titleParams, type CommonFigureOptions } from './plot.js';

/** APY of one setup in one month. `apy` is a fraction (0.12 = 12 %) unless opts.apyUnit = 'percent'. */
export interface ApyRow {
  setup: string;
  month: number;
  apy: number;
}

export interface Figure4Options extends CommonFigureOptions {
  /** Draw a horizontal reference line at the APY cap (same unit as the rows, e.g. 0.12). */
  cap?: number;
  /** Unit of `apy` in the rows (default 'fraction'). */
  apyUnit?: 'fraction' | 'percent';
  /** Legend labels by setup name (default: the figure's labels for its three setups, else the name). */
  labels?: Record<string, string>;
  width?: number;
  height?: number;
}

const FIGURE4_SETUPS: Record<string, { label: string; dash: number[] }> = {
  'no-smoothing': { label: 'No emission smoothing', dash: [1.5, 2.5] },
  smoothing: { label: 'Emission smoothing', dash: [6, 4] },
  'smoothing-fees': { label: 'Emission smoothing + fees', dash: [] },
};

const DASHES = [[], [6, 3], [2, 2], [10, 3, 2, 3], [1, 3], [12, 4], [4, 2, 1, 2], [8, 2], [3, 5], [14, 2, 2, 2]];

export function figure4Spec(rows: ApyRow[], opts: Figure4Options = {}): TopLevelSpec {
  const who = 'figure4Spec';
  requireRows(who, 'APY', rows);
  const toFraction = opts.apyUnit === 'percent' ? (v: number) => v / 100 : (v: number) => v;

  // Setups in order of first appearance, the figure's own three first.
  const present = [...new Set(rows.map((r) => r.setup))];
  const paperStyle = present.length <= 3 && present.every((s) => s in FIGURE4_SETUPS);
  const setups = paperStyle ? Object.keys(FIGURE4_SETUPS).filter((s) => present.includes(s)) : present;
  const label = (s: string): string => opts.labels?.[s] ?? FIGURE4_SETUPS[s]?.label ?? s;
  const domain = setups.map(label);
  if (new Set(domain).size !== domain.length) throw new Error(`${who}: two setups share a legend label (${domain.join(', ')})`);
  const dash = (s: string, k: number): number[] => (paperStyle ? FIGURE4_SETUPS[s].dash : DASHES[k % DASHES.length]);
  const color = (k: number): string => (paperStyle ? BLACK : COLORS[k % COLORS.length]);

  const values = rows
    .filter((r) => Number.isFinite(r.apy) && Number.isFinite(r.month))
    .map((r) => ({ month: r.month, apy: toFraction(r.apy), series: label(r.setup), order: setups.indexOf(r.setup) }))
    .sort((a, b) => a.order - b.order || a.month - b.month);
  if (values.length === 0) throw new Error(`${who}: no finite APY values to plot`);

  const months = values.map((v) => v.month);
  const m0 = Math.min(...months);
  const m1 = Math.max(...months);
  // yearly ticks when the run spans more than two years (the unlock of Figure 4 is at month 12)
  const monthTicks: number[] | undefined =
    m1 - m0 > 24 ? Array.from({ length: Math.floor(m1 / 12) - Math.ceil(m0 / 12) + 1 }, (_, i) => 12 * (Math.ceil(m0 / 12) + i)) : undefined;
  const yMax = Math.max(...values.map((v) => v.apy), opts.cap !== undefined ? toFraction(opts.cap) : -Infinity);
  const yMin = Math.min(0, ...values.map((v) => v.apy));
  const legend = paperStyle
    ? { title: null, orient: 'top-right', fillColor: 'white', strokeColor: '#cccccc', padding: 6, symbolSize: 400, symbolStrokeWidth: 1.6, labelLimit: 260 }
    : {
        title: 'Setup',
        orient: 'bottom',
        direction: 'horizontal',
        columns: Math.min(3, setups.length),
        symbolSize: 500,
        symbolStrokeWidth: 2,
        labelLimit: 240,
        labelFontSize: 11,
        columnPadding: 16,
      };
  const layers: unknown[] = [
    {
      data: { values },
      mark: { type: 'line', strokeWidth: paperStyle ? 1.8 : 2, clip: true },
      encoding: {
        x: {
          field: 'month',
          type: 'quantitative',
          title: 'Month',
          scale: { nice: false, domain: [m0, m1] },
          axis: monthTicks ? { values: monthTicks } : { tickMinStep: 1 },
        },
        y: {
          field: 'apy',
          type: 'quantitative',
          title: 'APY of staked ALLO',
          axis: { format: '~%' },
          // headroom above the cap so the capped segment is not drawn on the frame
          scale: { domain: [yMin, yMax > 0 ? yMax * 1.1 : 1], nice: true },
        },
        color: { field: 'series', type: 'nominal', scale: { domain, range: setups.map((_, k) => color(k)) }, legend },
        strokeDash: { field: 'series', type: 'nominal', scale: { domain, range: setups.map((s, k) => dash(s, k)) }, legend },
        detail: { field: 'series' },
      },
    },
  ];
  if (opts.cap !== undefined) {
    const cap = toFraction(opts.cap);
    layers.unshift({
      data: { values: [{ cap, text: `APY cap ${Number((cap * 100).toPrecision(6))}%` }] },
      layer: [
        { mark: { type: 'rule', color: '#999999', strokeWidth: 1 }, encoding: { y: { field: 'cap', type: 'quantitative' } } },
        {
          mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 4, dy: -2, x: 0, fontSize: 10, color: '#666666' },
          encoding: { y: { field: 'cap', type: 'quantitative' }, text: { field: 'text' } },
        },
      ],
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...titleParams('Figure 4: APY earned by staking ALLO holders', '', opts),
    width: opts.width ?? 560,
    height: opts.height ?? 340,
    layer: layers,
  } as TopLevelSpec;
}
