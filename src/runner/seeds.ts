// Per-run seeds. A run's seed depends on (base seed, replicate) and, under the `independent` rule, on the
// grid point's VALUES — never on the point's index — so adding points to a sweep, reordering the --grid
// options or spelling a key by its alias instead of its full path leaves the other runs' seeds unchanged.
//
// Two rules for a sweep (recorded in its checkpoint and manifest):
//   common       (common random numbers; `sweep`'s default) every point's replicate r has the seed of
//                replicate r of the single point of `run --seeds N`: values = {} below. Differences between
//                points are then the mechanism's, not the population's, and the point equal to the
//                scenario's own values is `run`'s runs exactly. Agents draw per-identity streams
//                (src/agents/rng.ts), so points that change the population share the draws of the
//                identities they share.
//   independent  values = the point's values: every point draws a fresh population (`sweep --independent`,
//                the runner's default, and `attacks`).
//
// Rule (version 1):
//   text = "allora-sim/seed/v1|" + base + "|" + canonicalJson(values) + "|" + replicate
//   seed = fmix32(fnv1a32(utf8(text)))                      → an unsigned 32-bit integer
// where
//   - base and replicate are written as decimal integers;
//   - canonicalJson(values) is JSON.stringify of the point's {full dotted key: value} object with the keys
//     sorted by UTF-16 code units (numbers in JS shortest round-trip form, so 2 and 2.0 are the same value);
//     the single point of a run without a grid is `{}`;
//   - fnv1a32 is 32-bit FNV-1a (offset basis 0x811c9dc5, prime 0x01000193) over the UTF-8 bytes;
//   - fmix32 is MurmurHash3's 32-bit finalizer (x ^= x>>>16; x *= 0x85ebca6b; x ^= x>>>13;
//     x *= 0xc2b2ae35; x ^= x>>>16), which spreads the FNV bits over the whole word.

import { InputError } from '../scenario/errors.js';
import type { GridValue } from './grid.js';

export const SEED_RULE =
  'seed = fmix32(fnv1a32(utf8("allora-sim/seed/v1|" + base + "|" + canonicalJson(point values, keys sorted) + "|" + replicate)))';

/** How a sweep's points share seeds: `common` (every point's replicate r has one seed) or `independent`
 *  (seeds from the point's values). */
export type SeedRule = 'common' | 'independent';
export const SEED_RULES: readonly SeedRule[] = ['common', 'independent'];

/** The manifest's text of a rule. */
export function seedRuleText(rule: SeedRule): string {
  return rule === 'common'
    ? `${SEED_RULE} with point values = {} at every point (common random numbers)`
    : SEED_RULE;
}

/** The seed of replicate `replicate` at a point with these values, under `rule`. */
export function runSeedOf(rule: SeedRule, base: number, values: Readonly<Record<string, GridValue>>, replicate: number): number {
  return deriveSeed(base, rule === 'common' ? {} : values, replicate);
}

/** 32-bit FNV-1a over the UTF-8 bytes of `text`. */
export function fnv1a32(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3 32-bit finalizer (avalanche). */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** JSON with object keys sorted (recursively); arrays keep their order. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') {
    const s = JSON.stringify(v);
    return s === undefined ? 'null' : s;
  }
  if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x)).join(',')}]`;
  const keys = Object.keys(v as object)
    .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

/** Checks a base seed: an integer in [0, 2^53). */
export function checkBaseSeed(base: number, label = 'seed'): number {
  if (!Number.isSafeInteger(base) || base < 0) {
    throw new InputError(`${label}: must be a non-negative integer (got ${String(base)})`);
  }
  return base;
}

/** The seed of one run (unsigned 32-bit). `values` are keyed by full dotted path. */
export function deriveSeed(base: number, values: Readonly<Record<string, GridValue>>, replicate: number): number {
  const text = `allora-sim/seed/v1|${base}|${canonicalJson(values)}|${replicate}`;
  return fmix32(fnv1a32(text));
}

/** A base seed from the command line or a scenario: a non-negative integer as is; any other text names a
 *  stream (its FNV-1a hash). */
export function baseSeed(raw: string | number, where: string): number {
  if (typeof raw === 'number') {
    if (!Number.isSafeInteger(raw) || raw < 0) throw new InputError(`${where}: must be an integer ≥ 0 (got ${raw})`);
    return raw;
  }
  if (/^\d+$/.test(raw)) {
    const n = Number(raw);
    if (!Number.isSafeInteger(n)) throw new InputError(`${where}: must be an integer ≤ ${Number.MAX_SAFE_INTEGER} (got ${raw.length > 30 ? `${raw.slice(0, 30)}…` : raw})`);
    return n;
  }
  return fnv1a32(raw); // a string seed names a stream
}
