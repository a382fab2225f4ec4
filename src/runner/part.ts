// Per-run part files (`<out>/.runs/p<point>-r<replicate>.ndjson`): one finished run's tables and metrics,
// written atomically (temporary name, then rename) by the thread that ran the job; they are both the input
// of the final assembly and the checkpoint that `resume` skips. (The `.ndjson` name is historical: only
// the first line is JSON.)
//
// Format v3 (UTF-8):
//   line 1: header {"v":3,"point":P,"replicate":R,"seed":S,"index":true|false,"metrics":{name: text},
//                   "tables":[{"name":"losses.csv","columns":[…],"rows":N,"offset":O,"length":L,
//                              "sha256":"<hex of the section>"}, …],"sha256":"<hex>"}
//   then, for each table in header order, its CSV section: L bytes starting at byte O of the file — N rows
//   of final CSV text (csv-stringify's default quoting, each row ending in "\n", no header line). When
//   `index` is true every row starts with the `point,replicate,` index cells.
//   The sections are contiguous: the first starts right after the header line, each next one where the
//   previous ends, and the file ends where the last one ends (so a truncated file is detected).
//   Checksums: each table's `sha256` is that of its section's bytes; the header's own `sha256` (always the
//   last key, 64 hex digits) is that of the header line with those 64 digits replaced by zeros — so a part
//   damaged anywhere without changing its size is detected (`verifyPart`).
// Cells: numbers as String(x) (full precision; Infinity stays "Infinity"), NaN / null → empty cell, strings
// as is, booleans 'true' / 'false'. Metric values are stored as String(x) (round-trips exactly through
// Number(), NaN included).
// The rows are formatted in the worker and spilled to one temporary file per table in the parts directory
// (`.p<point>-r<replicate>.<k>.<pid>-<thread>.spill`) every 64 KiB, so a run's memory does not grow with its
// epochs; when the job ends the part file is composed from the spills. The final assembly is a byte copy of
// the sections, and the outputs are the same bytes whichever thread ran the job.

import { createHash, type Hash } from 'node:crypto';
import { createReadStream, closeSync, fstatSync, openSync, readSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { parse as parseStream } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { CsvRowEncoder, cellText, csvField, csvLine, csvRows } from '../io/csv.js';
import { writeAll } from '../io/files.js';
import type { RunCell, TableWriter } from './types.js';

export const PART_VERSION = 3;

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
  /** sha256 (hex) of the section's bytes. */
  sha256: string;
}

export interface PartHeader extends PartMeta {
  v: number;
  /** Whether each row starts with the `point,replicate` index cells. */
  index: boolean;
  metrics: Record<string, string>;
  tables: PartTableInfo[];
  /** sha256 (hex) of the header line with this value replaced by 64 zeros. */
  sha256: string;
}

/** A section's bytes: in memory, or a spill file of `length` bytes (removed once the part is written). */
export type PartSection = Buffer | { file: string; length: number };

/** An encoded part: the header line (with its trailing newline) and the CSV sections, in header order. */
export interface EncodedPart {
  header: PartHeader;
  headerLine: string;
  sections: PartSection[];
}

/** A part file that fails its checks (truncated, damaged, another version, another run): re-run it. */
export class PartDamagedError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}; delete it and resume`);
    this.name = 'PartDamagedError';
  }
}

/** File names the runner writes itself; a job may not produce tables with these names. */
export const RESERVED_NAMES = new Set(['summary.csv', 'metrics.csv', 'manifest.json']);
const TABLE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const ZERO_SUM = '0'.repeat(64);
/** Size at which a table's pending text is written to its spill file. */
const SPILL_AT = 1 << 16;

export function partFileName(point: number, replicate: number): string {
  return `p${point}-r${replicate}.ndjson`;
}

// The CSV text of the sections is src/io/csv.ts's (re-exported for the runner's callers).
export { cellText, csvField, csvLine, csvRows };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** The header line (JSON + "\n") with absolute section offsets and its checksum: the offsets depend on the
 *  header's own length, so iterate until that length is stable (it only grows, by digits, so this ends
 *  quickly). */
function headerLineFor(
  base: Omit<PartHeader, 'tables' | 'sha256'>,
  tables: Omit<PartTableInfo, 'offset'>[],
): { header: PartHeader; line: string } {
  let start = 0;
  for (;;) {
    let offset = start;
    const infos = tables.map((t) => {
      const info: PartTableInfo = { name: t.name, columns: t.columns, rows: t.rows, offset, length: t.length, sha256: t.sha256 };
      offset += t.length;
      return info;
    });
    const zeroed = `${JSON.stringify({ ...base, tables: infos, sha256: ZERO_SUM })}\n`;
    const len = Buffer.byteLength(zeroed);
    if (len === start) {
      const sum = sha256(zeroed);
      const header: PartHeader = { ...base, tables: infos, sha256: sum };
      return { header, line: `${zeroed.slice(0, zeroed.length - 67)}${sum}"}\n` };
    }
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

/** Where one table's CSV bytes go while the job runs: memory (chunks) or a spill file. */
interface SectionSink {
  /** Takes the bytes (a view the caller reuses afterwards: copy what you keep). */
  append(bytes: Uint8Array): void;
  /** Ends the section: its bytes (or spill file), length and sha256. */
  end(): { section: PartSection; length: number; sha256: string };
  discard(): void;
}

function memorySink(): SectionSink {
  const chunks: Buffer[] = [];
  const hash: Hash = createHash('sha256');
  let length = 0;
  return {
    append(bytes) {
      chunks.push(Buffer.from(bytes));
      hash.update(bytes);
      length += bytes.length;
    },
    end() {
      const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length);
      return { section: bytes, length, sha256: hash.digest('hex') };
    },
    discard() {},
  };
}

function fileSink(file: string): SectionSink {
  let fd: number | null = openSync(file, 'w');
  const hash: Hash = createHash('sha256');
  let length = 0;
  const close = () => {
    if (fd !== null) closeSync(fd);
    fd = null;
  };
  return {
    append(bytes) {
      writeAll(fd!, bytes);
      hash.update(bytes);
      length += bytes.length;
    },
    end() {
      close();
      return { section: { file, length }, length, sha256: hash.digest('hex') };
    },
    discard() {
      try {
        close();
      } finally {
        rmSync(file, { force: true });
      }
    },
  };
}

export interface PartBuilder {
  /** The job's TableWriter. */
  writer: TableWriter;
  /** Encodes the part from the formatted sections and the run's result (`{ metrics }`). */
  finish(result: unknown): EncodedPart;
  /** Removes the spill files (after a failure; `writePartAtomic` removes them after success). */
  discard(): void;
}

/**
 * Builds a part while the job runs: `writer` is the job's TableWriter (each row is formatted to CSV at
 * once, in the worker, so no cell array outlives its call), `finish` encodes the part from the formatted
 * sections and the run's metrics. Throws an Error naming what is wrong (the run is then reported failed).
 * With `indexColumns`, every row starts with the point and replicate cells. With `spillDir`, each table's
 * text is written to a temporary file there every 64 KiB (memory flat in the run's length); without, it
 * stays in memory.
 */
export function partBuilder(meta: PartMeta, indexColumns: boolean, spillDir?: string): PartBuilder {
  const prefix = indexColumns ? Buffer.from(`${meta.point},${meta.replicate},`, 'utf8') : undefined;
  const tables: { name: string; columns: string[]; rows: number; sink: SectionSink; encoder: CsvRowEncoder }[] = [];
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
      const sink =
        spillDir === undefined
          ? memorySink()
          : fileSink(join(spillDir, `.p${meta.point}-r${meta.replicate}.${tables.length}.${process.pid}-${threadId}.spill`));
      const t = { name, columns: [...columns], rows: 0, sink, encoder: new CsvRowEncoder(SPILL_AT + 4096) };
      tables.push(t);
      const width = columns.length;
      const encoder = t.encoder;
      return (row) => {
        if (!Array.isArray(row) || row.length !== width) {
          throw new Error(`runJob: table ${name}, row ${t.rows}: expected ${width} cells, got ${Array.isArray(row) ? row.length : typeof row}`);
        }
        try {
          encoder.row(row, prefix);
        } catch (e) {
          throw new Error(`runJob: table ${name}, row ${t.rows}: ${(e as Error).message}`);
        }
        if (encoder.length >= SPILL_AT) sink.append(encoder.take());
        t.rows++;
      };
    },
  };
  const discard = () => {
    for (const t of tables) t.sink.discard();
  };
  return {
    writer,
    discard,
    finish(result) {
      if (!isRecord(result)) throw new Error(`runJob returned ${result === null ? 'null' : typeof result}, expected { metrics }`);
      const metricText = metricTexts(result.metrics ?? {});
      const infos: Omit<PartTableInfo, 'offset'>[] = [];
      const sections: PartSection[] = [];
      for (const t of tables) {
        if (t.encoder.length > 0) t.sink.append(t.encoder.take());
        const e = t.sink.end();
        sections.push(e.section);
        infos.push({ name: t.name, columns: t.columns, rows: t.rows, length: e.length, sha256: e.sha256 });
      }
      const { header, line } = headerLineFor({ v: PART_VERSION, ...meta, index: indexColumns, metrics: metricText }, infos);
      return { header, headerLine: line, sections };
    },
  };
}

/**
 * Encodes a finished result given as whole tables, `{ tables: { name: { columns, rows } }, metrics }`,
 * through the same builder, in memory (tests and callers that already hold their rows).
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

/** The whole part file as one string (tests, in-memory parts only; the writer streams the pieces). */
export function partText(part: EncodedPart): string {
  return (
    part.headerLine +
    part.sections
      .map((b) => {
        if (!Buffer.isBuffer(b)) throw new Error('partText: the part is spilled to files');
        return b.toString('utf8');
      })
      .join('')
  );
}

const COPY_CHUNK = 1 << 20;

/** Appends `length` bytes of file `src` to descriptor `fd`. */
function copyFileInto(fd: number, src: string, length: number, buf: Buffer): void {
  const sfd = openSync(src, 'r');
  try {
    let pos = 0;
    while (pos < length) {
      const n = readSync(sfd, buf, 0, Math.min(buf.length, length - pos), pos);
      if (n === 0) throw new Error(`${src}: spill file ended at byte ${pos} of ${length}`);
      writeAll(fd, buf, n);
      pos += n;
    }
  } finally {
    closeSync(sfd);
  }
}

/** Removes the spill files of a part (if any). */
export function discardSpills(part: EncodedPart): void {
  for (const s of part.sections) if (!Buffer.isBuffer(s)) rmSync(s.file, { force: true });
}

/** Writes a part file atomically (temporary name in the same directory, then rename); spill files are
 *  copied in and removed. */
export function writePartAtomic(dir: string, name: string, part: EncodedPart): void {
  const tmp = join(dir, `.${name}.${process.pid}-${threadId}.tmp`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeAll(fd, Buffer.from(part.headerLine, 'utf8'));
      const buf = part.sections.some((s) => !Buffer.isBuffer(s)) ? Buffer.allocUnsafe(COPY_CHUNK) : Buffer.alloc(0);
      for (const s of part.sections) {
        if (Buffer.isBuffer(s)) writeAll(fd, s);
        else copyFileInto(fd, s.file, s.length, buf);
      }
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(dir, name));
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    discardSpills(part);
  }
}

/** Removes temporary and spill files a killed process may have left in the parts directory. */
export function removeStaleTemps(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) if (n.startsWith('.') && (n.endsWith('.tmp') || n.endsWith('.spill'))) rmSync(join(dir, n), { force: true });
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isSum = (x: unknown): x is string => typeof x === 'string' && /^[0-9a-f]{64}$/.test(x);

function checkHeader(path: string, h: unknown, headerLine: string, headerBytes: number, size: number): PartHeader {
  const bad = (what: string) => new PartDamagedError(path, `corrupt part file (${what})`);
  if (!isRecord(h) || typeof h.v !== 'number') throw bad('bad header');
  if (h.v !== PART_VERSION) {
    throw new PartDamagedError(path, `not a part file of this version (format v${String(h.v)}, this version reads v${PART_VERSION})`);
  }
  if (!isSum(h.sha256) || !headerLine.endsWith(`"sha256":"${h.sha256}"}`)) throw bad('no header checksum');
  if (sha256(`${headerLine.slice(0, headerLine.length - 66)}${ZERO_SUM}"}\n`) !== h.sha256) throw bad('header checksum mismatch');
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
      !isCount(t.length) ||
      !isSum(t.sha256)
    ) {
      throw bad('bad table entry in the header');
    }
    if (t.offset !== end) throw bad(`table ${t.name}: section at byte ${t.offset}, expected ${end}`);
    if ((t.rows === 0) !== (t.length === 0)) throw bad(`table ${t.name}: ${t.rows} rows in ${t.length} bytes`);
    end += t.length;
  }
  if (size < end) throw new PartDamagedError(path, `truncated part file (${size} bytes, its header lists ${end})`);
  if (size > end) throw bad(`${size} bytes, its header lists ${end}`);
  return h as unknown as PartHeader;
}

/** An open part file: its descriptor (close it), validated header and size. */
export interface OpenPart {
  fd: number;
  header: PartHeader;
  size: number;
}

/** Opens a part file and reads and validates its header (version, checksum, section layout, file size)
 *  without reading the sections. */
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
      if (pos === 0) throw new PartDamagedError(path, 'empty part file');
      throw new PartDamagedError(path, 'truncated part file (incomplete header line)');
    }
    const line = Buffer.concat(chunks).toString('utf8');
    let h: unknown;
    try {
      h = JSON.parse(line);
    } catch {
      throw new PartDamagedError(path, 'corrupt part file (unreadable header)');
    }
    return { fd, header: checkHeader(path, h, line, headerBytes, size), size };
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

/** Reads section `t` of an open part, in chunks of `buf`, passing each chunk to `each`; checks its
 *  checksum and that it ends a row (PartDamagedError otherwise). */
export function readSection(path: string, part: OpenPart, t: PartTableInfo, buf: Buffer, each: (chunk: Buffer, n: number) => void): void {
  const hash = createHash('sha256');
  let pos = t.offset;
  let left = t.length;
  let last = 0x0a;
  while (left > 0) {
    const n = readSync(part.fd, buf, 0, Math.min(buf.length, left), pos);
    if (n === 0) throw new PartDamagedError(path, 'truncated part file');
    hash.update(buf.subarray(0, n));
    each(buf, n);
    last = buf[n - 1];
    pos += n;
    left -= n;
  }
  if (hash.digest('hex') !== t.sha256) throw new PartDamagedError(path, `corrupt part file (table ${t.name}: checksum mismatch)`);
  if (last !== 0x0a) throw new PartDamagedError(path, `corrupt part file (table ${t.name}: its section does not end with a newline)`);
}

/**
 * Checks a part file whole: header (version, checksum, layout, size), every section's checksum, and — with
 * `expected` — that it belongs to that run. Returns its header; throws PartDamagedError otherwise (a missing
 * file throws the fs error).
 */
export function verifyPart(path: string, expected?: PartMeta): PartHeader {
  const part = openPart(path);
  try {
    const h = part.header;
    if (expected && (h.point !== expected.point || h.replicate !== expected.replicate || h.seed !== expected.seed)) {
      throw new PartDamagedError(
        path,
        `belongs to another run (point ${h.point}, replicate ${h.replicate}, seed ${h.seed}; expected ${expected.point}, ${expected.replicate}, ${expected.seed})`,
      );
    }
    const buf = Buffer.allocUnsafe(COPY_CHUNK);
    for (const t of h.tables) readSection(path, part, t, buf, () => undefined);
    return h;
  } finally {
    closeSync(part.fd);
  }
}

/** One table of a finished run, as cell texts (index cells removed). */
export interface PartTable {
  columns: string[];
  rows: string[][];
}

function findTable(path: string, part: OpenPart, name: string): PartTableInfo {
  const t = part.header.tables.find((x) => x.name === name);
  if (!t) {
    throw new Error(`${path}: no table ${name} in this run (it has ${part.header.tables.map((x) => x.name).join(', ') || 'none'})`);
  }
  return t;
}

/**
 * Reads table `name` (e.g. `_figure.csv`, hidden tables included) of run (point, replicate) from the parts
 * directory `runsDir`, whole, checksum verified. For long runs prefer `readPartTableRows`.
 */
export function readPartTable(runsDir: string, point: number, replicate: number, name: string): PartTable {
  const path = join(runsDir, partFileName(point, replicate));
  const part = openPart(path);
  try {
    const t = findTable(path, part, name);
    const bytes = Buffer.allocUnsafe(t.length);
    let at = 0;
    readSection(path, part, t, Buffer.allocUnsafe(COPY_CHUNK), (chunk, n) => {
      chunk.copy(bytes, at, 0, n);
      at += n;
    });
    const skip = part.header.index ? 2 : 0;
    const rows = t.length === 0 ? [] : (parse(bytes.toString('utf8')) as string[][]);
    return { columns: [...t.columns], rows: skip === 0 ? rows : rows.map((r) => r.slice(skip)) };
  } finally {
    closeSync(part.fd);
  }
}

/**
 * Streams table `name` of run (point, replicate): `columns` at once, `rows` as an async iterable of cell
 * texts (index cells removed), read in chunks so memory does not grow with the run. The section's checksum
 * is checked by `verifyPart`, not here.
 */
export function readPartTableRows(runsDir: string, point: number, replicate: number, name: string): { columns: string[]; rows: AsyncIterable<string[]> } {
  const path = join(runsDir, partFileName(point, replicate));
  const part = openPart(path);
  let t: PartTableInfo;
  try {
    t = findTable(path, part, name);
  } finally {
    closeSync(part.fd);
  }
  const skip = part.header.index ? 2 : 0;
  async function* rows(): AsyncIterable<string[]> {
    if (t.length === 0) return;
    const parser = createReadStream(path, { start: t.offset, end: t.offset + t.length - 1 }).pipe(parseStream());
    for await (const r of parser as AsyncIterable<string[]>) yield skip === 0 ? r : r.slice(skip);
  }
  return { columns: [...t.columns], rows: rows() };
}
