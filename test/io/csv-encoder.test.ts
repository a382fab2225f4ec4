// The byte encoder of CSV rows (src/io/csv.ts CsvRowEncoder) writes exactly the bytes of `csvLine`, the
// definitional text: numbers as String(x) over the whole float64 range (subnormals, −0, huge and tiny
// exponents, integers at the 32-bit edges), NaN / null empty, strings quoted as csv-stringify does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvRowEncoder, csvLine } from '../../src/io/csv.js';

const encode = (rows: readonly (readonly unknown[])[], prefix?: string, initial?: number): string => {
  const e = new CsvRowEncoder(initial);
  const p = prefix === undefined ? undefined : Buffer.from(prefix, 'utf8');
  const parts: Buffer[] = [];
  for (const r of rows) {
    e.row(r, p);
    // take now and then, as the part builder does
    if (e.length > 100) parts.push(Buffer.from(e.take()));
  }
  parts.push(Buffer.from(e.take()));
  return Buffer.concat(parts).toString('utf8');
};
const definitional = (rows: readonly (readonly unknown[])[], prefix = ''): string => rows.map((r) => csvLine(r, prefix)).join('');

const EDGES = [
  0, -0, 1, -1, 9, 10, 11, 99, 100, 101, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 53, -(2 ** 53), 1e21, 1e-7, 1e-6,
  123456789012345680000, 5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, Number.MAX_VALUE, -Number.MAX_VALUE,
  Number.EPSILON, 0.1, 0.2, 0.30000000000000004, 1 / 3, -2 / 3, Math.PI, Infinity, -Infinity, NaN,
];

const bits = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff })).map(([hi, lo]) => {
  const b = new DataView(new ArrayBuffer(8));
  b.setUint32(0, hi);
  b.setUint32(4, lo);
  return b.getFloat64(0);
});
const cell = fc.oneof(
  fc.double(),
  bits,
  fc.double({ min: -1e-300, max: 1e-300 }),
  fc.integer(),
  fc.integer({ min: -(2 ** 33), max: 2 ** 33 }),
  fc.constantFrom(...EDGES),
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('', 'a,b', 'say "hi"', 'line\nbreak', 'cr\rhere', 'ünïcødé σ', '😀,"x"', 'network', 'forecast_implied'),
  fc.constant(null),
  fc.boolean(),
);

describe('CsvRowEncoder', () => {
  it('writes the bytes of csvLine for every edge value', () => {
    const rows = EDGES.map((x) => [x, -x, 7, 'k', null]);
    expect(encode(rows)).toBe(definitional(rows));
    expect(encode(rows, '3,14,')).toBe(definitional(rows, '3,14,'));
  });

  it('writes the bytes of csvLine for random rows (doubles from random bits, integers, unicode strings)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 12 }), { maxLength: 30 }), fc.option(fc.constantFrom('0,0,', '12,345,')), (rows, prefix) => {
        const p = prefix ?? undefined;
        expect(encode(rows, p, 8)).toBe(definitional(rows, p));
      }),
      { numRuns: 3000 },
    );
  });

  it('a cell of a bad type throws and leaves no partial row', () => {
    const e = new CsvRowEncoder(4);
    e.row([1, 'a']);
    expect(() => e.row([2, 'bb', { x: 1 }])).toThrow(TypeError);
    expect(() => e.row([3, () => 0])).toThrow(TypeError);
    e.row([4.5]);
    expect(e.take().toString('utf8')).toBe('1,a\n4.5\n');
  });
});
