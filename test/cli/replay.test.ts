// `allora-sim replay` end to end: the reference rows through the built CLI, and every kind of bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
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
      /text\.csv: row 4, column 'inference_1': 'abc' is not a finite number/,
    ],
    [
      'a NaN value',
      () => writeInput('nan.csv', withCell(1, 'reputer_stake_0', 'NaN')),
      /nan\.csv: row 3, column 'reputer_stake_0': 'NaN' is not a finite number/,
    ],
    [
      'an infinite value',
      () => writeInput('inf.csv', withCell(3, 'forecasted_loss_1_for_2', 'Infinity')),
      /inf\.csv: row 5, column 'forecasted_loss_1_for_2': 'Infinity' is not a finite number/,
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
