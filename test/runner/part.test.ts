// Part files v3 (src/runner/part.ts): CSV formatting identical to csv-stringify, the header's section
// layout and checksums, damaged parts re-run on resume (truncated, old version, bad layout, same-size
// damage); the
// column-union / index slow path of the assembly; a part file that cannot be written stops the sweep.
import { closeSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'csv-stringify/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { assembleOutputs, commitStaged } from '../../src/runner/assemble.js';
import { executeTask } from '../../src/runner/execute.js';
import { buildSweep, pointAt } from '../../src/runner/grid.js';
import {
  PART_VERSION,
  cellText,
  csvLine,
  encodePart,
  openPart,
  partFileName,
  partText,
  readPartHeader,
  writePartAtomic,
} from '../../src/runner/part.js';
import { runMonteCarlo, setPointValues } from '../../src/runner/run.js';
import { deriveSeed } from '../../src/runner/seeds.js';
import { JOB, GRID, tempRoot, opts, csvFiles, rejection } from '../helpers/runner-fixture.js';


const newDir = tempRoot('allora-part-');



const TRICKY: unknown[] = [
  '',
  ' ',
  'plain',
  'a,b',
  'say "hi"',
  '"',
  '""',
  ',',
  'line\nbreak',
  'cr\rhere',
  'crlf\r\nhere',
  '\n',
  ' padded ',
  '=SUM(A1)',
  '+1',
  '-1',
  '@x',
  '\t tab',
  "it's",
  'ünïcødé σ → ✓',
  '😀,"x"',
  'a;b',
  '\\',
  0,
  -0,
  1,
  -1.5,
  0.1 + 0.2,
  1e21,
  1e-7,
  -123456789.123456789,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  Infinity,
  -Infinity,
  NaN,
  null,
  true,
  false,
];

describe('part CSV formatting', () => {
  it('writes exactly what csv-stringify writes for the cell texts, with and without the index prefix', () => {
    const rows: unknown[][] = [];
    for (let i = 0; i < TRICKY.length; i++) {
      rows.push([TRICKY[i], TRICKY[(i * 7 + 3) % TRICKY.length], TRICKY[(i * 13 + 5) % TRICKY.length]]);
      rows.push([TRICKY[i]]);
    }
    for (const row of rows) {
      const texts = row.map(cellText);
      expect(csvLine(row)).toBe(stringify([texts], { eof: true }));
      expect(csvLine(row, '4,2,')).toBe(stringify([['4', '2', ...texts]], { eof: true }));
    }
  });

  it('encodes a part whose header locates each CSV section (byte offsets, non-ASCII text included)', () => {
    const result = {
      tables: {
        'a.csv': { columns: ['x', 'σ'], rows: [[1, 'é,"q"'], [NaN, null], [2.5, 'ü']] },
        'empty.csv': { columns: ['k'], rows: [] },
        'b.csv': { columns: ['label'], rows: [['→'], ['']] },
      },
      metrics: { m: 0.5, gone: null, 'σ_metric': -1 },
    };
    const part = encodePart({ point: 3, replicate: 1, seed: 77 }, result, true);
    const h = part.header;
    expect(h).toMatchObject({ v: PART_VERSION, point: 3, replicate: 1, seed: 77, index: true, metrics: { m: '0.5', gone: 'NaN', 'σ_metric': '-1' } });
    expect(h.tables.map((t) => [t.name, t.rows])).toEqual([
      ['a.csv', 3],
      ['empty.csv', 0],
      ['b.csv', 2],
    ]);
    const bytes = Buffer.from(partText(part), 'utf8');
    expect(h.tables[0].offset).toBe(Buffer.byteLength(part.headerLine));
    expect(JSON.parse(part.headerLine)).toEqual(h);
    const section = (i: number) => bytes.subarray(h.tables[i].offset, h.tables[i].offset + h.tables[i].length).toString('utf8');
    expect(section(0)).toBe('3,1,1,"é,""q"""\n3,1,,\n3,1,2.5,ü\n');
    expect(section(1)).toBe('');
    expect(section(2)).toBe('3,1,→\n3,1,\n');
    expect(h.tables[2].offset + h.tables[2].length).toBe(bytes.length);

    const plain = encodePart({ point: 0, replicate: 0, seed: 1 }, result, false);
    expect(plain.header.index).toBe(false);
    expect((plain.sections[2] as Buffer).toString('utf8')).toBe('→\n\n');

    // Written atomically and read back with the same header.
    const dir = mkdirp(newDir('encode'));
    writePartAtomic(dir, partFileName(3, 1), part);
    expect(readFileSync(join(dir, partFileName(3, 1)))).toEqual(bytes);
    expect(readPartHeader(join(dir, partFileName(3, 1)))).toEqual(h);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps the header offsets right when the header length crosses a power of ten', () => {
    for (let k = 0; k < 40; k++) {
      const columns = Array.from({ length: k + 1 }, (_, i) => `c${i}`);
      const part = encodePart({ point: 0, replicate: 0, seed: 1 }, { tables: { 't.csv': { columns, rows: [columns.map(() => 1)] } }, metrics: {} }, false);
      expect(part.header.tables[0].offset).toBe(Buffer.byteLength(part.headerLine));
    }
  });

  it('executeTask writes the part file and returns only its name and size', async () => {
    const dir = mkdirp(newDir('exec'));
    const res = await executeTask({
      module: pathToFileURL(JOB).href,
      job: { scenario: { fixture: { n: 4 } }, seed: 9, point: 2, replicate: 5 },
      runsDir: dir,
      indexColumns: true,
    });
    expect(res).toEqual({ ok: true, part: 'p2-r5.ndjson', bytes: statSync(join(dir, 'p2-r5.ndjson')).size });
    const h = readPartHeader(join(dir, 'p2-r5.ndjson'));
    expect(h).toMatchObject({ point: 2, replicate: 5, seed: 9, index: true });

    const bad = await executeTask({
      module: pathToFileURL(JOB).href,
      job: { scenario: { fixture: { n: 4 } }, seed: 9, point: 0, replicate: 0 },
      runsDir: join(dir, 'missing'),
      indexColumns: true,
    });
    expect(bad).toMatchObject({ ok: false, writeFailed: true });
  });
});

function mkdirp(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('assembly from part files', () => {
  let reference: Record<string, string>;
  beforeAll(async () => {
    const d = newDir('ref');
    await runMonteCarlo(opts(d));
    reference = csvFiles(d);
  });

  /** A finished sweep whose parts are kept (resume then re-assembles from them). */
  async function kept(label: string): Promise<string> {
    const d = newDir(label);
    await runMonteCarlo(opts(d, { keepParts: true }));
    expect(csvFiles(d)).toEqual(reference);
    return d;
  }

  it('re-assembles the same bytes from kept parts on resume', async () => {
    const d = await kept('again');
    rmSync(join(d, 'manifest.json'));
    for (const f of Object.keys(reference)) rmSync(join(d, f));
    const s = await runMonteCarlo(opts(d, { resume: true }));
    expect(s).toMatchObject({ ran: 0, skipped: 18 });
    expect(csvFiles(d)).toEqual(reference);
  });

  /** Resumes `d` collecting the log lines; the outputs must equal the reference. */
  async function resumeNotes(d: string): Promise<string[]> {
    const notes: string[] = [];
    await runMonteCarlo(opts(d, { resume: true, keepParts: true, log: (l) => notes.push(l) }));
    expect(csvFiles(d)).toEqual(reference);
    expect(readdirSync(join(d, '.runs')).filter((n) => n.endsWith('.tmp') || n.endsWith('.spill'))).toEqual([]);
    return notes.filter((l) => l.startsWith('note:'));
  }

  it('re-runs a part damaged without changing its size (a digit in a section, in a metric), with one note', async () => {
    const d = await kept('flip');
    const path = join(d, '.runs', partFileName(2, 1));
    const h = openPartHeader(path);
    const bytes = readFileSync(path);
    // A digit inside the first section becomes another digit: same size, still valid CSV.
    let at = h.tables[0].offset;
    while (!(bytes[at] >= 0x30 && bytes[at] <= 0x38)) at++;
    bytes[at] += 1;
    writeFileSync(path, bytes);
    expect(statSync(path).size).toBe(bytes.length);
    let notes = await resumeNotes(d);
    expect(notes).toEqual([`note: ${path}: corrupt part file (table losses.csv: checksum mismatch); running it again`]);

    // A metric's digit in the header (still valid JSON, same size).
    const text = readFileSync(path, 'utf8');
    const m = /"mean_loss":"(\d)/.exec(text)!;
    const digit = m[1] === '9' ? '8' : String(Number(m[1]) + 1);
    writeFileSync(path, text.slice(0, m.index + 13) + digit + text.slice(m.index + 14));
    notes = await resumeNotes(d);
    expect(notes).toEqual([`note: ${path}: corrupt part file (header checksum mismatch); running it again`]);
  });

  it('re-runs truncated, old-version, mislaid and malformed parts on resume, one note each', async () => {
    const d = await kept('damaged');
    const runs = join(d, '.runs');
    const p = (pt: number, r: number) => join(runs, partFileName(pt, r));
    const h = openPartHeader(p(4, 2));
    truncateSync(p(4, 2), h.tables[0].offset + h.tables[0].length - 5);
    truncateSync(p(0, 0), 10);
    const v1 = { v: 1, point: 1, replicate: 0, seed: deriveSeed(42, { 'fixture.mu': 0, 'fixture.sigma': 1.5 }, 0), metrics: {}, tables: [] };
    writeFileSync(p(1, 0), `${JSON.stringify(v1)}\n`);
    writeFileSync(p(2, 1), readFileSync(p(2, 0)));
    writeFileSync(p(3, 0), `${readFileSync(p(3, 0), 'utf8')}0,0,junk\n`);
    writeFileSync(p(5, 2), '');
    const notes = await resumeNotes(d);
    expect(notes).toHaveLength(6);
    expect(notes).toEqual([
      `note: ${p(0, 0)}: truncated part file (incomplete header line); running it again`,
      `note: ${p(1, 0)}: not a part file of this version (format v1, this version reads v${PART_VERSION}); running it again`,
      expect.stringMatching(/p2-r1\.ndjson: belongs to another run \(point 2, replicate 0, seed \d+; expected 2, 1, \d+\); running it again$/),
      expect.stringMatching(/p3-r0\.ndjson: corrupt part file \(\d+ bytes, its header lists \d+\); running it again$/),
      expect.stringMatching(/p4-r2\.ndjson: truncated part file \(\d+ bytes, its header lists \d+\); running it again$/),
      `note: ${p(5, 2)}: empty part file; running it again`,
    ]);
  });

  it('refuses to assemble a part damaged after the runs, naming it', async () => {
    const d = newDir('assemble-damaged');
    await runMonteCarlo(opts(d, { keepParts: true }));
    const path = join(d, '.runs', partFileName(1, 1));
    const bytes = readFileSync(path);
    const h = openPartHeader(path);
    bytes[h.tables[1].offset + 2] ^= 0x01;
    writeFileSync(path, bytes);
    const sweep = buildSweep({ grid: GRID });
    const e = await rejection(
      assembleOutputs({
        out: d,
        runsDir: join(d, '.runs'),
        sweep,
        replicates: 3,
        indexColumns: true,
        summary: true,
        expectedSeed: (pt, r) => deriveSeed(42, pointAt(sweep, pt).values, r),
      }),
    );
    expect(e.message).toBe(`${path}: corrupt part file (table weights.csv: checksum mismatch); delete it and resume`);
    expect(readdirSync(d).filter((n) => n.endsWith('.partial'))).toEqual([]);
  });

  it('a part damaged between the runs and the assembly: the sweep fails naming it, removes it, and resume runs it again', async () => {
    const d = newDir('damaged-mid');
    const path = join(d, '.runs', partFileName(0, 2));
    const e = await rejection(
      runMonteCarlo(
        opts(d, {
          resumeHint: 're-run with --resume',
          // The part is damaged while the sweep runs (here: once the last run's part exists).
          scenario: { fixture: { n: 6 } },
          threads: 1,
          progress: 'quiet',
          log: () => undefined,
          signal: undefined,
          applyPoint: (s, point, sweep) => {
            if (point.index === 5 && existsSync(path)) {
              const b = readFileSync(path);
              b[b.length - 3] ^= 0x01;
              writeFileSync(path, b);
            }
            return setPointValues(s, point, sweep);
          },
        }),
      ),
    );
    expect(e.message).toMatch(/p0-r2\.ndjson: corrupt part file \(table weights\.csv: checksum mismatch\); removed — the other runs are kept in .*; to run it again, re-run with --resume/);
    expect((e as Error & { exitCode?: number }).exitCode).toBe(1);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(join(d, 'manifest.json'))).toBe(false);
    const s = await runMonteCarlo(opts(d, { resume: true }));
    expect(s).toMatchObject({ ran: 1, skipped: 17 });
    expect(csvFiles(d)).toEqual(reference);
  });

  it('takes the slow path for parts written with the other index-column setting', async () => {
    const d = newDir('noindex');
    await runMonteCarlo(opts(d, { keepParts: true, indexColumns: false, summary: false }));
    expect(readPartHeader(join(d, '.runs', partFileName(0, 0))).index).toBe(false);
    const sweep = buildSweep({ grid: GRID });
    const staged = await assembleOutputs({
      out: d,
      runsDir: join(d, '.runs'),
      sweep,
      replicates: 3,
      indexColumns: true,
      summary: true,
      expectedSeed: (p, r) => deriveSeed(42, pointAt(sweep, p).values, r),
    });
    commitStaged(staged);
    expect(csvFiles(d)).toEqual(reference);
  });

  it('stops the sweep when a part file cannot be written', async () => {
    const d = newDir('nowrite');
    const run = runMonteCarlo(opts(d, { scenario: { fixture: { n: 6, delayMs: 40 } }, threads: 1 }));
    const t0 = Date.now();
    while (!existsSync(join(d, '.runs', partFileName(0, 1)))) {
      if (Date.now() - t0 > 15_000) throw new Error('no part file appeared');
      await new Promise((r) => setTimeout(r, 5));
    }
    rmSync(join(d, '.runs'), { recursive: true, force: true });
    const e = await rejection(run);
    expect(e.message).toMatch(/\.runs: cannot write the part file of run \(point \d+, replicate \d+\): ENOENT/);
  });
});

function openPartHeader(path: string) {
  const p = openPart(path);
  closeSync(p.fd);
  return p.header;
}

