// CSV text, one implementation for every file the tool writes: RFC 4180 with csv-stringify's default
// choices (delimiter ',', quote '"' doubled inside quoted fields, record delimiter "\n", a field quoted only
// when it contains a comma, a quote, "\n" or "\r"). Numbers are written as String(x) (the shortest text that
// reads back to the same float64); NaN, null and undefined are an empty cell; booleans 'true' / 'false'.
// (test/runner/part.test.ts checks the bytes against csv-stringify's.)

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
