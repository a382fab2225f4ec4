// The topic figure of a tokenomics run: per month, the number of active topics, the largest topic's share of the
// topic weights and (with a strategic topic) its share of the topic rewards — the median over seeds as a line and
// the 10–90 % range as a band, one colour per setup. These are the seed-dependent parts of the model; the APY of
// Figure 4 is the same for every seed.

import type { TopLevelSpec } from 'vega-lite';
import { requireRows, SERIES_COLORS as COLORS, titleParams, type CommonFigureOptions } from './plot.js';

/** One band point: a setup's quantity in one month over the seeds. */
export interface BandRow {
  setup: string;
  month: number;
  quantity: 'n_topics' | 'top_topic_share' | 'cabal_reward_share';
  median: number;
  p10: number;
  p90: number;
}

const QUANTITIES: Record<BandRow['quantity'], { title: string; format?: string }> = {
  n_topics: { title: 'Active topics' },
  top_topic_share: { title: 'Largest topic weight ÷ Σ weights', format: '~%' },
  cabal_reward_share: { title: 'Strategic topic’s share of topic rewards', format: '~%' },
};

export function topicBandsSpec(rows: BandRow[], opts: CommonFigureOptions & { seeds?: number } = {}): TopLevelSpec {
  requireRows('topicBandsSpec', 'topic band', rows);
  // Setups whose series are the same to 10 significant digits (they share the seed's topics; e.g. setups that
  // differ only in the treasury fee rate, which scales every topic's fees alike) are drawn once, named together.
  const sig = (x: number): string => (Number.isFinite(x) ? x.toPrecision(10) : String(x));
  const signature = new Map<string, string>();
  for (const r of rows) signature.set(r.setup, (signature.get(r.setup) ?? '') + `|${r.quantity},${r.month},${sig(r.median)},${sig(r.p10)},${sig(r.p90)}`);
  const groups = new Map<string, string[]>();
  for (const [setup, sig] of signature) groups.set(sig, [...(groups.get(sig) ?? []), setup]);
  const labelOf = new Map<string, string>();
  for (const names of groups.values()) for (const n of names) labelOf.set(n, names.length > 1 ? `${names.join(' = ')} (identical)` : n);
  const first = new Set([...groups.values()].map((names) => names[0]));
  rows = rows.filter((r) => first.has(r.setup)).map((r) => ({ ...r, setup: labelOf.get(r.setup)! }));
  const setups = [...new Set(rows.map((r) => r.setup))];
  const quantities = (Object.keys(QUANTITIES) as BandRow['quantity'][]).filter((q) => rows.some((r) => r.quantity === q));
  const color = { field: 'setup', type: 'nominal', title: 'Setup', scale: { domain: setups, range: setups.map((_, k) => COLORS[k % COLORS.length]) } };
  const panel = (q: BandRow['quantity'], last: boolean) => ({
    width: 520,
    height: 150,
    data: { values: rows.filter((r) => r.quantity === q && Number.isFinite(r.median)) },
    encoding: {
      x: { field: 'month', type: 'quantitative', title: last ? 'Month' : null, scale: { nice: false } },
      color: { ...color, legend: { orient: 'bottom', direction: 'horizontal', columns: Math.min(3, setups.length), labelLimit: 240, symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolOpacity: 1 } },
    },
    layer: [
      { mark: { type: 'area', opacity: 0.18 }, encoding: { y: { field: 'p10', type: 'quantitative', title: QUANTITIES[q].title, axis: QUANTITIES[q].format ? { format: QUANTITIES[q].format } : {} }, y2: { field: 'p90' } } },
      { mark: { type: 'line', strokeWidth: 1.8 }, encoding: { y: { field: 'median', type: 'quantitative' } } },
    ],
  });
  const n = opts.seeds;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...titleParams('Topics: median over seeds (line) and 10–90 % range (band)', n !== undefined ? `${n} seed${n === 1 ? '' : 's'}` : '', opts),
    vconcat: quantities.map((q, i) => panel(q, i === quantities.length - 1)),
    spacing: 14,
  } as TopLevelSpec;
}
