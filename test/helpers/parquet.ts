// Reads a Parquet file back (hyparquet, an independent reader) and compares it with the CSV the same run
// writes: same columns in the same order, every cell equal — a number cell to the exact double Number(text)
// (an INT64 to BigInt(text)), a text cell to the same string, an empty cell to null.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';

export interface ParquetContents {
  columns: string[];
  /** Physical type of each column (INT64, DOUBLE, BYTE_ARRAY). */
  types: string[];
  createdBy: string | undefined;
  rows: unknown[][];
}

export async function readParquet(path: string): Promise<ParquetContents> {
  const b = readFileSync(path);
  const file = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  const meta = parquetMetadata(file);
  const leaves = meta.schema.slice(1);
  const columns = leaves.map((s) => s.name);
  const objects = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  return {
    columns,
    types: leaves.map((s) => String(s.type)),
    createdBy: meta.created_by,
    rows: objects.map((o) => columns.map((c) => o[c])),
  };
}

/** The mismatches between a Parquet file and a CSV text (empty when they hold the same table). */
export async function parquetVsCsv(parquetPath: string, csvText: string): Promise<string[]> {
  const pq = await readParquet(parquetPath);
  const csv = parse(csvText) as string[][];
  const out: string[] = [];
  if (JSON.stringify(pq.columns) !== JSON.stringify(csv[0])) out.push(`columns ${pq.columns.join(',')} vs ${csv[0].join(',')}`);
  if (pq.rows.length !== csv.length - 1) out.push(`${pq.rows.length} rows vs ${csv.length - 1}`);
  for (let i = 0; i < Math.min(pq.rows.length, csv.length - 1) && out.length < 20; i++) {
    const p = pq.rows[i];
    const c = csv[i + 1];
    for (let j = 0; j < c.length; j++) {
      const text = c[j];
      const v = p[j];
      const t = pq.types[j];
      const ok =
        text === ''
          ? v === null
          : t === 'INT64'
            ? v === BigInt(text)
            : t === 'DOUBLE'
              ? typeof v === 'number' && Object.is(v, Number(text))
              : v === text;
      if (!ok) out.push(`row ${i}, ${pq.columns[j]} (${t}): parquet ${String(v)} vs csv '${text}'`);
    }
  }
  return out;
}
