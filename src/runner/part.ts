// Per-run part files (`<out>/.runs/p<point>-r<replicate>.ndjson`): one finished run's tables and metrics,
// written atomically by the main thread; they are both the input of the final assembly and the checkpoint
// that `resume` skips.
//
// Format (newline-delimited JSON, UTF-8):
//   line 1: header {"v":1,"point":P,"replicate":R,"seed":S,"metrics":{name: text},
//                   "tables":[{"name":"losses.csv","columns":[…],"rows":N}, …]}
//   then, for each table in header order, N lines each a JSON array of cell TEXTS (strings): numbers as
//   String(x) (full precision; Infinity stays "Infinity"), NaN / null → "" (empty cell), strings as is.
// Metric values are stored as String(x) (round-trips exactly through Number(), NaN included).
// The cells are formatted in the worker, so the main thread only writes text and the final CSVs are the
// same bytes whichever thread ran the job.

import { closeSync, openSync, readSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunCell } from './types.js';

export const PART_VERSION = 1;

export interface PartMeta {
  point: number;
  replicate: number;
  seed: number;
}

export interface PartTableInfo {
  name: string;
  columns: string[];
  rows: number;
}

export interface PartHeader extends PartMeta {
  v: number;
  metrics: Record<string, string>;
  tables: PartTableInfo[];
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

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Validates a job's result and encodes it as part-file text. Throws an Error naming what is wrong
 * (the run is then reported as failed).
 */
export function encodePart(meta: PartMeta, result: unknown): string {
  if (!isRecord(result)) throw new Error(`runJob returned ${result === null ? 'null' : typeof result}, expected { tables, metrics }`);
  const tables = result.tables ?? {};
  const metrics = result.metrics ?? {};
  if (!isRecord(tables)) throw new Error('runJob result: tables must be an object { "name.csv": { columns, rows } }');
  if (!isRecord(metrics)) throw new Error('runJob result: metrics must be an object { name: number }');

  const metricText: Record<string, string> = {};
  for (const [k, v] of Object.entries(metrics)) {
    if (v === null || v === undefined) metricText[k] = 'NaN';
    else if (typeof v === 'number') metricText[k] = String(v);
    else throw new Error(`runJob result: metric ${k} is ${typeof v}, expected a number`);
  }

  const infos: PartTableInfo[] = [];
  const bodies: string[] = [];
  for (const [name, t] of Object.entries(tables)) {
    if (!TABLE_NAME.test(name) || RESERVED_NAMES.has(name)) {
      throw new Error(`runJob result: table name '${name}' is not allowed (a plain file name, not ${[...RESERVED_NAMES].join(' / ')})`);
    }
    if (!isRecord(t) || !Array.isArray(t.columns) || !Array.isArray(t.rows)) {
      throw new Error(`runJob result: table ${name} must be { columns: string[], rows: cell[][] }`);
    }
    const columns = t.columns as unknown[];
    if (columns.length === 0 || !columns.every((c) => typeof c === 'string')) {
      throw new Error(`runJob result: table ${name}: columns must be a non-empty list of strings`);
    }
    if (new Set(columns).size !== columns.length) throw new Error(`runJob result: table ${name}: duplicate column names`);
    const rows = t.rows as unknown[];
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (!Array.isArray(row) || row.length !== columns.length) {
        throw new Error(
          `runJob result: table ${name}, row ${i}: expected ${columns.length} cells, got ${Array.isArray(row) ? row.length : typeof row}`,
        );
      }
      let cells: string[];
      try {
        cells = (row as RunCell[]).map(cellText);
      } catch (e) {
        throw new Error(`runJob result: table ${name}, row ${i}: ${(e as Error).message}`);
      }
      bodies.push(JSON.stringify(cells));
    }
    infos.push({ name, columns: columns as string[], rows: rows.length });
  }
  const header: PartHeader = { v: PART_VERSION, ...meta, metrics: metricText, tables: infos };
  return bodies.length === 0 ? `${JSON.stringify(header)}\n` : `${JSON.stringify(header)}\n${bodies.join('\n')}\n`;
}

/** Writes a part file atomically (temporary name in the same directory, then rename). */
export function writePartAtomic(dir: string, name: string, text: string): void {
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, join(dir, name));
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

/** Reads and parses the header (first line) of a part file without reading the rest. */
export function readPartHeader(path: string): PartHeader {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    const buf = Buffer.allocUnsafe(64 * 1024);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const nl = buf.subarray(0, n).indexOf(0x0a);
      if (nl >= 0) {
        chunks.push(Buffer.from(buf.subarray(0, nl)));
        break;
      }
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    const text = Buffer.concat(chunks).toString('utf8');
    let h: unknown;
    try {
      h = JSON.parse(text);
    } catch {
      throw new Error(`${path}: corrupt part file (unreadable header); delete it and resume`);
    }
    if (!isRecord(h) || h.v !== PART_VERSION || !Array.isArray(h.tables) || !isRecord(h.metrics)) {
      throw new Error(`${path}: not a part file of this version; delete it and resume`);
    }
    return h as unknown as PartHeader;
  } finally {
    closeSync(fd);
  }
}
