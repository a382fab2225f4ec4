import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/scenario/errors.js';
import {
  buildSweep,
  describePoint,
  expandRange,
  expandSweep,
  parseAxisValues,
  parseScalar,
  pointAt,
  pointCount,
} from '../../src/runner/grid.js';

const aliases: Record<string, string> = { p: 'mechanism.p', alpha: 'mechanism.alpha' };
const resolveKey = (k: string) => aliases[k] ?? k;

function inputError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('values', () => {
  it('parses numbers, booleans and strings', () => {
    expect(parseScalar('2')).toBe(2);
    expect(parseScalar(' -0.5 ')).toBe(-0.5);
    expect(parseScalar('1e-3')).toBe(0.001);
    expect(parseScalar('TRUE')).toBe(true);
    expect(parseScalar('false')).toBe(false);
    expect(parseScalar('softmax')).toBe('softmax');
    expect(parseScalar('1.2.3')).toBe('1.2.3');
    expect(parseAxisValues('1,true,abc,0:1:0.5', 'x')).toEqual([1, true, 'abc', 0, 0.5, 1]);
  });

  it('expands ranges inclusively without float drift', () => {
    expect(expandRange(1, 5, 0.5, 'r')).toEqual([1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5]);
    expect(expandRange(0, 1, 0.1, 'r')).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(expandRange(0, 0.3, 0.1, 'r')).toEqual([0, 0.1, 0.2, 0.3]);
    expect(expandRange(0, 0.95, 0.1, 'r')).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    expect(expandRange(5, 1, -2, 'r')).toEqual([5, 3, 1]);
    expect(expandRange(2, 2, 1, 'r')).toEqual([2]);
    expect(parseAxisValues('1:5:0.5', 'x')).toHaveLength(9);
  });

  it('rejects bad ranges and lists', () => {
    expect(inputError(() => expandRange(0, 1, 0, 'r'))).toMatch(/step must not be 0/);
    expect(inputError(() => expandRange(0, 1, -0.1, 'r'))).toMatch(/positive step/);
    expect(inputError(() => parseAxisValues('1:5', 'x'))).toMatch(/start:stop:step/);
    expect(inputError(() => parseAxisValues('1,,2', 'x'))).toMatch(/empty value/);
    expect(inputError(() => parseAxisValues('0:1:1e-9', 'x'))).toMatch(/at most/);
  });
});

describe('sweeps', () => {
  it('expands a full grid, first key slowest, aliases resolved', () => {
    const s = buildSweep({ grid: ['p=1,2', 'alpha=0.1:0.3:0.1', 'mode=a,b'], resolveKey });
    expect(s.mode).toBe('grid');
    expect(s.axes.map((a) => [a.name, a.key])).toEqual([
      ['p', 'mechanism.p'],
      ['alpha', 'mechanism.alpha'],
      ['mode', 'mode'],
    ]);
    expect(pointCount(s)).toBe(12);
    const pts = expandSweep(s);
    expect(pts.map((p) => Object.values(p.values))).toEqual([
      [1, 0.1, 'a'],
      [1, 0.1, 'b'],
      [1, 0.2, 'a'],
      [1, 0.2, 'b'],
      [1, 0.3, 'a'],
      [1, 0.3, 'b'],
      [2, 0.1, 'a'],
      [2, 0.1, 'b'],
      [2, 0.2, 'a'],
      [2, 0.2, 'b'],
      [2, 0.3, 'a'],
      [2, 0.3, 'b'],
    ]);
    expect(pts.map((p) => p.index)).toEqual([...Array(12).keys()]);
    expect(pts[7].values).toEqual({ 'mechanism.p': 2, 'mechanism.alpha': 0.1, mode: 'b' });
    expect(describePoint(s, pts[7])).toBe('p=2, alpha=0.1, mode=b');
  });

  it('zips lists of equal length, and refuses unequal ones', () => {
    const s = buildSweep({ grid: ['p=1:3:1', 'alpha=0.5,0.6,0.7'], zip: true, resolveKey });
    expect(s.mode).toBe('zip');
    expect(expandSweep(s).map((p) => p.values)).toEqual([
      { 'mechanism.p': 1, 'mechanism.alpha': 0.5 },
      { 'mechanism.p': 2, 'mechanism.alpha': 0.6 },
      { 'mechanism.p': 3, 'mechanism.alpha': 0.7 },
    ]);
    expect(inputError(() => buildSweep({ grid: ['p=1,2', 'alpha=1,2,3'], zip: true }))).toMatch(
      /same length \(got p: 2, alpha: 3\)/,
    );
  });

  it('has a single empty point without a grid', () => {
    const s = buildSweep({});
    expect(s).toEqual({ mode: 'single', axes: [] });
    expect(expandSweep(s)).toEqual([{ index: 0, values: {} }]);
    expect(inputError(() => buildSweep({ zip: true }))).toMatch(/--zip needs/);
  });

  it('rejects malformed or duplicate keys', () => {
    expect(inputError(() => buildSweep({ grid: ['p'] }))).toMatch(/expected key=/);
    expect(inputError(() => buildSweep({ grid: ['=1,2'] }))).toMatch(/expected key=/);
    expect(inputError(() => buildSweep({ grid: ['p=1', 'mechanism.p=2'], resolveKey }))).toMatch(
      /mechanism\.p is already swept by --grid p/,
    );
    expect(() => pointAt(buildSweep({ grid: ['p=1,2'] }), 2)).toThrow(RangeError);
  });
});
