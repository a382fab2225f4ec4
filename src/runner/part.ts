// Per-run part files (`<out>/.runs/p<point>-r<replicate>.ndjson`): one finished run's tables and metrics,
// written atomically (temporary name, then rename) by the thread that ran the job; they are both the input
// of the final assembly and the checkpoint that `resume` skips. (The `.ndjson` name is historical: only
// the first line is JSON.)
//
// Format v2 (UTF-8):
//   line 1: header {"v":2,"point":P,"replicate":R,"seed":S,"index":true|false,"metrics":{name: text},
//                   "tables":[{"name":"losses.csv","columns":[…],"rows":N,"offset":O,"length":L}, …]}
//   then, for each table in header order, its CSV section: L bytes starting at byte O of the file — N rows
//   of final CSV text (csv-stringify's default quoting, each row ending in "\n", no header line). When
//   `index` is true every row starts with the `point,replicate,` index cells.
//   The sections are contiguous: the first starts right after the header line, each next one where the
//   previous ends, and the file ends where the last one ends (so a truncated file is detected).
// Cells: numbers as String(x) (full precision; Infinity stays "Infinity"), NaN / null → empty cell, strings
// as is, booleans 'true' / 'false'. Metric values are stored as String(x) (round-trips exactly through
// Number(), NaN included).
// The rows are formatted in the worker, so the final assembly is a byte copy of the sections, and the
// outputs are the same bytes whichever thread ran the job.

import { closeSync, fstatSync, openSync, readSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { stringify } from 'csv-stringify/sync';
import type { RunCell, TableWriter } from './types.js';

export const PART_VERSION = 2;

export interface PartMeta {
  point: number;
  replicate: number;
  seed: number;
}

export interface PartTableInfo {
  name: string;
  /** The table's own columns (without the index columns). */
  columns: string[];
  rows: number;
  /** Byte offset of the table's CSV section in the part file. */
  offset: number;
  /** Byte length of the section. */
  length: number;
}

export interface PartHeader extends PartMeta {
  v: number;
  /** Whether each row starts with the `point,replicate` index cells. */
  index: boolean;
  metrics: Record<string, string>;
  tables: PartTableInfo[];
}

/** An encoded part: the header line (with its trailing newline) and the CSV sections, in header order. */
export interface EncodedPart {
  header: PartHeader;
  headerLine: string;
  /** UTF-8 bytes of each table's CSV section. */
  sections: Buffer[];
}

/** File names the runner writes itself; a job may not produce tables with these names. */
export const RESERVED_NAMES = new Set(['summary.csv', 'manifest.json']);
const TABLE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export function partFileName(point: number, replicate: number): string {
  return `p${point}-r${replicate}.ndjson`;
}

/** Text of one cell: numbers String(x), NaN / null / undefined → '', strings as is, booleans 'true'/'false'. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isNaN(v) ? '' : String(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  throw new TypeError(`cell of type ${typeof v} (expected number, string or null)`);
}

/** CSV text of rows of cell texts (csv-stringify, default options): every row ending in "\n". Used for
 *  header lines, summary.csv and the column-union slow path. */
export function csvRows(rows: readonly (readonly string[])[]): string {
  return rows.length === 0 ? '' : stringify(rows as string[][], { eof: true });
}

const NEEDS_QUOTES = /[",\n\r]/;

/** A cell text as csv-stringify writes it with its default options (delimiter ',', quote and escape '"',
 *  record delimiter "\n"): quoted, with its quotes doubled, when it contains a comma, a quote, "\n" or
 *  "\r"; as is otherwise (the empty string included). */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One row as CSV text ending in "\n", `prefix` (e.g. the index cells "3,1,") first: the same bytes as
 * csv-stringify's (`csvRows`) on the rows' `cellText`s, four times faster — this is the workers' hot path
 * (the equivalence is checked in test/runner/part.test.ts). Throws on a cell of a bad type.
 */
export function csvLine(row: readonly unknown[], prefix = ''): string {
  let line = prefix;
  for (let j = 0; j < row.length; j++) {
    const v = row[j];
    // Numbers (nearly every cell) never need quotes: String(x) is digits, '.', 'e', '+', '-', Infinity.
    const t = typeof v === 'number' ? (v !== v ? '' : String(v)) : csvField(cellText(v));
    line += j === 0 ? t : `,${t}`;
  }
  return `${line}\n`;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The header line (JSON + "\n") with absolute section offsets: the offsets depend on the header's own
 *  length, so iterate until that length is stable (it only grows, by digits, so this ends quickly). */
function headerLineFor(base: Omit<PartHeader, 'tables'>, tables: Omit<PartTableInfo, 'offset'>[]): { header: PartHeader; line: string } {
  let start = 0;
  for (;;) {
    let offset = start;
    const infos = tables.map((t) => {
      const info: PartTableInfo = { ...t, offset };
      offset += t.length;
      return info;
    });
    const header: PartHeader = { ...base, tables: infos };
    const line = `${JSON.stringify(header)}\n`;
    const len = Buffer.byteLength(line);
    if (len === start) return { header, line };
    start = len;
  }
}

/** Metric values as stored in a part header (String(x); null/undefined → 'NaN'). */
function metricTexts(metrics: unknown): Record<string, string> {
  if (!isRecord(metrics)) throw new Error('runJob result: metrics must be an object { name: number }');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metrics)) {
    if (v === null || v === undefined) out[k] = 'NaN';
    else if (typeof v === 'number') out[k] = String(v);
    else throw new Error(`runJob result: metric ${k} is ${typeof v}, expected a number`);
  }
  return out;
}

/**
 * Builds a part while the job runs: `writer` is the job's TableWriter (each row is formatted to CSV at
 * once, in the worker, so no cell array outlives its call), `finish` encodes the part from the formatted
 * sections and the run's metrics. Throws an Error naming what is wrong (the run is then reported failed).
 * With `indexColumns`, every row starts with the point and replicate cells.
 */
export function partBuilder(meta: PartMeta, indexColumns: boolean): { writer: TableWriter; finish(result: unknown): EncodedPart } {
  const prefix = indexColumns ? `${meta.point},${meta.replicate},` : '';
  // Rows are appended to `pending` and moved to `chunks` every 64 KiB (cheap concatenation, few strings).
  const tables: { name: string; columns: string[]; rows: number; chunks: string[]; pending: string }[] = [];
  const names = new Set<string>();
  const writer: TableWriter = {
    table(name, columns) {
      if (typeof name !== 'string' || !TABLE_NAME.test(name) || RESERVED_NAMES.has(name)) {
        throw new Error(`runJob: table name '${String(name)}' is not allowed (a plain file name, not ${[...RESERVED_NAMES].join(' / ')})`);
      }
      if (names.has(name)) throw new Error(`runJob: table ${name} declared twice`);
      if (!Array.isArray(columns) || columns.length === 0 || !columns.every((c) => typeof c === 'string')) {
        throw new Error(`runJob: table ${name}: columns must be a non-empty list of strings`);
      }
      if (new Set(columns).size !== columns.length) throw new Error(`runJob: table ${name}: duplicate column names`);
      names.add(name);
      const t = { name, columns: [...columns], rows: 0, chunks: [] as string[], pending: '' };
      tables.push(t);
      const width = columns.length;
      return (row) => {
        if (!Array.isArray(row) || row.length !== width) {
          throw new Error(`runJob: table ${name}, row ${t.rows}: expected ${width} cells, got ${Array.isArray(row) ? row.length : typeof row}`);
        }
        try {
          t.pending += csvLine(row, prefix);
        } catch (e) {
          throw new Error(`runJob: table ${name}, row ${t.rows}: ${(e as Error).message}`);
        }
        t.rows++;
        if (t.pending.length > 1 << 16) {
          t.chunks.push(t.pending);
          t.pending = '';
        }
      };
    },
  };
  return {
    writer,
    finish(result) {
      if (!isRecord(result)) throw new Error(`runJob returned ${result === null ? 'null' : typeof result}, expected { metrics }`);
      const metricText = metricTexts(result.metrics ?? {});
      const infos: Omit<PartTableInfo, 'offset'>[] = [];
      const sections: Buffer[] = [];
      for (const t of tables) {
        const bytes = Buffer.from(t.chunks.join('') + t.pending, 'utf8');
        sections.push(bytes);
        infos.push({ name: t.name, columns: t.columns, rows: t.rows, length: bytes.length });
      }
      const { header, line } = headerLineFor({ v: PART_VERSION, ...meta, index: indexColumns, metrics: metricText }, infos);
      return { header, headerLine: line, sections };
    },
  };
}

/**
 * Encodes a finished result given as whole tables, `{ tables: { name: { columns, rows } }, metrics }`,
 * through the same builder (tests and callers that already hold their rows).
 */
export function encodePart(meta: PartMeta, result: unknown, indexColumns: boolean): EncodedPart {
  if (!isRecord(result)) throw new Error(`runJob returned ${result === null ? 'null' : typeof result}, expected { tables, metrics }`);
  const tables = result.tables ?? {};
  if (!isRecord(tables)) throw new Error('runJob result: tables must be an object { "name.csv": { columns, rows } }');
  metricTexts(result.metrics ?? {});
  const b = partBuilder(meta, indexColumns);
  for (const [name, t] of Object.entries(tables)) {
    if (!isRecord(t) || !Array.isArray(t.columns) || !Array.isArray(t.rows)) {
      throw new Error(`runJob result: table ${name} must be { columns: string[], rows: cell[][] }`);
    }
    const row = b.writer.table(name, t.columns as string[]);
    for (const r of t.rows as RunCell[][]) row(r);
  }
  return b.finish(result);
}

/** The whole part file as one string (tests; the writer streams the pieces). */
export function partText(part: EncodedPart): string {
  return part.headerLine + part.sections.map((b) => b.toString('utf8')).join('');
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

/** Writes a part file atomically (temporary name in the same directory, then rename). */
export function writePartAtomic(dir: string, name: string, part: EncodedPart): void {
  const tmp = join(dir, `.${name}.${process.pid}-${threadId}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    try {
      writeAll(fd, Buffer.from(part.headerLine, 'utf8'));
      for (const s of part.sections) writeAll(fd, s);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(dir, name));
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Removes temporary files a killed process may have left in the parts directory. */
export function removeStaleTemps(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) if (n.startsWith('.') && n.endsWith('.tmp')) rmSync(join(dir, n), { force: true });
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

function checkHeader(path: string, h: unknown, headerBytes: number, size: number): PartHeader {
  if (!isRecord(h) || typeof h.v !== 'number') throw new Error(`${path}: corrupt part file (bad header); delete it and resume`);
  if (h.v !== PART_VERSION) {
    throw new Error(`${path}: not a part file of this version (format v${String(h.v)}, this version reads v${PART_VERSION}); delete it and resume`);
  }
  const bad = (what: string) => new Error(`${path}: corrupt part file (${what}); delete it and resume`);
  if (!Array.isArray(h.tables) || !isRecord(h.metrics) || typeof h.index !== 'boolean') throw bad('bad header');
  if (!isCount(h.point) || !isCount(h.replicate) || !isCount(h.seed)) throw bad('bad header');
  let end = headerBytes;
  for (const t of h.tables as unknown[]) {
    if (
      !isRecord(t) ||
      typeof t.name !== 'string' ||
      !Array.isArray(t.columns) ||
      t.columns.length === 0 ||
      !t.columns.every((c) => typeof c === 'string') ||
      !isCount(t.rows) ||
      !isCount(t.offset) ||
      !isCount(t.length)
    ) {
      throw bad('bad table entry in the header');
    }
    if (t.offset !== end) throw bad(`table ${t.name}: section at byte ${t.offset}, expected ${end}`);
    if ((t.rows === 0) !== (t.length === 0)) throw bad(`table ${t.name}: ${t.rows} rows in ${t.length} bytes`);
    end += t.length;
  }
  if (size < end) throw new Error(`${path}: truncated part file (${size} bytes, its header lists ${end}); delete it and resume`);
  if (size > end) throw bad(`${size} bytes, its header lists ${end}`);
  return h as unknown as PartHeader;
}

/** An open part file: its descriptor (close it), validated header and size. */
export interface OpenPart {
  fd: number;
  header: PartHeader;
  size: number;
}

/** Opens a part file and reads and validates its header (version, section layout, file size) without
 *  reading the sections. */
export function openPart(path: string): OpenPart {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const chunks: Buffer[] = [];
    const buf = Buffer.allocUnsafe(16 * 1024);
    let pos = 0;
    let headerBytes = -1;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      const nl = buf.subarray(0, n).indexOf(0x0a);
      if (nl >= 0) {
        chunks.push(Buffer.from(buf.subarray(0, nl)));
        headerBytes = pos + nl + 1;
        break;
      }
      chunks.push(Buffer.from(buf.subarray(0, n)));
      pos += n;
    }
    if (headerBytes < 0) {
      if (pos === 0) throw new Error(`${path}: empty part file; delete it and resume`);
      throw new Error(`${path}: truncated part file (incomplete header line); delete it and resume`);
    }
    let h: unknown;
    try {
      h = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new Error(`${path}: corrupt part file (unreadable header); delete it and resume`);
    }
    return { fd, header: checkHeader(path, h, headerBytes, size), size };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** Reads and validates the header of a part file without reading the rest. */
export function readPartHeader(path: string): PartHeader {
  const p = openPart(path);
  closeSync(p.fd);
  return p.header;
}
