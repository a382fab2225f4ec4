// Property-based tests of the parsers users feed: scenario files (random and mutated YAML / JSON), `--set`
// and `--grid` strings. Every input either loads or fails with an InputError (one printable line) — never
// another throw, a hang or an out-of-memory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/scenario/errors.js';
import { parseScenarioText, scenarioFromObject, setRawPath } from '../../src/scenario/load.js';
import { resolveKey } from '../../src/scenario/keys.js';
import { validateTokenomicsFile } from '../../src/scenario/tokenomics.js';
import { buildSweep } from '../../src/runner/grid.js';
import { ROOT } from '../helpers/cli.js';

const FIG23 = readFileSync(join(ROOT, 'scenarios/figure2-3.yaml'), 'utf8');
const FIG4 = readFileSync(join(ROOT, 'scenarios/figure4.yaml'), 'utf8');
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);

/** Runs `f`; passes when it returns or throws an InputError with a one-line printable message. */
function loadsOrInputError(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof InputError)) throw new Error(`not an InputError: ${(e as Error)?.stack ?? String(e)}`);
    expect(e.message).not.toMatch(/\n/);
    // eslint-disable-next-line no-control-regex
    expect(e.message).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(e.message.length).toBeLessThanOrEqual(1001);
  }
}

/** A text mutated at a few random places (deletion, insertion, replacement). */
const mutated = (base: string) =>
  fc
    .array(fc.tuple(fc.nat(base.length), fc.nat(20), fc.string({ maxLength: 12, unit: 'binary' })), { minLength: 1, maxLength: 6 })
    .map((edits) => {
      let t = base;
      for (const [at, del, ins] of edits) {
        const i = Math.min(at, t.length);
        t = t.slice(0, i) + ins + t.slice(i + (del % 3 === 0 ? del : 0));
      }
      return t;
    });

const loadAgents = (text: string, file: string) => () => scenarioFromObject(parseScenarioText(text, file), file, {});
const loadTokenomics = (text: string, file: string) => () => validateTokenomicsFile(parseScenarioText(text, file), file);

describe('scenario files', () => {
  it('random YAML text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (t) => loadsOrInputError(loadAgents(t, 'r.yaml'))), { numRuns: RUNS });
  });
  it('random JSON values', () => {
    fc.assert(fc.property(fc.json({ maxDepth: 4 }), (t) => loadsOrInputError(loadAgents(t, 'r.json'))), { numRuns: RUNS });
  });
  it('mutated figure2-3.yaml', () => {
    fc.assert(fc.property(mutated(FIG23), (t) => loadsOrInputError(loadAgents(t, 'm.yaml'))), { numRuns: RUNS });
  });
  it('mutated figure4.yaml (tokenomics loader)', () => {
    fc.assert(fc.property(mutated(FIG4), (t) => loadsOrInputError(loadTokenomics(t, 'm4.yaml'))), { numRuns: RUNS });
  });
  it('mutated JSON of the figure scenario', () => {
    const json = JSON.stringify(parseScenarioText(FIG23, 'f.yaml'), null, 1);
    fc.assert(fc.property(mutated(json), (t) => loadsOrInputError(loadAgents(t, 'm.json'))), { numRuns: RUNS });
  });
  it('scenario mappings with random keys and values at known paths', () => {
    const key = fc.constantFrom('epochs', 'warmup', 'seed', 'runs', 'name', 'profile', 'mechanism', 'participants', 'switches', 'kind', '__proto__', 'constructor', 'sweep');
    const value = fc.oneof(fc.double(), fc.integer(), fc.string({ unit: 'binary', maxLength: 20 }), fc.boolean(), fc.constant(null), fc.object({ maxDepth: 2 }), fc.array(fc.integer(), { maxLength: 3 }));
    fc.assert(fc.property(fc.dictionary(key, value, { maxKeys: 6 }), (doc) => loadsOrInputError(() => scenarioFromObject(doc, 'd.yaml', {}))), { numRuns: RUNS });
  });
});

describe('--set strings', () => {
  const setArg = fc.oneof(
    fc.string({ maxLength: 40, unit: 'binary' }),
    fc.tuple(fc.constantFrom('p', 'alpha', 'N_i', 'N_e', 'epochs', 'warmup', 'mechanism.p', 'participants.inferers.count', 'switches.x', '__proto__.x', 'a..b', '.p', 'seed', 'profile'), fc.string({ maxLength: 12, unit: 'binary' })).map(([k, v]) => `${k}=${v}`),
    fc.tuple(fc.constantFrom('epochs', 'N_i', 'N_r', 'p', 'warmup'), fc.oneof(fc.double(), fc.integer({ min: -1e13, max: 1e13 }))).map(([k, v]) => `${k}=${v}`),
  );
  it('agents scenarios', () => {
    const raw = parseScenarioText(FIG23, 'f.yaml');
    fc.assert(fc.property(fc.array(setArg, { minLength: 1, maxLength: 3 }), (set) => loadsOrInputError(() => scenarioFromObject(raw, 'f.yaml', { set }))), { numRuns: RUNS });
  });
  it('tokenomics scenarios (raw paths), never reaching Object.prototype', () => {
    const raw = parseScenarioText(FIG4, 'f4.yaml');
    fc.assert(
      fc.property(fc.array(setArg, { minLength: 1, maxLength: 3 }), (set) => {
        loadsOrInputError(() => {
          const doc = structuredClone(raw);
          for (const a of set) setRawPath(doc, a, 'f4.yaml');
          return validateTokenomicsFile(doc, 'f4.yaml');
        });
        expect(({} as Record<string, unknown>).x).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
  });
});

describe('--grid strings', () => {
  const values = fc.oneof(
    fc.string({ maxLength: 30, unit: 'binary' }),
    fc.tuple(fc.double({ noNaN: false }), fc.double(), fc.double()).map(([a, b, c]) => `${a}:${b}:${c}`),
    fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: -1e9, max: 1e9 }), fc.constantFrom(1, 1e-9, 0, -1, 0.5)).map(([a, b, c]) => `${a}:${b}:${c}`),
    fc.array(fc.oneof(fc.double(), fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 5 }).map((xs) => xs.join(',')),
  );
  const arg = fc.tuple(fc.constantFrom('p', 'alpha', 'N_i', 'epochs', 'mechanism.p', '', '__proto__', 'x.y'), values).map(([k, v]) => `${k}=${v}`);
  it('buildSweep: a sweep or an InputError, quickly', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(arg, fc.string({ maxLength: 30, unit: 'binary' })), { minLength: 1, maxLength: 3 }), fc.boolean(), (grid, zip) =>
        loadsOrInputError(() => buildSweep({ grid, zip, resolveKey })),
      ),
      { numRuns: RUNS * 2 },
    );
  });
});
