// Reading and validating a replay file (docs/replay-format.md): sizes from the header, every value a finite
// decimal number or empty (= did not submit), epochs strictly increasing, a stake for every reputer that reports.
// Any problem is one InputError line naming the file, the row (its line in the file) and the column; a cell or
// name echoed in a message is escaped and truncated, never raw bytes.
//
// `openReplayFile` streams: the file is parsed record by record (csv-parse's stream parser), so memory does not
// grow with the number of rows. `readReplayTable` / `parseReplayText` hold a whole (small) table, for tests and
// the library.

import { createReadStream, readFileSync } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { parse as parseStream, type Options as CsvOptions } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { InputError } from './errors.js';
import { objectNames, replayColumns, reporterColumn } from './replay-columns.js';

/** The header of a replay file: sizes and column positions. */
export interface ReplayHeader {
  file: string;
  nI: number;
  nF: number;
  nR: number;
  /** Header of the input file. */
  columns: string[];
  /** Column name → position. */
  index: Map<string, number>;
}

/** A whole replay file in memory. */
export interface ReplayTable extends ReplayHeader {
  /** One Float64Array per data row, in header order; NaN for an empty cell. */
  rows: Float64Array[];
  /** Line number of each data row in the file (1-based, header is line 1). */
  lines: number[];
}

/** One data row: its values in header order (NaN = empty cell) and its line in the file. */
export interface ReplayRow {
  values: Float64Array;
  line: number;
}

/** A replay file being read: the header at once, the rows one at a time. */
export interface ReplaySource {
  header: ReplayHeader;
  rows: AsyncIterable<ReplayRow>;
}

/** Longest record (header or row) accepted, in characters. A topic with N_i = N_f = 256 needs about 15 M. */
export const MAX_RECORD_CHARS = 64 * 1024 * 1024;

const CSV_OPTIONS: CsvOptions = {
  columns: false,
  skip_empty_lines: true,
  trim: true,
  bom: true,
  relax_column_count: true,
  max_record_size: MAX_RECORD_CHARS,
};

/** A finite decimal number: digits, optional sign, point and exponent. No hex/octal/binary, no Infinity/NaN. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Text safe to echo in a one-line message: control and invisible-format characters escaped (\n, \x00, \u202e…),
 * at most `max` characters of the original, an ellipsis when cut.
 */
export function forMessage(s: string, max = 40): string {
  const cut = s.length > max;
  const head = cut ? s.slice(0, max) : s;
  const esc = head.replace(/[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g, (ch) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    if (named[ch]) return named[ch];
    const code = ch.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  // Lone surrogates (a cut astral character or broken input) would print as garbage: replace them.
  const clean = esc.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\\ufffd');
  return cut ? `${clean}…` : clean;
}

/** Control characters a text CSV never holds (tab, line feed and carriage return are allowed). */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function controlError(file: string, line: number, code: number): InputError {
  return new InputError(
    `${forMessage(file, 200)}: row ${line}: a control character (\\x${code.toString(16).padStart(2, '0')}); the replay input must be a text CSV file`,
  );
}

/** Refuses a control byte as soon as it streams past (a binary file fails at once, not after megabytes). */
function controlGuard(file: string): Transform {
  let line = 1;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i];
        if (b === 0x0a) line++;
        else if ((b < 0x20 && b !== 0x09 && b !== 0x0d) || b === 0x7f) return done(controlError(file, line, b));
      }
      done(null, chunk);
    },
  });
}

/** The same check on a text held in memory. */
function checkControl(file: string, text: string): void {
  const m = CONTROL.exec(text);
  if (!m) return;
  let line = 1;
  for (let i = 0; i < m.index; i++) if (text.charCodeAt(i) === 0x0a) line++;
  throw controlError(file, line, m[0].charCodeAt(0));
}

/** Largest contiguous count of `name(i)` columns present from i = 0. */
function countIndexed(index: Map<string, number>, name: (i: number) => string): number {
  let n = 0;
  while (index.has(name(n))) n++;
  return n;
}

/** The largest index any column of a family uses, and one such column. */
function maxIndexOf(columns: string[], re: RegExp): { max: number; column: string } | null {
  let best: { max: number; column: string } | null = null;
  for (const c of columns) {
    const m = re.exec(c);
    if (m) {
      const i = Number(m[1]);
      if (!best || i > best.max) best = { max: i, column: c };
    }
  }
  return best;
}

/** Validates a header record: unique names, sizes from the indexed families, every required column present. */
export function checkReplayHeader(file: string, columns: string[]): ReplayHeader {
  const f = forMessage(file, 200);
  const index = new Map<string, number>();
  columns.forEach((c, i) => {
    if (index.has(c)) throw new InputError(`${f}: column '${forMessage(c)}' appears twice in the header`);
    index.set(c, i);
  });
  if (!index.has('epoch')) throw new InputError(`${f}: missing required column 'epoch' (row 1 must be the header)`);

  // Sizes from the header.
  const nI = countIndexed(index, (j) => `inference_${j}`);
  const nR = countIndexed(index, (m) => `reputer_stake_${m}`);
  const nF = countIndexed(index, (k) => `forecasted_loss_${k}_for_0`);
  if (nI < 1) throw new InputError(`${f}: missing required column 'inference_0' (at least one inferer is needed)`);
  if (nR < 1) throw new InputError(`${f}: missing required column 'reputer_stake_0' (at least one reputer is needed)`);
  // Indices must be contiguous and consistent across column families.
  const checks: [RegExp, number, string][] = [
    [/^inference_(\d+)$/, nI, 'inferers (inference_j)'],
    [/^reputer_stake_(\d+)$/, nR, 'reputers (reputer_stake_m)'],
    [/^forecasted_loss_(\d+)_for_\d+$/, nF, 'forecasters (forecasted_loss_k_for_0)'],
    [/^forecasted_loss_\d+_for_(\d+)$/, nI, 'inferers (inference_j)'],
    [/^reputer_(\d+)_loss_/, nR, 'reputers (reputer_stake_m)'],
  ];
  for (const [re, n, what] of checks) {
    const hi = maxIndexOf(columns, re);
    if (hi && hi.max >= n)
      throw new InputError(
        `${f}: column '${forMessage(hi.column)}' has index ${hi.max}, but the header defines ${n} ${what}; sizes are inconsistent`,
      );
  }
  const required = [
    ...replayColumns(nI, nF, nR, 0).submissions.filter((c) => c !== 'target'),
    'topic_rewards',
    ...Array.from({ length: nR }, (_, m) => `reputer_stake_${m}`),
    ...Array.from({ length: nR }, (_, m) => objectNames(nI, nF).map((o) => reporterColumn(m, o.report))).flat(),
  ];
  for (const c of required) {
    if (!index.has(c))
      throw new InputError(`${f}: missing required column '${c}' (header has N_i=${nI}, N_f=${nF}, N_r=${nR})`);
  }
  return { file, nI, nF, nR, columns, index };
}

/** Turns each data record into numbers and checks it against the header and the previous row. */
export class ReplayRowChecker {
  private readonly f: string;
  private readonly epochCol: number;
  private readonly topicRewardsCol: number;
  private readonly stakeCols: number[];
  /** Per reputer, the positions of its loss reports. */
  private readonly reportCols: number[][];
  private lastEpoch: number | null = null;
  private lastEpochLine = 0;

  constructor(readonly header: ReplayHeader) {
    const { nI, nF, nR, index } = header;
    this.f = forMessage(header.file, 200);
    this.epochCol = index.get('epoch')!;
    this.topicRewardsCol = index.get('topic_rewards')!;
    this.stakeCols = Array.from({ length: nR }, (_, m) => index.get(`reputer_stake_${m}`)!);
    const names = objectNames(nI, nF);
    this.reportCols = Array.from({ length: nR }, (_, m) => names.map((o) => index.get(reporterColumn(m, o.report))!));
  }

  private fail(line: number, column: string, what: string): never {
    throw new InputError(`${this.f}: row ${line}, column '${forMessage(column)}': ${what}`);
  }

  /** The values of one record (NaN for an empty cell), or one InputError line. */
  row(rec: string[], line: number): Float64Array {
    const { columns } = this.header;
    if (rec.length !== columns.length)
      throw new InputError(`${this.f}: row ${line}: has ${rec.length} fields, the header has ${columns.length}`);
    const v = new Float64Array(columns.length);
    for (let i = 0; i < rec.length; i++) {
      const s = rec[i];
      if (s === '') {
        v[i] = NaN;
        continue;
      }
      const x = DECIMAL.test(s) ? Number(s) : NaN;
      if (!Number.isFinite(x))
        this.fail(
          line,
          columns[i],
          DECIMAL.test(s)
            ? `'${forMessage(s)}' is outside the range of a float64 number`
            : `'${forMessage(s)}' is not a finite decimal number (leave the cell empty for a missing value)`,
        );
      v[i] = x;
    }

    // Epochs: present, integers, strictly increasing.
    const epoch = v[this.epochCol];
    if (Number.isNaN(epoch)) this.fail(line, 'epoch', 'the epoch must not be empty');
    if (!Number.isSafeInteger(epoch)) this.fail(line, 'epoch', `the epoch must be an integer (got ${epoch})`);
    if (this.lastEpoch !== null && epoch <= this.lastEpoch)
      this.fail(
        line,
        'epoch',
        `epoch ${epoch} ${epoch === this.lastEpoch ? 'repeats' : 'comes after'} epoch ${this.lastEpoch} of row ${this.lastEpochLine}; epochs must increase strictly`,
      );
    this.lastEpoch = epoch;
    this.lastEpochLine = line;

    // Stakes: never negative; present for every reputer that reports a loss; not all zero among those.
    let reporting = 0;
    let stakeSum = 0;
    for (let m = 0; m < this.stakeCols.length; m++) {
      const s = v[this.stakeCols[m]];
      const name = columns[this.stakeCols[m]];
      if (s < 0) this.fail(line, name, `a stake must be ≥ 0 (got ${s})`);
      const reports = this.reportCols[m].some((c) => !Number.isNaN(v[c]));
      if (!reports) continue;
      if (Number.isNaN(s)) this.fail(line, name, `reputer ${m} reports losses in this row, so its stake must not be empty`);
      reporting++;
      stakeSum += s;
    }
    if (reporting > 0 && !(stakeSum > 0))
      this.fail(
        line,
        columns[this.stakeCols[0]],
        `the stakes of the ${reporting} reputer(s) that report sum to 0; the stake-weighted losses (eq. 14) need a positive sum`,
      );
    const reward = v[this.topicRewardsCol];
    if (reward < 0) this.fail(line, 'topic_rewards', `the topic's reward must be ≥ 0 (got ${reward})`);
    return v;
  }
}

/** One InputError line for a csv-parse error, without echoing the file's content. */
function csvError(file: string, e: unknown): InputError {
  const err = e as { code?: string; lines?: number; message?: string };
  const f = forMessage(file, 200);
  const where = err.lines !== undefined ? `row ${err.lines}: ` : '';
  const what: Record<string, string> = {
    CSV_MAX_RECORD_SIZE: `a record is longer than ${MAX_RECORD_CHARS} characters (is this a CSV file?)`,
    CSV_QUOTE_NOT_CLOSED: 'a quoted cell is not closed before the end of the file',
    INVALID_OPENING_QUOTE: 'a quote inside an unquoted cell',
    CSV_INVALID_CLOSING_QUOTE: 'characters after the closing quote of a cell',
    CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'characters after the closing quote of a cell',
  };
  const text = (err.code && what[err.code]) ?? forMessage((err.message ?? String(e)).split('\n')[0], 120);
  return new InputError(`${f}: ${where}malformed CSV (${text})`);
}

function readError(file: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
  return new InputError(`${forMessage(file, 200)}: cannot read the replay file (${code})`);
}

const isCsvError = (e: unknown): boolean => {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('CSV_') || code === 'INVALID_OPENING_QUOTE');
};

/**
 * Opens a replay file (or `source`, a stream of its bytes, named `file` in messages) and reads its header. The
 * rows are parsed and checked one at a time as `rows` is iterated; every problem is one InputError line.
 */
export async function openReplayFile(file: string, source?: Readable): Promise<ReplaySource> {
  const input = source ?? createReadStream(file);
  const parser = parseStream({ ...CSV_OPTIONS, info: true });
  let readFailure: unknown = null;
  const guard = controlGuard(file);
  input.on('error', (e: Error) => {
    readFailure = e;
    parser.destroy(e);
  });
  guard.on('error', (e: Error) => parser.destroy(e));
  input.pipe(guard).pipe(parser);
  const it = (parser as AsyncIterable<{ record: string[]; info: { lines: number } }>)[Symbol.asyncIterator]();
  const next = async (): Promise<IteratorResult<{ record: string[]; info: { lines: number } }>> => {
    try {
      return await it.next();
    } catch (e) {
      if (e instanceof InputError) throw e;
      if (readFailure !== null || !isCsvError(e)) throw readError(file, readFailure ?? e);
      throw csvError(file, e);
    }
  };
  const close = (): void => {
    input.unpipe(guard);
    guard.unpipe(parser);
    input.destroy();
    guard.destroy();
    parser.destroy();
  };

  let first: IteratorResult<{ record: string[]; info: { lines: number } }>;
  try {
    first = await next();
    if (first.done) throw new InputError(`${forMessage(file, 200)}: the file is empty; expected a header and at least one row`);
  } catch (e) {
    close();
    throw e;
  }
  let header: ReplayHeader;
  try {
    header = checkReplayHeader(file, first.value.record);
  } catch (e) {
    close();
    throw e;
  }
  const checker = new ReplayRowChecker(header);

  async function* rows(): AsyncGenerator<ReplayRow> {
    let count = 0;
    try {
      for (;;) {
        const r = await next();
        if (r.done) break;
        count++;
        yield { values: checker.row(r.value.record, r.value.info.lines), line: r.value.info.lines };
      }
      if (count === 0)
        throw new InputError(`${forMessage(file, 200)}: no data rows after the header; expected at least one row`);
    } finally {
      close();
    }
  }
  return { header, rows: rows() };
}

/** Parses a whole replay file held in memory (`file` names it in messages). */
export function parseReplayText(text: string, file: string): ReplayTable {
  checkControl(file, text);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseSync(text, { ...CSV_OPTIONS, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    throw isCsvError(e) ? csvError(file, e) : e;
  }
  if (records.length === 0)
    throw new InputError(`${forMessage(file, 200)}: the file is empty; expected a header and at least one row`);
  const header = checkReplayHeader(file, records[0].record);
  if (records.length < 2)
    throw new InputError(`${forMessage(file, 200)}: no data rows after the header; expected at least one row`);
  const checker = new ReplayRowChecker(header);
  const rows: Float64Array[] = [];
  const lines: number[] = [];
  for (let r = 1; r < records.length; r++) {
    const { record, info } = records[r];
    rows.push(checker.row(record, info.lines));
    lines.push(info.lines);
  }
  return { ...header, rows, lines };
}

/** Reads a whole replay file into memory (for small files; `replay` itself streams with `openReplayFile`). */
export function readReplayTable(file: string): ReplayTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw readError(file, e);
  }
  return parseReplayText(text, file);
}

/** Value of `column` in `row`, NaN if the file has no such column. */
export function cell(t: ReplayHeader, row: Float64Array, column: string): number {
  const i = t.index.get(column);
  return i === undefined ? NaN : row[i];
}
