import { describe, expect, it } from 'vitest';
import { PARAM_SPECS } from '../../src/engine/params.js';
import { ALIASES, SWITCH_NAMES, aliasHelp, closestKey, editDistance, resolveKey } from '../../src/scenario/keys.js';
import { specAt } from '../../src/scenario/schema.js';

describe('keys', () => {
  it('edit distance', () => {
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('inferes', 'inferers')).toBe(1);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('closest key', () => {
    expect(closestKey('inferes', ['inferers', 'forecasters', 'reputers', 'experience'])).toBe('inferers');
    expect(closestKey('Reputer', ['inferers', 'forecasters', 'reputers'])).toBe('reputers');
    expect(closestKey('forecast', ['inferers', 'forecasters', 'reputers'])).toBe('forecasters');
    expect(closestKey('zzzzzz', ['inferers', 'forecasters'])).toBeUndefined();
    expect(closestKey('x', [])).toBeUndefined();
  });

  it('every alias points at an existing leaf', () => {
    for (const a of ALIASES) {
      const spec = specAt(a.path);
      expect(spec, a.alias).toBeDefined();
      expect(spec!.kind, a.alias).not.toBe('section');
    }
    expect(new Set(ALIASES.map((a) => a.alias)).size).toBe(ALIASES.length);
  });

  it('resolves aliases, bare mechanism names, bare switch names and full paths', () => {
    expect(resolveKey('p')).toBe('mechanism.p');
    expect(resolveKey('epsilon')).toBe('mechanism.epsilon');
    expect(resolveKey('lambda')).toBe('mechanism.lambda');
    expect(resolveKey('N_i')).toBe('participants.inferers.count');
    for (const k of Object.keys(PARAM_SPECS)) expect(resolveKey(k)).toBe(`mechanism.${k}`);
    for (const k of SWITCH_NAMES) {
      expect(resolveKey(k)).toBe(`switches.${k}`);
      expect(specAt(`switches.${k}`)).toBeDefined();
    }
    expect(resolveKey('participants.reputers.count')).toBe('participants.reputers.count');
    expect(resolveKey('epochs')).toBe('epochs');
  });

  it('prints the alias table', () => {
    const h = aliasHelp();
    for (const a of ALIASES) expect(h).toContain(a.path);
  });
});
