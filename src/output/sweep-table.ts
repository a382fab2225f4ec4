// The terminal summary of a sweep: per point its swept values, a few headline metrics as "median [95 %
// interval of the mean]", the paired difference of the first one to the reference point when there is one,
// then the share of seeds in which each claim holds (claims numbered, with a legend). Pure: returns lines.

import type { MetricStats, PointSummary, SweptValue } from '../sim/sweep-summary.js';

export interface SweepTableOptions {
  /** Axis names as typed (the keys of PointSummary.values), in grid order. */
  axes: readonly string[];
  /** Headline metrics to show (those the points lack are left out). */
  metrics: readonly string[];
  /** The metric whose paired difference to the reference is shown (default the first shown). */
  diffMetric?: string;
  /** The reference point's index (shown as such), when the points carry differences. */
  reference?: number | null;
  /** The first line, e.g. `figure2-3: 6 points × 8 seeds, common random numbers`. */
  title?: string;
}

/** A number in 4 significant digits (shortest form), `—` when it is not a number. */
export function fmt4(x: number): string {
  if (!Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-4) return x.toExponential(3).replace(/\.?0+e/, 'e');
  return String(Number(x.toPrecision(4)));
}

/** `median [lo, hi]`; `median (n = 1)` when there is no interval. */
function cell(s: MetricStats | undefined): string {
  if (!s || s.n === 0) return '—';
  if (!Number.isFinite(s.ci95_lo)) return `${fmt4(s.median)} (n = ${s.n})`;
  return `${fmt4(s.median)} [${fmt4(s.ci95_lo)}, ${fmt4(s.ci95_hi)}]`;
}

/** `mean [lo, hi]` of a paired difference. */
function diffCell(s: MetricStats | undefined, isReference: boolean): string {
  if (isReference) return 'reference';
  if (!s || s.n === 0) return '—';
  if (!Number.isFinite(s.ci95_lo)) return `${fmt4(s.mean)} (n = ${s.n})`;
  return `${fmt4(s.mean)} [${fmt4(s.ci95_lo)}, ${fmt4(s.ci95_hi)}]`;
}

const valueText = (v: SweptValue | undefined): string => (v === undefined ? '' : String(v));

/** Lays out rows as left-aligned columns two spaces apart (no trailing blanks). */
function columns(rows: readonly string[][]): string[] {
  const width = rows[0].map((_, j) => Math.max(...rows.map((r) => [...(r[j] ?? '')].length)));
  return rows.map((r) =>
    r
      .map((c, j) => (j === r.length - 1 ? c : c + ' '.repeat(width[j] - [...c].length)))
      .join('  ')
      .trimEnd(),
  );
}

/** The table's lines (empty for no points). */
export function formatSweepTable(points: readonly PointSummary[], o: SweepTableOptions): string[] {
  if (points.length === 0) return [];
  const shown = o.metrics.filter((m) => points.some((p) => p.metrics[m] !== undefined));
  const paired = points.some((p) => p.diff !== undefined);
  const diffMetric = paired ? (o.diffMetric ?? shown[0]) : undefined;
  const lines: string[] = [];
  if (o.title) lines.push(o.title);
  if (shown.length > 0 || diffMetric) {
    lines.push('median over seeds [95 % interval of the mean]');
    if (diffMetric) lines.push('Δ: this point − the reference, paired seed by seed: mean [95 % interval]');
    const head = [...o.axes, ...shown, ...(diffMetric ? [`Δ ${diffMetric}`] : [])];
    const body = points.map((p) => [
      ...o.axes.map((a) => valueText(p.values[a])),
      ...shown.map((m) => cell(p.metrics[m])),
      ...(diffMetric ? [diffCell(p.diff?.[diffMetric], p.point === o.reference)] : []),
    ]);
    lines.push(...columns([head, ...body]));
  }
  const claimIds = [...new Set(points.flatMap((p) => Object.keys(p.claims)))];
  if (claimIds.length > 0) {
    lines.push('', 'claims: share of seeds in which each holds');
    const head = [...o.axes, ...claimIds.map((_, i) => `C${i + 1}`)];
    const body = points.map((p) => [
      ...o.axes.map((a) => valueText(p.values[a])),
      ...claimIds.map((id) => (Number.isFinite(p.claims[id]) ? `${Math.round(100 * p.claims[id])}%` : '—')),
    ]);
    lines.push(...columns([head, ...body]));
    claimIds.forEach((id, i) => lines.push(`  C${i + 1} ${id}`));
  }
  return lines;
}
