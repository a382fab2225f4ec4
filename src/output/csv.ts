// CSV files that never leave a half-written file under the final name: rows go to a temporary file beside
// the target (src/io/files.ts AtomicFileWriter), and `commit()` renames it into place; `abort()` removes
// it. The text is src/io/csv.ts's (the same bytes as every other CSV the tool writes). A write that fails
// (full disk, unwritable place) is a WriteFailedError naming the file, never a promise left pending.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../scenario/errors.js';
import { AtomicFileWriter } from '../io/files.js';
import { csvLine } from '../io/csv.js';

/** Full-precision text of a number (shortest round-trip form); NaN / null → empty cell. */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '';
  return String(x);
}

export type CsvValue = number | string | null | undefined;

/** Makes `dir` (and parents), turning a failure into one InputError line. */
export function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new InputError(`${dir}: cannot create the output directory (${code})`);
  }
}

export class AtomicCsvWriter {
  private readonly file: AtomicFileWriter;

  constructor(
    readonly path: string,
    readonly columns: readonly string[],
  ) {
    ensureDir(dirname(path));
    this.file = new AtomicFileWriter(path);
    this.file.write(csvLine(columns));
  }

  /** Writes one row (buffered; written to disk every 64 KiB, so memory stays flat). */
  async write(row: readonly CsvValue[]): Promise<void> {
    this.file.write(csvLine(row));
  }

  /** Flushes and renames the file into place. */
  async commit(): Promise<void> {
    this.file.commit();
  }

  /** Drops the temporary file; the final name is never touched. */
  abort(): void {
    this.file.abort();
  }
}

/** Writes a whole table atomically. */
export async function writeCsv(path: string, columns: readonly string[], rows: Iterable<readonly CsvValue[]>): Promise<void> {
  const w = new AtomicCsvWriter(path, columns);
  try {
    for (const r of rows) await w.write(r);
    await w.commit();
  } catch (e) {
    w.abort();
    throw e;
  }
}
