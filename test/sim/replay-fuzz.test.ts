// Property-based tests of the replay input path: random and mutated replay CSVs (cells of the reference rows
// changed, columns dropped, garbage rows, random bytes, control characters) through the streaming reader and, when
// they load, through the replay itself. Every input either loads and replays, or fails with one InputError line
// that echoes no raw control byte and no more than a short piece of the input.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { openReplayFile, parseReplayText } from '../../src/scenario/replay-csv.js';
import { InputError } from '../../src/scenario/errors.js';
import { Replayer } from '../../src/sim/replay.js';
import { profileParams } from '../../src/engine/params.js';
import { GOLDEN_SYNTHESIS } from '../helpers/golden.js';

const text = readFileSync(GOLDEN_SYNTHESIS, 'utf8');
const [header, ...lines] = text.trim().split('\n');
const grid = lines.map((l) => l.split(','));
const nCols = header.split(',').length;

type Outcome = { kind: 'loaded'; rows: number } | { kind: 'refused'; message: string };

/** Streams `body` through the reader and, if it loads, through a replay in both carry modes. */
async function outcome(body: Buffer): Promise<Outcome> {
  try {
    const src = await openReplayFile('fuzz.csv', Readable.from([body]));
    const params = profileParams('reference');
    const computed = new Replayer(src.header, { carry: 'computed', params });
    const input = new Replayer(src.header, { carry: 'input', params: profileParams('whitepaper') });
    let rows = 0;
    for await (const row of src.rows) {
      const a = computed.push(row.values);
      const b = input.push(row.values);
      expect(a.length).toBe(computed.columns.length);
      expect(b.length).toBe(input.columns.length);
      rows++;
    }
    return { kind: 'loaded', rows };
  } catch (e) {
    if (!(e instanceof InputError)) throw new Error(`not an InputError: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return { kind: 'refused', message: e.message };
  }
}

function checkMessage(o: Outcome): void {
  if (o.kind !== 'refused') return;
  expect(o.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  expect(o.message.length).toBeLessThan(400);
  expect(o.message.startsWith('fuzz.csv: ')).toBe(true);
}

/** The in-memory reader must agree with the streaming one. */
function agrees(body: Buffer, o: Outcome): void {
  let sync: Outcome;
  try {
    sync = { kind: 'loaded', rows: parseReplayText(body.toString('utf8'), 'fuzz.csv').rows.length };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    sync = { kind: 'refused', message: e.message };
  }
  if (o.kind === 'loaded') expect(sync).toEqual(o);
  else expect(sync.kind).toBe('refused');
}

const join = (rows: string[][], head = header) => Buffer.from([head, ...rows.map((r) => r.join(','))].join('\n') + '\n');

const weirdCell = fc.oneof(
  fc.constantFrom('', '0x1A', '0X1a', 'Infinity', '-Infinity', 'NaN', '1e999', '-1e999', '-1', '0', '-0', '1e-320', '1e308', '-1e308',
    '1_0', '0b11', '0o7', '١٢', '１', ' 1', '1 ', '"1"', '""', '"', '1,2', '\u0000', '\u001b[31m', 'x'.repeat(300)),
  fc.double().map(String),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

const PROPS = { numRuns: 100, endOnFailure: true } as const;

/** How many inputs of a property loaded and how many were refused (both must occur, or the property is vacuous). */
const seen = { loaded: 0, refused: 0 };
const count = (o: Outcome): void => void seen[o.kind]++;
const reset = (): void => {
  seen.loaded = 0;
  seen.refused = 0;
};

describe('replay input fuzzing: every input loads and replays, or is refused with one InputError line', () => {
  it('mutated cells of the reference rows', async () => {
    reset();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(lines.length - 1), fc.nat(nCols - 1), weirdCell), { minLength: 1, maxLength: 6 }),
        async (edits) => {
          const g = grid.map((r) => [...r]);
          for (const [r, c, v] of edits) g[r][c] = v;
          const body = join(g);
          const o = await outcome(body);
          count(o);
          checkMessage(o);
          agrees(body, o);
        },
      ),
      PROPS,
    );
    expect(seen.loaded).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  }, 120_000);

  it('dropped columns', async () => {
    reset();
    const names = header.split(',');
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.nat(nCols - 1), { minLength: 1, maxLength: 8 }), async (drop) => {
        const keep = names.map((_, i) => i).filter((i) => !drop.includes(i));
        const body = join(grid.map((r) => keep.map((i) => r[i])), keep.map((i) => names[i]).join(','));
        const o = await outcome(body);
        count(o);
        checkMessage(o);
        agrees(body, o);
      }),
      PROPS,
    );
    expect(seen.loaded).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  }, 120_000);

  it('garbage rows, shuffled and repeated rows', async () => {
    const garbageRow = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.array(weirdCell, { minLength: nCols, maxLength: nCols }).map((cells) => cells.join(',')),
      fc.nat(lines.length - 1).map((r) => lines[r]),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(lines.length + 1), garbageRow), { maxLength: 4 }),
        fc.boolean(),
        async (inserts, shuffle) => {
          const rows = shuffle ? [...lines].reverse() : [...lines];
          for (const [at, g] of inserts) rows.splice(at, 0, g);
          const body = Buffer.from([header, ...rows].join('\n') + '\n');
          const o = await outcome(body);
          checkMessage(o);
          agrees(body, o);
        },
      ),
      PROPS,
    );
  }, 120_000);

  it('random bytes, alone or after the header', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4000 }), fc.boolean(), async (bytes, afterHeader) => {
        const body = afterHeader ? Buffer.concat([Buffer.from(header + '\n'), Buffer.from(bytes)]) : Buffer.from(bytes);
        const o = await outcome(body);
        checkMessage(o);
        expect(o.kind).toBe('refused');
      }),
      PROPS,
    );
  }, 120_000);

  it('control characters inserted anywhere in the file', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(text.length), fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c))), {
          minLength: 1,
          maxLength: 5,
        }),
        async (inserts) => {
          let t = text;
          for (const [at, ch] of inserts) t = t.slice(0, at % (t.length + 1)) + ch + t.slice(at % (t.length + 1));
          const body = Buffer.from(t);
          const o = await outcome(body);
          checkMessage(o);
          agrees(body, o);
        },
      ),
      PROPS,
    );
  }, 120_000);

  it('a whole binary file is never echoed: a long line of noise gets a short message', async () => {
    const noise = Buffer.alloc(2_000_000);
    for (let i = 0; i < noise.length; i++) noise[i] = 33 + ((i * 2654435761) % 90);
    const o = await outcome(noise);
    expect(o.kind).toBe('refused');
    checkMessage(o);
  });
});
