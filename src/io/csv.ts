// CSV text, one implementation for every file the tool writes: RFC 4180 with csv-stringify's default
// choices (delimiter ',', quote '"' doubled inside quoted fields, record delimiter "\n", a field quoted only
// when it contains a comma, a quote, "\n" or "\r"). Numbers are written as String(x) (the shortest text that
// reads back to the same float64); NaN, null and undefined are an empty cell; booleans 'true' / 'false'.
// (test/runner/part.test.ts checks the bytes against csv-stringify's.)

import { closeSync, openSync, readSync } from 'node:fs';

/** Text of one cell: numbers String(x), NaN / null / undefined → '', strings as is, booleans 'true'/'false'. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isNaN(v) ? '' : String(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  throw new TypeError(`cell of type ${typeof v} (expected number, string or null)`);
}

const NEEDS_QUOTES = /[",\n\r]/;

/** A cell text as a CSV field: quoted, with its quotes doubled, when it contains a comma, a quote, "\n" or
 *  "\r"; as is otherwise (the empty string included). */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One row as CSV text ending in "\n", `prefix` (e.g. the index cells "3,1,") first. This is the workers' hot
 * path. Throws on a cell of a bad type.
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

/** CSV text of rows (every row ending in "\n"). */
export function csvRows(rows: readonly (readonly unknown[])[]): string {
  let out = '';
  for (const r of rows) out += csvLine(r);
  return out;
}

/**
 * Reads a CSV file of this module's form (records ending in "\n") in chunks and yields each chunk's rows
 * (cell texts), the header line included; memory is bounded by the chunk, not the file. A file without a
 * '"' cannot hold a quoted field, so its lines are split at "\n" and ",", which is exact there (and ten
 * times faster than a general parser); a file with one goes through csv-parse (streamed).
 */
export async function* csvFileRowChunks(path: string, chunkBytes = 1 << 20): AsyncGenerator<string[][]> {
  const quoted = fileHasByte(path, 0x22, chunkBytes);
  if (quoted) {
    const { parse } = await import('csv-parse');
    const { createReadStream } = await import('node:fs');
    let batch: string[][] = [];
    for await (const row of createReadStream(path).pipe(parse({ relax_column_count: true })) as AsyncIterable<string[]>) {
      batch.push(row);
      if (batch.length >= 4096) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
    return;
  }
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(chunkBytes);
    let carry = Buffer.alloc(0);
    let pos = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      pos += n;
      const data = carry.length > 0 ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      // "\n" (0x0a) is never part of a multi-byte UTF-8 sequence: decoding up to it is safe.
      const end = n === 0 ? data.length : data.lastIndexOf(0x0a) + 1;
      const text = data.toString('utf8', 0, end);
      carry = Buffer.from(data.subarray(end));
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      if (lines.length > 0) yield lines.map((l) => l.split(','));
      if (n === 0) return;
    }
  } finally {
    closeSync(fd);
  }
}

/** Whether the file holds byte `b` (read in chunks). */
function fileHasByte(path: string, b: number, chunkBytes: number): boolean {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(chunkBytes);
    let pos = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) return false;
      if (buf.subarray(0, n).indexOf(b) >= 0) return true;
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
}
