// Final outputs, assembled from the part files in canonical (point, replicate) order. The workers have
// already formatted every row as final CSV text (part.ts), so a table is its header line followed by a
// byte copy of each run's section, in large chunks — no per-row work here, and memory stays flat whatever
// the number of runs:
//   <out>/<table name>   one per table name any run produced: [point, replicate, (with axisColumns) the
//                        axis values (columns named as typed in --grid),] then the table's columns (the union over runs, in order
//                        of first appearance; a run lacking a column leaves its cells empty), rows of run
//                        (0,0), (0,1), …, (1,0), …
//   <out>/summary.csv    one row per grid point: [point,] the axis values (columns named as typed in
//                        --grid), then for every metric m (union over runs, first-appearance order)
//                        m_n, m_mean, m_std, m_se, m_ci95_lo, m_ci95_hi, m_median, m_p10, m_p90 over the
//                        point's replicates; then claim_<id>_share per claim (when claims are judged); then,
//                        with a reference point, m_diff_mean, m_diff_se, m_diff_ci95_lo, m_diff_ci95_hi of
//                        the paired differences to it (src/sim/sweep-summary.ts).
//   <out>/metrics.csv    one row per run, canonical order: [point,] replicate, seed, the axis values (sweeps;
//                        columns named as typed), then every metric of the run (union over runs, in order
//                        of first appearance; a metric a run lacks is an empty cell, NaN too).
// The axis values of a sweep are inserted into each row after the index cells the worker wrote
// (`insertAxisCells`: a scan for row ends, still no parsing).
// A run whose columns differ from the union (or whose part was written with the other index-column
// setting) takes a slow path: its section is parsed with csv-parse and re-stringified into the union's
// layout. The real job never needs it.
// Files are written under temporary names and only renamed into place by `commitStaged` once everything
// is written.

import { closeSync, openSync, renameSync, rmSync } from 'node:fs';
import { writeAll, writeFailure } from '../io/files.js';
import { basename, dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { metricStats as pointMetricStats, summarizePoints, type PointSummary, type SummarizeOptions, type SummaryRun } from '../sim/sweep-summary.js';
import { csvFilesToParquet } from '../io/parquet.js';
import { pointAt, pointCount, type GridValue, type Sweep } from './grid.js';
import { isHiddenTable } from './types.js';
import { csvField } from '../io/csv.js';
import { PartDamagedError, cellText, csvRows, openPart, partFileName, readSection, type OpenPart, type PartTableInfo } from './part.js';

/** summary.csv's statistics of each metric, in column order (MetricStats fields). */
export const METRIC_STATS = ['n', 'mean', 'std', 'se', 'ci95_lo', 'ci95_hi', 'median', 'p10', 'p90'] as const;
/** summary.csv's statistics of each metric's paired difference to the reference point. */
export const DIFF_STATS = ['mean', 'se', 'ci95_lo', 'ci95_hi'] as const;

export interface AssembleOptions {
  out: string;
  runsDir: string;
  sweep: Sweep;
  replicates: number;
  /** Prepend `point`, `replicate` to every table (and `point` to summary.csv). */
  indexColumns: boolean;
  /** Write summary.csv. */
  summary: boolean;
  /** Write metrics.csv (default true). */
  metrics?: boolean;
  /** Seed each part must carry (guards against stale part files). */
  expectedSeed: (point: number, replicate: number) => number;
  /** Polled between parts; when true the assembly stops and its temporary files are removed. */
  shouldStop?: () => boolean;
  /** summary.csv: the claims judged per run and the reference point of the paired differences. */
  summarize?: SummarizeOptions;
  /** Receives the per-point summaries summary.csv was written from. */
  onSummary?: (points: PointSummary[]) => void;
  /** With the index columns: also one column per swept parameter after them in every table (`sweep`). */
  axisColumns?: boolean;
  /** `parquet`: every output is written as `<name>.parquet` instead of `<name>.csv` (default csv). */
  format?: OutputFormat;
  /** Threads for the Parquet conversion (one file per thread; default 1). */
  threads?: number;
}

/** File format of the tables, metrics and summary. */
export type OutputFormat = 'csv' | 'parquet';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['csv', 'parquet'];

export interface StagedFile {
  name: string;
  tmp: string;
  final: string;
}

export class AssemblyStopped extends Error {
  constructor() {
    super('assembly stopped');
    this.name = 'AssemblyStopped';
  }
}

/** Size of the copy buffer. */
const CHUNK = 1 << 20;

/** A file written with synchronous writes under a temporary name. */
class StagedOutput {
  readonly staged: StagedFile;
  private fd: number | null;

  constructor(final: string) {
    const tmp = join(dirname(final), `.${basename(final)}.${process.pid}.partial`);
    this.staged = { name: basename(final), tmp, final };
    try {
      this.fd = openSync(tmp, 'w');
    } catch (e) {
      throw writeFailure(final, e);
    }
  }

  write(buf: Uint8Array, length = buf.length): void {
    try {
      writeAll(this.fd!, buf, length);
    } catch (e) {
      throw writeFailure(this.staged.final, e);
    }
  }

  writeText(text: string): void {
    if (text.length > 0) this.write(Buffer.from(text, 'utf8'));
  }

  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    closeSync(fd);
  }
}

/** Statistics of one metric over replicates, in METRIC_STATS order (src/sim/sweep-summary.ts: values that
 *  are not finite are left out; std of one value is 0, its se and interval NaN); NaN where undefined. */
export function metricStats(values: number[]): number[] {
  const d = pointMetricStats(values);
  return METRIC_STATS.map((k) => d[k]);
}

interface TableLayout {
  columns: string[];
  colIndex: Map<string, number>;
}

/** Copies a section's bytes to `out` in chunks of `buf`; checks its checksum and that it ends a row. */
function copySection(path: string, part: OpenPart, t: PartTableInfo, out: StagedOutput, buf: Buffer): void {
  readSection(path, part, t, buf, (chunk, n) => out.write(chunk, n));
}

/** The slow path: parses a section and re-stringifies it in the union's column layout (with or without
 *  the index cells, as wanted). Memory is bounded by one run's table. */
function remapSection(
  path: string,
  part: OpenPart,
  t: PartTableInfo,
  layout: TableLayout,
  index: string[] | null,
  out: StagedOutput,
): void {
  const bytes = Buffer.allocUnsafe(t.length);
  let got = 0;
  readSection(path, part, t, Buffer.allocUnsafe(1 << 20), (chunk, n) => {
    chunk.copy(bytes, got, 0, n);
    got += n;
  });
  let rows: string[][];
  try {
    rows = t.length === 0 ? [] : (parse(bytes.toString('utf8')) as string[][]);
  } catch (e) {
    throw new PartDamagedError(path, `corrupt part file (table ${t.name}: ${(e as Error).message})`);
  }
  if (rows.length !== t.rows) throw new PartDamagedError(path, `corrupt part file (table ${t.name}: ${rows.length} rows, its header lists ${t.rows})`);
  const skip = part.header.index ? 2 : 0;
  const map = t.columns.map((c) => layout.colIndex.get(c)!);
  const width = layout.columns.length;
  const remapped = rows.map((cells, i) => {
    if (cells.length !== skip + t.columns.length) {
      throw new PartDamagedError(path, `corrupt part file (table ${t.name}, row ${i}: ${cells.length} cells, expected ${skip + t.columns.length})`);
    }
    const row = new Array<string>(width).fill('');
    for (let j = 0; j < map.length; j++) row[map[j]] = cells[skip + j];
    return index ? [...index, ...row] : row;
  });
  out.writeText(csvRows(remapped));
}

/** A point's values keyed by axis name as typed (PointSummary.values). */
function axisValuesByName(sweep: Sweep, p: number): Record<string, GridValue> {
  const v = pointAt(sweep, p).values;
  return Object.fromEntries(sweep.axes.map((a) => [a.name, v[a.key]]));
}

/** summary.csv as rows (header first): see the top of this file. Claim columns are the union over points
 *  (first-appearance order); difference columns when the points carry them. */
export function summaryTable(points: readonly PointSummary[], sweep: Sweep, indexColumns: boolean): string[][] {
  const metricNames = points.length > 0 ? Object.keys(points[0].metrics) : [];
  const claimIds = [...new Set(points.flatMap((p) => Object.keys(p.claims)))];
  const paired = points.some((p) => p.diff !== undefined);
  const header = [
    ...(indexColumns ? ['point'] : []),
    ...sweep.axes.map((a) => a.name),
    ...metricNames.flatMap((m) => METRIC_STATS.map((s) => `${m}_${s}`)),
    ...claimIds.map((id) => `claim_${id}_share`),
    ...(paired ? metricNames.flatMap((m) => DIFF_STATS.map((s) => `${m}_diff_${s}`)) : []),
  ];
  const rows = points.map((pt) => [
    ...(indexColumns ? [String(pt.point)] : []),
    ...sweep.axes.map((a) => cellText(pt.values[a.name])),
    ...metricNames.flatMap((m) => METRIC_STATS.map((s) => cellText(pt.metrics[m]?.[s] ?? NaN))),
    ...claimIds.map((id) => cellText(pt.claims[id] ?? NaN)),
    ...(paired ? metricNames.flatMap((m) => DIFF_STATS.map((s) => cellText(pt.diff?.[m]?.[s] ?? NaN))) : []),
  ]);
  return [header, ...rows];
}

/**
 * A byte stream transform that inserts `insert` after the first `prefixLen` bytes of every row (the index
 * cells `p,r,` the worker wrote). Row ends are the newlines outside quoted fields (RFC 4180: a quote toggles
 * the quoted state, a doubled quote toggles it twice); everything else is copied as it is. Feed chunks of
 * any size with `push`, then `end`; `sink` receives buffered output (the same buffer, reused).
 */
export function axisInserter(prefixLen: number, insert: Buffer, sink: (buf: Buffer, n: number) => void, bufferSize = CHUNK): { push: (chunk: Buffer, n: number) => void; end: () => void } {
  const obuf = Buffer.allocUnsafe(bufferSize);
  let olen = 0;
  const put = (src: Buffer, from: number, to: number): void => {
    while (from < to) {
      if (olen === obuf.length) {
        sink(obuf, olen);
        olen = 0;
      }
      const k = Math.min(to - from, obuf.length - olen);
      src.copy(obuf, olen, from, from + k);
      olen += k;
      from += k;
    }
  };
  let pending = prefixLen; // prefix bytes of the current row still to copy before the insert
  let inQuotes = false;
  const push = (chunk: Buffer, n: number): void => {
    const view = chunk.subarray(0, n);
    let pos = 0;
    while (pos < n) {
      if (pending > 0) {
        const k = Math.min(pending, n - pos);
        put(view, pos, pos + k);
        pos += k;
        pending -= k;
        if (pending === 0) put(insert, 0, insert.length);
        continue;
      }
      const q = view.indexOf(0x22, pos);
      if (inQuotes) {
        const stop = q < 0 ? n : q + 1;
        put(view, pos, stop);
        pos = stop;
        if (q >= 0) inQuotes = false;
        continue;
      }
      const nl = view.indexOf(0x0a, pos);
      if (nl >= 0 && (q < 0 || nl < q)) {
        put(view, pos, nl + 1);
        pos = nl + 1;
        pending = prefixLen;
      } else if (q >= 0) {
        put(view, pos, q + 1);
        pos = q + 1;
        inQuotes = true;
      } else {
        put(view, pos, n);
        pos = n;
      }
    }
  };
  const end = (): void => {
    if (olen > 0) sink(obuf, olen);
    olen = 0;
  };
  return { push, end };
}

/** Copies a section whose rows start with the index cells `prefix` (`p,r,`), inserting the axis cells after
 *  them in every row (`axisInserter`). */
function insertAxisCells(path: string, part: OpenPart, t: PartTableInfo, out: StagedOutput, buf: Buffer, prefix: string, axisCells: string[]): void {
  const insert = Buffer.from(`${axisCells.map(csvField).join(',')},`, 'utf8');
  const x = axisInserter(Buffer.byteLength(prefix, 'utf8'), insert, (b, n) => out.write(b, n));
  readSection(path, part, t, buf, x.push);
  x.end();
}

/** Writes every final file under a temporary name; returns them for `commitStaged` / `discardStaged`. */
export async function assembleOutputs(o: AssembleOptions): Promise<StagedFile[]> {
  const P = pointCount(o.sweep);
  const R = o.replicates;
  const stop = o.shouldStop ?? (() => false);
  const partPath = (p: number, r: number) => join(o.runsDir, partFileName(p, r));
  /** Opens run (p, r)'s part and checks that it belongs to that run. */
  const open = (p: number, r: number): OpenPart => {
    const path = partPath(p, r);
    const part = openPart(path);
    const h = part.header;
    const seed = o.expectedSeed(p, r);
    if (h.point !== p || h.replicate !== r || h.seed !== seed) {
      closeSync(part.fd);
      throw new PartDamagedError(
        path,
        `belongs to another run (point ${h.point}, replicate ${h.replicate}, seed ${h.seed}; expected ${p}, ${r}, ${seed})`,
      );
    }
    return part;
  };

  // Pass 1: headers only — table names, column unions, metric names; every part's layout is checked.
  const tables = new Map<string, TableLayout>();
  const metricNames: string[] = [];
  const metricSeen = new Set<string>();
  for (let p = 0; p < P; p++) {
    for (let r = 0; r < R; r++) {
      if (stop()) throw new AssemblyStopped();
      const part = open(p, r);
      closeSync(part.fd);
      const h = part.header;
      for (const t of h.tables) {
        if (isHiddenTable(t.name)) continue; // kept with the run for drawing, never assembled
        let layout = tables.get(t.name);
        if (!layout) {
          layout = { columns: [], colIndex: new Map() };
          tables.set(t.name, layout);
        }
        for (const c of t.columns) {
          if (!layout.colIndex.has(c)) {
            layout.colIndex.set(c, layout.columns.length);
            layout.columns.push(c);
          }
        }
      }
      for (const m of Object.keys(h.metrics)) {
        if (!metricSeen.has(m)) {
          metricSeen.add(m);
          metricNames.push(m);
        }
      }
    }
  }
  if (o.indexColumns) {
    for (const [name, t] of tables) {
      const clash = t.columns.find((c) => c === 'point' || c === 'replicate');
      if (clash) throw new Error(`table ${name} has a column named '${clash}', which clashes with the index columns`);
    }
  }

  const withAxes = o.indexColumns && (o.axisColumns ?? false);
  if (withAxes) {
    for (const [name, t] of tables) {
      const clash = o.sweep.axes.find((a) => t.columns.includes(a.name));
      if (clash) throw new Error(`table ${name} has a column named '${clash.name}', which clashes with the swept parameter's column`);
    }
  }
  const axisNames = withAxes ? o.sweep.axes.map((a) => a.name) : [];

  // Pass 2: header lines, then each run's sections copied in canonical order.
  const writers = new Map<string, StagedOutput>();
  let summary: StagedOutput | null = null;
  let metricsOut: StagedOutput | null = null;
  const all = (): StagedOutput[] => [...writers.values(), ...(summary ? [summary] : []), ...(metricsOut ? [metricsOut] : [])];
  const buf = Buffer.allocUnsafe(CHUNK);
  try {
    for (const [name, t] of tables) {
      const w = new StagedOutput(join(o.out, name));
      writers.set(name, w);
      w.writeText(csvRows([o.indexColumns ? ['point', 'replicate', ...axisNames, ...t.columns] : t.columns]));
    }
    if (o.summary) summary = new StagedOutput(join(o.out, 'summary.csv'));
    const summaryRuns: SummaryRun[] = [];
    if (o.metrics ?? true) {
      metricsOut = new StagedOutput(join(o.out, 'metrics.csv'));
      metricsOut.writeText(
        csvRows([[...(o.indexColumns ? ['point'] : []), 'replicate', 'seed', ...o.sweep.axes.map((a) => a.name), ...metricNames]]),
      );
    }

    for (let p = 0; p < P; p++) {
      const axisCells = o.sweep.axes.map((a) => cellText(pointAt(o.sweep, p).values[a.key]));
      const tableAxisCells = withAxes ? axisCells : [];
      for (let r = 0; r < R; r++) {
        // Let signals and timers through between parts.
        await new Promise<void>((res) => setImmediate(res));
        if (stop()) throw new AssemblyStopped();
        const path = partPath(p, r);
        const part = open(p, r);
        try {
          const h = part.header;
          if (summary) summaryRuns.push({ point: p, replicate: r, metrics: Object.fromEntries(Object.entries(h.metrics).map(([k, v]) => [k, Number(v)])) });
          metricsOut?.writeText(
            csvRows([
              [
                ...(o.indexColumns ? [String(p)] : []),
                String(r),
                String(h.seed),
                ...axisCells,
                ...metricNames.map((m) => (h.metrics[m] === undefined ? '' : cellText(Number(h.metrics[m])))),
              ],
            ]),
          );
          for (const t of h.tables) {
            if (isHiddenTable(t.name)) continue;
            const layout = tables.get(t.name)!;
            const w = writers.get(t.name)!;
            const same =
              h.index === o.indexColumns && t.columns.length === layout.columns.length && t.columns.every((c, j) => layout.columns[j] === c);
            if (same && tableAxisCells.length > 0) insertAxisCells(path, part, t, w, buf, `${p},${r},`, tableAxisCells);
            else if (same) copySection(path, part, t, w, buf);
            else remapSection(path, part, t, layout, o.indexColumns ? [String(p), String(r), ...tableAxisCells] : null, w);
          }
        } finally {
          closeSync(part.fd);
        }
      }
    }
    if (summary) {
      const points = summarizePoints(
        Array.from({ length: P }, (_, p) => ({ point: p, values: axisValuesByName(o.sweep, p) })),
        summaryRuns,
        o.summarize,
      );
      summary.writeText(csvRows(summaryTable(points, o.sweep, o.indexColumns)));
      o.onSummary?.(points);
    }
    for (const w of all()) w.close();
    if (o.format === 'parquet') return await stagedAsParquet(all().map((w) => w.staged), o.threads ?? 1, stop);
  } catch (e) {
    for (const w of all()) {
      try {
        w.close();
      } catch {
        // already failing
      }
    }
    discardStaged(all().map((w) => w.staged));
    throw e;
  }
  return all().map((w) => w.staged);
}

/**
 * `--format parquet`: converts each staged CSV file into `<name>.parquet` (same columns, src/io/parquet.ts),
 * staged under a temporary name; the staged CSV files are removed. On failure or stop nothing is left.
 */
async function stagedAsParquet(csv: readonly StagedFile[], threads: number, stop: () => boolean): Promise<StagedFile[]> {
  const pause = async () => {
    await new Promise<void>((res) => setImmediate(res));
    if (stop()) throw new AssemblyStopped();
  };
  const out: StagedFile[] = csv.map((f) => {
    const name = f.name.replace(/\.csv$/, '') + '.parquet';
    const final = join(dirname(f.final), name);
    return { name, tmp: join(dirname(final), `.${name}.${process.pid}.partial`), final };
  });
  try {
    await csvFilesToParquet(
      csv.map((f, i) => ({ src: f.tmp, dest: out[i].tmp })),
      threads,
      pause,
    );
    for (const f of csv) rmSync(f.tmp, { force: true });
  } catch (e) {
    discardStaged([...csv, ...out]);
    throw e;
  }
  return out;
}

/** Renames the staged files into place, in order. */
export function commitStaged(files: readonly StagedFile[]): void {
  for (const f of files) {
    try {
      renameSync(f.tmp, f.final);
    } catch (e) {
      throw writeFailure(f.final, e);
    }
  }
}

export function discardStaged(files: readonly StagedFile[]): void {
  for (const f of files) rmSync(f.tmp, { force: true });
}
