// Reading and writing files with one clear error each: a file that cannot be read is an InputError naming
// it (exit 2); a file that cannot be written is a WriteFailedError naming it (exit 1: the run could not
// be saved). Writes are atomic: a temporary name in the same directory, then a rename.

import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { InputError } from './errors.js';

/** A file could not be written (full disk, read-only or unwritable place, …): exit code 1. */
export class WriteFailedError extends Error {
  readonly exitCode = 1;
  constructor(
    readonly path: string,
    readonly code: string,
  ) {
    super(`${path}: cannot write (${code}${code === 'ENOSPC' ? ': no space left on device' : code === 'EDQUOT' ? ': disk quota exceeded' : ''})`);
    this.name = 'WriteFailedError';
  }
}

/** The errno code of an error ('error' when it has none). */
export const errnoCode = (e: unknown): string => (e as NodeJS.ErrnoException)?.code ?? 'error';

/** Wraps a file-system error of writing `path` (other errors pass through). */
export function writeFailure(path: string, e: unknown): Error {
  if (e instanceof WriteFailedError || e instanceof InputError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  return typeof code === 'string' ? new WriteFailedError(path, code) : (e as Error);
}

/** A temporary name beside `path`, unique to this process and thread, ending in `.partial`. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${threadId}.partial`);
}

/** Writes all of `buf` to descriptor `fd`. */
export function writeAll(fd: number, buf: Uint8Array, length = buf.length): void {
  let off = 0;
  while (off < length) off += writeSync(fd, buf, off, length - off);
}

/** Writes `data` to `path` atomically (parent directories created). WriteFailedError on failure; nothing
 *  is left under either name. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = tempPathFor(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(tmp, 'w');
    try {
      writeAll(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw writeFailure(path, e);
  }
}

/** JSON text as the tool writes it: two-space indent, NaN / ±Infinity as null, a final newline. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x), 2)}\n`;
}

/** Reads a UTF-8 text file; InputError naming it (`what`, e.g. 'the scenario file') when it cannot be read. */
export function readTextFile(path: string, what = 'the file'): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = errnoCode(e);
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code;
    throw new InputError(`${path}: cannot read ${what} (${why})`);
  }
}

/** A buffered, synchronous writer to a temporary file that `commit()` renames into place; `abort()`
 *  removes it. Every failure is a WriteFailedError naming the final path. */
export class AtomicFileWriter {
  readonly tmp: string;
  private fd: number | null;
  private pending = '';

  constructor(
    readonly path: string,
    private readonly flushAt = 1 << 16,
  ) {
    this.tmp = tempPathFor(path);
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.fd = openSync(this.tmp, 'w');
    } catch (e) {
      throw writeFailure(path, e);
    }
  }

  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= this.flushAt) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0 || this.fd === null) return;
    const b = Buffer.from(this.pending, 'utf8');
    this.pending = '';
    try {
      writeAll(this.fd, b);
    } catch (e) {
      this.abort();
      throw writeFailure(this.path, e);
    }
  }

  /** Flushes and closes the temporary file without renaming it (the caller stages it: `tmp`). */
  close(): void {
    this.flush();
    try {
      if (this.fd !== null) closeSync(this.fd);
      this.fd = null;
    } catch (e) {
      this.abort();
      throw writeFailure(this.path, e);
    }
  }

  commit(): void {
    this.flush();
    try {
      if (this.fd !== null) closeSync(this.fd);
      this.fd = null;
      renameSync(this.tmp, this.path);
    } catch (e) {
      this.abort();
      throw writeFailure(this.path, e);
    }
  }

  abort(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // failing already
      }
      this.fd = null;
    }
    rmSync(this.tmp, { force: true });
  }
}
