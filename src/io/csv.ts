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
const ZERO = 0x30;
/** The longest text of a number: '-', '0.', five zeros and 17 digits (writeShortest), or String(x) of any
 *  double (e.g. -1.2345678901234567e-308, 24 characters). */
const NUMBER_MAX = 25;
const DOT = 0x2e;

// ------------------------------------------------------------------------------------------------------------
// String(x) of a double, written as bytes without making a string (`writeShortest`). Number::toString
// (ECMA-262 Number::toString, and V8 alike) writes the shortest digit string s·10^(n−k) that reads back to x,
// the closest to x when several have that length. Here, for 1e-6 ≤ |x| < 1e16:
//   X = |x|·10^q is computed exactly as hi + lo (q ≤ 22, so 10^q = 5^q·2^q with 5^q exact; Dekker's
//   product gives x·5^q exactly), with q chosen so that the integer M = hi has 17 digits. The doubles that
//   round to x are those within half a gap of x: [X − δ⁻, X + δ⁺] in the same scale (δ⁻ = δ⁺/2 when x is a
//   power of two). The text has 17 − k digits, k the largest level at which a multiple of 10^k lies in that
//   interval (a multiple of 10^(k+1) is one of 10^k, so the levels that have one are 0..k); of the
//   multiples there, the closest to X. Every comparison is made in floating point with an error bound: when
//   a comparison is within its bound (a value on an interval end, two candidates equally close) the
//   function gives up (−1) and the caller writes JSON.stringify's text, which is String(x) by definition.
// ------------------------------------------------------------------------------------------------------------

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
F64[0] = 1;
/** Index of the high (sign, exponent) word of F64 in U32. */
const HIGH = U32[1] === 0x3ff00000 ? 1 : 0;
const LOW = 1 - HIGH;
const POW5: number[] = [];
const POW5_HI: number[] = [];
const POW5_LO: number[] = [];
const POW2: number[] = [];
const POW10: number[] = [];
for (let i = 0, p5 = 1, p2 = 1, p10 = 1; i <= 22; i++, p5 *= 5, p2 *= 2, p10 *= 10) {
  POW5.push(p5);
  const t = 134217729 * p5; // Dekker's split, 2^27 + 1
  POW5_HI.push(t - (t - p5));
  POW5_LO.push(p5 - (t - (t - p5)));
  POW2.push(p2);
  POW10.push(p10);
}
/** Relative error bound of the comparisons: 2^-50, above the ≤ 4 roundings of 2^-53 each. */
const TOLERANCE = 2 ** -50;

/** 2^−i for i = 0..80 (exact). */
const POW2_NEG: number[] = [];
for (let i = 0, x = 1; i <= 80; i++, x /= 2) POW2_NEG.push(x);
/** 10^i for i = 0..8, as integers. */
const INT_POW10 = Int32Array.from({ length: 9 }, (_, i) => 10 ** i);

/** The digit places of S. */
const DIGITS = new Uint8Array(17);
/** Tens and ones digits of 0..99. */
const TENS = Uint8Array.from({ length: 100 }, (_, i) => Math.floor(i / 10));
const ONES = Uint8Array.from({ length: 100 }, (_, i) => i % 10);
/**
 * String(x) as bytes into b from p, for 1e-6 ≤ |x| < 1e16 (any double there, integer or not): returns the
 * end, or −1 when x is outside that range or a comparison is too close to call (see above). The caller
 * makes room for 25 bytes.
 */
export function writeShortest(x: number, b: Uint8Array, p: number): number {
  const neg = x < 0;
  const v = neg ? -x : x;
  if (!(v >= 1e-6 && v < 1e16)) return -1;
  F64[0] = v;
  const high = U32[HIGH];
  const exp2 = (high >>> 20) - 1023; // v in [2^exp2, 2^(exp2+1)), a normal double
  const powerOfTwo = (high & 0xfffff) === 0 && U32[LOW] === 0;
  // X = v·10^q in [1e16, 1e17): q from the binary exponent, then corrected.
  let q = Math.min(22, 16 - Math.floor(exp2 * 0.3010299956639812));
  let hi = 0;
  let lo = 0;
  for (let tries = 0; ; tries++) {
    if (tries === 3 || q < 0 || q > 22) return -1;
    // Dekker's exact product v·5^q = h + l, then ·2^q (exact).
    const P = POW5[q];
    const h = v * P;
    const t = 134217729 * v;
    const vh = t - (t - v);
    const vl = v - vh;
    const ph = POW5_HI[q];
    const pl = POW5_LO[q];
    const l = vh * ph - h + vh * pl + vl * ph + vl * pl;
    hi = h * POW2[q];
    lo = l * POW2[q];
    if (hi >= 1e17) q--;
    else if (hi < 1e16) q++;
    else break;
  }
  // Half gaps to the neighbours of v, in the scale of X: 2^(e−1)·10^q with 2^e the gap above v.
  const dHi = POW10[q] * POW2_NEG[53 - exp2]; // exp2 ∈ [−20, 53]
  const dLo = powerOfTwo ? dHi / 2 : dHi;
  // M = hi (an integer: hi ≥ 1e16 > 2^53) = Mh·1e8 + Ml.
  let Mh = Math.floor(hi / 1e8);
  let Ml = hi - Mh * 1e8;
  if (Ml < 0) {
    Mh--;
    Ml += 1e8;
  } else if (Ml >= 1e8) {
    Mh++;
    Ml -= 1e8;
  }
  Mh |= 0; // both below 2^31: integer arithmetic from here
  Ml |= 0;
  // The largest level k (≤ 16) with a multiple of 10^k in [X − dLo, X + dHi], and the closest one there
  // (as its offset j, in units of 10^k, from M − (M mod 10^k)). Levels 1, 2, … while there is one; level 0
  // when level 1 has none (most texts have 16 or 17 digits). Of the multiples in the interval (it contains
  // X) only the nearest below X and the nearest above can be the closest.
  let k = -1;
  let j = 0;
  const absLo = Math.abs(lo);
  for (let level = 1; ; ) {
    const unit = POW10[level];
    const r = level <= 8 ? Ml % INT_POW10[level] : (Mh % INT_POW10[level - 8]) * 1e8 + Ml; // M mod 10^level
    // c·unit is exact, and so is c·unit − r whenever it is below 2^53 (near a decision it is small); r is exact
    // below 2^53 (levels ≤ 15), at level 16 it may carry one rounding. The nearest multiple below X is
    // M − r + f·unit: X − (M − r) = r + lo ∈ [−8, unit + 8) (|lo| ≤ ulp(M)/2 ≤ 8), so f ∈ {−1, 0, 1} when
    // unit ≥ 10 (found from 0 by the corrections below); at level 0, f = ⌊lo⌋.
    let f = level === 0 ? Math.floor(lo) : 0;
    let below = f * unit - r - lo; // the multiple f minus X: ≤ 0
    if (below > 0) {
      f--;
      below = f * unit - r - lo;
    }
    let above = (f + 1) * unit - r - lo; // > 0
    if (above <= 0) {
      f++;
      below = above;
      above = (f + 1) * unit - r - lo;
    }
    const base = absLo + dHi + (level === 16 ? r : 0);
    const tb = TOLERANCE * (base - below);
    const ta = TOLERANCE * (base + above);
    const fromLow = below + dLo;
    const toHigh = dHi - above;
    if (Math.abs(fromLow) <= tb || Math.abs(toHigh) <= ta) return -1;
    let c: number;
    if (fromLow > 0) {
      if (toHigh > 0) {
        const diff = -below - above;
        if (Math.abs(diff) <= tb + ta) return -1; // two multiples equally close
        c = diff < 0 ? f : f + 1;
      } else c = f;
    } else if (toHigh > 0) c = f + 1;
    else {
      // none at this level
      if (level !== 1) break;
      level = 0;
      continue;
    }
    k = level;
    j = c;
    if (level === 0 || level === 16) break;
    level++;
  }
  if (k < 0) return -1;
  // The digit string S = ⌊M / 10^k⌋ + j, as Sh·1e8 + Sl (0 ≤ Sl < 1e8), then without its trailing zeros.
  let Sh: number;
  let Sl: number;
  if (k === 0) {
    Sh = Mh;
    Sl = Ml;
  } else if (k === 1) {
    Sh = (Mh / 10) | 0;
    Sl = (Mh - Sh * 10) * 10000000 + ((Ml / 10) | 0);
  } else if (k <= 8) {
    const u = INT_POW10[k];
    Sh = (Mh / u) | 0;
    Sl = (Mh - Sh * u) * INT_POW10[8 - k] + ((Ml / u) | 0);
  } else {
    Sh = 0;
    Sl = (Mh / INT_POW10[k - 8]) | 0;
  }
  Sl += j;
  if (Sl >= 1e8) {
    Sl -= 1e8;
    Sh++;
  } else if (Sl < 0) {
    Sl += 1e8;
    Sh--;
  }
  let e10 = k - q; // v = S·10^e10 (to the digits shown)
  while (Sl % 10 === 0 && (Sh !== 0 || Sl !== 0)) {
    const t = (Sh / 10) | 0;
    Sl = ((Sl / 10) | 0) + (Sh - t * 10) * 10000000;
    Sh = t;
    e10++;
  }
  const kk = Sh !== 0 ? 8 + digitCount(Sh) : digitCount(Sl);
  const n = kk + e10; // 10^(n−1) ≤ v < 10^n
  if (!(-6 < n && n <= 21)) return -1; // exponent notation: left to JSON.stringify
  // The 17 digit places of S (leading zeros first), in groups: no long chain of divisions. The floors are
  // exact: x·10^−m (m = 2, 4, 8) rounds to at least x/10^m, as the double of 10^−m is above it.
  const D = DIGITS;
  const c = Math.floor(Sh * 1e-8);
  D[0] = c;
  put8(D, 1, Sh - c * 1e8);
  put8(D, 9, Sl);
  const first = 17 - kk; // S's first digit in D
  if (neg) b[p++] = MINUS;
  if (kk <= n) {
    // an integer: the digits, then n − kk zeros
    for (let i = 0; i < kk; i++) b[p + i] = ZERO + D[first + i];
    for (let i = kk; i < n; i++) b[p + i] = ZERO;
    return p + n;
  }
  if (n > 0) {
    // n digits, the point, the others
    for (let i = 0; i < n; i++) b[p + i] = ZERO + D[first + i];
    b[p + n] = DOT;
    for (let i = n; i < kk; i++) b[p + 1 + i] = ZERO + D[first + i];
    return p + kk + 1;
  }
  // 0.000ddd: −n zeros after the point
  b[p] = ZERO;
  b[p + 1] = DOT;
  const at = p + 2 - n;
  for (let i = p + 2; i < at; i++) b[i] = ZERO;
  for (let i = 0; i < kk; i++) b[at + i] = ZERO + D[first + i];
  return at + kk;
}

/** The 8 digits of 0 ≤ x < 1e8 into D[at..at+8). */
function put8(D: Uint8Array, at: number, x: number): void {
  const a = Math.floor(x * 1e-4);
  const b = x - a * 1e4;
  const a1 = Math.floor(a * 0.01);
  const a2 = a - a1 * 100;
  const b1 = Math.floor(b * 0.01);
  const b2 = b - b1 * 100;
  D[at] = TENS[a1];
  D[at + 1] = ONES[a1];
  D[at + 2] = TENS[a2];
  D[at + 3] = ONES[a2];
  D[at + 4] = TENS[b1];
  D[at + 5] = ONES[b1];
  D[at + 6] = TENS[b2];
  D[at + 7] = ONES[b2];
}

/** Number of decimal digits of 0 < x < 1e9. */
function digitCount(x: number): number {
  return x < 1e4 ? (x < 10 ? 1 : x < 100 ? 2 : x < 1000 ? 3 : 4) : x < 1e6 ? (x < 1e5 ? 5 : 6) : x < 1e7 ? 7 : x < 1e8 ? 8 : 9;
}

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
    const n = cells.length;
    try {
      // Room for the prefix, every cell as a number (a comma and at most NUMBER_MAX bytes) and the "\n", so
      // numbers and commas are written without a check; a string cell makes its own room, then the rest's.
      this.room((prefix === undefined ? 0 : prefix.length) + n * (NUMBER_MAX + 1) + 1);
      if (prefix !== undefined && prefix.length > 0) {
        this.buf.set(prefix, this.pos);
        this.pos += prefix.length;
      }
      for (let j = 0; j < n; j++) {
        if (j > 0) this.buf[this.pos++] = COMMA;
        const v = cells[j];
        if (typeof v === 'number') this.number(v);
        else if (v !== null && v !== undefined) {
          this.string(typeof v === 'string' ? v : cellText(v));
          this.room((n - j) * (NUMBER_MAX + 1) + 1);
        }
      }
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

  /** String(x), NaN → nothing. Integers of 32 bits are written digit by digit (the same text); other numbers
   *  of [1e-6, 1e16) in magnitude by `writeShortest`, straight into the buffer (no string per cell). The rest
   *  go through JSON.stringify, whose text for a finite number is by definition String(x) (ECMA-262
   *  SerializeJSONProperty: ToString); unlike String(x), V8's JSON.stringify does not store each new text in
   *  its number-to-string cache, which kept tens of thousands of them alive through the young-generation
   *  collections of a run (the collections then cost as much as the formatting). */
  private number(v: number): void {
    if (v !== v) return;
    if ((v | 0) === v && v !== -2147483648) {
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
    const end = writeShortest(v, this.buf, this.pos);
    if (end >= 0) {
      this.pos = end;
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
