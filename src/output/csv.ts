// Streaming CSV writers (csv-stringify) that never leave a half-written file under the final name: rows go
// to a temporary file beside the target, and `commit()` renames it into place; `abort()` removes it.

import { createWriteStream, mkdirSync, renameSync, rmSync, type WriteStream } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { stringify, type Stringifier } from 'csv-stringify';
import { InputError } from '../scenario/errors.js';

/** Full-precision text of a number (shortest round-trip form); NaN / null → empty cell. */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '';
  return String(x);
}

export type CsvValue = number | string | null | undefined;

function formatValue(v: CsvValue): string {
  return typeof v === 'number' || v === null || v === undefined ? formatNumber(v as number | null | undefined) : v;
}

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
  private readonly tmp: string;
  private readonly stringifier: Stringifier;
  private readonly out: WriteStream;
  private readonly done: Promise<void>;
  private failed: Error | null = null;

  constructor(
    readonly path: string,
    readonly columns: readonly string[],
  ) {
    const dir = dirname(path);
    ensureDir(dir);
    this.tmp = join(dir, `.${basename(path)}.${process.pid}.partial`);
    this.out = createWriteStream(this.tmp);
    this.stringifier = stringify({ header: true, columns: columns as string[], eof: true });
    this.stringifier.pipe(this.out);
    this.done = new Promise<void>((resolve, reject) => {
      this.out.on('finish', resolve);
      this.out.on('error', (e) => {
        this.failed = e;
        reject(e);
      });
      this.stringifier.on('error', reject);
    });
    this.done.catch(() => undefined);
  }

  /** Writes one row; waits when the stream buffer is full so memory stays flat. */
  async write(row: readonly CsvValue[]): Promise<void> {
    if (this.failed) throw this.writeError(this.failed);
    if (!this.stringifier.write(row.map(formatValue))) {
      // A failed stream never drains: wait for whichever comes first, so a write error (full disk) is reported.
      await Promise.race([new Promise<void>((resolve) => this.stringifier.once('drain', resolve)), this.done]).catch((e: unknown) => {
        throw this.writeError(e);
      });
      if (this.failed) throw this.writeError(this.failed);
    }
  }

  private writeError(e: unknown): InputError {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    return new InputError(`${this.path}: cannot write the output file (${code})`);
  }

  /** Flushes and renames the file into place. */
  async commit(): Promise<void> {
    this.stringifier.end();
    try {
      await this.done;
    } catch (e) {
      this.abort();
      throw this.writeError(e);
    }
    try {
      renameSync(this.tmp, this.path);
    } catch (e) {
      this.abort();
      throw this.writeError(e);
    }
  }

  /** Drops the temporary file; the final name is never touched. */
  abort(): void {
    this.stringifier.destroy();
    this.out.destroy();
    rmSync(this.tmp, { force: true });
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
