// Final outputs, assembled from the part files in canonical (point, replicate) order. The workers have
// already formatted every row as final CSV text (part.ts), so a table is its header line followed by a
// byte copy of each run's section, in large chunks — no per-row work here, and memory stays flat whatever
// the number of runs:
//   <out>/<table name>   one per table name any run produced: [point, replicate,] then the table's columns
//                        (the union over runs, in order of first appearance; a run lacking a column leaves
//                        its cells empty), rows of run (0,0), (0,1), …, (1,0), …
//   <out>/summary.csv    one row per grid point: [point,] the axis values (columns named as typed in
//                        --grid), then for every metric m (union over runs, first-appearance order)
//                        m_mean, m_std, m_median, m_p10, m_p90 over the point's replicates.
//   <out>/metrics.csv    one row per run, canonical order: [point,] replicate, seed, the axis values (sweeps;
//                        columns named as typed), then every metric of the run (union over runs, in order
//                        of first appearance; a metric a run lacks is an empty cell, NaN too).
// A run whose columns differ from the union (or whose part was written with the other index-column
// setting) takes a slow path: its section is parsed with csv-parse and re-stringified into the union's
// layout. The real job never needs it.
// Files are written under temporary names and only renamed into place by `commitStaged` once everything
// is written.

import { closeSync, openSync, renameSync, rmSync } from 'node:fs';
import { writeAll, writeFailure } from '../io/files.js';
import { basename, dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { distribution } from '../stats/summary.js';
import { csvFilesToParquet } from '../io/parquet.js';
import { pointAt, pointCount, type Sweep } from './grid.js';
import { isHiddenTable } from './types.js';
import { PartDamagedError, cellText, csvRows, openPart, partFileName, readSection, type OpenPart, type PartTableInfo } from './part.js';

export const METRIC_STATS = ['mean', 'std', 'median', 'p10', 'p90'] as const;

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

/** Statistics of one metric over replicates (src/stats/summary.ts: values that are not finite are left
 *  out; std of one value is 0); NaN where undefined. */
export function metricStats(values: number[]): number[] {
  const d = distribution(values);
  return [d.mean, d.std, d.median, d.p10, d.p90];
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
      w.writeText(csvRows([o.indexColumns ? ['point', 'replicate', ...t.columns] : t.columns]));
    }
    if (o.summary) {
      const cols = [
        ...(o.indexColumns ? ['point'] : []),
        ...o.sweep.axes.map((a) => a.name),
        ...metricNames.flatMap((m) => METRIC_STATS.map((s) => `${m}_${s}`)),
      ];
      summary = new StagedOutput(join(o.out, 'summary.csv'));
      summary.writeText(csvRows([cols]));
    }
    if (o.metrics ?? true) {
      metricsOut = new StagedOutput(join(o.out, 'metrics.csv'));
      metricsOut.writeText(
        csvRows([[...(o.indexColumns ? ['point'] : []), 'replicate', 'seed', ...o.sweep.axes.map((a) => a.name), ...metricNames]]),
      );
    }

    for (let p = 0; p < P; p++) {
      const metricValues = metricNames.map(() => [] as number[]);
      const axisCells = o.sweep.axes.map((a) => cellText(pointAt(o.sweep, p).values[a.key]));
      for (let r = 0; r < R; r++) {
        // Let signals and timers through between parts.
        await new Promise<void>((res) => setImmediate(res));
        if (stop()) throw new AssemblyStopped();
        const path = partPath(p, r);
        const part = open(p, r);
        try {
          const h = part.header;
          metricNames.forEach((m, k) => {
            const v = h.metrics[m];
            if (v !== undefined) metricValues[k].push(Number(v));
          });
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
            if (same) copySection(path, part, t, w, buf);
            else remapSection(path, part, t, layout, o.indexColumns ? [String(p), String(r)] : null, w);
          }
        } finally {
          closeSync(part.fd);
        }
      }
      if (summary) {
        const point = pointAt(o.sweep, p);
        const row = [
          ...(o.indexColumns ? [String(p)] : []),
          ...o.sweep.axes.map((a) => cellText(point.values[a.key])),
          ...metricValues.flatMap((vs) => metricStats(vs).map(cellText)),
        ];
        summary.writeText(csvRows([row]));
      }
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
