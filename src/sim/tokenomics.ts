// Runs one tokenomics setup month by month (whitepaper §5, Figure 4) and computes the Figure 4 claims.
//
// The holder ledger (supply, emission, APY: the network table) is deterministic and comes from
// ../engine/tokenomics.ts; the stochastic parts — topics (created, deactivated, their reputers and workers,
// pay-what-you-want consumer fees) and validators (joining, leaving) — draw from the `rng` the caller passes
// in (a seeded `() => number` in [0, 1)). They only shape the topic and validator rows, never the network
// table (except through f_stakers under the `actual` switch).

import { profileParams, type MechanismParams, type ProfileName } from '../engine/params.js';
import {
  actualStakersShare,
  cadenceAlpha,
  decayedFeeRevenue,
  genesisState,
  monthlyYieldCap,
  stakersShare,
  stepMonth,
  topicRewards,
  topicTargetWeight,
  topicWeight,
  validatorRewards,
  type LedgerConfig,
  type LedgerState,
  type MonthOutcome,
} from '../engine/tokenomics.js';
import type { ParetoSpec, TokenomicsFile, TokenomicsParams, TokenomicsScenario } from '../scenario/tokenomics.js';

export type Rng = () => number;
export type Row = Record<string, number>;

export interface TokenomicsRun {
  setup: string;
  /** One row per month (0 = genesis), columns `networkColumns(cfg)`: the reference table's names, then `apy`. */
  network: Row[];
  /** One row per active topic per month (`TOPIC_COLUMNS`). */
  topics: Row[];
  /** One row per active validator per month (`VALIDATOR_COLUMNS`). */
  validators: Row[];
  /** One row per month: fees, minting, treasury, f_stakers, cap and population sums (`TREASURY_COLUMNS`). */
  treasury: Row[];
}

/** The network table's columns, in the reference table's order and names, then `apy`. */
export function networkColumns(cfg: Pick<LedgerConfig, 'classes'>): string[] {
  const cols = ['epoch'];
  for (const prefix of ['network', ...cfg.classes.map((c) => c.name)]) {
    for (const q of ['total', 'emission', 'circulating', 'staked']) cols.push(`${prefix}_tokens_${q}`);
  }
  cols.push('ehat_target_i', 'ehat_max_i', 'ehat_i', 'e_i', 'validator_rewards', 'topics_rewards', 'apy');
  return cols;
}

export const TOPIC_COLUMNS = [
  'epoch',
  'topic_id',
  'topic_months_live',
  'topic_n_workers',
  'topic_n_reputers',
  'topic_total_stake',
  'topic_fees_paid',
  'topic_total_fee_revenue',
  'topic_target_weight',
  'topic_weights',
  'topic_rewards',
  'topic_reputer_rewards',
] as const;

export const VALIDATOR_COLUMNS = [
  'epoch',
  'validator_id',
  'validator_months_live',
  'validator_stake',
  'validator_rewards',
] as const;

export const TREASURY_COLUMNS = [
  'epoch',
  'fees',
  'paid_from_fees',
  'minted',
  'treasury_balance',
  'treasury_unminted',
  'treasury_total',
  'f_stakers',
  'xi_max',
  'apy_cap',
  'staked_fraction',
  'n_active_topics',
  'all_topic_weight_sum',
  'topic_rewards_paid',
  'n_active_validators',
  'all_validator_stake_sum',
  'validator_rewards_paid',
] as const;

// ------------------------------------------------------------------------------------------------------------
// Random draws (all from the caller's rng, in a fixed order).

/** Pareto(x_m, a) by inversion: x_m · (1 − U)^(−1/a), U in [0, 1). */
export function pareto(rng: Rng, p: ParetoSpec): number {
  return p.scale * Math.pow(1 - rng(), -1 / p.shape);
}

/** Poisson(λ) (Knuth; λ is small here). */
export function poisson(rng: Rng, lambda: number): number {
  if (lambda <= 0) return 0;
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  for (;;) {
    p *= rng();
    if (p <= l) return k;
    k++;
  }
}

function uniformInt(rng: Rng, min: number, max: number): number {
  return min + Math.min(max - min, Math.floor(rng() * (max - min + 1)));
}

// ------------------------------------------------------------------------------------------------------------
// Topics and validators.

interface Topic {
  id: number;
  monthsLive: number;
  reputerStakes: number[];
  workers: number;
  consumersPerWeek: number;
  feeRevenue: number;
  weight: number | null;
}

interface Validator {
  id: number;
  monthsLive: number;
  stake: number;
  lastReward: number;
}

function newTopic(id: number, cfg: TokenomicsParams, rng: Rng): Topic {
  const t = cfg.topics;
  const nRep = uniformInt(rng, t.reputers.min, t.reputers.max);
  const reputerStakes: number[] = [];
  for (let r = 0; r < nRep; r++) reputerStakes.push(pareto(rng, t.reputers.stake));
  return {
    id,
    monthsLive: 0,
    reputerStakes,
    workers: uniformInt(rng, t.workers.min, t.workers.max),
    consumersPerWeek: uniformInt(rng, t.consumers_per_week.min, t.consumers_per_week.max),
    feeRevenue: 0,
    weight: null,
  };
}

/** Reputers and workers come and go (a month of a topic that was already live). */
function churnTopic(topic: Topic, cfg: TokenomicsParams, rng: Rng): void {
  const r = cfg.topics.reputers;
  topic.reputerStakes = topic.reputerStakes.filter(() => rng() >= r.leave_probability);
  if (rng() < r.join_probability) topic.reputerStakes.push(pareto(rng, r.stake));
  const w = cfg.topics.workers;
  let workers = 0;
  for (let k = 0; k < topic.workers; k++) if (rng() >= w.leave_probability) workers++;
  if (rng() < w.join_probability) workers++;
  topic.workers = workers;
}

/** Pay-what-you-want consumer fees of a topic over one month: every paying consumer pays a Pareto amount
 *  every week (§5.3). */
function consumerFees(topic: Topic, cfg: TokenomicsParams, rng: Rng): number {
  const payments = Math.round(topic.consumersPerWeek * cfg.topics.weeks_per_month);
  let fees = 0;
  for (let k = 0; k < payments; k++) fees += pareto(rng, cfg.topics.payment);
  return fees;
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

// ------------------------------------------------------------------------------------------------------------
// The run.

export type ProfileSwitches = Pick<MechanismParams, 'yield_cap' | 'f_stakers'>;

/** Runs `months` rows (0 = genesis … months − 1) of one setup. Deterministic given `rng`; the network table
 *  does not depend on `rng` at all under f_stakers = 'constant'. */
export function runTokenomics(
  cfg: TokenomicsParams,
  params: ProfileSwitches,
  months: number,
  rng: Rng,
  setup = '',
): TokenomicsRun {
  const xiMax = monthlyYieldCap(params.yield_cap, cfg.apy_cap, cfg.mpy_cap_text);
  const splitShare = stakersShare(cfg.f_v, cfg.reputer_share);
  const alphaTopic = cadenceAlpha(cfg.topics.alpha_weekly, cfg.topics.weeks_per_month, 1); // eq. 54
  const feeEpochs = Math.max(1, Math.round(cfg.topics.fee_epochs_per_week * cfg.topics.weeks_per_month));

  const network: Row[] = [];
  const topicRows: Row[] = [];
  const validatorRows: Row[] = [];
  const treasuryRows: Row[] = [];

  const g = genesisState(cfg, xiMax, splitShare);
  let state: LedgerState = g.state;
  network.push(networkRow(cfg, state, g.outcome));
  treasuryRows.push(treasuryRow(network[0], state, g.outcome, xiMax, { nTopics: 0, weightSum: 0, topicPaid: 0, nValidators: 0, stakeSum: 0, validatorPaid: 0 }));

  let topics: Topic[] = [];
  let validators: Validator[] = [];
  let nextTopicId = 1;
  let nextValidatorId = 1;
  let prevEmission = 0;
  let prevStakerRewards = 0;

  for (let month = 1; month < months; month++) {
    const fStakersCap =
      params.f_stakers === 'constant' ? splitShare : actualStakersShare(prevStakerRewards, prevEmission, splitShare);
    const step = stepMonth(cfg, state, xiMax, fStakersCap);
    state = step.state;
    const out = step.outcome;

    // ---- validators (eq 55) ----
    if (month === 1) {
      for (let k = 0; k < cfg.validators.initial; k++) validators.push(newValidator(nextValidatorId++, cfg, rng));
    } else {
      validators = validators.filter(() => rng() >= cfg.validators.leave_probability);
      const joining = poisson(rng, cfg.validators.new_per_month);
      for (let k = 0; k < joining; k++) validators.push(newValidator(nextValidatorId++, cfg, rng));
    }
    const vStakes = validators.map((v) => v.stake);
    const normaliser =
      cfg.validators.normaliser === 'stale' ? sum(validators.map((v) => v.stake - v.lastReward)) : undefined;
    const vRewards = validatorRewards(cfg.f_v, out.emission, vStakes, normaliser);
    validators.forEach((v, k) => {
      v.monthsLive++;
      validatorRows.push({
        epoch: month,
        validator_id: v.id,
        validator_months_live: v.monthsLive,
        validator_stake: v.stake,
        validator_rewards: vRewards[k],
      });
      v.lastReward = vRewards[k];
      v.stake += vRewards[k]; // restaked: S_v,i+1 = S_v,i + E_v,i
    });

    // ---- topics (eqs 56–58) ----
    if (month === 1) {
      for (let k = 0; k < cfg.topics.initial; k++) topics.push(newTopic(nextTopicId++, cfg, rng));
    } else {
      topics = topics.filter(() => rng() >= cfg.topics.deactivation_probability);
      for (const t of topics) churnTopic(t, cfg, rng);
      // New topics only take free slots: at most max_active topics are active.
      const created = Math.min(poisson(rng, cfg.topics.new_per_month), cfg.topics.max_active - topics.length);
      for (let k = 0; k < created; k++) topics.push(newTopic(nextTopicId++, cfg, rng));
    }
    const rawFees = topics.map((t) => consumerFees(t, cfg, rng));
    // With fees into the treasury, the topics' consumer fees are that inflow, shared as the PWYW draws fall.
    const rawSum = sum(rawFees);
    const fees = out.fees > 0 && rawSum > 0 ? rawFees.map((f) => (out.fees * f) / rawSum) : rawFees;
    const targets: number[] = [];
    topics.forEach((t, k) => {
      t.monthsLive++;
      t.feeRevenue = decayedFeeRevenue(t.feeRevenue, fees[k], cfg.topics.fee_epochs_per_week, feeEpochs);
      const target = topicTargetWeight(sum(t.reputerStakes), t.feeRevenue, cfg.topics.mu, cfg.topics.nu);
      targets.push(target);
      t.weight = topicWeight(alphaTopic, target, t.weight);
    });
    const weights = topics.map((t) => t.weight ?? 0);
    const tRewards = topicRewards(cfg.f_v, out.emission, weights);
    let reputerPaid = 0;
    topics.forEach((t, k) => {
      const reputerReward = cfg.reputer_share * tRewards[k];
      reputerPaid += reputerReward;
      topicRows.push({
        epoch: month,
        topic_id: t.id,
        topic_months_live: t.monthsLive,
        topic_n_workers: t.workers,
        topic_n_reputers: t.reputerStakes.length,
        topic_total_stake: sum(t.reputerStakes),
        topic_fees_paid: fees[k],
        topic_total_fee_revenue: t.feeRevenue,
        topic_target_weight: targets[k],
        topic_weights: weights[k],
        topic_rewards: tRewards[k],
        topic_reputer_rewards: reputerReward,
      });
      // Reputers restake their rewards, pro rata to stake: S_t,i+1 = S_t,i + reputer share · E_t,i.
      const s = sum(t.reputerStakes);
      if (s > 0) t.reputerStakes = t.reputerStakes.map((x) => x + (reputerReward * x) / s);
    });

    const validatorPaid = sum(vRewards);
    prevEmission = out.emission;
    prevStakerRewards = validatorPaid + reputerPaid;

    network.push(networkRow(cfg, state, out));
    treasuryRows.push(
      treasuryRow(network[network.length - 1], state, out, xiMax, {
        nTopics: topics.length,
        weightSum: sum(weights),
        topicPaid: sum(tRewards),
        nValidators: validators.length,
        stakeSum: sum(vStakes),
        validatorPaid,
      }),
    );
  }
  return { setup, network, topics: topicRows, validators: validatorRows, treasury: treasuryRows };
}

function newValidator(id: number, cfg: TokenomicsParams, rng: Rng): Validator {
  return { id, monthsLive: 0, stake: pareto(rng, cfg.validators.stake), lastReward: 0 };
}

function networkRow(cfg: LedgerConfig, state: LedgerState, out: MonthOutcome): Row {
  const row: Row = { epoch: out.month };
  const per: Record<string, { total: number; emission: number; circulating: number; staked: number }> = {};
  for (const c of cfg.classes) {
    const circulating = c.treasury ? 0 : state.circulating[c.name];
    per[c.name] = {
      total: state.total[c.name],
      emission: c.treasury ? out.emission : out.unlocked[c.name],
      circulating,
      staked: c.treasury ? 0 : c.staked_fraction * circulating,
    };
  }
  const net = { total: 0, emission: 0, circulating: 0, staked: 0 };
  for (const c of cfg.classes) {
    net.total += per[c.name].total;
    net.emission += per[c.name].emission;
    net.circulating += per[c.name].circulating;
    net.staked += per[c.name].staked;
  }
  for (const [prefix, v] of [['network', net] as const, ...cfg.classes.map((c) => [c.name, per[c.name]] as const)]) {
    row[`${prefix}_tokens_total`] = v.total;
    row[`${prefix}_tokens_emission`] = v.emission;
    row[`${prefix}_tokens_circulating`] = v.circulating;
    row[`${prefix}_tokens_staked`] = v.staked;
  }
  row.ehat_target_i = out.ehatTarget;
  row.ehat_max_i = out.ehatMax;
  row.ehat_i = out.ehat;
  row.e_i = out.e;
  row.validator_rewards = out.validatorRewards;
  row.topics_rewards = out.topicsRewards;
  row.apy = out.apy;
  return row;
}

function treasuryRow(
  net: Row,
  state: LedgerState,
  out: MonthOutcome,
  xiMax: number,
  pop: { nTopics: number; weightSum: number; topicPaid: number; nValidators: number; stakeSum: number; validatorPaid: number },
): Row {
  const circ = net.network_tokens_circulating;
  return {
    epoch: out.month,
    fees: out.fees,
    paid_from_fees: out.fromFees,
    minted: out.minted,
    treasury_balance: state.treasury.balance,
    treasury_unminted: state.treasury.unminted,
    treasury_total: state.treasury.balance + state.treasury.unminted,
    f_stakers: out.fStakersCap,
    xi_max: xiMax,
    apy_cap: Math.pow(1 + xiMax, 12) - 1,
    // Post-reward staked fraction of the circulating supply.
    staked_fraction: circ > 0 ? net.network_tokens_staked / circ : 0,
    n_active_topics: pop.nTopics,
    all_topic_weight_sum: pop.weightSum,
    topic_rewards_paid: pop.topicPaid,
    n_active_validators: pop.nValidators,
    all_validator_stake_sum: pop.stakeSum,
    validator_rewards_paid: pop.validatorPaid,
  };
}

// ------------------------------------------------------------------------------------------------------------
// Figure 4 claims.

export interface Claim {
  claim: string;
  holds: boolean;
  /** The numbers the verdict was computed from. */
  numbers: Record<string, number>;
}

/** Names of the three Figure 4 setups in the runs passed to `figure4Claims`. */
export interface Figure4Names {
  noSmoothing: string;
  smoothing: string;
  fees: string;
}

export const FIGURE4_SETUPS: Figure4Names = { noSmoothing: 'no-smoothing', smoothing: 'smoothing', fees: 'smoothing-fees' };

/** Thresholds of the claims' quantitative definitions. */
export const FIGURE4_THRESHOLDS = {
  /** A "sharp drop": the APY falls by at least this relative amount from the month before the unlock to it… */
  sharpDrop: 0.05,
  /** …and by at least this many times the largest month-to-month change of the 12 months after it. */
  sharpRatio: 3,
  /** "Smooth": no month-to-month relative APY change above this in the unlock month and the 12 after it… */
  smoothMaxChange: 0.025,
  /** "Fees keep the APY up": final APY at least this multiple of the no-fee smoothing setup's… */
  feesRatio: 2,
  /** …and within this relative change over the last 36 months (stable). */
  feesStability: 0.1,
  /** Relative tolerance of "never above the cap" and "at the cap". */
  capTolerance: 1e-12,
} as const;

/** The month (≥ 1) with the largest vesting unlock (network emission minus the reward emission). */
export function unlockMonth(run: TokenomicsRun): number {
  let best = 1;
  let bestAmount = -Infinity;
  for (const r of run.network) {
    if (r.epoch < 1) continue;
    const unlock = r.network_tokens_emission - (r.validator_rewards + r.topics_rewards);
    if (unlock > bestAmount * (1 + 1e-12)) {
      bestAmount = unlock;
      best = r.epoch;
    }
  }
  return best;
}

function apyAt(run: TokenomicsRun, month: number): number {
  const r = run.network.find((x) => x.epoch === month);
  return r ? r.apy : NaN;
}

/** Relative change of the APY from month m − 1 to m. */
function apyChange(run: TokenomicsRun, m: number): number {
  const a = apyAt(run, m - 1);
  return (apyAt(run, m) - a) / a;
}

function maxAbsChange(run: TokenomicsRun, from: number, to: number): number {
  let mx = 0;
  const last = run.network[run.network.length - 1].epoch;
  for (let m = Math.max(2, from); m <= Math.min(to, last); m++) mx = Math.max(mx, Math.abs(apyChange(run, m)));
  return mx;
}

/** The claims of Figure 4, from the runs of its three setups (keyed by setup name). */
export function figure4Claims(runs: Record<string, TokenomicsRun>, names: Figure4Names = FIGURE4_SETUPS): Claim[] {
  const th = FIGURE4_THRESHOLDS;
  const noS = runs[names.noSmoothing];
  const sm = runs[names.smoothing];
  const fe = runs[names.fees];
  for (const [k, r] of [
    [names.noSmoothing, noS],
    [names.smoothing, sm],
    [names.fees, fe],
  ] as const) {
    if (!r) throw new Error(`figure4Claims: no run of setup "${k}"`);
  }
  const u = unlockMonth(sm);
  const last = Math.min(sm.network.length, noS.network.length, fe.network.length) - 1;
  const claims: Claim[] = [];

  // 1. The cap.
  {
    const numbers: Record<string, number> = {};
    let holds = true;
    for (const [k, r] of [
      ['no_smoothing', noS],
      ['smoothing', sm],
      ['smoothing_fees', fe],
    ] as const) {
      let maxApy = -Infinity;
      let maxExcess = -Infinity;
      r.network.forEach((row, i) => {
        if (row.epoch < 1) return;
        const cap = r.treasury[i].apy_cap;
        maxApy = Math.max(maxApy, row.apy);
        maxExcess = Math.max(maxExcess, (row.apy - cap) / cap);
      });
      numbers[`max_apy_${k}`] = maxApy;
      numbers[`max_relative_excess_${k}`] = maxExcess;
      if (maxExcess > th.capTolerance) holds = false;
    }
    numbers.apy_cap = sm.treasury[sm.treasury.length - 1].apy_cap;
    claims.push({
      claim: `The staking APY (1 + f_stakers·e_i)^12 − 1 never exceeds the cap (1 + ξ_max)^12 − 1 in any setup or month (relative tolerance ${th.capTolerance}).`,
      holds,
      numbers,
    });
  }

  // 2. The cap binds in the first year (≈ 12 % APY before the unlock).
  {
    let maxDev = 0;
    for (const r of [noS, sm, fe]) {
      for (let m = 1; m < u; m++) {
        const cap = r.treasury[m].apy_cap;
        maxDev = Math.max(maxDev, Math.abs(apyAt(r, m) - cap) / cap);
      }
    }
    claims.push({
      claim: `Before the unlock (months 1–${u - 1}) the cap binds in every setup: the APY equals the cap to ${th.capTolerance} relative.`,
      holds: maxDev <= th.capTolerance,
      numbers: { unlock_month: u, apy_cap: sm.treasury[1]?.apy_cap ?? NaN, max_relative_deviation: maxDev },
    });
  }

  // 3. A sharp drop at the unlock without smoothing.
  {
    const dropNo = -apyChange(noS, u);
    const afterNo = maxAbsChange(noS, u + 1, u + 12);
    const dropSm = -apyChange(sm, u);
    claims.push({
      claim:
        `Without smoothing the APY drops sharply at the unlock (month ${u}): its relative fall from month ${u - 1} to ${u} ` +
        `is at least ${th.sharpDrop * 100} % and at least ${th.sharpRatio}× the largest month-to-month relative change of the 12 months after.`,
      holds: dropNo >= th.sharpDrop && dropNo >= th.sharpRatio * afterNo,
      numbers: {
        unlock_month: u,
        apy_before_no_smoothing: apyAt(noS, u - 1),
        apy_at_unlock_no_smoothing: apyAt(noS, u),
        relative_drop_no_smoothing: dropNo,
        max_change_12_months_after_no_smoothing: afterNo,
        relative_drop_smoothing: dropSm,
      },
    });
  }

  // 4. A smooth path with smoothing.
  {
    const maxSm = maxAbsChange(sm, u, u + 12);
    const dropNo = -apyChange(noS, u);
    claims.push({
      claim:
        `With smoothing the APY evolves smoothly through the unlock: no month-to-month relative change above ${th.smoothMaxChange * 100} % ` +
        `in months ${u}–${u + 12}, and the change at the unlock is under 1/${th.sharpRatio} of the no-smoothing drop.`,
      holds: maxSm <= th.smoothMaxChange && Math.abs(apyChange(sm, u)) * th.sharpRatio < dropNo,
      numbers: {
        unlock_month: u,
        apy_before_smoothing: apyAt(sm, u - 1),
        apy_at_unlock_smoothing: apyAt(sm, u),
        relative_change_at_unlock_smoothing: apyChange(sm, u),
        max_change_unlock_to_12_after_smoothing: maxSm,
        relative_drop_no_smoothing: dropNo,
      },
    });
  }

  // 5. Fees keep the APY up long-term.
  {
    const apyFe = apyAt(fe, last);
    const apySm = apyAt(sm, last);
    const apyNo = apyAt(noS, last);
    const from = Math.max(1, last - 36);
    const apyFe36 = apyAt(fe, from);
    const change36 = (apyFe - apyFe36) / apyFe36;
    claims.push({
      claim:
        `Fee revenue keeps the APY up long-term: at the last month (${last}) the APY with fees is at least ${th.feesRatio}× the APY with ` +
        `smoothing alone, and it changes by at most ${th.feesStability * 100} % (relative) over the last 36 months (from month ${from}).`,
      holds: apyFe >= th.feesRatio * apySm && Math.abs(change36) <= th.feesStability,
      numbers: {
        last_month: last,
        apy_fees_last: apyFe,
        apy_smoothing_last: apySm,
        apy_no_smoothing_last: apyNo,
        ratio_fees_to_smoothing: apyFe / apySm,
        apy_fees_36_months_before: apyFe36,
        relative_change_last_36_fees: change36,
      },
    });
  }
  return claims;
}

/** Runs every setup of a validated `tokenomics:` section for `section.months` rows. `mechanism` holds the
 *  scenario's profile switches (each setup's own `mechanism:` keys replace them); `rngFor` gives a fresh seeded
 *  rng per setup (e.g. seedrandom(`${seed}:${setup}`)). */
export function runTokenomicsSetups(
  section: TokenomicsScenario,
  mechanism: ProfileSwitches,
  rngFor: (setup: string) => Rng,
): Record<string, TokenomicsRun> {
  const runs: Record<string, TokenomicsRun> = {};
  for (const s of section.setups) {
    const switches: ProfileSwitches = { ...mechanism, ...s.mechanism };
    runs[s.name] = runTokenomics(s.params, switches, section.months, rngFor(s.name), s.name);
  }
  return runs;
}

/** Runs every setup of a validated `kind: tokenomics` document. The switches are the profile's (`profile`
 *  argument, e.g. --profile, else the file's), then the file's `mechanism:`, then each setup's `mechanism:`. */
export function runTokenomicsFile(
  file: TokenomicsFile,
  rngFor: (setup: string) => Rng,
  profile: ProfileName = file.profile,
): Record<string, TokenomicsRun> {
  const p = profileParams(profile);
  return runTokenomicsSetups(file.tokenomics, { yield_cap: p.yield_cap, f_stakers: p.f_stakers, ...file.mechanism }, rngFor);
}
