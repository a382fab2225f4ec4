// `allora-sim replay` end to end: the reference rows through the built CLI, and every kind of bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { CLI, ROOT, runCli } from '../helpers/cli.js';
import { GOLDEN_SYNTHESIS, loadGoldenCsv, relErr } from '../helpers/golden.js';
import { readReplayTable } from '../../src/scenario/replay-csv.js';
import { replay } from '../../src/sim/replay.js';
import { profileParams } from '../../src/engine/params.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'allora-replay-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const goldenText = readFileSync(GOLDEN_SYNTHESIS, 'utf8');
const [header, ...lines] = goldenText.trim().split('\n');
const cols = header.split(',');

function writeInput(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function withCell(row: number, column: string, value: string): string {
  const ci = cols.indexOf(column);
  const rows = lines.map((l) => l.split(','));
  rows[row][ci] = value;
  return [header, ...rows.map((r) => r.join(','))].join('\n') + '\n';
}

function withoutColumn(column: string): string {
  const ci = cols.indexOf(column);
  const drop = (l: string) => l.split(',').filter((_, i) => i !== ci).join(',');
  return [drop(header), ...lines.map(drop)].join('\n') + '\n';
}

describe('replay of the reference rows through the CLI', () => {
  it.each(['computed', 'input'] as const)('writes exactly what the engine computes, full precision (carry %s)', (carry) => {
    const out = join(dir, `out-${carry}.csv`);
    const r = runCli(['replay', GOLDEN_SYNTHESIS, '-o', out, '--carry', carry]);
    expect(r.code, r.stderr).toBe(0);
    const got = loadGoldenCsv(out);
    const engine = replay(readReplayTable(GOLDEN_SYNTHESIS), { carry, params: profileParams('reference') });
    expect(got.columns).toEqual(engine.columns);
    expect(got.rows.map((x) => x.epoch)).toEqual([300, 301, 302, 303]);
    engine.rows.forEach((row, i) =>
      engine.columns.forEach((c, j) => expect(Object.is(got.rows[i][c], row[j]) || (Number.isNaN(got.rows[i][c]) && Number.isNaN(row[j])), `${c} @${i}`).toBe(true)),
    );
    // and the synthesis columns against the reference
    const want = loadGoldenCsv(GOLDEN_SYNTHESIS);
    for (let i = 1; i < 4; i++)
      for (const c of ['network_inference', 'forecast_implied_inference_2_oneout_4', 'inference_regret_worker_7_oneout_3', 'network_naive_loss_onein_1'])
        expect(relErr(got.rows[i][c], want.rows[i][c]), `${c} @${i}`).toBeLessThanOrEqual(1e-9);
  });
});

describe('replay: bad input gets one line, exit 2, and no output file', () => {
  const cases: [string, () => string, RegExp][] = [
    ['an unreadable file', () => join(dir, 'does-not-exist.csv'), /does-not-exist\.csv: cannot read/],
    ['an empty file', () => writeInput('empty.csv', ''), /empty\.csv: the file is empty/],
    ['a header without rows', () => writeInput('header.csv', header + '\n'), /header\.csv: no data rows/],
    [
      'a missing required column',
      () => writeInput('missing.csv', withoutColumn('reputer_2_loss_inference_3')),
      /missing\.csv: missing required column 'reputer_2_loss_inference_3'/,
    ],
    [
      'a non-numeric value',
      () => writeInput('text.csv', withCell(2, 'inference_1', 'abc')),
      /text\.csv: row 4, column 'inference_1': 'abc' is not a finite decimal number/,
    ],
    [
      'a NaN value',
      () => writeInput('nan.csv', withCell(1, 'reputer_stake_0', 'NaN')),
      /nan\.csv: row 3, column 'reputer_stake_0': 'NaN' is not a finite decimal number/,
    ],
    [
      'an infinite value',
      () => writeInput('inf.csv', withCell(3, 'forecasted_loss_1_for_2', 'Infinity')),
      /inf\.csv: row 5, column 'forecasted_loss_1_for_2': 'Infinity' is not a finite decimal number/,
    ],
    [
      'a hexadecimal value',
      () => writeInput('hex.csv', withCell(1, 'inference_0', '0x1A')),
      /hex\.csv: row 3, column 'inference_0': '0x1A' is not a finite decimal number/,
    ],
    [
      'a negative stake',
      () => writeInput('neg.csv', withCell(2, 'reputer_stake_4', '-1')),
      /neg\.csv: row 4, column 'reputer_stake_4': a stake must be ≥ 0/,
    ],
    [
      'an empty stake of a reputer that reports',
      () => writeInput('nostake.csv', withCell(3, 'reputer_stake_2', '')),
      /nostake\.csv: row 5, column 'reputer_stake_2': reputer 2 reports losses in this row, so its stake must not be empty/,
    ],
    [
      'a duplicate epoch',
      () => writeInput('dup.csv', withCell(3, 'epoch', '302')),
      /dup\.csv: row 5, column 'epoch': epoch 302 repeats epoch 302 of row 4/,
    ],
    [
      'epochs out of order',
      () => writeInput('order.csv', withCell(1, 'epoch', '299')),
      /order\.csv: row 3, column 'epoch': epoch 299 comes after epoch 300 of row 2/,
    ],
    [
      'control bytes in a cell',
      () => writeInput('ctl.csv', withCell(1, 'inference_0', '\u001b[2J\u0007')),
      /ctl\.csv: row 3: a control character \(\\x1b\); the replay input must be a text CSV file/,
    ],
    [
      'a binary file',
      () => writeInput('binary.csv', Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919 + 13) % 256)).toString('latin1')),
      /binary\.csv: row \d+: a control character/,
    ],
    [
      'invisible characters in a cell are escaped',
      () => writeInput('bidi.csv', withCell(1, 'inference_0', '1\u202e0')),
      /bidi\.csv: row 3, column 'inference_0': '1\\u202e0' is not a finite decimal number/,
    ],
    [
      'inconsistent sizes between columns',
      () =>
        writeInput(
          'sizes.csv',
          [header + ',forecasted_loss_0_for_7', ...lines.map((l) => l + ',0.5')].join('\n') + '\n',
        ),
      /sizes\.csv: column 'forecasted_loss_0_for_7' has index 7, but the header defines 5 inferers/,
    ],
    [
      'a row with too few fields',
      () => writeInput('short.csv', [header, lines[0], '301,1,2'].join('\n') + '\n'),
      /short\.csv: row 3/,
    ],
  ];
  it.each(cases)('%s', (_name, make, message) => {
    const input = make();
    const out = join(dir, 'sub', `bad-${_name.replace(/\W+/g, '-')}.csv`);
    const r = runCli(['replay', input, '-o', out]);
    expect(r.code).toBe(2);
    const errLines = r.stderr.trim().split('\n');
    expect(errLines.length, r.stderr).toBe(1);
    expect(errLines[0]).toMatch(message);
    expect(existsSync(out)).toBe(false);
    if (existsSync(join(dir, 'sub'))) expect(readdirSync(join(dir, 'sub'))).toEqual([]);
  });
  it('an unknown --set key names the closest valid one', () => {
    const r = runCli(['replay', GOLDEN_SYNTHESIS, '-o', join(dir, 'x.csv'), '--set', 'alpah=0.2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/replay: --set alpah=0.2: unknown key 'alpah' — did you mean 'mechanism\.alpha'\?/);
  });
  it('an out-of-range --set value names the allowed range', () => {
    const r = runCli(['replay', GOLDEN_SYNTHESIS, '-o', join(dir, 'x.csv'), '--set', 'alpha=1.5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/replay: --set alpha=1\.5: mechanism\.alpha: must be a number in \(0, 1\]/);
  });
});

describe('replay: the output path and write errors (one line naming the path, no output file)', () => {
  const noStack = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at |Error:/);
  it('an output path that is a directory, the input itself, or empty is refused with exit 2', () => {
    const copy = writeInput('self.csv', goldenText);
    // A named pipe stands for any device: replacing it by a rename would destroy it.
    const fifo = join(dir, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    for (const [out, re] of [
      [dir, /-o\/--output names a directory/],
      [fifo, /pipe: -o\/--output is not a regular file \(a device, pipe or socket\)/],
      [copy, /-o\/--output is the input file/],
      ['', /-o\/--output: must name the output CSV file/],
    ] as const) {
      const r = runCli(['replay', copy, '-o', out]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(re);
    }
    expect(readFileSync(copy, 'utf8')).toBe(goldenText);
  });
  it('an output directory that cannot be created (a file in the way)', () => {
    const blocker = writeInput('blocker', 'x');
    const out = join(blocker, 'sub', 'out.csv');
    const r = runCli(['replay', GOLDEN_SYNTHESIS, '-o', out]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/blocker\/sub: cannot create the output directory \(ENOTDIR\)/);
    noStack(r.stderr);
  });

  // A small tmpfs gives a real full disk and a real read-only file system; mounting needs root.
  const canMount = (() => {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
    const probe = mkdtempSync(join(tmpdir(), 'allora-mount-'));
    const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status === 0;
    if (ok) spawnSync('umount', [probe]);
    rmSync(probe, { recursive: true, force: true });
    return ok;
  })();
  if (!canMount) console.log('replay write-error tests on a tmpfs skipped: mounting a tmpfs needs root on Linux');

  it.skipIf(!canMount)('a full disk: one line with the path and ENOSPC, non-zero exit, nothing left on the disk', () => {
    const mnt = mkdtempSync(join(tmpdir(), 'allora-full-'));
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]).status).toBe(0);
    try {
      // 40 rows of the reference topic: about 0.5 MB of output for a 64 kB disk.
      const [first, ...rest] = lines;
      const ei = cols.indexOf('epoch');
      const body = [first, ...Array.from({ length: 40 }, (_, i) => {
        const c = rest[i % 3].split(',');
        c[ei] = String(301 + i);
        return c.join(',');
      })];
      const input = writeInput('forty.csv', [header, ...body].join('\n') + '\n');
      const out = join(mnt, 'out.csv');
      const r = runCli(['replay', input, '-o', out]);
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`${out}: cannot write (ENOSPC: no space left on device)`);
      noStack(r.stderr);
      expect(readdirSync(mnt)).toEqual([]);
    } finally {
      spawnSync('umount', [mnt]);
      rmSync(mnt, { recursive: true, force: true });
    }
  });

  it.skipIf(!canMount)('a read-only file system: one line with the path, non-zero exit', () => {
    const mnt = mkdtempSync(join(tmpdir(), 'allora-ro-'));
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,ro', 'tmpfs', mnt]).status).toBe(0);
    try {
      const out = join(mnt, 'out.csv');
      const r = runCli(['replay', GOLDEN_SYNTHESIS, '-o', out]);
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`${out}: cannot write (EROFS)`);
      noStack(r.stderr);
      expect(readdirSync(mnt)).toEqual([]);
    } finally {
      spawnSync('umount', [mnt]);
      rmSync(mnt, { recursive: true, force: true });
    }
  });
});

describe('the shipped replay example', () => {
  const example = join(ROOT, 'examples/replay/reference-300-303.csv');
  it('`replay --help` points to it, and the path it prints exists', () => {
    const r = runCli(['replay', '--help']);
    expect(r.code).toBe(0);
    const m = /allora-sim replay (\S+) -o replayed\.csv/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(join(ROOT, m![1])).toBe(example);
    expect(r.stdout).toContain('examples/replay/README.md');
  });
  it('is the reference rows: every input cell, and the carried state of the first row only', () => {
    const ex = loadGoldenCsv(example);
    const ref = loadGoldenCsv(GOLDEN_SYNTHESIS);
    expect(ex.rows.length).toBe(ref.rows.length);
    let stateCells = 0;
    ex.rows.forEach((row, r) =>
      ex.columns.forEach((c) => {
        if (!Number.isNaN(row[c])) expect(row[c], `${c} @${r}`).toBe(ref.rows[r][c]);
        else expect(r > 0 || Number.isNaN(ref.rows[r][c]), `${c} @${r}`).toBe(true);
        if (r === 0 && /regret|listening|smooth|score_ratio|^network_loss$/.test(c)) stateCells++;
      }),
    );
    expect(stateCells).toBe(115);
  });
  it('runs as its README says and reproduces the replay of the full reference rows', () => {
    const out = join(dir, 'example-out.csv');
    const r = runCli(['replay', 'examples/replay/reference-300-303.csv', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/replay: 4 rows × 461 columns → /);
    const got = loadGoldenCsv(out);
    const full = replay(readReplayTable(GOLDEN_SYNTHESIS), { carry: 'computed', params: profileParams('reference') });
    expect(got.columns).toEqual(full.columns);
    let worst = 0;
    // Row 0 echoes the carried state (the example's first row has no derived columns); rows 1–3 are computed.
    full.rows.forEach((row, i) =>
      full.columns.forEach((c, j) => {
        if (i === 0) return;
        const a = got.rows[i][c];
        const b = row[j];
        if (Number.isNaN(a) || Number.isNaN(b)) expect(Number.isNaN(a) && Number.isNaN(b), `${c} @${i}`).toBe(true);
        else worst = Math.max(worst, relErr(a, b));
      }),
    );
    expect(worst).toBeLessThanOrEqual(1e-12);
    // and the reference rows' network inference of epochs 301–303
    const ref = loadGoldenCsv(GOLDEN_SYNTHESIS);
    for (let i = 1; i < 4; i++) expect(relErr(got.rows[i].network_inference, ref.rows[i].network_inference)).toBeLessThanOrEqual(1e-12);
  });
});

describe('replay interrupted', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s while writing: exit %i, one line, no output and no temporary file', async (signal, code) => {
    // 3000 rows of the reference topic: long enough to be interrupted while the temporary file grows.
    const [first, ...rest] = lines;
    const ei = cols.indexOf('epoch');
    const body = [first, ...Array.from({ length: 3000 }, (_, i) => {
      const c = rest[i % 3].split(',');
      c[ei] = String(301 + i);
      return c.join(',');
    })];
    const input = writeInput(`long-${signal}.csv`, [header, ...body].join('\n') + '\n');
    const outDir = mkdtempSync(join(dir, 'int-'));
    const out = join(outDir, 'out.csv');
    const child = spawn(process.execPath, [CLI, 'replay', input, '-o', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    // Wait until the temporary file exists, i.e. rows are being written.
    for (let i = 0; i < 600 && readdirSync(outDir).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(outDir).length, 'the replay never started writing').toBe(1);
    child.kill(signal);
    expect(await exited).toBe(code);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(new RegExp(`replay interrupted \\(${signal}\\); no output written`));
    expect(readdirSync(outDir)).toEqual([]);
  }, 120_000);
});
