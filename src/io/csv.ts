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

const COMMA = 0x2c;
const NEWLINE = 0x0a;
const MINUS = 0x2d;

/**
 * Rows written as CSV bytes (UTF-8) into a reusable buffer: exactly the bytes of `csvLine` (tested), without a
 * string per row. The workers' hot path: a run formats tens of thousands of rows, and building them as strings
 * left a rope of small strings per row for the garbage collector. Whole rows only: `row` either appends the
 * complete row or (on a cell of a bad type) throws and appends nothing; `take` hands out the bytes so far.
 */
export class CsvRowEncoder {
  private buf: Buffer;
  private pos = 0;
  private readonly known = new Map<string, Uint8Array>();

  constructor(initialBytes = 1 << 16) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Bytes written and not yet taken. */
  get length(): number {
    return this.pos;
  }

  /** Appends one row ending in "\n", the bytes of `prefix` (e.g. the index cells "3,1,") first. */
  row(cells: readonly unknown[], prefix?: Uint8Array): void {
    const start = this.pos;
    try {
      if (prefix !== undefined && prefix.length > 0) {
        this.room(prefix.length);
        this.buf.set(prefix, this.pos);
        this.pos += prefix.length;
      }
      for (let j = 0; j < cells.length; j++) {
        if (j > 0) {
          this.room(1);
          this.buf[this.pos++] = COMMA;
        }
        const v = cells[j];
        if (typeof v === 'number') this.number(v);
        else if (typeof v === 'string') this.string(v);
        else if (v !== null && v !== undefined) this.string(cellText(v));
      }
      this.room(1);
      this.buf[this.pos++] = NEWLINE;
    } catch (e) {
      this.pos = start;
      throw e;
    }
  }

  /** The bytes written so far (a view valid until the next `row`), and starts over. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.pos = 0;
    return out;
  }

  /** Room for n more bytes (the buffer grows: a row is never split). */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** String(x), NaN → nothing. Integers of 32 bits are written digit by digit (the same text). Other finite
   *  numbers go through JSON.stringify, whose text for a finite number is by definition String(x) (ECMA-262
   *  SerializeJSONProperty: ToString); unlike String(x), V8's JSON.stringify does not store each new text in
   *  its number-to-string cache, which kept tens of thousands of them alive through the young-generation
   *  collections of a run (the collections then cost as much as the formatting). */
  private number(v: number): void {
    if (v !== v) return;
    if ((v | 0) === v && v !== -2147483648) {
      this.room(11);
      const b = this.buf;
      let x = v;
      if (x < 0) {
        b[this.pos++] = MINUS;
        x = -x;
      }
      const digits = x < 10 ? 1 : x < 100 ? 2 : x < 1000 ? 3 : x < 10000 ? 4 : x < 100000 ? 5 : x < 1e6 ? 6 : x < 1e7 ? 7 : x < 1e8 ? 8 : x < 1e9 ? 9 : 10;
      let at = this.pos + digits;
      this.pos = at;
      do {
        const q = (x / 10) | 0;
        b[--at] = 0x30 + (x - q * 10);
        x = q;
      } while (x > 0);
      return;
    }
    this.ascii(v === Infinity || v === -Infinity ? String(v) : JSON.stringify(v));
  }

  /** Text known to be ASCII without a quote, comma or line break (a number's text). */
  private ascii(s: string): void {
    const n = s.length;
    this.room(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** A cell text as a CSV field (`csvField`), UTF-8. */
  private string(s: string): void {
    const n = s.length;
    if (n <= 32) {
      // Short texts (kinds, names) repeat row after row: their bytes are kept.
      let bytes = this.known.get(s);
      if (bytes === undefined) {
        bytes = Buffer.from(csvField(s), 'utf8');
        if (this.known.size < 256) this.known.set(s, bytes);
      }
      this.room(bytes.length);
      const b = this.buf;
      let p = this.pos;
      for (let i = 0; i < bytes.length; i++) b[p++] = bytes[i];
      this.pos = p;
      return;
    }
    let plain = true;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80 || c === 0x22 || c === COMMA || c === NEWLINE || c === 0x0d) {
        plain = false;
        break;
      }
    }
    if (plain) return this.ascii(s);
    const f = csvField(s);
    const bytes = Buffer.byteLength(f, 'utf8');
    this.room(bytes);
    this.pos += this.buf.write(f, this.pos, 'utf8');
  }
}
