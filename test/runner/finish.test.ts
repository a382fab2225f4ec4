// What the runner does after the runs: the caller's `finish` step (figures, summaries) staged with the tables
// and the manifest last; a failing or interrupted finish leaves no "ok" manifest and keeps the runs; hidden
// tables read back from the parts; `tables` selects what is written; `runSeed` runs exactly one seed.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPartTable, readPartTableRows } from '../../src/runner/part.js';
import { SweepInterruptedError, runMonteCarlo } from '../../src/runner/run.js';
import { jobModuleFor } from '../../src/runner/pool.js';
import { csvFiles, opts, rejection, tempRoot } from '../helpers/runner-fixture.js';

const newDir = tempRoot('allora-finish-');
const visible = (d: string) => readdirSync(d).filter((n) => !n.startsWith('.')).sort();

describe('finish', () => {
  it('stages what finish writes with the tables and writes the manifest last, with its fields', async () => {
    const d = newDir('ok');
    let seen: { runs: number; dirInside: boolean } | undefined;
    const s = await runMonteCarlo(
      opts(d, {
        finish: async (ctx) => {
          seen = { runs: ctx.runs.length, dirInside: ctx.dir.startsWith(d) };
          // Nothing is in place yet while finish runs.
          expect(existsSync(join(d, 'manifest.json'))).toBe(false);
          expect(existsSync(join(d, 'losses.csv'))).toBe(false);
          writeFileSync(join(ctx.dir, 'figure.svg'), `<svg>${ctx.runs.map((r) => r.seed).join(',')}</svg>`);
          return { command: 'test', extra_field: 7, status: 'overridden?' };
        },
      }),
    );
    expect(seen).toEqual({ runs: 18, dirInside: true });
    expect(s.outputs).toEqual(['losses.csv', 'weights.csv', 'summary.csv', 'metrics.csv', 'figure.svg', 'manifest.json']);
    expect(visible(d)).toEqual(['figure.svg', 'losses.csv', 'manifest.json', 'metrics.csv', 'summary.csv', 'weights.csv']);
    const m = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8'));
    expect(m).toMatchObject({ command: 'test', extra_field: 7, status: 'ok' });
    expect(m.outputs).toContain('figure.svg');
    expect(readdirSync(d).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('a finish that throws leaves no manifest and no tables, keeps the runs, and resume finishes', async () => {
    const d = newDir('throws');
    const e = await rejection(
      runMonteCarlo(
        opts(d, {
          finish: async (ctx) => {
            writeFileSync(join(ctx.dir, 'half.svg'), 'x');
            throw new Error('cannot draw');
          },
        }),
      ),
    );
    expect(e.message).toBe('cannot draw');
    expect(visible(d)).toEqual([]);
    expect(readdirSync(join(d, '.runs')).filter((n) => n.endsWith('.ndjson'))).toHaveLength(18);
    expect(readdirSync(d).filter((n) => n.startsWith('.finish') || n.endsWith('.partial'))).toEqual([]);
    const s = await runMonteCarlo(opts(d, { resume: true }));
    expect(s).toMatchObject({ ran: 0, skipped: 18 });
    expect(JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')).status).toBe('ok');
  });

  it('an interrupt while finish runs is reported with the resume hint; nothing is put in place', async () => {
    const d = newDir('interrupt');
    const ac = new AbortController();
    const e = await rejection(
      runMonteCarlo(
        opts(d, {
          signal: ac.signal,
          resumeHint: 're-run with --resume',
          finish: async (ctx) => {
            ac.abort();
            writeFileSync(join(ctx.dir, 'figure.svg'), 'x');
          },
        }),
      ),
    );
    expect(e).toBeInstanceOf(SweepInterruptedError);
    expect((e as SweepInterruptedError).exitCode).toBe(130);
    expect(e.message).toMatch(/while writing the outputs: all 18 runs are kept in .*\.runs; to continue, re-run with --resume/);
    expect(visible(d)).toEqual([]);
  });
});

describe('tables, hidden tables and run seeds', () => {
  it('hidden tables stay in the parts, readable, never assembled', async () => {
    const d = newDir('hidden');
    let table: { columns: string[]; rows: string[][] } | undefined;
    let streamed: string[][] = [];
    await runMonteCarlo(
      opts(d, {
        scenario: { fixture: { n: 4, hidden: true } },
        finish: async (ctx) => {
          table = readPartTable(ctx.runsDir, 5, 2, '_trace.csv');
          const t = readPartTableRows(ctx.runsDir, 5, 2, '_trace.csv');
          for await (const r of t.rows) streamed.push(r);
          expect(() => readPartTable(ctx.runsDir, 5, 2, 'nope.csv')).toThrow(/no table nope\.csv in this run \(it has losses\.csv, weights\.csv, _trace\.csv\)/);
        },
      }),
    );
    const seed = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')).runs[17].seed as number;
    expect(table).toEqual({ columns: ['step', 'value'], rows: [0, 1, 2, 3].map((i) => [String(i), `v${seed % 100}-${i}`]) });
    expect(streamed).toEqual(table!.rows);
    expect(visible(d)).not.toContain('_trace.csv');
  });

  it('writes only the tables asked for (metrics.csv always), and resume refuses other tables', async () => {
    const d = newDir('tables');
    const s = await runMonteCarlo(opts(d, { tables: ['weights.csv'], keepParts: true }));
    expect(s.outputs).toEqual(['weights.csv', 'summary.csv', 'metrics.csv', 'manifest.json']);
    const all = newDir('all');
    await runMonteCarlo(opts(all));
    expect(csvFiles(d)['weights.csv']).toBe(csvFiles(all)['weights.csv']);
    expect(csvFiles(d)['metrics.csv']).toBe(csvFiles(all)['metrics.csv']);
    const e = await rejection(runMonteCarlo(opts(d, { resume: true })));
    expect(e.message).toMatch(/tables: \[weights\.csv\] in the checkpoint, all now/);
  });

  it('runSeed runs exactly that seed, and only as a single run', async () => {
    const d = newDir('runseed');
    const s = await runMonteCarlo(opts(d, { sweep: undefined, replicates: 1, runSeed: 123456, indexColumns: false }));
    expect(s.total).toBe(1);
    expect(JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')).runs[0].seed).toBe(123456);
    expect(readFileSync(join(d, 'metrics.csv'), 'utf8').split('\n')[1]).toMatch(/^0,123456,/);
    const e = await rejection(runMonteCarlo(opts(newDir('runseed2'), { runSeed: 5 })));
    expect(e.message).toMatch(/--run-seed: runs exactly one run \(got 6 points × 3 replicates\)/);
  });

  it('chooses the job module by scenario kind', () => {
    const w = new URL('file:///x/dist/workers/run-job.js');
    expect(jobModuleFor('agents', w).href).toBe('file:///x/dist/src/sim/job.js');
    expect(jobModuleFor('tokenomics', w).href).toBe('file:///x/dist/src/sim/tokenomics-job.js');
  });
});
