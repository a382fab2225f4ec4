// Every documented tokenomics key is reachable with --set — by path, per setup and by the paper's symbol — and
// moves the output; an override that could not act, and bad input, is one line naming the file and the key.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/scenario/errors.js';
import { TOKENOMICS_ALIASES, defaultTokenomics, tokenomicsFromObject, type TokenomicsFile } from '../../src/scenario/tokenomics.js';
import { runJob } from '../../src/sim/tokenomics-job.js';
import type { RunCell } from '../../src/sim/contract.js';

const FILE = 'keys.yaml';
const MONTHS = 40;

/** Everything a run writes (every table, every metric), per setup. */
function output(f: TokenomicsFile, seed = 3): Record<string, string> {
  const bySetup: Record<string, string[]> = {};
  runJob(
    { scenario: f, seed, point: 0, replicate: 0 },
    {
      table(name, columns) {
        const si = columns.indexOf('setup');
        return (row: readonly RunCell[]) => (bySetup[String(row[si])] ??= []).push(`${name}:${columns.join(',')}:${row.join(',')}`);
      },
    },
  );
  return Object.fromEntries(Object.entries(bySetup).map(([k, v]) => [k, v.join('\n')]));
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const m = (e as Error).message;
    expect(m).not.toContain('\n');
    return m;
  }
  throw new Error('expected an InputError');
}

/** Every leaf key of the tokenomics parameters (lists by index), with a valid new value, and the settings it needs
 *  to act (a key that acts only under a switch is set together with that switch). */
interface KeyCase {
  rel: string;
  value: string;
  context?: string[];
  /** Settings that must follow the change (renaming the workers' class needs workers_class renamed too). */
  after?: string[];
}

function leafCases(): KeyCase[] {
  const cases: KeyCase[] = [];
  const special: Record<string, KeyCase> = {
    xi_max: { rel: 'xi_max', value: '0.005' },
    mpy_cap_text: { rel: 'mpy_cap_text', value: '0.006', context: ['yield_cap=whitepaper'] },
    workers_class: { rel: 'workers_class', value: 'foundation' },
    'fees.model': { rel: 'fees.model', value: 'unstaked_fraction' },
    'fees.rate': { rel: 'fees.rate', value: '0.03', context: ['tokenomics.fees.model=unstaked_fraction'] },
    'fees.payers': { rel: 'fees.payers', value: 'external', context: ['tokenomics.fees.model=unstaked_fraction'] },
    'fees.timing': { rel: 'fees.timing', value: 'same_month', context: ['tokenomics.fees.model=unstaked_fraction'] },
    'topics.weeks_per_month': { rel: 'topics.weeks_per_month', value: '4.345' },
    'topics.fee_epochs_per_week': { rel: 'topics.fee_epochs_per_week', value: '1' },
    'topics.initial': { rel: 'topics.initial', value: '5' },
    'topics.epoch_length.min': { rel: 'topics.epoch_length.min', value: '100', context: ['topic_weight_fee=per_epoch'] },
    'topics.epoch_length.max': { rel: 'topics.epoch_length.max', value: '1440', context: ['topic_weight_fee=per_epoch'] },
    'topics.strategic.enabled': { rel: 'topics.strategic.enabled', value: 'true' },
    'topics.strategic.wash_fee': { rel: 'topics.strategic.wash_fee', value: '20000', context: ['tokenomics.topics.strategic.enabled=true'] },
    'topics.strategic.stake': { rel: 'topics.strategic.stake', value: '3000000', context: ['tokenomics.topics.strategic.enabled=true'] },
    'topics.max_active': { rel: 'topics.max_active', value: '10' },
    'topics.consumers_per_week.min': { rel: 'topics.consumers_per_week.min', value: '0' },
    'validators.normaliser': { rel: 'validators.normaliser', value: 'stale' },
  };
  const walk = (x: unknown, path: string[]): void => {
    if (Array.isArray(x)) return x.forEach((v, i) => walk(v, [...path, String(i)]));
    if (x !== null && typeof x === 'object') {
      for (const [k, v] of Object.entries(x)) walk(v, [...path, k]);
      return;
    }
    const rel = path.join('.');
    if (special[rel]) return void cases.push(special[rel]);
    if (/^classes\.\d+\.(allocation|treasury)$/.test(rel) || rel === 'total_supply') return; // checked below
    if (/^classes\.3\./.test(rel)) return; // the treasury class: nothing to set but its allocation
    if (/^classes\.\d+\.name$/.test(rel)) {
      return void cases.push({ rel, value: `renamed_${path[1]}`, after: path[1] === '5' ? ['tokenomics.workers_class=renamed_5'] : undefined });
    }
    if (/^classes\.[4-5]\.vesting\./.test(rel)) return; // fully circulating at genesis: checked through classes.0
    if (rel === 'classes.0.vesting.kind') return void cases.push({ rel: 'classes.0.vesting.at_genesis', value: '0.2' });
    if (typeof x === 'number') {
      const v = Number.isInteger(x) ? (rel.endsWith('.max') ? x + 4 : rel.endsWith('months') ? x - 3 : x + 1) : x > 0 && x < 1 ? x / 2 : x * 1.5;
      return void cases.push({ rel, value: String(v) });
    }
  };
  walk(JSON.parse(JSON.stringify(defaultTokenomics())), []);
  return cases;
}

const SWITCHES: KeyCase[] = [
  { rel: 'mechanism.yield_cap', value: 'whitepaper' },
  { rel: 'mechanism.f_stakers', value: 'actual', context: ['tokenomics.validators.normaliser=stale'] },
  { rel: 'mechanism.topic_rewards', value: 'per_block' },
  { rel: 'mechanism.topic_weight_fee', value: 'per_epoch' },
];

const base = { kind: 'tokenomics', tokenomics: { months: MONTHS } };

describe('every documented tokenomics key moves the output', () => {
  const cases = leafCases();

  it('covers every leaf of the parameters', () => {
    expect(cases.length).toBeGreaterThan(45);
    for (const k of ['f_e', 'alpha_e', 'f_v', 'apy_cap', 'reputer_share', 'topics.mu', 'topics.nu', 'topics.alpha_weekly', 'topics.payment.shape', 'validators.stake.scale']) {
      expect(cases.map((c) => c.rel)).toContain(k);
    }
  });

  for (const c of [...cases.map((x) => ({ ...x, rel: `tokenomics.${x.rel}` })), ...SWITCHES]) {
    it(`${c.rel}=${c.value}${c.context ? ` (with ${c.context.join(', ')})` : ''}`, () => {
      const before = output(tokenomicsFromObject(base, FILE, { set: c.context ?? [] })).default;
      const after = output(tokenomicsFromObject(base, FILE, { set: [...(c.context ?? []), `${c.rel}=${c.value}`, ...(c.after ?? [])] })).default;
      expect(after).not.toBe(before);
    });
  }

  it('per setup (tokenomics.setups.<name>.<key>): moves that setup only', () => {
    const two = { kind: 'tokenomics', tokenomics: { months: MONTHS, setups: [{ name: 'a' }, { name: 'b-2' }] } };
    const ref = output(tokenomicsFromObject(two, FILE));
    for (const c of cases.filter((x) => !x.rel.startsWith('classes.') && x.rel !== 'workers_class')) {
      const ctx = (c.context ?? []).map((s) => s.replace(/^tokenomics\./, 'tokenomics.setups.b-2.').replace(/^(yield_cap|topic_weight_fee)=/, 'tokenomics.setups.b-2.mechanism.$1='));
      const before = output(tokenomicsFromObject(two, FILE, { set: ctx }));
      const after = output(tokenomicsFromObject(two, FILE, { set: [...ctx, `tokenomics.setups.b-2.${c.rel}=${c.value}`] }));
      expect(after.a, c.rel).toBe(ref.a);
      expect(after['b-2'], c.rel).not.toBe(before['b-2']);
    }
  });

  it("by the paper's symbols (every alias of --help)", () => {
    const values: Record<string, [string, string[]?]> = {
      months: ['30'],
      N_total: ['', []],
      f_e: ['0.02'],
      apy_cap: ['0.1'],
      xi_max: ['0.005'],
      alpha_e: ['0.3'],
      f_v: ['0.3'],
      reputer_share: ['0.5'],
      fee_rate: ['0.03', ['tokenomics.fees.model=unstaked_fraction']],
      alpha_t: ['0.2'],
      mu: ['0.7'],
      nu: ['0.7'],
      N_epochs_w: ['2'],
      wash_fee: ['20000', ['tokenomics.topics.strategic.enabled=true']],
      yield_cap: ['whitepaper'],
      f_stakers: ['actual', ['tokenomics.validators.normaliser=stale']],
      topic_rewards: ['per_block'],
      topic_weight_fee: ['per_epoch'],
    };
    for (const a of TOKENOMICS_ALIASES) {
      expect(values[a.alias], `a value for alias ${a.alias}`).toBeDefined();
      const [v, ctx = []] = values[a.alias];
      if (a.alias === 'N_total') {
        // The supply must equal the allocations: the alias reaches the key, whose check names it.
        expect(errorOf(() => tokenomicsFromObject(base, FILE, { set: ['N_total=2e9'] }))).toContain('keys.yaml: tokenomics.classes: allocations sum to');
        continue;
      }
      const before = output(tokenomicsFromObject(base, FILE, { set: ctx })).default;
      const byAlias = output(tokenomicsFromObject(base, FILE, { set: [...ctx, `${a.alias}=${v}`] })).default;
      const byPath = output(tokenomicsFromObject(base, FILE, { set: [...ctx, `${a.path}=${v}`] })).default;
      expect(byAlias, a.alias).not.toBe(before);
      expect(byAlias, a.alias).toBe(byPath);
    }
    // The horizon: --epochs / --months, epochs=, N_e=.
    expect(tokenomicsFromObject(base, FILE, { months: 25 }).tokenomics.months).toBe(25);
    expect(tokenomicsFromObject(base, FILE, { set: ['N_e=26'] }).tokenomics.months).toBe(26);
    expect(tokenomicsFromObject(base, FILE, { set: ['epochs=27'] }).tokenomics.months).toBe(27);
  });
});

describe('an override that cannot act, and bad input: one line naming the file and the key', () => {
  const fig4like = {
    kind: 'tokenomics',
    tokenomics: {
      months: MONTHS,
      fees: { rate: 0.02 },
      setups: [{ name: 'no-smoothing', alpha_e: 1 }, { name: 'smoothing' }, { name: 'smoothing-fees', fees: { model: 'unstaked_fraction' } }],
    },
  };

  it('tokenomics.fees.rate reaches the fee setup of a Figure 4 layout and moves it', () => {
    const a = output(tokenomicsFromObject(fig4like, FILE));
    const b = output(tokenomicsFromObject(fig4like, FILE, { set: ['tokenomics.fees.rate=0.03'] }));
    expect(b['smoothing-fees']).not.toBe(a['smoothing-fees']);
    expect(b.smoothing).toBe(a.smoothing);
  });

  it('an unknown setup in a --set path', () => {
    expect(errorOf(() => tokenomicsFromObject(fig4like, FILE, { set: ['tokenomics.setups.smoothng.alpha_e=0.2'] }))).toBe(
      "keys.yaml: --set tokenomics.setups.smoothng.alpha_e=0.2: tokenomics.setups: no setup named 'smoothng' — did you mean 'smoothing'? (allowed: no-smoothing, smoothing, smoothing-fees)",
    );
  });

  it('a base key every setup sets itself, and a key no setup lets act', () => {
    const all = { kind: 'tokenomics', tokenomics: { months: MONTHS, setups: [{ name: 'a', alpha_e: 1 }, { name: 'b', alpha_e: 0.5 }] } };
    expect(errorOf(() => tokenomicsFromObject(all, FILE, { set: ['alpha_e=0.2'] }))).toContain(
      'keys.yaml: --set alpha_e=0.2: every setup sets alpha_e itself, so the base value reaches none of them',
    );
    expect(errorOf(() => tokenomicsFromObject(base, FILE, { set: ['tokenomics.fees.rate=0.03'] }))).toBe(
      "keys.yaml: --set tokenomics.fees.rate=0.03: has no effect: fees.model is 'none' (set fees.model: unstaked_fraction)",
    );
    expect(errorOf(() => tokenomicsFromObject(base, FILE, { set: ['tokenomics.mpy_cap_text=0.01'] }))).toContain("has no effect: yield_cap is 'reference'");
    expect(errorOf(() => tokenomicsFromObject(base, FILE, { set: ['wash_fee=5'] }))).toContain('has no effect: topics.strategic.enabled is false');
  });

  it('allocations not summing to the supply, vesting beyond the horizon, a negative cap', () => {
    expect(errorOf(() => tokenomicsFromObject(base, FILE, { set: ['tokenomics.classes.0.allocation=1'] }))).toMatch(
      /^keys\.yaml: tokenomics\.classes: allocations sum to .* ALLO, not total_supply 1000000000 \(allowed: allocations summing to total_supply/,
    );
    expect(errorOf(() => tokenomicsFromObject(base, FILE, { months: 12 }))).toBe(
      'keys.yaml: tokenomics.classes[0].vesting.cliff_months: month 12 is beyond the horizon of 12 months (allowed: a month ≤ 11 (the last row), or a longer horizon (tokenomics.months, --epochs))',
    );
    const tranche = { kind: 'tokenomics', tokenomics: { months: 24, setups: [{ name: 'x', classes: defaultTokenomics().classes.map((c, i) => (i === 0 ? { ...c, vesting: { tranches: [{ month: 30, amount: 1 }] } } : c.treasury ? { ...c, vesting: undefined } : c)) }] } };
    expect(errorOf(() => tokenomicsFromObject(tranche, FILE))).toContain('keys.yaml: tokenomics.setups[0].classes[0].vesting.tranches[0].month: month 30 is beyond the horizon of 24 months');
    expect(errorOf(() => tokenomicsFromObject(base, FILE, { set: ['apy_cap=-0.1'] }))).toBe('keys.yaml: tokenomics.apy_cap: -0.1 is out of range (allowed: a number > 0)');
    expect(errorOf(() => tokenomicsFromObject(base, FILE, { set: ['xi_max=-0.01'] }))).toContain('keys.yaml: tokenomics.xi_max: -0.01 is out of range');
  });

  it("a study's claim block: every field, and a threshold it can read", () => {
    const claim = { id: 'C15', quote: 'q', section: '§5.3', metric: 'cabal_net_gain.default', threshold: '<= 0' };
    expect(tokenomicsFromObject({ ...base, claim }, FILE).claims).toEqual([claim]);
    expect(errorOf(() => tokenomicsFromObject({ ...base, claim: { ...claim, threshold: 'at most 0' } }, FILE))).toBe(
      `keys.yaml: claim.threshold: "at most 0" is not allowed (allowed: '<= x', '>= x', '< x' or '> x' with a number x)`,
    );
    expect(errorOf(() => tokenomicsFromObject({ ...base, claim: { ...claim, metric: undefined } }, FILE))).toContain('keys.yaml: claim.metric:');
    expect(errorOf(() => tokenomicsFromObject({ ...base, sweep: { grid: { nu: [0.5] }, seed: 3 } }, FILE))).toContain('keys.yaml');
  });

  it('prototype keys, unknown keys, bad switch values and profiles', () => {
    expect(errorOf(() => tokenomicsFromObject(base, FILE, { set: ['__proto__.x=1'] }))).toContain("'__proto__.x' is not a key");
    expect(errorOf(() => tokenomicsFromObject(base, FILE, { set: ['tokenomics.constructor.x=1'] }))).toContain('is not a key');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(errorOf(() => tokenomicsFromObject(base, FILE, { set: ['alpah_e=0.2'] }))).toContain("keys.yaml: alpah_e: unknown key");
    expect(errorOf(() => tokenomicsFromObject(base, FILE, { set: ['topic_rewards=blocks'] }))).toBe(
      'keys.yaml: mechanism.topic_rewards: "blocks" is not allowed (allowed: share | per_block)',
    );
    expect(errorOf(() => tokenomicsFromObject(base, FILE, { profile: 'paper' }))).toContain('--profile paper');
  });
});
