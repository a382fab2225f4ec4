// The `tokenomics:` section of a scenario (whitepaper §5, Figure 4): its type, its defaults (the reference
// simulator's genesis allocation and parameters, docs/tokenomics.md §2 and §4) and its validation.
// Every error is an InputError of one line: `<file>: <key path>: <problem> (allowed: <range>)`.
//
// A `kind: tokenomics` document (scenarios/figure4.yaml; the loader hands it whole to `validateTokenomicsFile`):
//   name: <string>                    default: the file name without extension
//   description: <text>               optional
//   kind: tokenomics
//   seed: <int or string>             drives the stochastic topics/validators only (default 1)
//   profile: reference | whitepaper   default reference; only its switches yield_cap and f_stakers matter here
//   mechanism: {yield_cap, f_stakers} optional overrides of those switches
//   tokenomics:                       the section, validated by `validateTokenomics`:
//     months: <int ≥ 1>               rows 0 (genesis) … months − 1 of every setup (default 96)
//     <parameters>                    the base of every setup, merged over `defaultTokenomics()`
//     setups:                         optional (default: one setup named `default` = the base)
//       - name: <id>                  description: <text, optional>
//         mechanism: {yield_cap, f_stakers}   optional: this setup's profile switches (over the scenario's)
//         <parameters>                merged over the base
// Merging: objects key by key; lists (`classes`, `tranches`) and scalars replace whole. The parameters are the
// keys of `TokenomicsParams` below (total_supply, classes, workers_class, f_e, apy_cap, mpy_cap_text, alpha_e,
// f_v, reputer_share, fees, topics, validators).

import { InputError } from './errors.js';
import { closestKey } from './keys.js';
import { basename, extname } from 'node:path';
import type { MechanismParams, ProfileName } from '../engine/params.js';
import type { HolderClass, LedgerConfig, Vesting, FeeModel } from '../engine/tokenomics.js';

/** Pareto(scale x_m, shape a): x = x_m · U^(−1/a). */
export interface ParetoSpec {
  scale: number;
  shape: number;
}

/** The stochastic topic population behind eqs 56–58 (only topic rows depend on it, never the network table). */
export interface TopicModel {
  /** Topics live from month 1. */
  initial: number;
  /** Mean (Poisson) of the topics created each month from month 2 on. */
  new_per_month: number;
  /** At most this many topics are active: a topic is only created into a free slot. */
  max_active: number;
  /** Chance a topic is deactivated in a month. */
  deactivation_probability: number;
  /** α_t of eq 57 per week; α̂_t = 1 − (1 − α_t)^weeks_per_month (eq 54). */
  alpha_weekly: number;
  /** Weeks per monthly step (4 in the reference: α̂_t = 0.9375). */
  weeks_per_month: number;
  /** μ, ν of eq 58. */
  mu: number;
  nu: number;
  /** N_epochs,w of eq 58: C loses C/N_epochs,w every epoch. */
  fee_epochs_per_week: number;
  /** Reputers per new topic (uniform integer in [min, max]), their stake, and their churn per month. */
  reputers: { min: number; max: number; stake: ParetoSpec; join_probability: number; leave_probability: number };
  /** Workers per new topic (uniform integer in [min, max]) and their churn per month. */
  workers: { min: number; max: number; join_probability: number; leave_probability: number };
  /** Paying consumers per topic per week (uniform integer in [min, max], drawn when the topic is created). */
  consumers_per_week: { min: number; max: number };
  /** Pay-what-you-want payment of one consumer in one week, ALLO (Pareto, §5.3). */
  payment: ParetoSpec;
}

/** The stochastic validator set behind eq 55. */
export interface ValidatorModel {
  /** Validators live from month 1. */
  initial: number;
  /** Mean (Poisson) of the validators joining each month from month 2 on. */
  new_per_month: number;
  /** Chance a validator leaves in a month. */
  leave_probability: number;
  /** Stake of a joining validator. */
  stake: ParetoSpec;
  /** Normaliser of eq 55: 'consistent' Σ_v S_v,i (rewards sum to f_v E_i); 'stale' the reference simulator's
   *  sum before last month's rewards were restaked (docs/tokenomics.md §6.2). */
  normaliser: 'consistent' | 'stale';
}

/** The model parameters of one setup (all keys present). */
export interface TokenomicsParams extends LedgerConfig {
  topics: TopicModel;
  validators: ValidatorModel;
}

/** The profile switches a setup may set for itself (over the scenario's mechanism parameters). */
export type TokenomicsSwitches = Partial<Pick<MechanismParams, 'yield_cap' | 'f_stakers'>>;

/** One setup, resolved: defaults ← the section's base parameters ← the setup's own. */
export interface TokenomicsSetup {
  name: string;
  description?: string;
  mechanism: TokenomicsSwitches;
  params: TokenomicsParams;
}

/** A resolved `tokenomics:` section: the base parameters, the length of the runs and the setups. */
export interface TokenomicsScenario extends TokenomicsParams {
  months: number;
  setups: TokenomicsSetup[];
}

export const DEFAULT_MONTHS = 96;

const linear = (at_genesis: number, cliff_months: number, end_months: number): Vesting => ({
  kind: 'linear',
  at_genesis,
  cliff_months,
  end_months,
});

/** The reference simulator's genesis allocation (docs/tokenomics.md §2) and parameters (§4). */
export function defaultTokenomics(): TokenomicsParams {
  const investors = linear(0, 12, 36);
  return {
    total_supply: 1_000_000_000,
    classes: [
      { name: 'investors_preseed', allocation: 50_000_000, treasury: false, vesting: investors, staked_fraction: 0.75 },
      { name: 'investors_seed', allocation: 260_500_000, treasury: false, vesting: { ...investors }, staked_fraction: 0.75 },
      { name: 'team', allocation: 175_000_000, treasury: false, vesting: { ...investors }, staked_fraction: 0.75 },
      { name: 'ecosystem', allocation: 359_500_000, treasury: true, vesting: linear(0, 0, 0), staked_fraction: 0 },
      { name: 'foundation', allocation: 100_000_000, treasury: false, vesting: linear(1, 0, 0), staked_fraction: 0.25 },
      { name: 'participants', allocation: 55_000_000, treasury: false, vesting: linear(1, 0, 0), staked_fraction: 0.4 },
    ],
    workers_class: 'participants',
    f_e: 0.025,
    apy_cap: 0.12,
    mpy_cap_text: 0.0095,
    alpha_e: 0.1,
    f_v: 0.25,
    reputer_share: 1 / 3,
    fees: { model: 'none', rate: 0.02, payers: 'holders', timing: 'next_month' },
    topics: {
      initial: 3,
      new_per_month: 2.2,
      max_active: 100,
      deactivation_probability: 0.01,
      alpha_weekly: 0.5,
      weeks_per_month: 4,
      mu: 0.5,
      nu: 0.5,
      fee_epochs_per_week: 7,
      reputers: { min: 1, max: 16, stake: { scale: 60_000, shape: 2 }, join_probability: 0.1, leave_probability: 0.02 },
      workers: { min: 3, max: 20, join_probability: 0.3, leave_probability: 0.01 },
      consumers_per_week: { min: 5, max: 40 },
      payment: { scale: 400, shape: 1.5 },
    },
    validators: {
      initial: 3,
      new_per_month: 1.5,
      leave_probability: 0.01,
      stake: { scale: 1_000_000, shape: 2 },
      normaliser: 'consistent',
    },
  };
}

// ------------------------------------------------------------------------------------------------------------
// Validation.

type Seg = string | number;
type Where = (path: Seg[]) => string;

function fmtPath(prefix: string, path: Seg[]): string {
  let s = prefix;
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? p : `.${p}`;
  return s;
}

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (isObj(base) && isObj(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = k in base ? deepMerge(base[k], v) : v;
    return out;
  }
  return over === undefined ? base : over;
}

function fmtNum(x: unknown): string {
  if (typeof x === 'number') return String(x);
  return JSON.stringify(x) ?? String(x);
}

/** 'unknown key', with the closest valid one when there is a close one. */
function unknownKey(k: string, keys: readonly string[]): string {
  const near = closestKey(k, keys);
  return near ? `unknown key — did you mean '${near}'?` : 'unknown key';
}

class Checker {
  constructor(
    readonly file: string,
    readonly where: Where,
  ) {}

  fail(path: Seg[], problem: string, allowed: string): never {
    throw new InputError(`${this.file}: ${this.where(path)}: ${problem} (allowed: ${allowed})`);
  }

  obj(x: unknown, path: Seg[], keys: readonly string[]): Record<string, unknown> {
    if (!isObj(x)) this.fail(path, `expected a mapping, got ${fmtNum(x)}`, `a mapping with keys ${keys.join(', ')}`);
    for (const k of Object.keys(x)) {
      if (!keys.includes(k)) this.fail([...path, k], unknownKey(k, keys), keys.join(', '));
    }
    return x;
  }

  num(
    x: unknown,
    path: Seg[],
    o: { min?: number; max?: number; minExcl?: boolean; maxExcl?: boolean; int?: boolean } = {},
  ): number {
    const range = rangeText(o);
    if (typeof x !== 'number' || !Number.isFinite(x)) this.fail(path, `${fmtNum(x)} is not a finite number`, range);
    if (o.int && !Number.isInteger(x)) this.fail(path, `${x} is not an integer`, range);
    const lowOk = o.min === undefined || (o.minExcl ? x > o.min : x >= o.min);
    const highOk = o.max === undefined || (o.maxExcl ? x < o.max : x <= o.max);
    if (!lowOk || !highOk) this.fail(path, `${x} is out of range`, range);
    return x;
  }

  enm<T extends string>(x: unknown, path: Seg[], values: readonly T[]): T {
    if (typeof x !== 'string' || !(values as readonly string[]).includes(x)) {
      this.fail(path, `${fmtNum(x)} is not allowed`, values.join(' | '));
    }
    return x as T;
  }

  bool(x: unknown, path: Seg[]): boolean {
    if (typeof x !== 'boolean') this.fail(path, `${fmtNum(x)} is not a boolean`, 'true | false');
    return x;
  }

  str(x: unknown, path: Seg[], pattern?: RegExp, allowed = 'a non-empty string'): string {
    if (typeof x !== 'string' || x === '' || (pattern && !pattern.test(x))) this.fail(path, `${fmtNum(x)} is not allowed`, allowed);
    return x;
  }
}

function rangeText(o: { min?: number; max?: number; minExcl?: boolean; maxExcl?: boolean; int?: boolean }): string {
  const kind = o.int ? 'an integer' : 'a number';
  if (o.min !== undefined && o.max !== undefined) {
    return `${kind} in ${o.minExcl ? '(' : '['}${o.min}, ${o.max}${o.maxExcl ? ')' : ']'}`;
  }
  if (o.min !== undefined) return `${kind} ${o.minExcl ? '>' : '≥'} ${o.min}`;
  if (o.max !== undefined) return `${kind} ${o.maxExcl ? '<' : '≤'} ${o.max}`;
  return kind;
}

const SECTION_KEYS = [
  'total_supply',
  'classes',
  'workers_class',
  'f_e',
  'apy_cap',
  'mpy_cap_text',
  'alpha_e',
  'f_v',
  'reputer_share',
  'fees',
  'topics',
  'validators',
] as const;
const CLASS_KEYS = ['name', 'allocation', 'treasury', 'vesting', 'staked_fraction'] as const;
const VESTING_KEYS = ['kind', 'at_genesis', 'cliff_months', 'end_months', 'tranches'] as const;
const NAME_RE = /^[a-z][a-z0-9_]*$/;

function checkPareto(ck: Checker, x: unknown, path: Seg[]): ParetoSpec {
  const o = ck.obj(x, path, ['scale', 'shape']);
  return {
    scale: ck.num(o.scale, [...path, 'scale'], { min: 0, minExcl: true }),
    shape: ck.num(o.shape, [...path, 'shape'], { min: 0, minExcl: true }),
  };
}

function checkIntRange(ck: Checker, o: Record<string, unknown>, path: Seg[]): { min: number; max: number } {
  const min = ck.num(o.min, [...path, 'min'], { min: 0, int: true });
  const max = ck.num(o.max, [...path, 'max'], { min: 0, int: true });
  if (max < min) ck.fail([...path, 'max'], `${max} is below min ${min}`, `an integer ≥ min (${min})`);
  return { min, max };
}

function checkVesting(ck: Checker, x: unknown, path: Seg[], allocation: number): Vesting {
  const o = ck.obj(x, path, VESTING_KEYS);
  const kind =
    o.kind === undefined
      ? o.tranches !== undefined
        ? 'tranches'
        : 'linear'
      : ck.enm(o.kind, [...path, 'kind'], ['linear', 'tranches'] as const);
  if (kind === 'tranches') {
    for (const k of ['at_genesis', 'cliff_months', 'end_months']) {
      if (o[k] !== undefined) ck.fail([...path, k], 'not used by a tranche schedule', 'tranches (and kind: tranches)');
    }
    if (!Array.isArray(o.tranches)) ck.fail([...path, 'tranches'], `${fmtNum(o.tranches)} is not a list`, 'a list of { month, amount }');
    let unlocked = 0;
    const tranches = o.tranches.map((t, i) => {
      const tp = [...path, 'tranches', i];
      const to = ck.obj(t, tp, ['month', 'amount']);
      const month = ck.num(to.month, [...tp, 'month'], { min: 0, int: true });
      const amount = ck.num(to.amount, [...tp, 'amount'], { min: 0 });
      unlocked += amount;
      return { month, amount };
    });
    if (unlocked > allocation * (1 + 1e-12)) {
      ck.fail(
        [...path, 'tranches'],
        `unlocks ${unlocked} ALLO in all, more than the class's allocation ${allocation}`,
        `tranche amounts summing to at most the allocation (${allocation})`,
      );
    }
    return { kind: 'tranches', tranches };
  }
  if (o.tranches !== undefined) ck.fail([...path, 'tranches'], 'not used by a linear schedule', 'at_genesis, cliff_months, end_months');
  const at_genesis = ck.num(o.at_genesis ?? 0, [...path, 'at_genesis'], { min: 0, max: 1 });
  const cliff_months = ck.num(o.cliff_months ?? 0, [...path, 'cliff_months'], { min: 0, int: true });
  const end_months = ck.num(o.end_months ?? cliff_months, [...path, 'end_months'], { min: 0, int: true });
  if (end_months < cliff_months) {
    ck.fail([...path, 'end_months'], `${end_months} is before cliff_months ${cliff_months}`, `an integer ≥ cliff_months (${cliff_months})`);
  }
  return linear(at_genesis, cliff_months, end_months);
}

function checkSection(ck: Checker, merged: unknown): TokenomicsParams {
  const s = ck.obj(merged, [], SECTION_KEYS);
  const total_supply = ck.num(s.total_supply, ['total_supply'], { min: 0, minExcl: true });

  if (!Array.isArray(s.classes) || s.classes.length === 0) {
    ck.fail(['classes'], `${fmtNum(s.classes)} is not a non-empty list`, 'a non-empty list of holder classes');
  }
  const names = new Set<string>();
  const classes: HolderClass[] = s.classes.map((c, i) => {
    const p: Seg[] = ['classes', i];
    const o = ck.obj(c, p, CLASS_KEYS);
    const name = ck.str(o.name, [...p, 'name'], NAME_RE, 'a lower-case identifier [a-z][a-z0-9_]*, not "network"');
    if (name === 'network') ck.fail([...p, 'name'], '"network" is the name of the network columns', 'any other identifier');
    if (names.has(name)) ck.fail([...p, 'name'], `duplicate class name "${name}"`, 'unique class names');
    names.add(name);
    const allocation = ck.num(o.allocation, [...p, 'allocation'], { min: 0 });
    const treasury = o.treasury === undefined ? false : ck.bool(o.treasury, [...p, 'treasury']);
    const staked_fraction = ck.num(o.staked_fraction ?? 0, [...p, 'staked_fraction'], { min: 0, max: 1 });
    if (treasury && staked_fraction !== 0) {
      ck.fail([...p, 'staked_fraction'], `${staked_fraction}: the treasury never circulates, so it stakes nothing`, '0 for the treasury class');
    }
    if (treasury && o.vesting !== undefined) {
      ck.fail([...p, 'vesting'], 'the treasury never circulates', 'no vesting on the treasury class');
    }
    const vesting = o.vesting === undefined ? linear(treasury ? 0 : 1, 0, 0) : checkVesting(ck, o.vesting, [...p, 'vesting'], allocation);
    return { name, allocation, treasury, vesting, staked_fraction };
  });
  const allocated = classes.reduce((a, c) => a + c.allocation, 0);
  if (Math.abs(allocated - total_supply) > 1e-9 * total_supply) {
    ck.fail(['classes'], `allocations sum to ${allocated} ALLO, not total_supply ${total_supply}`, `allocations summing to total_supply (${total_supply})`);
  }
  const nTreasury = classes.filter((c) => c.treasury).length;
  if (nTreasury !== 1) ck.fail(['classes'], `${nTreasury} classes have treasury: true`, 'exactly one treasury class');
  const holderNames = classes.filter((c) => !c.treasury).map((c) => c.name);
  const workers_class = ck.enm(s.workers_class, ['workers_class'], holderNames);

  const f_e = ck.num(s.f_e, ['f_e'], { min: 0, max: 1 });
  const apy_cap = ck.num(s.apy_cap, ['apy_cap'], { min: 0, minExcl: true });
  const mpy_cap_text = ck.num(s.mpy_cap_text, ['mpy_cap_text'], { min: 0, minExcl: true });
  const alpha_e = ck.num(s.alpha_e, ['alpha_e'], { min: 0, max: 1, minExcl: true });
  const f_v = ck.num(s.f_v, ['f_v'], { min: 0, max: 1 });
  const reputer_share = ck.num(s.reputer_share, ['reputer_share'], { min: 0, max: 1 });
  if (f_v + (1 - f_v) * reputer_share <= 0) {
    ck.fail(['reputer_share'], 'with f_v = 0 the stakers would get no emission (f_stakers = 0, eq 51 undefined)', 'a number in (0, 1] when f_v = 0');
  }

  const fp: Seg[] = ['fees'];
  const fo = ck.obj(s.fees, fp, ['model', 'rate', 'payers', 'timing']);
  const fees: FeeModel = {
    model: ck.enm(fo.model, [...fp, 'model'], ['none', 'unstaked_fraction'] as const),
    rate: ck.num(fo.rate, [...fp, 'rate'], { min: 0, max: 1 }),
    payers: ck.enm(fo.payers, [...fp, 'payers'], ['holders', 'external'] as const),
    timing: ck.enm(fo.timing, [...fp, 'timing'], ['next_month', 'same_month'] as const),
  };

  const tp: Seg[] = ['topics'];
  const to = ck.obj(s.topics, tp, [
    'initial',
    'new_per_month',
    'max_active',
    'deactivation_probability',
    'alpha_weekly',
    'weeks_per_month',
    'mu',
    'nu',
    'fee_epochs_per_week',
    'reputers',
    'workers',
    'consumers_per_week',
    'payment',
  ]);
  const ro = ck.obj(to.reputers, [...tp, 'reputers'], ['min', 'max', 'stake', 'join_probability', 'leave_probability']);
  const wo = ck.obj(to.workers, [...tp, 'workers'], ['min', 'max', 'join_probability', 'leave_probability']);
  const co = ck.obj(to.consumers_per_week, [...tp, 'consumers_per_week'], ['min', 'max']);
  const max_active = ck.num(to.max_active, [...tp, 'max_active'], { min: 1, int: true });
  const topics: TopicModel = {
    initial: ck.num(to.initial, [...tp, 'initial'], { min: 0, max: max_active, int: true }),
    new_per_month: ck.num(to.new_per_month, [...tp, 'new_per_month'], { min: 0, max: 1000 }),
    max_active,
    deactivation_probability: ck.num(to.deactivation_probability, [...tp, 'deactivation_probability'], { min: 0, max: 1 }),
    alpha_weekly: ck.num(to.alpha_weekly, [...tp, 'alpha_weekly'], { min: 0, max: 1, minExcl: true }),
    weeks_per_month: ck.num(to.weeks_per_month, [...tp, 'weeks_per_month'], { min: 0, minExcl: true }),
    mu: ck.num(to.mu, [...tp, 'mu'], { min: 0 }),
    nu: ck.num(to.nu, [...tp, 'nu'], { min: 0 }),
    fee_epochs_per_week: ck.num(to.fee_epochs_per_week, [...tp, 'fee_epochs_per_week'], { min: 1, int: true }),
    reputers: {
      ...checkIntRange(ck, ro, [...tp, 'reputers']),
      stake: checkPareto(ck, ro.stake, [...tp, 'reputers', 'stake']),
      join_probability: ck.num(ro.join_probability, [...tp, 'reputers', 'join_probability'], { min: 0, max: 1 }),
      leave_probability: ck.num(ro.leave_probability, [...tp, 'reputers', 'leave_probability'], { min: 0, max: 1 }),
    },
    workers: {
      ...checkIntRange(ck, wo, [...tp, 'workers']),
      join_probability: ck.num(wo.join_probability, [...tp, 'workers', 'join_probability'], { min: 0, max: 1 }),
      leave_probability: ck.num(wo.leave_probability, [...tp, 'workers', 'leave_probability'], { min: 0, max: 1 }),
    },
    consumers_per_week: checkIntRange(ck, co, [...tp, 'consumers_per_week']),
    payment: checkPareto(ck, to.payment, [...tp, 'payment']),
  };

  const vp: Seg[] = ['validators'];
  const vo = ck.obj(s.validators, vp, ['initial', 'new_per_month', 'leave_probability', 'stake', 'normaliser']);
  const validators: ValidatorModel = {
    initial: ck.num(vo.initial, [...vp, 'initial'], { min: 0, int: true }),
    new_per_month: ck.num(vo.new_per_month, [...vp, 'new_per_month'], { min: 0, max: 1000 }),
    leave_probability: ck.num(vo.leave_probability, [...vp, 'leave_probability'], { min: 0, max: 1 }),
    stake: checkPareto(ck, vo.stake, [...vp, 'stake']),
    normaliser: ck.enm(vo.normaliser, [...vp, 'normaliser'], ['consistent', 'stale'] as const),
  };

  return {
    total_supply,
    classes,
    workers_class,
    f_e,
    apy_cap,
    mpy_cap_text,
    alpha_e,
    f_v,
    reputer_share,
    fees,
    topics,
    validators,
  };
}

const SETUP_META_KEYS = ['name', 'description', 'mechanism'] as const;

function without(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!keys.includes(k)) out[k] = v;
  return out;
}

/** Validates a `tokenomics:` section (layout at the top of this file; absent or null = all defaults) and returns
 *  it resolved. Throws InputError naming `file` and the key path (`tokenomics.setups[2].fees.rate`, …). */
export function validateTokenomics(section: unknown, file: string, prefix = 'tokenomics'): TokenomicsScenario {
  const ck: Checker = new Checker(file, (p) => fmtPath(prefix, p));
  if (section !== undefined && section !== null && !isObj(section)) {
    ck.fail([], `expected a mapping, got ${fmtNum(section)}`, 'a mapping of tokenomics parameters, months and setups');
  }
  const sec: Record<string, unknown> = isObj(section) ? section : {};
  const allowed = [...SECTION_KEYS, 'months', 'setups'];
  for (const k of Object.keys(sec)) if (!allowed.includes(k)) ck.fail([k], unknownKey(k, allowed), allowed.join(', '));
  const months = sec.months === undefined ? DEFAULT_MONTHS : ck.num(sec.months, ['months'], { min: 1, max: 100_000, int: true });
  const baseOver = without(sec, ['months', 'setups']);
  const baseMerged = deepMerge(toPlain(defaultTokenomics()), baseOver);
  const base = checkSection(ck, baseMerged);

  let rawSetups: unknown[] = [{ name: 'default' }];
  if (sec.setups !== undefined) {
    const given = sec.setups;
    if (!Array.isArray(given) || given.length === 0) {
      ck.fail(['setups'], `${fmtNum(given)} is not a non-empty list`, 'a non-empty list of { name, description?, mechanism?, <parameters> }');
    }
    rawSetups = given;
  }
  const seen = new Set<string>();
  const setups = rawSetups.map((raw, k): TokenomicsSetup => {
    const sp: Seg[] = ['setups', k];
    const so = ck.obj(raw, sp, [...SETUP_META_KEYS, ...SECTION_KEYS]);
    const name = ck.str(so.name, [...sp, 'name'], /^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a name of letters, digits, - _ . (not starting with - _ .)');
    if (seen.has(name)) ck.fail([...sp, 'name'], `duplicate setup name "${name}"`, 'unique setup names');
    seen.add(name);
    const mechanism: TokenomicsSwitches = {};
    if (so.mechanism !== undefined && so.mechanism !== null) {
      const mo = ck.obj(so.mechanism, [...sp, 'mechanism'], ['yield_cap', 'f_stakers']);
      if (mo.yield_cap !== undefined) mechanism.yield_cap = ck.enm(mo.yield_cap, [...sp, 'mechanism', 'yield_cap'], ['reference', 'whitepaper'] as const);
      if (mo.f_stakers !== undefined) mechanism.f_stakers = ck.enm(mo.f_stakers, [...sp, 'mechanism', 'f_stakers'], ['constant', 'actual'] as const);
    }
    const over = without(so, SETUP_META_KEYS);
    const where: Where = (p) => fmtPath(prefix, hasPath(over, p) ? [...sp, ...p] : p);
    const params = checkSection(new Checker(file, where), deepMerge(baseMerged, over));
    const setup: TokenomicsSetup = { name, mechanism, params };
    if (so.description !== undefined) setup.description = ck.str(so.description, [...sp, 'description']);
    return setup;
  });
  return { ...base, months, setups };
}

/** Does `path` (or a prefix of it that a list or scalar replaces whole) exist in `over`? */
function hasPath(over: unknown, path: Seg[]): boolean {
  let node: unknown = over;
  for (let i = 0; i < path.length; i++) {
    if (!isObj(node)) return i > 0; // a list or scalar given whole in the override
    const key = path[i];
    if (typeof key !== 'string' || !(key in node)) return false;
    node = node[key];
  }
  return true;
}

/** The resolved section as plain YAML-shaped data (the treasury class without its unused vesting). */
function toPlain(s: TokenomicsParams): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(s)) as Record<string, unknown> & { classes: Record<string, unknown>[] };
  for (const c of plain.classes) if (c.treasury === true) delete c.vesting;
  return plain;
}

// ------------------------------------------------------------------------------------------------------------
// A whole `kind: tokenomics` document.

/** A resolved `kind: tokenomics` document. */
export interface TokenomicsFile {
  source: string;
  name: string;
  description: string;
  kind: 'tokenomics';
  seed: number | string;
  profile: ProfileName;
  /** The file's overrides of the profile's switches (each setup's `mechanism:` goes over these). */
  mechanism: TokenomicsSwitches;
  tokenomics: TokenomicsScenario;
}

const FILE_KEYS = ['$schema', 'name', 'description', 'kind', 'seed', 'profile', 'mechanism', 'tokenomics'] as const;

/** Validates a whole `kind: tokenomics` document (layout at the top of this file) and resolves it. */
export function validateTokenomicsFile(doc: unknown, file: string): TokenomicsFile {
  const ck: Checker = new Checker(file, (p) => fmtPath('', p));
  const d = ck.obj(doc, [], FILE_KEYS);
  const name = d.name === undefined ? basename(file, extname(file)) : ck.str(d.name, ['name']);
  const description = d.description === undefined || d.description === null ? '' : ck.str(d.description, ['description']);
  const kind = ck.enm(d.kind, ['kind'], ['tokenomics'] as const);
  let seed: number | string = 1;
  if (d.seed !== undefined) {
    if (typeof d.seed === 'string' && d.seed !== '') seed = d.seed;
    else seed = ck.num(d.seed, ['seed'], { min: 0, int: true });
  }
  const profile = d.profile === undefined ? 'reference' : ck.enm(d.profile, ['profile'], ['reference', 'whitepaper'] as const);
  const mechanism: TokenomicsSwitches = {};
  if (d.mechanism !== undefined && d.mechanism !== null) {
    const mo = ck.obj(d.mechanism, ['mechanism'], ['yield_cap', 'f_stakers']);
    if (mo.yield_cap !== undefined) mechanism.yield_cap = ck.enm(mo.yield_cap, ['mechanism', 'yield_cap'], ['reference', 'whitepaper'] as const);
    if (mo.f_stakers !== undefined) mechanism.f_stakers = ck.enm(mo.f_stakers, ['mechanism', 'f_stakers'], ['constant', 'actual'] as const);
  }
  const tokenomics = validateTokenomics(d.tokenomics, file);
  return { source: file, name, description, kind, seed, profile, mechanism, tokenomics };
}
