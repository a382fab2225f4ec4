// `--format csv|parquet` end to end on the figure 2–3 scenario: `run` and `sweep` write a .parquet file for
// every CSV they write otherwise, each read back (hyparquet) equal to the CSV cell for cell; a bad value is
// one line naming the flag, exit 2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from '../helpers/cli.js';
import { parquetVsCsv, readParquet } from '../helpers/parquet.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'allora-format-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIG23 = join(ROOT, 'scenarios/figure2-3.yaml');
const ext = (d: string, e: string) => readdirSync(d).filter((n) => n.endsWith(e)).sort();

/** Every CSV output of `csvDir` has a Parquet twin in `pqDir` holding the same table. */
async function expectTwins(csvDir: string, pqDir: string): Promise<void> {
  const csv = ext(csvDir, '.csv');
  expect(csv.length).toBeGreaterThan(0);
  expect(ext(pqDir, '.parquet')).toEqual(csv.map((n) => n.replace(/\.csv$/, '.parquet')).sort());
  expect(ext(pqDir, '.csv')).toEqual([]);
  for (const n of csv) {
    expect(await parquetVsCsv(join(pqDir, n.replace(/\.csv$/, '.parquet')), readFileSync(join(csvDir, n), 'utf8')), n).toEqual([]);
  }
}

describe('--format', () => {
  it('refuses an unknown format with one line naming the flag and the allowed values (exit 2)', () => {
    for (const cmd of [['sweep', FIG23, '--grid', 'p=2,3'], ['run', FIG23]]) {
      const r = runCli([...cmd, '--format', 'xlsx', '-o', join(dir, 'bad')]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/--format: must be csv or parquet \(got 'xlsx'\)/);
    }
  });

  it('sweep --format parquet writes the CSV sweep\'s tables, metrics and summary as Parquet', async () => {
    const args = (out: string, f: string) => ['sweep', FIG23, '--grid', 'p=2,3.5', '--seeds', '2', '--epochs', '40', '--set', 'warmup=5', '--quiet', '--format', f, '-o', out];
    const c = join(dir, 'sweep-csv');
    const p = join(dir, 'sweep-pq');
    expect(runCli(args(c, 'csv')).code).toBe(0);
    const r = runCli(args(p, 'parquet'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('losses.parquet');
    await expectTwins(c, p);
    const losses = await readParquet(join(p, 'losses.parquet'));
    expect(losses.columns.slice(0, 6)).toEqual(['point', 'replicate', 'p', 'seed', 'epoch', 'kind']);
    expect(losses.types.slice(0, 6)).toEqual(['INT64', 'INT64', 'DOUBLE', 'INT64', 'INT64', 'BYTE_ARRAY']);
    const manifest = JSON.parse(readFileSync(join(p, 'manifest.json'), 'utf8'));
    expect(manifest.format).toBe('parquet');
    expect(manifest.outputs).toContain('metrics.parquet');
  });

  it('run --seeds 2 --format parquet writes its tables and metrics as Parquet (summary.json and figures unchanged)', async () => {
    const args = (out: string, f: string) => ['run', FIG23, '--seeds', '2', '--epochs', '40', '--set', 'warmup=5', '--no-figures', '--quiet', '--format', f, '-o', out];
    const c = join(dir, 'run-csv');
    const p = join(dir, 'run-pq');
    expect(runCli(args(c, 'csv')).code).toBe(0);
    expect(runCli(args(p, 'parquet')).code).toBe(0);
    await expectTwins(c, p);
    expect(readFileSync(join(p, 'summary.json')).equals(readFileSync(join(c, 'summary.json')))).toBe(true);
  });
});
