// Validation of the tokenomics section and of a tokenomics scenario file: one-line InputErrors naming the file
// and the key path.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/scenario/errors.js';
import { defaultTokenomics, validateTokenomics, validateTokenomicsFile } from '../../src/scenario/tokenomics.js';

const FILE = 'scen.yaml';

function errorOf(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const err = e as InputError;
    expect(err.message).not.toContain('\n');
    expect(err.message.startsWith(`${FILE}: `)).toBe(true);
    expect(err.message).toContain('(allowed: ');
    return err;
  }
  throw new Error('expected an InputError');
}

/** The default classes as YAML would give them, with `patch` applied to class `k`. */
function classesWith(k: number, patch: Record<string, unknown>): Record<string, unknown>[] {
  return defaultTokenomics().classes.map((c, i) => {
    const plain: Record<string, unknown> = { ...c };
    if (c.treasury) delete plain.vesting;
    return i === k ? { ...plain, ...patch } : plain;
  });
}

describe('validateTokenomics', () => {
  it('accepts nothing (the defaults) and partial overrides', () => {
    const d = validateTokenomics(undefined, FILE);
    expect(d).toEqual({ ...defaultTokenomics(), months: 96, setups: [{ name: 'default', mechanism: {}, params: defaultTokenomics() }] });
    const t = validateTokenomics({ alpha_e: 1, fees: { model: 'unstaked_fraction' } }, FILE);
    expect(t.alpha_e).toBe(1);
    expect(t.fees).toEqual({ model: 'unstaked_fraction', rate: 0.02, payers: 'holders', timing: 'next_month' });
    expect(t.classes).toEqual(defaultTokenomics().classes);
  });

  it('allocations that do not sum to the total supply', () => {
    const e = errorOf(() => validateTokenomics({ classes: classesWith(0, { allocation: 40_000_000 }) }, FILE));
    expect(e.message).toMatch(/^scen\.yaml: tokenomics\.classes: allocations sum to 990000000 ALLO, not total_supply 1000000000/);
    const e2 = errorOf(() => validateTokenomics({ total_supply: 2e9 }, FILE));
    expect(e2.message).toContain('tokenomics.classes: allocations sum to');
  });

  it('a vesting schedule that unlocks more than the class holds', () => {
    const e = errorOf(() =>
      validateTokenomics(
        { classes: classesWith(0, { vesting: { tranches: [{ month: 12, amount: 30_000_000 }, { month: 24, amount: 30_000_000 }] } }) },
        FILE,
      ),
    );
    expect(e.message).toContain('tokenomics.classes[0].vesting.tranches: unlocks 60000000 ALLO in all, more than the class');
    const e2 = errorOf(() => validateTokenomics({ classes: classesWith(1, { vesting: { at_genesis: 1.5 } }) }, FILE));
    expect(e2.message).toContain('tokenomics.classes[1].vesting.at_genesis: 1.5 is out of range (allowed: a number in [0, 1])');
    const e3 = errorOf(() => validateTokenomics({ classes: classesWith(2, { vesting: { cliff_months: 12, end_months: 6 } }) }, FILE));
    expect(e3.message).toContain('tokenomics.classes[2].vesting.end_months');
  });

  it('staked fractions outside [0, 1]', () => {
    const e = errorOf(() => validateTokenomics({ classes: classesWith(4, { staked_fraction: 1.2 }) }, FILE));
    expect(e.message).toBe('scen.yaml: tokenomics.classes[4].staked_fraction: 1.2 is out of range (allowed: a number in [0, 1])');
    const e2 = errorOf(() => validateTokenomics({ classes: classesWith(5, { staked_fraction: -0.1 }) }, FILE));
    expect(e2.message).toContain('tokenomics.classes[5].staked_fraction');
  });

  it('a negative fee rate, bad enums, unknown keys, wrong types', () => {
    expect(errorOf(() => validateTokenomics({ fees: { rate: -0.02 } }, FILE)).message).toBe(
      'scen.yaml: tokenomics.fees.rate: -0.02 is out of range (allowed: a number in [0, 1])',
    );
    expect(errorOf(() => validateTokenomics({ fees: { model: 'lots' } }, FILE)).message).toContain(
      'tokenomics.fees.model: "lots" is not allowed (allowed: none | unstaked_fraction)',
    );
    expect(errorOf(() => validateTokenomics({ alpah_e: 0.1 }, FILE)).message).toContain('tokenomics.alpah_e: unknown key');
    expect(errorOf(() => validateTokenomics({ alpha_e: 0 }, FILE)).message).toContain('tokenomics.alpha_e: 0 is out of range (allowed: a number in (0, 1])');
    expect(errorOf(() => validateTokenomics({ f_e: '0.025' }, FILE)).message).toContain('tokenomics.f_e: "0.025" is not a finite number');
    expect(errorOf(() => validateTokenomics({ workers_class: 'ecosystem' }, FILE)).message).toContain('tokenomics.workers_class');
    expect(errorOf(() => validateTokenomics({ topics: { reputers: { min: 5, max: 2 } } }, FILE)).message).toContain(
      'tokenomics.topics.reputers.max: 2 is below min 5',
    );
    expect(errorOf(() => validateTokenomics({ validators: { normaliser: 'chain' } }, FILE)).message).toContain('tokenomics.validators.normaliser');
    expect(errorOf(() => validateTokenomics([1, 2], FILE)).message).toContain('scen.yaml: tokenomics: expected a mapping');
  });

  it('exactly one treasury, unique names, the treasury stakes nothing', () => {
    expect(errorOf(() => validateTokenomics({ classes: classesWith(3, { treasury: false }) }, FILE)).message).toContain(
      'tokenomics.classes: 0 classes have treasury: true (allowed: exactly one treasury class)',
    );
    expect(errorOf(() => validateTokenomics({ classes: classesWith(1, { name: 'team' }) }, FILE)).message).toContain(
      'tokenomics.classes[2].name: duplicate class name "team"',
    );
    expect(errorOf(() => validateTokenomics({ classes: classesWith(3, { staked_fraction: 0.5 }) }, FILE)).message).toContain(
      'tokenomics.classes[3].staked_fraction',
    );
  });
});

describe('months and setups', () => {
  it('resolves setups over the base over the defaults', () => {
    const t = validateTokenomics(
      {
        months: 24,
        f_e: 0.03,
        setups: [{ name: 'a' }, { name: 'b', description: 'no EMA', alpha_e: 1, mechanism: { yield_cap: 'whitepaper' } }],
      },
      FILE,
    );
    expect(t.months).toBe(24);
    expect(t.f_e).toBe(0.03);
    expect(t.setups.map((s) => [s.name, s.params.alpha_e, s.params.f_e, s.mechanism.yield_cap])).toEqual([
      ['a', 0.1, 0.03, undefined],
      ['b', 1, 0.03, 'whitepaper'],
    ]);
    expect(t.setups[1].description).toBe('no EMA');
  });

  it("names the setup's key path for an override, the base's for the rest", () => {
    expect(errorOf(() => validateTokenomics({ setups: [{ name: 'x' }, { name: 'y', fees: { rate: -1 } }] }, FILE)).message).toBe(
      'scen.yaml: tokenomics.setups[1].fees.rate: -1 is out of range (allowed: a number in [0, 1])',
    );
    expect(errorOf(() => validateTokenomics({ setups: [{ name: 'y', classes: classesWith(0, { staked_fraction: 2 }) }] }, FILE)).message).toContain(
      'tokenomics.setups[0].classes[0].staked_fraction',
    );
    expect(errorOf(() => validateTokenomics({ fees: { rate: -1 }, setups: [{ name: 'x' }] }, FILE)).message).toContain('scen.yaml: tokenomics.fees.rate');
    expect(errorOf(() => validateTokenomics({ setups: [{ name: 'x' }, { name: 'x' }] }, FILE)).message).toContain('tokenomics.setups[1].name: duplicate');
    expect(errorOf(() => validateTokenomics({ setups: [{ name: 'x', mechanism: { yield_cap: 'text' } }] }, FILE)).message).toContain(
      'tokenomics.setups[0].mechanism.yield_cap: "text" is not allowed (allowed: reference | whitepaper)',
    );
    expect(errorOf(() => validateTokenomics({ setups: [{ name: 'x', alpah_e: 1 }] }, FILE)).message).toContain('tokenomics.setups[0].alpah_e: unknown key');
    expect(errorOf(() => validateTokenomics({ months: 0 }, FILE)).message).toContain('scen.yaml: tokenomics.months: 0 is out of range');
    expect(errorOf(() => validateTokenomics({ setups: [] }, FILE)).message).toContain('scen.yaml: tokenomics.setups:');
  });
});

describe('validateTokenomicsFile (a whole kind: tokenomics document)', () => {
  it('resolves the document with its defaults', () => {
    const f = validateTokenomicsFile({ kind: 'tokenomics', tokenomics: { months: 13 } }, 'dir/my-run.yaml');
    expect([f.name, f.description, f.seed, f.profile, f.mechanism, f.tokenomics.months]).toEqual(['my-run', '', 1, 'reference', {}, 13]);
    const g = validateTokenomicsFile({ kind: 'tokenomics', seed: 'abc', profile: 'whitepaper', mechanism: { f_stakers: 'constant' } }, FILE);
    expect([g.seed, g.profile, g.mechanism]).toEqual(['abc', 'whitepaper', { f_stakers: 'constant' }]);
  });

  it('names the key path of a bad document', () => {
    expect(errorOf(() => validateTokenomicsFile({ kind: 'agents' }, FILE)).message).toBe('scen.yaml: kind: "agents" is not allowed (allowed: tokenomics)');
    expect(errorOf(() => validateTokenomicsFile({ kind: 'tokenomics', epochs: 10 }, FILE)).message).toContain('scen.yaml: epochs: unknown key');
    expect(errorOf(() => validateTokenomicsFile({ kind: 'tokenomics', profile: 'text' }, FILE)).message).toContain('scen.yaml: profile:');
    expect(errorOf(() => validateTokenomicsFile({ kind: 'tokenomics', mechanism: { p: 3 } }, FILE)).message).toContain('scen.yaml: mechanism.p: unknown key');
    expect(errorOf(() => validateTokenomicsFile({ kind: 'tokenomics', seed: -1 }, FILE)).message).toContain('scen.yaml: seed:');
    expect(
      errorOf(() => validateTokenomicsFile({ kind: 'tokenomics', tokenomics: { setups: [{ name: 'a', fees: { rate: -0.5 } }] } }, FILE)).message,
    ).toBe('scen.yaml: tokenomics.setups[0].fees.rate: -0.5 is out of range (allowed: a number in [0, 1])');
  });
});
