import { describe, expect, it } from 'vitest';
import { buildSweep, expandSweep } from '../../src/runner/grid.js';
import { canonicalJson, deriveSeed, fmix32, fnv1a32 } from '../../src/runner/seeds.js';

const resolveKey = (k: string) => (k === 'p' ? 'mechanism.p' : k === 'alpha' ? 'mechanism.alpha' : k);

function seedsByValues(grid: string[], replicates: number, base = 7): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const pt of expandSweep(buildSweep({ grid, resolveKey }))) {
    m.set(
      canonicalJson(pt.values),
      [...Array(replicates).keys()].map((r) => deriveSeed(base, pt.values, r)),
    );
  }
  return m;
}

describe('seed derivation', () => {
  it('uses FNV-1a 32 and the murmur3 finaliser', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    expect(fmix32(0)).toBe(0);
    expect(canonicalJson({ b: 1, a: [true, 'x'] })).toBe('{"a":[true,"x"],"b":1}');
  });

  it('is pinned (changing the rule changes every result)', () => {
    expect(deriveSeed(42, {}, 0)).toBe(fmix32(fnv1a32('allora-sim/seed/v1|42|{}|0')));
    expect(deriveSeed(42, { 'mechanism.p': 2 }, 3)).toBe(fmix32(fnv1a32('allora-sim/seed/v1|42|{"mechanism.p":2}|3')));
  });

  it('gives unsigned 32-bit integers, distinct across replicates and points', () => {
    const seen = new Set<number>();
    for (const [, seeds] of seedsByValues(['p=1:10:1', 'alpha=0.1:1:0.1'], 10)) {
      for (const s of seeds) {
        expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
        seen.add(s);
      }
    }
    expect(seen.size).toBe(1000);
  });

  it('depends on the point values, not on the point index', () => {
    const small = seedsByValues(['p=1,2', 'alpha=0.1,0.2'], 3);
    const large = seedsByValues(['p=0,1,2,3', 'alpha=0.05:0.3:0.05'], 3);
    for (const [values, seeds] of small) expect(large.get(values)).toEqual(seeds);
    // Axis order and aliases do not matter either.
    const swapped = seedsByValues(['mechanism.alpha=0.1,0.2', 'mechanism.p=1,2'], 3);
    for (const [values, seeds] of small) expect(swapped.get(values)).toEqual(seeds);
    // 2 and 2.0 are the same value.
    expect(deriveSeed(7, { x: 2.0 }, 0)).toBe(deriveSeed(7, { x: 2 }, 0));
    // …but a different type is a different value.
    expect(deriveSeed(7, { x: '2' }, 0)).not.toBe(deriveSeed(7, { x: 2 }, 0));
  });

  it('depends on the base seed and the replicate', () => {
    expect(deriveSeed(1, {}, 0)).not.toBe(deriveSeed(2, {}, 0));
    expect(deriveSeed(1, {}, 0)).not.toBe(deriveSeed(1, {}, 1));
    expect(deriveSeed(2 ** 40, {}, 0)).not.toBe(deriveSeed(0, {}, 0));
  });
});
