// The `tokenomics:` section of a scenario (whitepaper §5, Figure 4): its type, its defaults (the reference
// simulator's genesis allocation and parameters, docs/tokenomics.md §2 and §4), its validation, and `--set` /
// `--profile` / the horizon on a raw document (`tokenomicsFromObject`, docs/tokenomics.md §11).
// Every error is an InputError of one line: `<file>: <key path>: <problem> (allowed: <range>)`.
//
// A `kind: tokenomics` document (scenarios/figure4.yaml; the loader hands it whole to `validateTokenomicsFile`):
//   name: <string>                    default: the file name without extension
//   description: <text>               optional
//   kind: tokenomics
//   seed: <int or string>             drives the stochastic topics/validators only (default 1)
//   profile: <profile name>           default reference; its switches yield_cap and f_stakers act here, and the
//                                     chain profiles set the chain's topic rules
//   mechanism: {yield_cap, f_stakers, topic_rewards, topic_weight_fee}   optional overrides of the switches
//   claim: {id, quote, section, metric, threshold}   optional: the claim a study judges (threshold `<= 0`, …)
//   sweep: {grid, zip, seeds}         optional: the default grid of `allora-sim sweep`
//   tokenomics:                       the section, validated by `validateTokenomics`:
//     months: <int ≥ 1>               rows 0 (genesis) … months − 1 of every setup (default 96)
//     <parameters>                    the base of every setup, merged over `defaultTokenomics()`
//     setups:                         optional (default: one setup named `default` = the base)
//       - name: <id>                  description: <text, optional>
//         mechanism: {…}              optional: this setup's switches (over the file's and the profile's)
//         <parameters>                merged over the base
// Merging: objects key by key; lists (`classes`, `tranches`) and scalars replace whole. The parameters are the
// keys of `TokenomicsParams` below (total_supply, classes, workers_class, f_e, apy_cap, mpy_cap_text, xi_max,
// alpha_e, f_v, reputer_share, fees, topics, validators).

import { InputError } from './errors.js';
import { closestKey } from './keys.js';
import { parseSetArg, parseValue } from './load.js';
import { takeSweepSection } from './sweep-section.js';
import { resolveTokenomicsKey } from './tokenomics-keys.js';
import { basename, extname } from 'node:path';
import { isProfileName, profileParams, type MechanismParams, type ProfileName } from '../engine/params.js';
import type { HolderClass, LedgerConfig, Vesting, FeeModel } from '../engine/tokenomics.js';

export { TOKENOMICS_ALIASES, resolveTokenomicsKey, tokenomicsAliasHelp, tokenomicsAliasNames } from './tokenomics-keys.js';

/** Pareto(scale x_m, shape a): x = x_m · U^(−1/a). */
export interface ParetoSpec {
  scale: number;
  shape: number;
}

/** The stochastic topic population behind eq. 56 to eq. 58 (only topic rows depend on it, never the network table). */
export interface TopicModel {
  /** Topics live from month 1. */
  initial: number;
  /** Mean (Poisson) of the topics created each month from month 2 on. */
  new_per_month: number;
  /** At most this many topics are active: a topic is only created into a free slot. */
  max_active: number;
  /** Chance a topic is deactivated in a month. */
  deactivation_probability: number;
  /** α_t of eq. 57 per week; α̂_t = 1 − (1 − α_t)^weeks_per_month (eq. 54). */
  alpha_weekly: number;
  /** Weeks per monthly step (4 in the reference: α̂_t = 0.9375). */
  weeks_per_month: number;
  /** μ, ν of eq. 58. */
  mu: number;
  nu: number;
  /** N_epochs,w of eq. 58: C loses C/N_epochs,w every epoch. */
  fee_epochs_per_week: number;
  /** Reputers per new topic (uniform integer in [min, max]), their stake, and their churn per month. */
  reputers: { min: number; max: number; stake: ParetoSpec; join_probability: number; leave_probability: number };
  /** Workers per new topic (uniform integer in [min, max]) and their churn per month. */
  workers: { min: number; max: number; join_probability: number; leave_probability: number };
  /** Paying consumers per topic per week (uniform integer in [min, max], drawn when the topic is created). */
  consumers_per_week: { min: number; max: number };
  /** Pay-what-you-want payment of one consumer in one week, ALLO (Pareto, §5.3). */
  payment: ParetoSpec;
  /** L_t: a topic's epoch length in blocks (uniform integer in [min, max], drawn at creation only when min < max).
   *  Acts under `topic_weight_fee: per_epoch` (ŵ = S^μ (C/L_t)^ν). */
  epoch_length: { min: number; max: number };
  /** A strategic topic paying fees into itself (wash fees, §5.3; docs/tokenomics.md §10). It draws nothing from the
   *  seed, so the honest population is the same with it and without it. */
  strategic: StrategicTopic;
}

/** The §5.3 fee cabal: one topic run by one party, with a fixed reputer stake and no consumers, paying `wash_fee`
 *  ALLO a month into its own fee revenue; it collects the whole reward of its topic. */
export interface StrategicTopic {
  enabled: boolean;
  /** ALLO paid into its own topic each month (from month 1). */
  wash_fee: number;
  /** S_t of eq. 58: the topic's reputer stake, ALLO (constant: its rewards are taken out, not restaked). */
  stake: number;
}

/** The stochastic validator set behind eq. 55. */
export interface ValidatorModel {
  /** Validators live from month 1. */
  initial: number;
  /** Mean (Poisson) of the validators joining each month from month 2 on. */
  new_per_month: number;
  /** Chance a validator leaves in a month. */
  leave_probability: number;
  /** Stake of a joining validator. */
  stake: ParetoSpec;
  /** Normaliser of eq. 55: 'consistent' Σ_v S_v,i (rewards sum to f_v E_i); 'stale' the reference simulator's
   *  sum before last month's rewards were restaked (docs/tokenomics.md §6.2). */
  normaliser: 'consistent' | 'stale';
}

/** The model parameters of one setup (all keys present). */
export interface TokenomicsParams extends LedgerConfig {
  /** ξ_max of eq. 51 itself; null = from the `yield_cap` switch (apy_cap or mpy_cap_text). */
  xi_max: number | null;
  topics: TopicModel;
  validators: ValidatorModel;
}

/** The tokenomics switches of a profile (docs/tokenomics.md §9): the two mechanism switches of §5 and the chain's
 *  topic-level rules. */
export interface TokenomicsSwitchValues extends Pick<MechanismParams, 'yield_cap' | 'f_stakers'> {
  /** 'share': eq. 56, (1 − f_v)·E·w_t/Σ_t w_t; 'per_block' (chain): per-block emission × epoch length × w_t / W,
   *  W the sum of the previous weights of the active topics, capped at the rewards account. */
  topic_rewards: 'share' | 'per_block';
  /** 'total': eq. 58 on the effective fee revenue C; 'per_epoch' (chain): on C / L_t. */
  topic_weight_fee: 'total' | 'per_epoch';
}

export const TOKENOMICS_SWITCH_VALUES = {
  yield_cap: ['reference', 'whitepaper'],
  f_stakers: ['constant', 'actual'],
  topic_rewards: ['share', 'per_block'],
  topic_weight_fee: ['total', 'per_epoch'],
} as const satisfies { [K in keyof TokenomicsSwitchValues]: readonly TokenomicsSwitchValues[K][] };

const SWITCH_KEYS = Object.keys(TOKENOMICS_SWITCH_VALUES) as (keyof TokenomicsSwitchValues)[];

/** The tokenomics switches of a profile: `yield_cap` and `f_stakers` from the profile's mechanism parameters; the
 *  topic-level rules are the chain's (`per_block`, `per_epoch`) in the chain profiles and the whitepaper's
 *  (`share`, `total`) otherwise. */
export function tokenomicsProfileSwitches(profile: ProfileName): TokenomicsSwitchValues {
  const p = profileParams(profile);
  const chain = String(profile).startsWith('chain');
  return {
    yield_cap: p.yield_cap,
    f_stakers: p.f_stakers,
    topic_rewards: chain ? 'per_block' : 'share',
    topic_weight_fee: chain ? 'per_epoch' : 'total',
  };
}

/** The switches a scenario or a setup may set for itself (over the profile's). */
export type TokenomicsSwitches = Partial<TokenomicsSwitchValues>;

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

/** A claim a study judges (the attack studies' format): `metric` (a per-run metric, `<name>.<setup>`) compared
 *  with `threshold` (`<= 0`, `>= 1`, `< 0.5`, `> 2`) in every seed; the verdict is on the median. */
export interface StudyClaim {
  id: string;
  quote: string;
  section: string;
  metric: string;
  threshold: string;
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
    xi_max: null,
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
      epoch_length: { min: 720, max: 720 },
      strategic: { enabled: false, wash_fee: 10_000, stake: 1_000_000 },
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
  'xi_max',
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
  const xi_max = s.xi_max === null || s.xi_max === undefined ? null : ck.num(s.xi_max, ['xi_max'], { min: 0, minExcl: true, max: 1 });
  const alpha_e = ck.num(s.alpha_e, ['alpha_e'], { min: 0, max: 1, minExcl: true });
  const f_v = ck.num(s.f_v, ['f_v'], { min: 0, max: 1 });
  const reputer_share = ck.num(s.reputer_share, ['reputer_share'], { min: 0, max: 1 });
  if (f_v + (1 - f_v) * reputer_share <= 0) {
    ck.fail(['reputer_share'], 'with f_v = 0 the stakers would get no emission (f_stakers = 0, eq. 51 undefined)', 'a number in (0, 1] when f_v = 0');
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
    'epoch_length',
    'strategic',
  ]);
  const lo = ck.obj(to.epoch_length, [...tp, 'epoch_length'], ['min', 'max']);
  const epoch_length = checkIntRange(ck, lo, [...tp, 'epoch_length']);
  if (epoch_length.min < 1) ck.fail([...tp, 'epoch_length', 'min'], `${epoch_length.min} is out of range`, 'an integer ≥ 1 (blocks)');
  if (epoch_length.max > 864_000) ck.fail([...tp, 'epoch_length', 'max'], `${epoch_length.max} blocks is longer than a month`, 'an integer ≤ 864000 (the chain\'s blocks per month)');
  const so = ck.obj(to.strategic, [...tp, 'strategic'], ['enabled', 'wash_fee', 'stake']);
  const strategic: StrategicTopic = {
    enabled: ck.bool(so.enabled, [...tp, 'strategic', 'enabled']),
    wash_fee: ck.num(so.wash_fee, [...tp, 'strategic', 'wash_fee'], { min: 0 }),
    stake: ck.num(so.stake, [...tp, 'strategic', 'stake'], { min: 0 }),
  };
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
    epoch_length,
    strategic,
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
    xi_max,
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
    const mechanism = checkSwitches(ck, so.mechanism, [...sp, 'mechanism']);
    const over = without(so, SETUP_META_KEYS);
    const where: Where = (p) => fmtPath(prefix, hasPath(over, p) ? [...sp, ...p] : p);
    const sck = new Checker(file, where);
    const params = checkSection(sck, deepMerge(baseMerged, over));
    checkHorizon(sck, params, months);
    const setup: TokenomicsSetup = { name, mechanism, params };
    if (so.description !== undefined) setup.description = ck.str(so.description, [...sp, 'description']);
    return setup;
  });
  return { ...base, months, setups };
}

/** The `mechanism:` switches of a file or a setup (absent or null = none). */
function checkSwitches(ck: Checker, x: unknown, path: Seg[]): TokenomicsSwitches {
  const out: Record<string, string> = {};
  if (x === undefined || x === null) return out;
  const mo = ck.obj(x, path, SWITCH_KEYS);
  for (const k of SWITCH_KEYS) {
    if (mo[k] !== undefined) out[k] = ck.enm(mo[k], [...path, k], TOKENOMICS_SWITCH_VALUES[k]);
  }
  return out as TokenomicsSwitches;
}

/** Vesting must start inside the horizon (rows 0 … months − 1): a cliff or a tranche at or after month `months`
 *  would unlock nothing of it in the run (docs/tokenomics.md §2). A linear schedule still unlocking at the last row
 *  is allowed: the run shows its first part. */
function checkHorizon(ck: Checker, params: TokenomicsParams, months: number): void {
  const allowed = `a month ≤ ${months - 1} (the last row), or a longer horizon (tokenomics.months, --epochs)`;
  params.classes.forEach((c, i) => {
    if (c.treasury) return;
    const v = c.vesting;
    const p: Seg[] = ['classes', i, 'vesting'];
    if (v.kind === 'linear') {
      if (v.at_genesis >= 1) return;
      if (v.cliff_months >= months && v.end_months > 0) ck.fail([...p, 'cliff_months'], `month ${v.cliff_months} is beyond the horizon of ${months} months`, allowed);
      return;
    }
    v.tranches.forEach((t, k) => {
      if (t.month >= months) ck.fail([...p, 'tranches', k, 'month'], `month ${t.month} is beyond the horizon of ${months} months`, allowed);
    });
  });
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
  /** The claims the file judges (a study's `claim:`), none for plain scenarios. */
  claims: StudyClaim[];
}

const FILE_KEYS = ['$schema', 'name', 'description', 'kind', 'seed', 'profile', 'mechanism', 'tokenomics', 'claim', 'sweep'] as const;
const CLAIM_KEYS = ['id', 'quote', 'section', 'metric', 'threshold'] as const;
const THRESHOLD_RE = /^(<=|>=|<|>)\s*([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)$/;

/** Parses a claim threshold `<= 0` into its operator and value. */
export function parseThreshold(t: string): { op: '<=' | '>=' | '<' | '>'; value: number } | undefined {
  const m = THRESHOLD_RE.exec(t.trim());
  return m ? { op: m[1] as '<=' | '>=' | '<' | '>', value: Number(m[2]) } : undefined;
}

function checkClaim(ck: Checker, x: unknown): StudyClaim {
  const o = ck.obj(x, ['claim'], CLAIM_KEYS);
  const claim = {} as Record<string, string>;
  for (const k of CLAIM_KEYS) claim[k] = ck.str(o[k], ['claim', k]);
  if (!parseThreshold(claim.threshold)) ck.fail(['claim', 'threshold'], `${JSON.stringify(claim.threshold)} is not allowed`, "'<= x', '>= x', '< x' or '> x' with a number x");
  return claim as unknown as StudyClaim;
}

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
  let profile: ProfileName = 'reference';
  if (d.profile !== undefined) {
    if (typeof d.profile !== 'string' || !isProfileName(d.profile)) ck.fail(['profile'], `${fmtNum(d.profile)} is not allowed`, 'a profile name (reference, whitepaper, …)');
    profile = d.profile;
  }
  const mechanism = checkSwitches(ck, d.mechanism, ['mechanism']);
  if (d.sweep !== undefined) takeSweepSection({ sweep: d.sweep }, file); // validated here, used by `sweep` only
  const claims = d.claim === undefined || d.claim === null ? [] : [checkClaim(ck, d.claim)];
  const tokenomics = validateTokenomics(d.tokenomics, file);
  return { source: file, name, description, kind, seed, profile, mechanism, tokenomics, claims };
}

/** The switches of one setup: the profile's, then the file's `mechanism:`, then the setup's own. */
export function setupSwitches(file: Pick<TokenomicsFile, 'profile' | 'mechanism'>, setup: TokenomicsSetup): TokenomicsSwitchValues {
  return { ...tokenomicsProfileSwitches(file.profile), ...file.mechanism, ...setup.mechanism };
}

// ------------------------------------------------------------------------------------------------------------
// --set, --profile and the horizon on a raw `kind: tokenomics` document.

export interface TokenomicsLoadOptions {
  /** `--profile`: replaces the file's `profile:`. */
  profile?: string;
  /** `--set key=value` arguments (paths or short names, `tokenomics.setups.<name>.<key>` per setup), in order. */
  set?: readonly string[];
  /** `--epochs` / `--months`: the horizon in months (rows 0 … N − 1). */
  months?: number;
}

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

/** Where a `--set` key lands in the raw document: the segments below the document root or below one setup. */
interface SetTarget {
  /** The setup's raw mapping, or undefined for the document root. */
  setup?: { name: string; node: Record<string, unknown> };
  /** Segments from the document root (no setup) or from the setup's mapping. */
  segs: string[];
  /** The full path as written in messages (`tokenomics.setups.x.fees.rate`). */
  path: string;
}

function resolveSetTarget(doc: Record<string, unknown>, key: string, label: string): SetTarget {
  const path = resolveTokenomicsKey(key);
  const segs = path.split('.');
  for (const s of segs) {
    if (s === '' || FORBIDDEN_SEGMENTS.has(s)) throw new InputError(`${label}: '${path}' is not a key of a tokenomics scenario`);
  }
  if (segs[0] === 'tokenomics' && segs[1] === 'setups' && segs.length >= 3) {
    const name = segs[2];
    const sec = isObj(doc.tokenomics) ? doc.tokenomics : undefined;
    const list = sec && Array.isArray(sec.setups) ? sec.setups : undefined;
    const names = list ? list.map((x) => (isObj(x) ? String(x.name) : '?')) : ['default'];
    const node = list?.find((x) => isObj(x) && x.name === name) as Record<string, unknown> | undefined;
    if (!node && !(list === undefined && name === 'default')) {
      const near = closestKey(name, names);
      throw new InputError(
        `${label}: tokenomics.setups: no setup named '${name}'${near ? ` — did you mean '${near}'?` : ''} (allowed: ${names.join(', ')})`,
      );
    }
    if (segs.length === 3) throw new InputError(`${label}: '${path}' is a setup; set one of its keys (e.g. tokenomics.setups.${name}.alpha_e)`);
    // The rest may be a short name too (tokenomics.setups.x.nu).
    const rest = segs.slice(3).join('.');
    const resolved = resolveTokenomicsKey(rest).split('.');
    const inner = resolved[0] === 'tokenomics' ? resolved.slice(1) : resolved;
    if (inner[0] === 'months' || inner[0] === 'setups') throw new InputError(`${label}: '${inner[0]}' is not a setup key (set tokenomics.${inner[0]})`);
    if (!node) return { segs: ['tokenomics', ...inner], path: `tokenomics.setups.${name}.${inner.join('.')}` };
    return { setup: { name, node }, segs: inner, path: `tokenomics.setups.${name}.${inner.join('.')}` };
  }
  return { segs, path };
}

function setSegs(root: Record<string, unknown>, segs: string[], value: unknown, label: string): void {
  let o: Record<string, unknown> | unknown[] = root;
  for (let i = 0; i < segs.length - 1; i++) {
    const seg = segs[i];
    const here: unknown = Array.isArray(o) ? o[Number(seg)] : o[seg];
    if (here === undefined || here === null) {
      if (Array.isArray(o)) throw new InputError(`${label}: '${segs.slice(0, i + 1).join('.')}' is not in the list`);
      o[seg] = {};
      o = o[seg] as Record<string, unknown>;
    } else if (isObj(here) || Array.isArray(here)) {
      if (Array.isArray(here) && !/^\d+$/.test(segs[i + 1])) {
        throw new InputError(`${label}: '${segs.slice(0, i + 1).join('.')}' is a list; give an index (${segs.slice(0, i + 1).join('.')}.0…)`);
      }
      o = here;
    } else {
      throw new InputError(`${label}: '${segs.slice(0, i + 1).join('.')}' is not a mapping (got ${fmtNum(here)})`);
    }
  }
  const last = segs[segs.length - 1];
  if (Array.isArray(o)) {
    if (!/^\d+$/.test(last) || Number(last) >= o.length) throw new InputError(`${label}: '${segs.join('.')}' is not in the list`);
    o[Number(last)] = value;
  } else o[last] = value;
}

/** The value at `segs` of a plain object, or undefined. */
function getSegs(root: unknown, segs: readonly string[]): unknown {
  let o: unknown = root;
  for (const s of segs) {
    if (Array.isArray(o)) o = o[Number(s)];
    else if (isObj(o)) o = o[s];
    else return undefined;
  }
  return o;
}

/**
 * Why a key of a setup has no effect under that setup's other settings (undefined when it acts). `rel` is the
 * path inside the setup's parameters (`fees.rate`) or `mechanism.<switch>`.
 */
export function inertReason(rel: string, params: TokenomicsParams, sw: TokenomicsSwitchValues): string | undefined {
  if (/^fees\.(rate|payers|timing)$/.test(rel) && params.fees.model === 'none') return "fees.model is 'none' (set fees.model: unstaked_fraction)";
  if (rel === 'apy_cap' && params.xi_max !== null) return 'xi_max is set, and it replaces the cap rule';
  if (rel === 'apy_cap' && sw.yield_cap !== 'reference') return "yield_cap is 'whitepaper' (ξ_max = mpy_cap_text)";
  if (rel === 'mpy_cap_text' && params.xi_max !== null) return 'xi_max is set, and it replaces the cap rule';
  if (rel === 'mpy_cap_text' && sw.yield_cap !== 'whitepaper') return "yield_cap is 'reference' (ξ_max from apy_cap)";
  if (rel === 'mechanism.yield_cap' && params.xi_max !== null) return 'xi_max is set, and it replaces the cap rule';
  if (/^topics\.epoch_length\./.test(rel) && sw.topic_weight_fee !== 'per_epoch') return "topic_weight_fee is 'total' (the epoch length acts under per_epoch)";
  if (/^topics\.strategic\.(wash_fee|stake)$/.test(rel) && !params.topics.strategic.enabled) return 'topics.strategic.enabled is false';
  return undefined;
}

/**
 * Applies `--profile`, `--set` and the horizon to a raw `kind: tokenomics` mapping and validates it. Errors are one
 * line naming the file and the key: an unknown setup in a `tokenomics.setups.<name>` path, a value out of range,
 * and an override that could not act — a base key every setup sets itself, or a key that no setup's other
 * settings let act (e.g. fees.rate where every setup has fees.model none).
 */
export function tokenomicsFromObject(raw: unknown, file: string, opts: TokenomicsLoadOptions = {}): TokenomicsFile {
  if (!isObj(raw)) throw new InputError(`${file}: the scenario must be a mapping of keys (got ${fmtNum(raw)})`);
  const doc = structuredClone(raw);
  if (opts.profile !== undefined) {
    if (!isProfileName(opts.profile)) throw new InputError(`--profile ${opts.profile}: not a profile (allowed: reference, whitepaper, …)`);
    doc.profile = opts.profile;
  }
  const targets: { arg: string; t: SetTarget }[] = [];
  const sets = [...(opts.set ?? [])];
  if (opts.months !== undefined) sets.push(`tokenomics.months=${opts.months}`);
  for (const arg of sets) {
    const { key, value: rawValue } = parseSetArg(arg);
    const label = `${file}: --set ${arg}`;
    const t = resolveSetTarget(doc, key, label);
    materialiseLists(doc, t);
    const value = parseValue(rawValue);
    if (t.setup) setSegs(t.setup.node, t.segs, value, label);
    else setSegs(doc, t.segs, value, label);
    targets.push({ arg, t });
  }
  const f = validateTokenomicsFile(doc, file);
  for (const { arg, t } of targets) checkOverrideActs(f, doc, arg, t, file);
  return f;
}

/** A path into a list the document does not write (`tokenomics.classes.0.staked_fraction` with the default classes)
 *  needs the list first: the base gets the default list, a setup the base's. */
function materialiseLists(doc: Record<string, unknown>, t: SetTarget): void {
  const segs = t.setup ? t.segs : t.segs[0] === 'tokenomics' ? t.segs.slice(1) : [];
  if (segs[0] !== 'classes' || segs.length < 2) return;
  if (!isObj(doc.tokenomics)) doc.tokenomics = {};
  const sec = doc.tokenomics as Record<string, unknown>;
  const baseClasses = (): unknown => sec.classes ?? toPlain(defaultTokenomics()).classes;
  if (t.setup) {
    if (t.setup.node.classes === undefined) t.setup.node.classes = structuredClone(baseClasses());
  } else if (sec.classes === undefined) sec.classes = structuredClone(baseClasses());
}

/** Refuses an override that reaches no setup, or that no setup lets act. */
function checkOverrideActs(f: TokenomicsFile, doc: Record<string, unknown>, arg: string, t: SetTarget, file: string): void {
  const label = `${file}: --set ${arg}`;
  let rel: string | undefined;
  let setups = f.tokenomics.setups;
  if (t.setup) {
    rel = t.segs.join('.');
    setups = setups.filter((s) => s.name === t.setup!.name);
  } else if (t.segs[0] === 'tokenomics' && t.segs.length >= 2 && t.segs[1] !== 'months' && t.segs[1] !== 'setups') {
    rel = t.segs.slice(1).join('.');
    // A base key every setup sets itself reaches none of them.
    const sec = isObj(doc.tokenomics) ? doc.tokenomics : {};
    const list = Array.isArray(sec.setups) ? sec.setups : [];
    const sub = t.segs.slice(1);
    if (list.length > 0 && list.every((x) => hasPath(x, sub) || hasAncestorScalar(x, sub))) {
      throw new InputError(
        `${label}: every setup sets ${sub.join('.')} itself, so the base value reaches none of them (set it per setup: tokenomics.setups.<name>.${sub.join('.')})`,
      );
    }
  } else if (t.segs[0] === 'mechanism' && t.segs.length === 2) {
    rel = t.segs.join('.');
    const sw = t.segs[1];
    const list = f.tokenomics.setups;
    if (list.every((s) => (s.mechanism as Record<string, unknown>)[sw] !== undefined)) {
      throw new InputError(`${label}: every setup sets mechanism.${sw} itself, so the file's value reaches none of them (set it per setup)`);
    }
  }
  if (rel === undefined) return;
  const reasons = setups.map((s) => inertReason(rel, s.params, setupSwitches(f, s)));
  if (reasons.every((r) => r !== undefined)) {
    throw new InputError(`${label}: has no effect: ${reasons[0]}${setups.length > 1 ? ' in every setup' : ''}`);
  }
}

function hasAncestorScalar(x: unknown, sub: readonly string[]): boolean {
  // A list or scalar given whole higher up (e.g. the setup sets `classes:`) shadows the key too.
  for (let i = 1; i < sub.length; i++) {
    const v = getSegs(x, sub.slice(0, i));
    if (v !== undefined && !isObj(v)) return true;
  }
  return false;
}
