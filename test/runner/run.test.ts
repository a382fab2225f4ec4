// End-to-end tests of the Monte Carlo runner with the fake job (test/fixtures/fake-job.mjs). The worker
// threads load the compiled worker from dist/ (built by test/global-setup.ts).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/scenario/errors.js';
import { buildSweep } from '../../src/runner/grid.js';
import {
  runMonteCarlo,
  SweepFailedError,
  SweepInterruptedError,
  type RunSummary,
} from '../../src/runner/run.js';
import { deriveSeed } from '../../src/runner/seeds.js';
import { JOB, CHILD, GRID, tempRoot, opts, csvFiles, rejection } from '../helpers/runner-fixture.js';

const here = dirname(fileURLToPath(import.meta.url));

const newDir = tempRoot('allora-runner-');




function rows(text: string): string[][] {
  return parse(text, { columns: false }) as string[][];
}

describe('runMonteCarlo', () => {
  let reference: Record<string, string>;
  let refSummary: RunSummary;
  let refDir: string;

  beforeAll(async () => {
    refDir = newDir('ref');
    refSummary = await runMonteCarlo(opts(refDir, { threads: 2 }));
    reference = csvFiles(refDir);
  });

  it('writes tables with index columns, summary.csv and manifest.json in canonical order', () => {
    expect(refSummary).toMatchObject({ points: 6, replicates: 3, total: 18, ran: 18, skipped: 0, pending: 0, failures: [] });
    expect(refSummary.outputs).toEqual(['losses.csv', 'weights.csv', 'summary.csv', 'metrics.csv', 'manifest.json']);
    expect(existsSync(join(refDir, '.runs'))).toBe(false);
    expect(readdirSync(refDir).filter((n) => n.startsWith('.'))).toEqual([]);

    const losses = rows(reference['losses.csv']);
    expect(losses[0]).toEqual(['point', 'replicate', 'epoch', 'loss', 'label']);
    expect(losses).toHaveLength(1 + 18 * 6);
    const order = losses.slice(1).map((r) => `${r[0]}/${r[1]}`);
    const expected = [...Array(18).keys()].flatMap((id) => Array(6).fill(`${Math.floor(id / 3)}/${id % 3}`));
    expect(order).toEqual(expected);
    // NaN and null → empty cell; quoting of strings; full precision numbers.
    expect(losses[3]).toEqual(['0', '0', '2', '', 'e2']);
    expect(losses[4][3]).toBe('');
    expect(losses[2][4]).toBe('a,"quoted" label');
    expect(reference['losses.csv']).toContain('"a,""quoted"" label"');
    expect(Number(losses[1][3])).toBeGreaterThan(0);
    expect(String(Number(losses[1][3]))).toBe(losses[1][3]);

    const summary = rows(reference['summary.csv']);
    expect(summary[0]).toEqual([
      'point',
      'fixture.mu',
      'fixture.sigma',
      ...['mean_loss', 'first', 'seed_mod'].flatMap((m) =>
        ['n', 'mean', 'std', 'se', 'ci95_lo', 'ci95_hi', 'median', 'p10', 'p90'].map((s) => `${m}_${s}`),
      ),
    ]);
    expect(summary.slice(1).map((r) => r.slice(0, 3))).toEqual([
      ['0', '0', '1'],
      ['1', '0', '1.5'],
      ['2', '0', '2'],
      ['3', '10', '1'],
      ['4', '10', '1.5'],
      ['5', '10', '2'],
    ]);
    // seed_mod statistics recomputed from the seeds.
    const sweep = buildSweep({ grid: GRID });
    const values = { 'fixture.mu': 10, 'fixture.sigma': 1.5 };
    const mods = [0, 1, 2].map((r) => deriveSeed(42, values, r) % 7);
    const m = mods.reduce((a, b) => a + b, 0) / 3;
    expect(Number(summary[5][3 + 18])).toBe(3); // seed_mod_n
    expect(Number(summary[5][3 + 18 + 1])).toBeCloseTo(m, 12); // seed_mod_mean
    expect(sweep.axes).toHaveLength(2);

    // metrics.csv: one row per run in canonical order, the point's values, every metric.
    const metrics = rows(reference['metrics.csv']);
    expect(metrics[0]).toEqual(['point', 'replicate', 'seed', 'fixture.mu', 'fixture.sigma', 'mean_loss', 'first', 'seed_mod']);
    expect(metrics).toHaveLength(1 + 18);
    expect(metrics[1 + 13]).toEqual(['4', '1', String(deriveSeed(42, values, 1)), '10', '1.5', expect.any(String), expect.any(String), String(mods[1])]);
    const meanLoss = [0, 1, 2].map((r) => Number(metrics[1 + 12 + r][5]));
    expect(Number(summary[5][3 + 1])).toBeCloseTo(meanLoss.reduce((a, b) => a + b, 0) / 3, 12);

    const manifest = JSON.parse(readFileSync(join(refDir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      tool: 'allora-sim',
      status: 'ok',
      sweep: { seed: 42, mode: 'grid', points: 6, replicates: 3, scenario: { fixture: { n: 6 } } },
      counts: { total: 18, ok: 18, failed: 0, pending: 0 },
    });
    expect(manifest.version).toBe(JSON.parse(readFileSync(resolve(here, '../../package.json'), 'utf8')).version);
    expect(manifest.sweep.axes).toEqual([
      { name: 'fixture.mu', key: 'fixture.mu', values: [0, 10] },
      { name: 'fixture.sigma', key: 'fixture.sigma', values: [1, 1.5, 2] },
    ]);
    expect(manifest.runs).toHaveLength(18);
    expect(manifest.runs[4]).toEqual({ point: 1, replicate: 1, seed: deriveSeed(42, { 'fixture.mu': 0, 'fixture.sigma': 1.5 }, 1), status: 'ok' });
  });

  it('gives byte-identical files with 1 thread, 2 threads and inline', async () => {
    const d1 = newDir('t1');
    await runMonteCarlo(opts(d1, { threads: 1 }));
    expect(csvFiles(d1)).toEqual(reference);
    const d3 = newDir('inline');
    await runMonteCarlo(opts(d3, { inline: true }));
    expect(csvFiles(d3)).toEqual(reference);
  });

  it('writes the tables own columns only when indexColumns is false (run --seeds N)', async () => {
    const d = newDir('plain');
    const s = await runMonteCarlo(opts(d, { sweep: undefined, replicates: 4, indexColumns: false }));
    expect(s).toMatchObject({ points: 1, total: 4 });
    const losses = rows(readFileSync(join(d, 'losses.csv'), 'utf8'));
    expect(losses[0]).toEqual(['epoch', 'loss', 'label']);
    expect(losses).toHaveLength(1 + 4 * 6);
    const summary = rows(readFileSync(join(d, 'summary.csv'), 'utf8'));
    expect(summary).toHaveLength(2);
    expect(summary[0][0]).toBe('mean_loss_n');
    expect(summary[0][1]).toBe('mean_loss_mean');
  });

  it('takes the union of the columns when runs differ', async () => {
    const d = newDir('union');
    await runMonteCarlo(opts(d, { scenario: { fixture: { n: 2, extraColumnWhen: 1 } }, replicates: 1 }));
    const losses = rows(readFileSync(join(d, 'losses.csv'), 'utf8'));
    expect(losses[0]).toEqual(['point', 'replicate', 'epoch', 'loss', 'label', 'extra']);
    expect(losses[1][5]).toBe('');
    expect(losses[3][5]).toBe(String(1 / 3));
  });

  it('reports a throwing run with its point and seed; the others go on', async () => {
    const d = newDir('throw');
    const e = await rejection(runMonteCarlo(opts(d, { scenario: { fixture: { n: 2, throwOn: [{ point: 4, replicate: 1 }] } } })));
    expect(e).toBeInstanceOf(SweepFailedError);
    const f = e as SweepFailedError;
    expect(f.exitCode).toBe(1);
    const seed = deriveSeed(42, { 'fixture.mu': 10, 'fixture.sigma': 1.5 }, 1);
    expect(f.summary.failures).toEqual([
      {
        point: 4,
        replicate: 1,
        seed,
        values: { 'fixture.mu': 10, 'fixture.sigma': 1.5 },
        where: 'fixture.mu=10, fixture.sigma=1.5',
        error: `fixture failure (seed ${seed})`,
      },
    ]);
    expect(f.message).toContain(
      `point 4 (fixture.mu=10, fixture.sigma=1.5), replicate 1, seed ${seed} [alone: run <scenario> --set fixture.mu=10 --set fixture.sigma=1.5 --run-seed ${seed}]: fixture failure`,
    );
    expect(f.summary.ran).toBe(17);
    // No CSV outputs, the manifest lists the failure, the finished runs are kept.
    expect(Object.keys(csvFiles(d))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8'));
    expect(manifest.status).toBe('failed');
    expect(manifest.runs[13]).toMatchObject({ point: 4, replicate: 1, status: 'failed', seed });
    expect(readdirSync(join(d, '.runs')).filter((n) => n.endsWith('.ndjson'))).toHaveLength(17);
  });

  it('stops at the first failure with failFast', async () => {
    const d = newDir('failfast');
    const e = (await rejection(
      runMonteCarlo(opts(d, { threads: 1, scenario: { fixture: { n: 2, throwOn: [{ point: 0, replicate: 1 }] } }, failFast: true })),
    )) as SweepFailedError;
    expect(e).toBeInstanceOf(SweepFailedError);
    expect(e.summary.failures).toHaveLength(1);
    expect(e.summary.pending).toBeGreaterThan(10);
  });

  it('survives worker threads that call process.exit or die of an uncaught error', async () => {
    const d = newDir('exit');
    const t0 = Date.now();
    const e = (await rejection(
      runMonteCarlo(
        opts(d, {
          threads: 2,
          scenario: {
            fixture: { n: 2, exitOn: [{ point: 0, replicate: 0 }, { point: 3 }], crashOn: [{ point: 5, replicate: 2 }] },
          },
        }),
      ),
    )) as SweepFailedError;
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(e).toBeInstanceOf(SweepFailedError);
    expect(e.summary.failures.map((f) => [f.point, f.replicate])).toEqual([
      [0, 0],
      [3, 0],
      [3, 1],
      [3, 2],
      [5, 2],
    ]);
    expect(e.summary.failures[0].error).toMatch(/worker thread failed: .*exited with code: 3/);
    expect(e.summary.failures[4].error).toMatch(/fixture uncaught error/);
    expect(e.summary.ran).toBe(13);

    // A single thread is replaced after each death too.
    const d1 = newDir('exit1');
    const e1 = (await rejection(
      runMonteCarlo(opts(d1, { threads: 1, scenario: { fixture: { n: 2, exitOn: [{ point: 1 }] } } })),
    )) as SweepFailedError;
    expect(e1.summary.failures).toHaveLength(3);
    expect(e1.summary.ran).toBe(15);
  });

  it('rejects a bad sweep definition with an InputError', async () => {
    await expect(runMonteCarlo(opts(newDir('bad'), { replicates: 0 }))).rejects.toBeInstanceOf(InputError);
    await expect(runMonteCarlo(opts(newDir('bad'), { seed: -1 }))).rejects.toBeInstanceOf(InputError);
    const e = await rejection(
      runMonteCarlo(opts(newDir('bad'), { scenario: { fixture: 3 }, sweep: buildSweep({ grid: ['fixture.mu=1,2'] }) })),
    );
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toMatch(/--grid fixture\.mu: 'fixture' is not a mapping/);
  });

  it('stops on an AbortSignal, keeps the finished runs, and resumes to identical files', async () => {
    const d = newDir('abort');
    const ac = new AbortController();
    const slow = { fixture: { n: 6, delayMs: 30 } };
    const run = runMonteCarlo(opts(d, { scenario: slow, signal: ac.signal }));
    await waitForParts(d, 4);
    ac.abort();
    const e = (await rejection(run)) as SweepInterruptedError;
    expect(e).toBeInstanceOf(SweepInterruptedError);
    expect(e.exitCode).toBe(130);
    expect(e.message).toMatch(/--resume/);
    const kept = partCount(d);
    expect(kept).toBeGreaterThanOrEqual(4);
    expect(kept).toBeLessThan(18);
    expect(csvFiles(d)).toEqual({});

    const s = await runMonteCarlo(opts(d, { scenario: slow, resume: true }));
    expect(s.skipped).toBe(kept);
    expect(s.ran).toBe(18 - kept);
    const fresh = newDir('abort-ref');
    await runMonteCarlo(opts(fresh, { scenario: slow }));
    expect(csvFiles(d)).toEqual(csvFiles(fresh));
  });

  it('resumes after a SIGTERM kill of a child process with byte-identical outputs', async () => {
    const d = newDir('kill');
    const child = {
      grid: GRID,
      scenario: { fixture: { n: 6, delayMs: 40 } },
      out: d,
      seed: 42,
      replicates: 3,
      runJobModule: JOB,
      threads: 2,
      progress: 'lines',
      progressIntervalMs: 100,
    };
    const proc = spawn(process.execPath, [CHILD, JSON.stringify(child)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((res) => proc.on('exit', (code) => res(code)));
    await waitForParts(d, 3);
    proc.kill('SIGTERM');
    const code = await exited;
    expect(code).toBe(143);
    expect(stderr).toMatch(/interrupted by SIGTERM: \d+ of 18 runs finished and kept in .*; to continue, re-run the same command with --resume/);
    const kept = partCount(d);
    expect(kept).toBeGreaterThanOrEqual(3);
    expect(kept).toBeLessThan(18);
    expect(readdirSync(join(d, '.runs')).filter((n) => n.endsWith('.tmp'))).toEqual([]);

    // A mismatching definition is refused, naming what differs.
    const mismatch = await rejection(
      runMonteCarlo(opts(d, { scenario: { fixture: { n: 7, delayMs: 40 } }, seed: 43, resume: true })),
    );
    expect(mismatch).toBeInstanceOf(InputError);
    expect(mismatch.message).toMatch(/seed: 42 in the checkpoint, 43 now/);
    expect(mismatch.message).toMatch(/scenario fixture\.n: 6 in the checkpoint, 7 now/);
    const mismatch2 = await rejection(
      runMonteCarlo(opts(d, { scenario: child.scenario, sweep: buildSweep({ grid: ['fixture.mu=0,10,20', GRID[1]] }), resume: true })),
    );
    expect(mismatch2.message).toMatch(/grid fixture\.mu values: \[0,10\] in the checkpoint, \[0,10,20\] now/);

    const s = await runMonteCarlo(opts(d, { scenario: child.scenario, resume: true, threads: 1 }));
    expect(s.skipped).toBe(kept);
    const fresh = newDir('kill-ref');
    await runMonteCarlo(opts(fresh, { scenario: child.scenario }));
    const resumed = csvFiles(d);
    expect(Object.keys(resumed)).toEqual(['losses.csv', 'metrics.csv', 'summary.csv', 'weights.csv']);
    expect(resumed).toEqual(csvFiles(fresh));
    const m1 = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8'));
    const m2 = JSON.parse(readFileSync(join(fresh, 'manifest.json'), 'utf8'));
    expect(m1.runs).toEqual(m2.runs);
    expect(m1.counts.resumed).toBe(kept);

    // Resuming a complete sweep does nothing.
    const again = await runMonteCarlo(opts(d, { scenario: child.scenario, resume: true }));
    expect(again.ran).toBe(0);
    expect(csvFiles(d)).toEqual(resumed);
  });

  it('runs a single run in the main thread: a signal during it ends the process, and resume finishes it', async () => {
    const d = newDir('single');
    // One point, one replicate, a job that blocks its thread for seconds: no pool, so the signal cannot wait.
    const child = { grid: [], scenario: { fixture: { n: 2, delayMs: 20_000 } }, out: d, seed: 42, replicates: 1, runJobModule: JOB, threads: 2, progress: 'quiet' };
    const proc = spawn(process.execPath, [CHILD, JSON.stringify(child)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<[number | null, string | null]>((res) => proc.on('exit', (code, sig) => res([code, sig])));
    const t0 = Date.now();
    while (!existsSync(join(d, '.runs', 'sweep.json'))) {
      if (Date.now() - t0 > 15_000) throw new Error('the child did not start the sweep');
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 300)); // inside the job
    proc.kill('SIGTERM');
    expect(await exited).toEqual([null, 'SIGTERM']);
    expect(partCount(d)).toBe(0);
    expect(existsSync(join(d, 'manifest.json'))).toBe(false);

    const quick = { fixture: { n: 2 } };
    const s = await runMonteCarlo(opts(d, { scenario: { fixture: { n: 2, delayMs: 20_000 } }, sweep: undefined, replicates: 1, resume: true, applyPoint: () => quick }));
    expect(s.ran).toBe(1);
    const fresh = newDir('single-ref');
    await runMonteCarlo(opts(fresh, { scenario: { fixture: { n: 2, delayMs: 20_000 } }, sweep: undefined, replicates: 1, applyPoint: () => quick }));
    expect(csvFiles(d)).toEqual(csvFiles(fresh));
  });

  it('prints progress lines on a non-TTY stream', async () => {
    const chunks: string[] = [];
    const stream = { write: (s: string) => chunks.push(s), isTTY: false } as unknown as NodeJS.WritableStream;
    await runMonteCarlo(opts(newDir('progress'), { progress: 'auto', progressStream: stream, log: () => undefined }));
    expect(chunks.at(-1)).toMatch(/^runs 18\/18 \(100%\), [\d.]+ runs\/s, ETA 0s\n$/);
  });
});

function partCount(dir: string): number {
  try {
    return readdirSync(join(dir, '.runs')).filter((n) => n.endsWith('.ndjson')).length;
  } catch {
    return 0;
  }
}

async function waitForParts(dir: string, n: number): Promise<void> {
  const t0 = Date.now();
  while (partCount(dir) < n) {
    if (Date.now() - t0 > 15_000) throw new Error(`timed out waiting for ${n} part files in ${dir}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
