// Reading and validating a replay file (docs/replay-format.md): sizes from the header, every value
// numeric and finite or empty (= did not submit). Any problem is one InputError line naming the file, the
// row and the column.

import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { InputError } from './errors.js';
import { objectNames, replayColumns, reporterColumn } from './replay-columns.js';

export interface ReplayTable {
  file: string;
  nI: number;
  nF: number;
  nR: number;
  /** Header of the input file. */
  columns: string[];
  /** Column name → position. */
  index: Map<string, number>;
  /** One Float64Array per data row, in header order; NaN for an empty cell. */
  rows: Float64Array[];
  /** Line number of each data row in the file (1-based, header is line 1). */
  lines: number[];
}

/** Largest contiguous count of `pattern(i)` columns present from i = 0. */
function countIndexed(index: Map<string, number>, name: (i: number) => string): number {
  let n = 0;
  while (index.has(name(n))) n++;
  return n;
}

function indicesOf(columns: string[], re: RegExp): number[] {
  const out: number[] = [];
  for (const c of columns) {
    const m = re.exec(c);
    if (m) out.push(Number(m[1]));
  }
  return out;
}

export function readReplayTable(file: string): ReplayTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new InputError(`${file}: cannot read the replay file (${code})`);
  }
  if (text.trim() === '') throw new InputError(`${file}: the file is empty; expected a header and at least one row`);
  let records: string[][];
  try {
    records = parse(text, { columns: false, skip_empty_lines: true, trim: true }) as string[][];
  } catch (e) {
    const err = e as { lines?: number; message: string };
    throw new InputError(`${file}: row ${err.lines ?? '?'}: malformed CSV (${err.message.split('\n')[0]})`);
  }
  const columns = records[0];
  if (records.length < 2) throw new InputError(`${file}: no data rows after the header; expected at least one row`);
  const index = new Map<string, number>();
  columns.forEach((c, i) => {
    if (index.has(c)) throw new InputError(`${file}: column '${c}' appears twice in the header`);
    index.set(c, i);
  });

  // Sizes from the header.
  const nI = countIndexed(index, (j) => `inference_${j}`);
  const nR = countIndexed(index, (m) => `reputer_stake_${m}`);
  const nF = countIndexed(index, (k) => `forecasted_loss_${k}_for_0`);
  if (!index.has('epoch')) throw new InputError(`${file}: missing required column 'epoch'`);
  if (nI < 1) throw new InputError(`${file}: missing required column 'inference_0' (at least one inferer is needed)`);
  if (nR < 1) throw new InputError(`${file}: missing required column 'reputer_stake_0' (at least one reputer is needed)`);
  // Indices must be contiguous and consistent across column families.
  const checks: [RegExp, number, string][] = [
    [/^inference_(\d+)$/, nI, 'inferers (inference_j)'],
    [/^reputer_stake_(\d+)$/, nR, 'reputers (reputer_stake_m)'],
    [/^forecasted_loss_(\d+)_for_\d+$/, nF, 'forecasters (forecasted_loss_k_for_0)'],
    [/^forecasted_loss_\d+_for_(\d+)$/, nI, 'inferers (inference_j)'],
    [/^reputer_(\d+)_loss_/, nR, 'reputers (reputer_stake_m)'],
  ];
  for (const [re, n, what] of checks) {
    for (const i of indicesOf(columns, re)) {
      if (i >= n) {
        const col = columns.find((c) => re.exec(c)?.[1] === String(i));
        throw new InputError(
          `${file}: column '${col}' has index ${i}, but the header defines ${n} ${what}; sizes are inconsistent`,
        );
      }
    }
  }
  const required = [
    ...replayColumns(nI, nF, nR, 0).submissions.filter((c) => c !== 'target'),
    'topic_rewards',
    ...Array.from({ length: nR }, (_, m) => `reputer_stake_${m}`),
    ...Array.from({ length: nR }, (_, m) => objectNames(nI, nF).map((o) => reporterColumn(m, o.report))).flat(),
  ];
  for (const c of required) {
    if (!index.has(c))
      throw new InputError(`${file}: missing required column '${c}' (header has N_i=${nI}, N_f=${nF}, N_r=${nR})`);
  }

  const rows: Float64Array[] = [];
  const lines: number[] = [];
  for (let r = 1; r < records.length; r++) {
    const rec = records[r];
    const line = r + 1;
    if (rec.length !== columns.length)
      throw new InputError(`${file}: row ${line}: has ${rec.length} fields, the header has ${columns.length}`);
    const v = new Float64Array(columns.length);
    for (let i = 0; i < rec.length; i++) {
      const s = rec[i];
      if (s === '') {
        v[i] = NaN;
        continue;
      }
      const x = Number(s);
      if (!Number.isFinite(x))
        throw new InputError(
          `${file}: row ${line}, column '${columns[i]}': '${s}' is not a finite number (leave the cell empty for a missing value)`,
        );
      v[i] = x;
    }
    if (Number.isNaN(v[index.get('epoch')!]))
      throw new InputError(`${file}: row ${line}, column 'epoch': the epoch must not be empty`);
    rows.push(v);
    lines.push(line);
  }
  return { file, nI, nF, nR, columns, index, rows, lines };
}

/** Value of `column` in `row`, NaN if the file has no such column. */
export function cell(t: ReplayTable, row: Float64Array, column: string): number {
  const i = t.index.get(column);
  return i === undefined ? NaN : row[i];
}
