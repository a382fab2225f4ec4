// The replay reader (src/scenario/replay-csv.ts): every refusal is one InputError line naming the file, the row
// (its line in the file) and the column; the streaming and the in-memory readers agree.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { forMessage, openReplayFile, parseReplayText, readReplayTable } from '../../src/scenario/replay-csv.js';
import { InputError } from '../../src/scenario/errors.js';
import { GOLDEN_SYNTHESIS } from '../helpers/golden.js';

const text = readFileSync(GOLDEN_SYNTHESIS, 'utf8');
const [header, ...lines] = text.trim().split('\n');
const cols = header.split(',');

/** The reference rows with cell (row r, column) set to `value`; r counts data rows from 0 (file line r + 2). */
function withCell(r: number, column: string, value: string, base = lines): string {
  const ci = cols.indexOf(column);
  if (ci < 0) throw new Error(`no column ${column}`);
  const rows = base.map((l) => l.split(','));
  rows[r][ci] = value;
  return [header, ...rows.map((x) => x.join(','))].join('\n') + '\n';
}

/** Reads `body` with the streaming reader; returns the rows or the error. */
async function streamed(body: string | Buffer): Promise<{ rows: number; error?: unknown }> {
  try {
    const src = await openReplayFile('in.csv', Readable.from([typeof body === 'string' ? Buffer.from(body) : body]));
    let rows = 0;
    for await (const _ of src.rows) rows++;
    return { rows };
  } catch (e) {
    return { rows: -1, error: e };
  }
}

/** Both readers refuse `body` with the same one-line InputError, which matches `re`. */
async function refused(body: string, re: RegExp): Promise<string> {
  const s = await streamed(body);
  expect(s.error, 'the streaming reader accepted it').toBeInstanceOf(InputError);
  const msg = (s.error as Error).message;
  expect(msg).toMatch(re);
  expect(msg).not.toMatch(/\n/);
  expect(() => parseReplayText(body, 'in.csv')).toThrow(InputError);
  try {
    parseReplayText(body, 'in.csv');
  } catch (e) {
    expect((e as Error).message).toBe(msg);
  }
  return msg;
}

describe('replay reader: the reference rows load', () => {
  it('sizes from the header, four rows at their file lines, both readers', async () => {
    const t = readReplayTable(GOLDEN_SYNTHESIS);
    expect([t.nI, t.nF, t.nR]).toEqual([5, 3, 5]);
    expect(t.lines).toEqual([2, 3, 4, 5]);
    const s = await streamed(text);
    expect(s).toEqual({ rows: 4 });
  });
  it('a UTF-8 byte-order mark and CRLF line ends are accepted', async () => {
    const body = '\ufeff' + text.replace(/\n/g, '\r\n');
    expect(parseReplayText(body, 'bom.csv').rows.length).toBe(4);
    expect(await streamed(body)).toEqual({ rows: 4 });
  });
});

describe('replay reader: numbers', () => {
  it.each([
    ['0x1A', 'inference_1'],
    ['0b101', 'inference_2'],
    ['0o17', 'target'],
    ['Infinity', 'forecasted_loss_1_for_2'],
    ['-Infinity', 'reputer_0_loss_inference_0'],
    ['NaN', 'topic_rewards'],
    ['1_000', 'inference_0'],
    ['abc', 'inference_1'],
    ['1e5x', 'inference_3'],
    ['--1', 'inference_3'],
  ])("'%s' in %s is refused: row and column named", async (value, column) => {
    const msg = await refused(withCell(2, column, value), new RegExp(`^in\\.csv: row 4, column '${column}': '.*' is not a finite decimal number`));
    expect(msg).toContain(`'${value}'`);
  });
  it('a decimal beyond the float64 range is refused', async () => {
    await refused(withCell(1, 'inference_0', '1e999'), /^in\.csv: row 3, column 'inference_0': '1e999' is outside the range of a float64 number/);
  });
  it.each(['.5', '5.', '+1.25', '-3e-2', '1E+3', '0'])("'%s' is a number", async (value) => {
    const t = parseReplayText(withCell(1, 'inference_0', value), 'in.csv');
    expect(t.rows[1][cols.indexOf('inference_0')]).toBe(Number(value));
  });
});

describe('replay reader: epochs', () => {
  it('a duplicate epoch names both rows', async () => {
    await refused(withCell(2, 'epoch', '301'), /^in\.csv: row 4, column 'epoch': epoch 301 repeats epoch 301 of row 3; epochs must increase strictly/);
  });
  it('an epoch going back', async () => {
    await refused(withCell(3, 'epoch', '299'), /^in\.csv: row 5, column 'epoch': epoch 299 comes after epoch 302 of row 4/);
  });
  it('a non-integer or empty epoch', async () => {
    await refused(withCell(1, 'epoch', '300.5'), /^in\.csv: row 3, column 'epoch': the epoch must be an integer \(got 300\.5\)/);
    await refused(withCell(1, 'epoch', ''), /^in\.csv: row 3, column 'epoch': the epoch must not be empty/);
  });
  it('gaps between epochs are allowed', () => {
    expect(parseReplayText(withCell(3, 'epoch', '310'), 'in.csv').rows.length).toBe(4);
  });
});

describe('replay reader: stakes', () => {
  it('a negative stake', async () => {
    await refused(withCell(1, 'reputer_stake_3', '-2'), /^in\.csv: row 3, column 'reputer_stake_3': a stake must be ≥ 0 \(got -2\)/);
  });
  it('an empty stake of a reputer that reports', async () => {
    await refused(withCell(2, 'reputer_stake_1', ''), /^in\.csv: row 4, column 'reputer_stake_1': reputer 1 reports losses in this row, so its stake must not be empty/);
  });
  it('stakes of the reporting reputers summing to 0', async () => {
    let body = lines;
    for (let m = 0; m < 5; m++) body = withCell(1, `reputer_stake_${m}`, '0', body).trim().split('\n').slice(1);
    await refused([header, ...body].join('\n') + '\n', /^in\.csv: row 3, column 'reputer_stake_0': the stakes of the 5 reputer\(s\) that report sum to 0/);
  });
  it('a zero stake of one reputer, and an empty stake of a reputer that does not report, are allowed', () => {
    expect(parseReplayText(withCell(1, 'reputer_stake_2', '0'), 'in.csv').rows.length).toBe(4);
    const silent = lines.map((l, r) =>
      l
        .split(',')
        .map((v, i) => (r === 1 && (cols[i] === 'reputer_stake_4' || cols[i].startsWith('reputer_4_loss_')) ? '' : v))
        .join(','),
    );
    expect(parseReplayText([header, ...silent].join('\n') + '\n', 'in.csv').rows.length).toBe(4);
  });
  it('a negative topic reward', async () => {
    await refused(withCell(1, 'topic_rewards', '-1'), /^in\.csv: row 3, column 'topic_rewards': the topic's reward must be ≥ 0/);
  });
});

describe('replay reader: structure and echoed text', () => {
  it('malformed CSV is named without echoing the cell', async () => {
    const msg = await refused(header + '\n' + lines[0] + '\n301,"abc\n', /^in\.csv: row \d+: malformed CSV \(a quoted cell is not closed/);
    expect(msg).not.toContain('abc');
  });
  it('a control byte anywhere is refused at once with its row', async () => {
    await refused(withCell(1, 'inference_0', 'x\u0000'), /^in\.csv: row 3: a control character \(\\x00\); the replay input must be a text CSV file/);
    await refused(withCell(2, 'target', '\u001b[31m'), /^in\.csv: row 4: a control character \(\\x1b\)/);
  });
  it('invisible characters and long cells are escaped and cut', async () => {
    const msg = await refused(withCell(1, 'inference_0', 'x\u202e\u0085' + 'y'.repeat(500)), /^in\.csv: row 3, column 'inference_0': 'x\\u202e\\x85y+…'/);
    expect(msg).not.toMatch(/[\u0000-\u001f\u0085\u202e]/);
    expect(msg.length).toBeLessThan(200);
  });
  it('a binary file gets one short line', async () => {
    const bytes = Buffer.alloc(300_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 256;
    const s = await streamed(bytes);
    expect(s.error).toBeInstanceOf(InputError);
    const msg = (s.error as Error).message;
    expect(msg).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(msg.length).toBeLessThan(300);
  });
  it('a header that repeats a column', async () => {
    const body = [header + ',epoch', ...lines.map((l) => l + ',1')].join('\n') + '\n';
    await refused(body, /^in\.csv: column 'epoch' appears twice in the header/);
  });
  it('forMessage escapes, cuts and never leaves a lone surrogate', () => {
    expect(forMessage('a\tb\nc\u202ed')).toBe('a\\tb\\nc\\u202ed');
    expect(forMessage('z'.repeat(50), 10)).toBe('zzzzzzzzzz…');
    expect(forMessage('ab\ud83d\ude00', 3)).toBe('ab\\ufffd…');
  });
});
