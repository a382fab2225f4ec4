// Final outputs, assembled by streaming the part files in canonical (point, replicate) order through
// csv-stringify, so memory stays flat whatever the number of runs:
//   <out>/<table name>   one per table name any run produced: [point, replicate,] then the table's columns
//                        (the union over runs, in order of first appearance; a run lacking a column leaves
//                        its cells empty), rows of run (0,0), (0,1), …, (1,0), …
//   <out>/summary.csv    one row per grid point: [point,] the axis values (columns named as typed in
//                        --grid), then for every metric m (union over runs, first-appearance order)
//                        m_mean, m_std, m_median, m_p10, m_p90 over the point's replicates.
// Files are written under temporary names and only renamed into place by `commitStaged` once everything
// is written.

import { createReadStream, createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { stringify } from 'csv-stringify';
import { mean, quantileSorted, sampleStandardDeviation } from 'simple-statistics';
import { pointAt, pointCount, type Sweep } from './grid.js';
import { cellText, partFileName, readPartHeader } from './part.js';

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
  /** Seed each part must carry (guards against stale part files). */
  expectedSeed: (point: number, replicate: number) => number;
  /** Polled between parts; when true the assembly stops and its temporary files are removed. */
  shouldStop?: () => boolean;
}

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

/** A CSV written through csv-stringify to a temporary file, with back-pressure. */
class StagedCsv {
  readonly staged: StagedFile;
  private readonly s: ReturnType<typeof stringify>;
  private readonly out: ReturnType<typeof createWriteStream>;
  private readonly finished: Promise<void>;
  private failure: Error | null = null;

  constructor(final: string, columns: string[]) {
    const tmp = join(dirname(final), `.${basename(final)}.${process.pid}.partial`);
    this.staged = { name: basename(final), tmp, final };
    const out = createWriteStream(tmp);
    this.out = out;
    this.s = stringify({ header: true, columns, eof: true });
    this.s.pipe(out);
    this.finished = new Promise<void>((resolve, reject) => {
      out.on('finish', resolve);
      const fail = (e: Error) => {
        this.failure = e;
        reject(e);
      };
      out.on('error', fail);
      this.s.on('error', fail);
    });
    this.finished.catch(() => undefined);
  }

  async write(row: string[]): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.s.write(row)) {
      await Promise.race([once(this.s, 'drain'), this.finished]);
      if (this.failure) throw this.failure;
    }
  }

  async end(): Promise<void> {
    this.s.end();
    await this.finished;
  }

  /** Stops writing and waits until the temporary file is closed (so it can be removed). */
  async destroy(): Promise<void> {
    this.s.unpipe(this.out);
    this.s.destroy();
    if (!this.out.closed) {
      const closed = once(this.out, 'close').catch(() => undefined);
      this.out.destroy();
      await closed;
    }
  }
}

/** Statistics of one metric over replicates (NaN values are left out); NaN where undefined. */
export function metricStats(values: number[]): number[] {
  const xs = values.filter((x) => !Number.isNaN(x));
  if (xs.length === 0) return METRIC_STATS.map(() => NaN);
  const sorted = [...xs].sort((a, b) => a - b);
  return [
    mean(xs),
    xs.length >= 2 ? sampleStandardDeviation(xs) : NaN,
    quantileSorted(sorted, 0.5),
    quantileSorted(sorted, 0.1),
    quantileSorted(sorted, 0.9),
  ];
}

interface TableLayout {
  columns: string[];
  colIndex: Map<string, number>;
}

/** Writes every final file under a temporary name; returns them for `commitStaged` / `discardStaged`. */
export async function assembleOutputs(o: AssembleOptions): Promise<StagedFile[]> {
  const P = pointCount(o.sweep);
  const R = o.replicates;
  const stop = o.shouldStop ?? (() => false);
  const partPath = (p: number, r: number) => join(o.runsDir, partFileName(p, r));

  // Pass 1: headers only — table names, column unions, metric names.
  const tables = new Map<string, TableLayout>();
  const metricNames: string[] = [];
  const metricSeen = new Set<string>();
  for (let p = 0; p < P; p++) {
    for (let r = 0; r < R; r++) {
      if (stop()) throw new AssemblyStopped();
      const path = partPath(p, r);
      const h = readPartHeader(path);
      const seed = o.expectedSeed(p, r);
      if (h.point !== p || h.replicate !== r || h.seed !== seed) {
        throw new Error(
          `${path}: belongs to another run (point ${h.point}, replicate ${h.replicate}, seed ${h.seed}; expected ${p}, ${r}, ${seed}); delete it and resume`,
        );
      }
      for (const t of h.tables) {
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

  // Pass 2: stream the rows.
  const writers = new Map<string, StagedCsv>();
  let summary: StagedCsv | null = null;
  const all = (): StagedCsv[] => [...writers.values(), ...(summary ? [summary] : [])];
  try {
    for (const [name, t] of tables) {
      writers.set(name, new StagedCsv(join(o.out, name), o.indexColumns ? ['point', 'replicate', ...t.columns] : t.columns));
    }
    if (o.summary) {
      const cols = [
        ...(o.indexColumns ? ['point'] : []),
        ...o.sweep.axes.map((a) => a.name),
        ...metricNames.flatMap((m) => METRIC_STATS.map((s) => `${m}_${s}`)),
      ];
      summary = new StagedCsv(join(o.out, 'summary.csv'), cols);
    }

    for (let p = 0; p < P; p++) {
      const metricValues = metricNames.map(() => [] as number[]);
      for (let r = 0; r < R; r++) {
        if (stop()) throw new AssemblyStopped();
        const lines = createInterface({ input: createReadStream(partPath(p, r)), crlfDelay: Infinity });
        let header: ReturnType<typeof readPartHeader> | null = null;
        let ti = 0;
        let left = 0;
        let writer: StagedCsv | undefined;
        let map: number[] | null = null;
        let width = 0;
        const index = [String(p), String(r)];
        for await (const line of lines) {
          if (header === null) {
            header = JSON.parse(line) as ReturnType<typeof readPartHeader>;
            metricNames.forEach((m, k) => {
              const v = header!.metrics[m];
              if (v !== undefined) metricValues[k].push(Number(v));
            });
            continue;
          }
          while (left === 0) {
            const info = header.tables[ti++];
            if (!info) throw new Error(`${partPath(p, r)}: more rows than its header lists`);
            left = info.rows;
            writer = writers.get(info.name);
            const layout = tables.get(info.name)!;
            width = layout.columns.length;
            const same = info.columns.length === width && info.columns.every((c, j) => layout.columns[j] === c);
            map = same ? null : info.columns.map((c) => layout.colIndex.get(c)!);
          }
          const cells = JSON.parse(line) as string[];
          let row: string[];
          if (map === null) row = cells;
          else {
            row = new Array<string>(width).fill('');
            for (let j = 0; j < cells.length; j++) row[map[j]] = cells[j];
          }
          await writer!.write(o.indexColumns ? [...index, ...row] : row);
          left--;
        }
        if (header === null) throw new Error(`${partPath(p, r)}: empty part file; delete it and resume`);
        const expectedRows = header.tables.slice(ti).reduce((n, t) => n + t.rows, left);
        if (expectedRows !== 0) throw new Error(`${partPath(p, r)}: truncated part file; delete it and resume`);
      }
      if (summary) {
        const point = pointAt(o.sweep, p);
        const row = [
          ...(o.indexColumns ? [String(p)] : []),
          ...o.sweep.axes.map((a) => cellText(point.values[a.key])),
          ...metricValues.flatMap((vs) => metricStats(vs).map(cellText)),
        ];
        await summary.write(row);
      }
    }
    for (const w of all()) await w.end();
  } catch (e) {
    for (const w of all()) await w.destroy();
    discardStaged(all().map((w) => w.staged));
    throw e;
  }
  return all().map((w) => w.staged);
}

/** Renames the staged files into place, in order. */
export function commitStaged(files: readonly StagedFile[]): void {
  for (const f of files) renameSync(f.tmp, f.final);
}

export function discardStaged(files: readonly StagedFile[]): void {
  for (const f of files) rmSync(f.tmp, { force: true });
}
