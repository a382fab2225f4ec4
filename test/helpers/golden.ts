// Loads the reference rows (test/fixtures/golden/, see its README) for tests. Columns are kept as strings → numbers (empty → NaN).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';

const here = dirname(fileURLToPath(import.meta.url));
export const GOLDEN_DIR = resolve(here, '../fixtures/golden');
export const GOLDEN_SYNTHESIS = resolve(GOLDEN_DIR, 'synthesis_epochs_300-303.csv');
export const GOLDEN_TOKENOMICS = resolve(GOLDEN_DIR, 'tokenomics_months_0-47.csv');
export const GOLDEN_SORTITION = resolve(GOLDEN_DIR, 'sortition_epochs_300-349.csv');

export type GoldenRow = Record<string, number>;

export function loadGoldenCsv(path: string): { columns: string[]; rows: GoldenRow[] } {
  const records = parse(readFileSync(path, 'utf8'), { columns: false, skip_empty_lines: true }) as string[][];
  const columns = records[0];
  const rows = records.slice(1).map((r) => {
    const o: GoldenRow = {};
    columns.forEach((c, i) => {
      const s = r[i];
      o[c] = s === '' || s === undefined ? NaN : Number(s);
    });
    return o;
  });
  return { columns, rows };
}

/** |a − b| / |b|, with 0 when both are 0 and |a − b| when b is 0. */
export function relErr(a: number, b: number): number {
  if (a === b) return 0;
  if (b === 0) return Math.abs(a);
  return Math.abs(a - b) / Math.abs(b);
}
