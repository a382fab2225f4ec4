// Parquet output: a CSV file the tool wrote, converted to a Parquet file with the same columns, in the same
// order, with the same names. The library (hyparquet-writer, pure JavaScript) is loaded only when a Parquet
// file is written, so commands that write CSV do not pay for it.
//
// Column types, from the cells of the whole column (what a CSV reader such as pandas infers from the text):
//   INT64   every non-empty cell is an integer that a float64 holds exactly (point, replicate, seed, epoch,
//           index, …);
//   DOUBLE  every non-empty cell is a number (String(x) of a float64: digits, '.', exponent, ±Infinity),
//           or the column has no non-empty cell; each value is Number(cell), the exact double the CSV text
//           denotes (the tool writes the shortest text that reads back to the same float64);
//   STRING  otherwise (UTF-8 text).
// Every column is OPTIONAL: an empty cell is a null. Compression: Snappy, which every Parquet reader
// (pyarrow/pandas, polars, R arrow, DuckDB, Spark) reads. Row groups of ROW_GROUP rows.
// The bytes depend only on the CSV text: no timestamp, no writer version, no host in the file (the
// `created_by` field is a constant), so the same run gives the same Parquet bytes, as it gives the same CSV.
// Memory: one row group (the file is read twice in chunks: once for the types, once to encode).

import { closeSync, openSync, rmSync, statSync } from 'node:fs';
import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { csvFileRowChunks } from './csv.js';
import { writeAll, writeFailure } from './files.js';

export type ParquetColumnType = 'INT64' | 'DOUBLE' | 'STRING';

/** Rows per row group. */
export const ROW_GROUP = 100_000;
/** The file's `created_by` (constant: no version, so the bytes do not change with the tool's version). */
export const CREATED_BY = 'allora-sim (hyparquet-writer)';

const INTEGER = /^-?\d+$/;
const NUMBER = /^[+-]?(?:Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)$/;

/** 0 = only empty cells so far, 1 = integers, 2 = numbers, 3 = text. */
type Rank = 0 | 1 | 2 | 3;

function cellRank(text: string): Rank {
  if (text === '') return 0;
  if (INTEGER.test(text) && Number.isSafeInteger(Number(text))) return 1;
  return NUMBER.test(text) ? 2 : 3;
}

/** The column types of a table, widened cell by cell (integer < number < text). */
export class ColumnTypes {
  private readonly ranks: Rank[];

  constructor(readonly width: number) {
    this.ranks = new Array<Rank>(width).fill(0);
  }

  scan(row: readonly string[]): void {
    const r = this.ranks;
    for (let j = 0; j < r.length; j++) {
      if (r[j] === 3) continue;
      const k = cellRank(row[j] ?? '');
      if (k > r[j]) r[j] = k;
    }
  }

  types(): ParquetColumnType[] {
    return this.ranks.map((k) => (k === 1 ? 'INT64' : k === 3 ? 'STRING' : 'DOUBLE'));
  }
}

/** A cell's value in a column of type `t`: null for an empty cell. */
export function parquetValue(t: ParquetColumnType, text: string): bigint | number | string | null {
  if (text === '') return null;
  if (t === 'INT64') return BigInt(text);
  if (t === 'DOUBLE') return Number(text);
  return text;
}

type Library = typeof import('hyparquet-writer');
let library: Promise<Library> | null = null;
/** The Parquet library, loaded on first use. */
const loadLibrary = (): Promise<Library> => (library ??= import('hyparquet-writer'));

/** Where encoded bytes go. */
export type ByteSink = (bytes: Uint8Array) => void;

/**
 * Writes a Parquet file of `columns` (name, type) to `sink`, ROW_GROUP rows at a time: `row` takes one
 * row's cell texts (CSV cells), `end` writes the last row group and the footer.
 */
export async function parquetTableWriter(
  columns: readonly { name: string; type: ParquetColumnType }[],
  sink: ByteSink,
): Promise<{ row(cells: readonly string[]): void; end(): void }> {
  const { ByteWriter, ParquetWriter } = await loadLibrary();
  const bytes = new ByteWriter(1 << 20);
  const drain = () => {
    if (bytes.index > 0) sink(new Uint8Array(bytes.buffer, 0, bytes.index));
    bytes.index = 0;
  };
  // `flush` is called by the library after each row group: the bytes are handed on (it never reads them
  // back; `offset` keeps counting the whole file).
  const out = Object.assign(bytes, { flush: drain });
  const pq = new ParquetWriter({
    writer: out,
    schema: [
      { name: 'root', num_children: columns.length },
      ...columns.map((c) => ({
        name: c.name,
        type: c.type === 'STRING' ? ('BYTE_ARRAY' as const) : c.type,
        ...(c.type === 'STRING' ? { converted_type: 'UTF8' as const } : {}),
        repetition_type: 'OPTIONAL' as const,
      })),
    ],
    codec: 'SNAPPY',
    createdBy: CREATED_BY,
  });
  const types = columns.map((c) => c.type);
  let data: (bigint | number | string | null)[][] = types.map(() => []);
  let rows = 0;
  const writeGroup = () => {
    if (rows === 0) return;
    const r = pq.write({ columnData: columns.map((c, j) => ({ name: c.name, data: data[j] })), rowGroupSize: rows });
    if (r instanceof Promise) throw new Error('parquet: unexpected asynchronous write');
    data = types.map(() => []);
    rows = 0;
  };
  // The previous row's cell and value per column: index columns (point, replicate, seed, epoch) repeat
  // their cell from row to row, so most BigInts are not made anew.
  const lastText: (string | undefined)[] = types.map(() => undefined);
  const lastValue: (bigint | number | string | null)[] = types.map(() => null);
  return {
    row(cells) {
      for (let j = 0; j < types.length; j++) {
        const text = cells[j] ?? '';
        if (text !== lastText[j]) {
          lastText[j] = text;
          lastValue[j] = parquetValue(types[j], text);
        }
        data[j].push(lastValue[j]);
      }
      if (++rows >= ROW_GROUP) writeGroup();
    },
    end() {
      writeGroup();
      const r = pq.finish();
      if (r instanceof Promise) throw new Error('parquet: unexpected asynchronous finish');
      drain();
    },
  };
}

/**
 * Converts the CSV file `src` (header line first, as the tool writes them) into a Parquet file at `dest`
 * (written as is: the caller stages it under a temporary name). `pause` is awaited between chunks (to let
 * signals through; it may throw to stop). Returns the column names and types and the number of rows.
 */
export async function csvFileToParquet(
  src: string,
  dest: string,
  pause: () => Promise<void> = async () => undefined,
): Promise<{ columns: { name: string; type: ParquetColumnType }[]; rows: number }> {
  // Pass 1: the header and the column types.
  let header: string[] | null = null;
  let types: ColumnTypes | null = null;
  for await (const chunk of csvFileRowChunks(src)) {
    for (const row of chunk) {
      if (header === null) {
        header = row;
        types = new ColumnTypes(row.length);
      } else types!.scan(row);
    }
    await pause();
  }
  if (header === null || types === null) throw new Error(`${src}: empty CSV file (no header line)`);
  const t = types.types();
  const columns = header.map((name, j) => ({ name, type: t[j] }));
  // Pass 2: encode.
  let fd: number;
  try {
    fd = openSync(dest, 'w');
  } catch (e) {
    throw writeFailure(dest, e);
  }
  let rows = 0;
  try {
    const w = await parquetTableWriter(columns, (b) => {
      try {
        writeAll(fd, b);
      } catch (e) {
        throw writeFailure(dest, e);
      }
    });
    let first = true;
    for await (const chunk of csvFileRowChunks(src)) {
      for (const row of chunk) {
        if (first) first = false;
        else {
          if (row.length !== columns.length) throw new Error(`${src}: row ${rows + 1} has ${row.length} cells, the header ${columns.length}`);
          w.row(row);
          rows++;
        }
      }
      await pause();
    }
    w.end();
  } catch (e) {
    closeSync(fd);
    rmSync(dest, { force: true });
    throw e;
  }
  closeSync(fd);
  return { columns, rows };
}

/** This module as JavaScript (a worker thread cannot load the TypeScript source the tests run from). */
function compiledSelf(): URL {
  const self = new URL(import.meta.url);
  return self.pathname.endsWith('.js') ? self : new URL('../../dist/src/io/parquet.js', import.meta.url);
}

/**
 * Converts several CSV files (`csvFileToParquet` each), up to `threads` at once in worker threads (in this
 * thread when `threads` ≤ 1 or there is one file). Each file's bytes are the same either way. `pause` is
 * awaited while they run (it may throw to stop: the workers are then ended, and the caller removes the
 * files).
 */
export async function csvFilesToParquet(
  jobs: readonly { src: string; dest: string }[],
  threads: number,
  pause: () => Promise<void> = async () => undefined,
): Promise<void> {
  if (threads <= 1 || jobs.length <= 1) {
    for (const j of jobs) await csvFileToParquet(j.src, j.dest, pause);
    return;
  }
  // Largest first, so that the threads finish together.
  const queue = [...jobs].sort((a, b) => statSync(b.src).size - statSync(a.src).size);
  const running = new Set<Worker>();
  let failure: unknown = null;
  const start = (job: { src: string; dest: string }): Promise<void> =>
    new Promise((resolveJob) => {
      const w = new Worker(compiledSelf(), { workerData: { parquetConvert: job } });
      running.add(w);
      w.once('error', (e) => {
        failure ??= e;
      });
      w.once('exit', (code) => {
        running.delete(w);
        if (code !== 0) failure ??= new Error(`${job.src}: the Parquet conversion stopped (worker exit code ${code})`);
        resolveJob();
      });
    });
  const lanes = Array.from({ length: Math.min(threads, queue.length) }, async () => {
    for (let job = queue.shift(); job !== undefined && failure === null; job = queue.shift()) await start(job);
  });
  let done = false;
  const all = Promise.all(lanes).then(() => {
    done = true;
  });
  try {
    while (!done && failure === null) {
      await Promise.race([all, new Promise((r) => setTimeout(r, 50))]);
      await pause();
    }
  } catch (e) {
    failure ??= e;
  }
  if (failure !== null) {
    await Promise.all([...running].map((w) => w.terminate()));
    throw failure;
  }
}

// A worker thread of csvFilesToParquet: one file, then exit (an error ends the thread with it).
if (!isMainThread && (workerData as { parquetConvert?: unknown } | null)?.parquetConvert) {
  const { src, dest } = (workerData as { parquetConvert: { src: string; dest: string } }).parquetConvert;
  await csvFileToParquet(src, dest);
}
