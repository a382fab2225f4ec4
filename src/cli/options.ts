// Option parsers shared by the commands.
import { InputError, printable } from '../scenario/errors.js';

/** Collects a repeatable option (`--set a=1 --set b=2`). */
export const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** Parses an integer ≥ 1 (at most `max`), or one clear line naming the option. */
export function positiveInt(name: string, max = Number.MAX_SAFE_INTEGER): (v: string) => number {
  return (v: string): number => {
    const n = /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < 1) throw new InputError(`${name}: must be an integer ≥ 1 (got '${printable(v, 40)}')`);
    if (n > max) throw new InputError(`${name}: at most ${max} (the size limit; got ${n})`);
    return n;
  };
}

/** Parses an unsigned 32-bit run seed. */
export function runSeed(v: string): number {
  const n = /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n > 0xffffffff) throw new InputError(`--run-seed: must be an integer in [0, 4294967295] (got '${printable(v, 40)}')`);
  return n;
}

export const TABLES_OPTION = ['--tables <list>', "tables to write: a comma list without .csv (e.g. losses,rewards), 'all' (default) or 'none'; metrics.csv is always written"] as const;
export const FORCE_OPTION = ['--force', 'replace what the output directory holds (another run, or files that are not a run)'] as const;

/** `--format csv|parquet`: checked as it is parsed (one line naming the flag and the allowed values). */
export function outputFormat(v: string): 'csv' | 'parquet' {
  if (v === 'csv' || v === 'parquet') return v;
  throw new InputError(`--format: must be csv or parquet (got '${printable(v, 40)}')`);
}
export const FORMAT_OPTION = [
  '--format <csv|parquet>',
  "file format of the tables, metrics and summary: csv (default) or parquet (each <name>.csv becomes <name>.parquet: same columns, integers as INT64, numbers as DOUBLE, empty cells as null, Snappy-compressed; pandas, polars and R arrow read it)",
  outputFormat,
] as const;
