// `--format parquet`: the column types and values of src/io/parquet.ts, the chunked CSV reader it uses, and
// the round trip through the runner (fake job): every table, metrics.csv and summary.csv as a Parquet file
// with the CSV's columns and values, the same bytes whatever the threads, and a merge of shards giving the
// one-machine sweep's bytes.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvFileRowChunks, csvRows } from '../../src/io/csv.js';
import { ColumnTypes, CREATED_BY, csvFileToParquet, parquetValue } from '../../src/io/parquet.js';
import { runMonteCarlo } from '../../src/runner/run.js';
import { shardHooks } from '../../src/runner/shard.js';
import { mergeShards } from '../../src/commands/merge.js';
import { JOB, csvFiles, opts, tempRoot } from '../helpers/runner-fixture.js';
import { parquetVsCsv, readParquet } from '../helpers/parquet.js';

const newDir = tempRoot('allora-parquet-');

const files = (dir: string, ext: string) => readdirSync(dir).filter((n) => n.endsWith(ext)).sort();

describe('column types', () => {
  it('widens integer < number < text over the whole column; empty cells do not count', () => {
    const t = new ColumnTypes(6);
    t.scan(['1', '1', '', 'a', '', '9007199254740991']);
    t.scan(['-2', '0.5', '', '1', '', '1']);
    t.scan(['', '1e-7', '', '', '', '9007199254740993']);
    // 2^53 + 1 is no exact float64 integer: the column is DOUBLE (the CSV text is a double's).
    expect(t.types()).toEqual(['INT64', 'DOUBLE', 'DOUBLE', 'STRING', 'DOUBLE', 'DOUBLE']);
    const u = new ColumnTypes(3);
    u.scan(['Infinity', '0x10', 'true']);
    u.scan(['-Infinity', '1', 'false']);
    expect(u.types()).toEqual(['DOUBLE', 'STRING', 'STRING']);
  });

  it('turns cell texts into the exact values, empty cells into null', () => {
    expect(parquetValue('INT64', '4294967295')).toBe(4294967295n);
    expect(parquetValue('INT64', '')).toBeNull();
    expect(parquetValue('DOUBLE', '0.30000000000000004')).toBe(0.1 + 0.2);
    expect(parquetValue('DOUBLE', '-Infinity')).toBe(-Infinity);
    expect(parquetValue('DOUBLE', '')).toBeNull();
    expect(parquetValue('STRING', 'a,"b"')).toBe('a,"b"');
    expect(parquetValue('STRING', '')).toBeNull();
  });
});

describe('csvFileRowChunks', () => {
  const rowsOf = async (path: string, chunk: number) => {
    const out: string[][] = [];
    for await (const c of csvFileRowChunks(path, chunk)) out.push(...c);
    return out;
  };

  it('reads a file without quotes in small chunks (multi-byte characters across chunk ends) as csv-parse does', async () => {
    const rows = [['a', 'b', 'c'], ...Array.from({ length: 50 }, (_, i) => [String(i), i % 3 === 0 ? '' : `é${i}ü`, String(i / 7)])];
    const path = join(newDir('chunks'), '..', `plain-${Date.now()}.csv`);
    writeFileSync(path, csvRows(rows));
    for (const chunk of [1, 7, 64, 1 << 20]) expect(await rowsOf(path, chunk)).toEqual(rows);
    expect(parse(readFileSync(path, 'utf8'))).toEqual(rows);
  });

  it('reads a file with quoted fields through csv-parse', async () => {
    const rows = [['x', 'label'], ['1', 'a,"quoted"\nlabel'], ['2', '']];
    const path = join(newDir('quoted'), '..', `quoted-${Date.now()}.csv`);
    writeFileSync(path, csvRows(rows));
    expect(await rowsOf(path, 8)).toEqual(rows);
  });
});

describe('--format parquet through the runner', () => {
  it('writes <name>.parquet for every CSV output, with the same columns and values', async () => {
    const csvDir = newDir('csv');
    const pqDir = newDir('pq');
    const csvRes = await runMonteCarlo(opts(csvDir));
    const pqRes = await runMonteCarlo(opts(pqDir, { format: 'parquet' }));
    expect(csvRes.outputs).toEqual(['losses.csv', 'weights.csv', 'summary.csv', 'metrics.csv', 'manifest.json']);
    expect(pqRes.outputs).toEqual(['losses.parquet', 'weights.parquet', 'summary.parquet', 'metrics.parquet', 'manifest.json']);
    expect(files(pqDir, '.csv')).toEqual([]);
    expect(readdirSync(pqDir).filter((n) => n.startsWith('.'))).toEqual([]);
    const csv = csvFiles(csvDir);
    for (const name of Object.keys(csv)) {
      const p = join(pqDir, name.replace(/\.csv$/, '.parquet'));
      expect(await parquetVsCsv(p, csv[name]), name).toEqual([]);
    }
    // Types: the index columns are integers, the losses numbers (NaN / null cells → null), labels text.
    const losses = await readParquet(join(pqDir, 'losses.parquet'));
    expect(losses.columns).toEqual(['point', 'replicate', 'epoch', 'loss', 'label']);
    expect(losses.types).toEqual(['INT64', 'INT64', 'INT64', 'DOUBLE', 'BYTE_ARRAY']);
    expect(losses.rows[2][3]).toBeNull();
    expect(losses.rows[1][4]).toBe('a,"quoted" label');
    expect(losses.createdBy).toBe(CREATED_BY);
    const manifest = JSON.parse(readFileSync(join(pqDir, 'manifest.json'), 'utf8'));
    expect(manifest.format).toBe('parquet');
    expect(manifest.outputs).toEqual(pqRes.outputs);
    expect(JSON.parse(readFileSync(join(csvDir, 'manifest.json'), 'utf8')).format).toBe('csv');
  });

  it('gives the same bytes with 1 and 2 threads and in-thread, and after a merge of shards', async () => {
    const a = newDir('t1');
    const b = newDir('t2');
    const c = newDir('inline');
    await runMonteCarlo(opts(a, { format: 'parquet', threads: 1, axisColumns: true }));
    await runMonteCarlo(opts(b, { format: 'parquet', threads: 2, axisColumns: true }));
    await runMonteCarlo(opts(c, { format: 'parquet', inline: true, axisColumns: true }));
    const names = files(a, '.parquet');
    expect(names).toEqual(['losses.parquet', 'metrics.parquet', 'summary.parquet', 'weights.parquet']);
    for (const n of names) {
      expect(readFileSync(join(b, n)).equals(readFileSync(join(a, n))), n).toBe(true);
      expect(readFileSync(join(c, n)).equals(readFileSync(join(a, n))), n).toBe(true);
    }
    // Two shards into one directory, merged with --format parquet (merge adds the swept-parameter columns, as
    // sweep does; its sweep pictures are not what this test is about).
    const s = newDir('shards');
    for (const index of [1, 2]) await runMonteCarlo(opts(s, { shard: shardHooks({ index, count: 2 }, 18, 3, {}), threads: 1 }));
    await mergeShards({ dirs: [s], runJobModule: JOB, handleSignals: false, format: 'parquet', figures: false });
    for (const n of names) expect(readFileSync(join(s, n)).equals(readFileSync(join(a, n))), n).toBe(true);
  });

  it('a complete Parquet sweep is complete for --resume in Parquet, not in CSV', async () => {
    const dir = newDir('resume');
    await runMonteCarlo(opts(dir, { format: 'parquet' }));
    const again = await runMonteCarlo(opts(dir, { format: 'parquet', resume: true }));
    expect(again.ran).toBe(0);
    expect(again.outputs).toContain('summary.parquet');
    const csv = await runMonteCarlo(opts(dir, { resume: true }));
    expect(csv.ran).toBe(18);
    expect(csv.outputs).toContain('summary.csv');
  });

  it('fills a column a run lacks with nulls (the re-laid-out path)', async () => {
    const dir = newDir('extra');
    const csvDir = newDir('extra-csv');
    const scenario = { fixture: { n: 4, extraColumnWhen: 1 } };
    await runMonteCarlo(opts(dir, { scenario, format: 'parquet' }));
    await runMonteCarlo(opts(csvDir, { scenario }));
    const csv = readFileSync(join(csvDir, 'losses.csv'), 'utf8');
    expect(await parquetVsCsv(join(dir, 'losses.parquet'), csv)).toEqual([]);
    const t = await readParquet(join(dir, 'losses.parquet'));
    expect(t.columns).toEqual(['point', 'replicate', 'epoch', 'loss', 'label', 'extra']);
    expect(t.rows[0][5]).toBeNull();
    expect(t.rows.some((r) => r[5] === 1 / 3)).toBe(true);
  });

  it('writes row groups of ROW_GROUP rows: a long table reads back whole', async () => {
    const dir = newDir('long');
    const src = join(dir, '..', `long-${Date.now()}.csv`);
    const rows = [['i', 'x'], ...Array.from({ length: 250_001 }, (_, i) => [String(i), i % 10 === 0 ? '' : String(i / 3)])];
    writeFileSync(src, csvRows(rows));
    const dest = `${src}.parquet`;
    const res = await csvFileToParquet(src, dest);
    expect(res).toEqual({ columns: [{ name: 'i', type: 'INT64' }, { name: 'x', type: 'DOUBLE' }], rows: 250_001 });
    expect(await parquetVsCsv(dest, readFileSync(src, 'utf8'))).toEqual([]);
  });
});
