// Runs one tokenomics setup month by month (whitepaper §5, Figure 4), computes its per-run metrics, the Figure 4
// claims and the verdicts of a study's claims.
//
// The holder ledger (supply, emission, APY: the network table) is deterministic and comes from
// ../engine/tokenomics.ts; the stochastic parts — topics (created, deactivated, their reputers and workers,
// pay-what-you-want consumer fees) and validators (joining, leaving) — draw from the `rng` the caller passes
// in (a seeded `() => number` in [0, 1)). They only shape the topic and validator rows, never the network
// table (except through f_stakers under the `actual` switch). A strategic topic (the §5.3 fee cabal) draws
// nothing, so the honest population is the same with it and without it.

import {
  actualStakersShare,
  cadenceAlpha,
  decayedFeeRevenue,
  genesisState,
  monthlyYieldCap,
  stakersShare,
  stepMonth,
  topicRewards,
  topicRewardsPerBlock,
  topicTargetWeight,
  topicTargetWeightPerEpoch,
  topicWeight,
  validatorRewards,
  type LedgerConfig,
  type LedgerState,
  type MonthOutcome,
} from '../engine/tokenomics.js';
import {
  parseThreshold,
  setupSwitches,
  type ParetoSpec,
  type StudyClaim,
  type TokenomicsFile,
  type TokenomicsParams,
  type TokenomicsScenario,
  type TokenomicsSwitchValues,
} from '../scenario/tokenomics.js';
import { distribution } from './summary.js';

export type Rng = () => number;
export type Row = Record<string, number>;

/** The month column of every tokenomics table is `month` (one row per calendar month; the reference table calls it
 *  `epoch`, docs/tokenomics.md §11). */
export const MONTH = 'month';

export interface TokenomicsRun {
  setup: string;
  /** One row per month (0 = genesis), columns `networkColumns(cfg)`: `month`, the reference table's names, `apy`. */
  network: Row[];
  /** One row per active topic per month (`TOPIC_COLUMNS`); the strategic topic, when enabled, is topic 0. */
  topics: Row[];
  /** One row per active validator per month (`VALIDATOR_COLUMNS`). */
  validators: Row[];
  /** One row per month: fees, minting, treasury, f_stakers, cap and population sums (`TREASURY_COLUMNS`). */
  treasury: Row[];
  /** What the strategic topic met each month (months 1 …), for its counterfactual at other wash fees. */
  cabal?: CabalTrace;
}

/** The network table's columns: `month`, the reference table's names and order, then `apy`. */
export function networkColumns(cfg: Pick<LedgerConfig, 'classes'>): string[] {
  const cols = [MONTH];
  for (const prefix of ['network', ...cfg.classes.map((c) => c.name)]) {
    for (const q of ['total', 'emission', 'circulating', 'staked']) cols.push(`${prefix}_tokens_${q}`);
  }
  cols.push('ehat_target_i', 'ehat_max_i', 'ehat_i', 'e_i', 'validator_rewards', 'topics_rewards', 'apy');
  return cols;
}

export const TOPIC_COLUMNS = [
  MONTH,
  'topic_id',
  'topic_strategic',
  'topic_months_live',
  'topic_epoch_length',
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

export const VALIDATOR_COLUMNS = [MONTH, 'validator_id', 'validator_months_live', 'validator_stake', 'validator_rewards'] as const;

export const TREASURY_COLUMNS = [
  MONTH,
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
  'rewards_account',
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
  strategic: boolean;
  monthsLive: number;
  reputerStakes: number[];
  workers: number;
  consumersPerWeek: number;
  /** L_t in blocks. */
  epochLength: number;
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
  const workers = uniformInt(rng, t.workers.min, t.workers.max);
  const consumersPerWeek = uniformInt(rng, t.consumers_per_week.min, t.consumers_per_week.max);
  // A fixed epoch length draws nothing (the populations of earlier versions stay the same).
  const L = t.epoch_length;
  const epochLength = L.min === L.max ? L.min : uniformInt(rng, L.min, L.max);
  return { id, strategic: false, monthsLive: 0, reputerStakes, workers, consumersPerWeek, epochLength, feeRevenue: 0, weight: null };
}

/** The §5.3 strategic topic: id 0, its fixed stake, no workers or consumers, the middle epoch length. */
function strategicTopic(cfg: TokenomicsParams): Topic {
  const L = cfg.topics.epoch_length;
  return {
    id: 0,
    strategic: true,
    monthsLive: 0,
    reputerStakes: [cfg.topics.strategic.stake],
    workers: 0,
    consumersPerWeek: 0,
    epochLength: Math.round((L.min + L.max) / 2),
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

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/** Epochs of the fee decay in one month (eq. 58's N_epochs,w per week × weeks per month). */
const feeEpochsPerMonth = (cfg: TokenomicsParams): number =>
  Math.max(1, Math.round(cfg.topics.fee_epochs_per_week * cfg.topics.weeks_per_month));

/** A topic's target weight (eq. 58, or the chain's per-epoch fee revenue) and its new weight (eq. 57). */
function weighTopic(
  stake: number,
  feeRevenue: number,
  epochLength: number,
  prev: number | null,
  cfg: TokenomicsParams,
  sw: TokenomicsSwitchValues,
  alphaTopic: number,
): { target: number; weight: number } {
  const { mu, nu } = cfg.topics;
  const target =
    sw.topic_weight_fee === 'per_epoch'
      ? topicTargetWeightPerEpoch(stake, feeRevenue, epochLength, mu, nu)
      : topicTargetWeight(stake, feeRevenue, mu, nu);
  return { target, weight: topicWeight(alphaTopic, target, prev) };
}

/** The topics' rewards of a month. 'share': eq. 56 over the current weights. 'per_block': the chain's rule in its
 *  monthly aggregate — the month is one block of the month's topic emission, W the sum of the previous weights of
 *  the active topics (a topic's first weight for a new topic), paid from the rewards account it tops up and capped
 *  by it (docs/tokenomics.md §9). */
function payTopics(
  sw: TokenomicsSwitchValues,
  fV: number,
  emission: number,
  weights: readonly number[],
  prevWeightSum: number,
  account: number,
): { rewards: number[]; paid: number; account: number } {
  if (sw.topic_rewards === 'share') {
    const rewards = topicRewards(fV, emission, [...weights]);
    return { rewards, paid: sum(rewards), account };
  }
  const pool = (1 - fV) * emission;
  const available = account + pool;
  const r = topicRewardsPerBlock(pool, weights, weights.map(() => 1), prevWeightSum, available);
  return { rewards: r.rewards, paid: r.paid, account: available - r.paid };
}

// ------------------------------------------------------------------------------------------------------------
// The run.

/** The profile switches a run needs (the tokenomics switches of the profile, the file and the setup). */
export type ProfileSwitches = Pick<TokenomicsSwitchValues, 'yield_cap' | 'f_stakers'> & Partial<TokenomicsSwitchValues>;

const TOPIC_RULE_DEFAULTS = { topic_rewards: 'share', topic_weight_fee: 'total' } as const;

/** ξ_max of a setup: `xi_max` when given, else the `yield_cap` rule. */
export function setupXiMax(cfg: TokenomicsParams, yieldCap: TokenomicsSwitchValues['yield_cap']): number {
  return cfg.xi_max ?? monthlyYieldCap(yieldCap, cfg.apy_cap, cfg.mpy_cap_text);
}

/** Runs `months` rows (0 = genesis … months − 1) of one setup. Deterministic given `rng`; the network table
 *  does not depend on `rng` at all under f_stakers = 'constant'. */
export function runTokenomics(
  cfg: TokenomicsParams,
  params: ProfileSwitches,
  months: number,
  rng: Rng,
  setup = '',
): TokenomicsRun {
  const sw: TokenomicsSwitchValues = { ...TOPIC_RULE_DEFAULTS, ...params };
  const xiMax = setupXiMax(cfg, sw.yield_cap);
  const splitShare = stakersShare(cfg.f_v, cfg.reputer_share);
  const alphaTopic = cadenceAlpha(cfg.topics.alpha_weekly, cfg.topics.weeks_per_month, 1); // eq. 54
  const feeEpochs = feeEpochsPerMonth(cfg);

  const network: Row[] = [];
  const topicRows: Row[] = [];
  const validatorRows: Row[] = [];
  const treasuryRows: Row[] = [];
  const strategicOn = cfg.topics.strategic.enabled;
  const cabal: CabalTrace | undefined = strategicOn ? { pool: [], honestWeightSum: [], honestPrevWeightSum: [], reward: [], fees: [] } : undefined;

  const g = genesisState(cfg, xiMax, splitShare);
  let state: LedgerState = g.state;
  network.push(networkRow(cfg, state, g.outcome));
  treasuryRows.push(
    treasuryRow(network[0], state, g.outcome, xiMax, { nTopics: 0, weightSum: 0, topicPaid: 0, account: 0, nValidators: 0, stakeSum: 0, validatorPaid: 0 }),
  );

  let topics: Topic[] = [];
  let validators: Validator[] = [];
  const strategic = strategicOn ? strategicTopic(cfg) : undefined;
  let nextTopicId = 1;
  let nextValidatorId = 1;
  let prevEmission = 0;
  let prevStakerRewards = 0;
  let account = 0;

  for (let month = 1; month < months; month++) {
    const fStakersCap =
      sw.f_stakers === 'constant' ? splitShare : actualStakersShare(prevStakerRewards, prevEmission, splitShare);
    const step = stepMonth(cfg, state, xiMax, fStakersCap);
    state = step.state;
    const out = step.outcome;

    // ---- validators (eq. 55) ----
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
        [MONTH]: month,
        validator_id: v.id,
        validator_months_live: v.monthsLive,
        validator_stake: v.stake,
        validator_rewards: vRewards[k],
      });
      v.lastReward = vRewards[k];
      v.stake += vRewards[k]; // restaked: S_v,i+1 = S_v,i + E_v,i
    });

    // ---- topics (eq. 56 to eq. 58) ----
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
    const honestFees = out.fees > 0 && rawSum > 0 ? rawFees.map((f) => (out.fees * f) / rawSum) : rawFees;
    const live = strategic ? [strategic, ...topics] : topics;
    const fees = strategic ? [cfg.topics.strategic.wash_fee, ...honestFees] : honestFees;
    const targets: number[] = [];
    let prevWeightSum = 0;
    let honestPrevWeightSum = 0;
    live.forEach((t, k) => {
      t.monthsLive++;
      t.feeRevenue = decayedFeeRevenue(t.feeRevenue, fees[k], cfg.topics.fee_epochs_per_week, feeEpochs);
      const prev = t.weight;
      const w = weighTopic(sum(t.reputerStakes), t.feeRevenue, t.epochLength, prev, cfg, sw, alphaTopic);
      targets.push(w.target);
      t.weight = w.weight;
      prevWeightSum += prev ?? w.weight;
      if (!t.strategic) honestPrevWeightSum += prev ?? w.weight;
    });
    const weights = live.map((t) => t.weight ?? 0);
    const pay = payTopics(sw, cfg.f_v, out.emission, weights, prevWeightSum, account);
    account = pay.account;
    const tRewards = pay.rewards;
    if (cabal && strategic) {
      cabal.pool.push((1 - cfg.f_v) * out.emission);
      cabal.honestWeightSum.push(sum(weights.slice(1)));
      cabal.honestPrevWeightSum.push(honestPrevWeightSum);
      cabal.reward.push(tRewards[0]);
      cabal.fees.push(fees[0]);
    }
    let reputerPaid = 0;
    live.forEach((t, k) => {
      const reputerReward = cfg.reputer_share * tRewards[k];
      reputerPaid += reputerReward;
      topicRows.push({
        [MONTH]: month,
        topic_id: t.id,
        topic_strategic: t.strategic ? 1 : 0,
        topic_months_live: t.monthsLive,
        topic_epoch_length: t.epochLength,
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
      // Honest reputers restake their rewards, pro rata to stake: S_t,i+1 = S_t,i + reputer share · E_t,i. The
      // strategic topic's owner takes its rewards out (its stake stays fixed).
      const s = sum(t.reputerStakes);
      if (!t.strategic && s > 0) t.reputerStakes = t.reputerStakes.map((x) => x + (reputerReward * x) / s);
    });

    const validatorPaid = sum(vRewards);
    prevEmission = out.emission;
    prevStakerRewards = validatorPaid + reputerPaid;

    network.push(networkRow(cfg, state, out));
    treasuryRows.push(
      treasuryRow(network[network.length - 1], state, out, xiMax, {
        nTopics: live.length,
        weightSum: sum(weights),
        topicPaid: pay.paid,
        account,
        nValidators: validators.length,
        stakeSum: sum(vStakes),
        validatorPaid,
      }),
    );
  }
  const run: TokenomicsRun = { setup, network, topics: topicRows, validators: validatorRows, treasury: treasuryRows };
  if (cabal) run.cabal = cabal;
  return run;
}

function newValidator(id: number, cfg: TokenomicsParams, rng: Rng): Validator {
  return { id, monthsLive: 0, stake: pareto(rng, cfg.validators.stake), lastReward: 0 };
}

function networkRow(cfg: LedgerConfig, state: LedgerState, out: MonthOutcome): Row {
  const row: Row = { [MONTH]: out.month };
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
  pop: { nTopics: number; weightSum: number; topicPaid: number; account: number; nValidators: number; stakeSum: number; validatorPaid: number },
): Row {
  const circ = net.network_tokens_circulating;
  return {
    [MONTH]: out.month,
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
    rewards_account: pop.account,
    n_active_validators: pop.nValidators,
    all_validator_stake_sum: pop.stakeSum,
    validator_rewards_paid: pop.validatorPaid,
  };
}

// ------------------------------------------------------------------------------------------------------------
// Figure 4 claims.

export interface Claim {
  id: string;
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
    if (r[MONTH] < 1) continue;
    const unlock = r.network_tokens_emission - (r.validator_rewards + r.topics_rewards);
    if (unlock > bestAmount * (1 + 1e-12)) {
      bestAmount = unlock;
      best = r[MONTH];
    }
  }
  return best;
}

function apyAt(run: TokenomicsRun, month: number): number {
  const r = run.network[month]?.[MONTH] === month ? run.network[month] : run.network.find((x) => x[MONTH] === month);
  return r ? r.apy : NaN;
}

/** Relative change of the APY from month m − 1 to m. */
function apyChange(run: TokenomicsRun, m: number): number {
  const a = apyAt(run, m - 1);
  return (apyAt(run, m) - a) / a;
}

function maxAbsChange(run: TokenomicsRun, from: number, to: number): number {
  let mx = 0;
  const last = run.network[run.network.length - 1][MONTH];
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
    if (!r) throw new Error(`figure4Claims: no run of setup "${k}" (judgeFigure4 skips the claims instead)`);
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
        if (row[MONTH] < 1) return;
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
      id: 'fig4-cap',
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
      id: 'fig4-cap-binds',
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
      id: 'fig4-sharp-drop',
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
      id: 'fig4-smooth',
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
      id: 'fig4-fees',
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
 *  scenario's switches (each setup's own `mechanism:` keys replace them); `rngFor` gives a fresh seeded rng per
 *  setup. */
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
  profile: TokenomicsFile['profile'] = file.profile,
): Record<string, TokenomicsRun> {
  const runs: Record<string, TokenomicsRun> = {};
  const f = { ...file, profile };
  for (const s of file.tokenomics.setups) {
    runs[s.name] = runTokenomics(s.params, setupSwitches(f, s), file.tokenomics.months, rngFor(s.name), s.name);
  }
  return runs;
}

/** Which Figure 4 claims a set of runs can be judged on: all five when the figure's three setups are present,
 *  none otherwise (with the reason). */
export function judgeFigure4(
  runs: Record<string, TokenomicsRun>,
  names: Figure4Names = FIGURE4_SETUPS,
): { claims: Claim[]; skipped: { claims: string; reason: string }[] } {
  const wanted = [names.noSmoothing, names.smoothing, names.fees];
  const missing = wanted.filter((n) => !runs[n]);
  if (missing.length > 0) {
    return {
      claims: [],
      skipped: [
        {
          claims: 'fig4-cap, fig4-cap-binds, fig4-sharp-drop, fig4-smooth, fig4-fees',
          reason: `Figure 4's claims compare its three setups (${wanted.join(', ')}); this scenario has no setup named ${missing.map((m) => `'${m}'`).join(', ')}`,
        },
      ],
    };
  }
  return { claims: figure4Claims(runs, names), skipped: [] };
}

// ------------------------------------------------------------------------------------------------------------
// The §5.3 fee cabal: a strategic topic paying wash fees into itself (docs/tokenomics.md §10).

/** What the strategic topic met each month (index 0 = month 1). */
export interface CabalTrace {
  /** (1 − f_v)·E_i: the month's topic emission. */
  pool: number[];
  /** Σ of the honest topics' current weights. */
  honestWeightSum: number[];
  /** Σ of the honest topics' previous weights (a new topic's first weight) — the W of the `per_block` rule. */
  honestPrevWeightSum: number[];
  /** The strategic topic's reward and the wash fee it paid. */
  reward: number[];
  fees: number[];
}

/** The strategic topic's rewards month by month had it paid `washFee` a month, the honest topics and the emission
 *  as they were (exact under f_stakers = constant, where the emission does not depend on the topics). */
export function cabalRewardsAt(washFee: number, trace: CabalTrace, cfg: TokenomicsParams, sw: TokenomicsSwitchValues): number[] {
  const alphaTopic = cadenceAlpha(cfg.topics.alpha_weekly, cfg.topics.weeks_per_month, 1); // eq. 54
  const feeEpochs = feeEpochsPerMonth(cfg);
  const L = cfg.topics.epoch_length;
  const epochLength = Math.round((L.min + L.max) / 2);
  let C = 0;
  let w: number | null = null;
  let account = 0;
  const out: number[] = [];
  for (let m = 0; m < trace.pool.length; m++) {
    C = decayedFeeRevenue(C, washFee, cfg.topics.fee_epochs_per_week, feeEpochs);
    const prev: number | null = w;
    w = weighTopic(cfg.topics.strategic.stake, C, epochLength, prev, cfg, sw, alphaTopic).weight;
    const H = trace.honestWeightSum[m];
    if (sw.topic_rewards === 'share') {
      out.push(H + w > 0 ? (trace.pool[m] * w) / (H + w) : 0);
      continue;
    }
    const W = trace.honestPrevWeightSum[m] + (prev ?? w);
    const available = account + trace.pool[m];
    let paid = 0;
    let mine = 0;
    if (available > 0 && W > 0) {
      const uncapped = (trace.pool[m] * (H + w)) / W;
      paid = Math.min(uncapped, available);
      mine = H + w > 0 ? (paid * w) / (H + w) : 0;
    }
    account = available - paid;
    out.push(mine);
  }
  return out;
}

export interface CabalOutcome {
  /** Σ of the strategic topic's rewards and of the wash fees it paid. */
  reward: number;
  fees: number;
  /** reward − fees: the emission captured minus the fees paid (its reward without wash fees is 0: no fee
   *  revenue gives a weight of 0, eq. 58). */
  net_gain: number;
  /** Its share of the rewards paid to topics. */
  reward_share: number;
  /** The largest monthly wash fee at which the topic still breaks even (0 when no fee pays), the fee that
   *  pays most and what it gains. */
  break_even_fee: number;
  best_fee: number;
  best_net_gain: number;
}

/** The strategic topic's outcome, and its break-even fee from the counterfactual at other wash fees. */
export function cabalOutcome(run: TokenomicsRun, cfg: TokenomicsParams, sw: TokenomicsSwitchValues): CabalOutcome | undefined {
  const t = run.cabal;
  if (!t) return undefined;
  const reward = sum(t.reward);
  const fees = sum(t.fees);
  const paid = sum(run.treasury.map((r) => r.topic_rewards_paid));
  const months = t.pool.length;
  const net = (F: number): number => sum(cabalRewardsAt(F, t, cfg, sw)) - F * months;
  // Scan a log grid of monthly fees from 1e-9 to 10 times the mean monthly topic emission, then bisect the last
  // crossing from gain to loss.
  const scale = Math.max(1e-300, sum(t.pool) / Math.max(1, months));
  const grid = Array.from({ length: 181 }, (_, k) => scale * Math.pow(10, -9 + k / 18));
  const nets = grid.map(net);
  let bestK = -1;
  for (let k = 0; k < grid.length; k++) if (nets[k] > 0 && (bestK < 0 || nets[k] > nets[bestK])) bestK = k;
  let breakEven = 0;
  for (let k = grid.length - 1; k > 0; k--) {
    if (nets[k - 1] > 0 && nets[k] <= 0) {
      let lo = grid[k - 1];
      let hi = grid[k];
      for (let it = 0; it < 60; it++) {
        const mid = Math.sqrt(lo * hi);
        if (net(mid) > 0) lo = mid;
        else hi = mid;
      }
      breakEven = lo;
      break;
    }
    if (k === grid.length - 1 && nets[k] > 0) {
      breakEven = grid[k]; // still gaining at the top of the grid
      break;
    }
  }
  return {
    reward,
    fees,
    net_gain: reward - fees,
    reward_share: paid > 0 ? reward / paid : 0,
    break_even_fee: breakEven,
    best_fee: bestK >= 0 ? grid[bestK] : 0,
    best_net_gain: bestK >= 0 ? nets[bestK] : 0,
  };
}

// ------------------------------------------------------------------------------------------------------------
// Per-run metrics (one row of metrics.csv per run; `<metric>.<setup>` for every setup).

export interface MetricDef {
  key: string;
  definition: string;
}

/** The metrics of one setup (docs/tokenomics.md §12). */
export const SETUP_METRICS: readonly MetricDef[] = [
  { key: 'final_apy', definition: 'staking APY in the last month' },
  { key: 'unlock_month', definition: 'month of the largest vesting unlock' },
  { key: 'apy_before_unlock', definition: 'staking APY in the month before the largest unlock' },
  { key: 'apy_at_unlock', definition: 'staking APY in the month of the largest unlock' },
  { key: 'unlock_apy_change', definition: 'relative APY change from the month before the unlock to the unlock month' },
  { key: 'max_monthly_change_after_unlock', definition: 'largest |relative month-to-month APY change| after the unlock month' },
  { key: 'total_emission', definition: 'Σ of the monthly reward emission E_i, ALLO' },
  { key: 'minted_total', definition: 'Σ of the tokens minted for the emission (the part fees did not cover), ALLO' },
  { key: 'fees_total', definition: 'Σ of the fees into the treasury, ALLO' },
  { key: 'treasury_final', definition: 'treasury T (balance + unminted) after the last month, ALLO' },
  { key: 'staked_fraction_final', definition: 'staked share of the circulating supply after the last month' },
  { key: 'n_topics_final', definition: 'active topics in the last month' },
  { key: 'top_topic_share_final', definition: 'largest topic weight ÷ Σ of the topic weights in the last month' },
  { key: 'topic_rewards_paid_total', definition: 'Σ of the rewards paid to topics, ALLO' },
  { key: 'validator_rewards_paid_total', definition: 'Σ of the rewards paid to validators, ALLO' },
];

/** The strategic-topic metrics, present when `topics.strategic.enabled`. */
export const CABAL_METRICS: readonly MetricDef[] = [
  { key: 'cabal_reward', definition: 'Σ of the strategic topic’s rewards, ALLO' },
  { key: 'cabal_fees', definition: 'Σ of the wash fees it paid into itself, ALLO' },
  { key: 'cabal_net_gain', definition: 'emission captured − fees paid, ALLO (its reward without wash fees is 0)' },
  { key: 'cabal_reward_share', definition: 'its share of the rewards paid to topics' },
  { key: 'cabal_break_even_fee', definition: 'largest monthly wash fee at which it still breaks even (0: none pays), ALLO/month' },
  { key: 'cabal_best_fee', definition: 'monthly wash fee with the largest net gain, ALLO/month' },
  { key: 'cabal_best_net_gain', definition: 'net gain at that fee, ALLO' },
];

/** The metrics of one setup's run, keyed by `SETUP_METRICS` / `CABAL_METRICS` keys. */
export function setupMetrics(run: TokenomicsRun, cfg: TokenomicsParams, sw: TokenomicsSwitchValues): Record<string, number> {
  const net = run.network;
  const last = net.length - 1;
  const m: Record<string, number> = {};
  m.final_apy = net[last].apy;
  const u = unlockMonth(run);
  m.unlock_month = u;
  if (u <= last && u >= 2) {
    m.apy_before_unlock = apyAt(run, u - 1);
    m.apy_at_unlock = apyAt(run, u);
    m.unlock_apy_change = apyChange(run, u);
    if (u + 1 <= last) m.max_monthly_change_after_unlock = maxAbsChange(run, u + 1, last);
  }
  const tr = run.treasury;
  m.total_emission = sum(net.map((r) => r.validator_rewards + r.topics_rewards));
  m.minted_total = sum(tr.map((r) => r.minted));
  m.fees_total = sum(tr.map((r) => r.fees));
  m.treasury_final = tr[last].treasury_total;
  m.staked_fraction_final = tr[last].staked_fraction;
  m.n_topics_final = tr[last].n_active_topics;
  const lastTopics = run.topics.filter((r) => r[MONTH] === last);
  const ws = sum(lastTopics.map((r) => r.topic_weights));
  m.top_topic_share_final = ws > 0 ? Math.max(...lastTopics.map((r) => r.topic_weights)) / ws : 0;
  m.topic_rewards_paid_total = sum(tr.map((r) => r.topic_rewards_paid));
  m.validator_rewards_paid_total = sum(tr.map((r) => r.validator_rewards_paid));
  const c = cabalOutcome(run, cfg, sw);
  if (c) {
    m.cabal_reward = c.reward;
    m.cabal_fees = c.fees;
    m.cabal_net_gain = c.net_gain;
    m.cabal_reward_share = c.reward_share;
    m.cabal_break_even_fee = c.break_even_fee;
    m.cabal_best_fee = c.best_fee;
    m.cabal_best_net_gain = c.best_net_gain;
  }
  return m;
}

/** Definition of a `<metric>.<setup>` key. */
export function metricDefinition(key: string): string {
  const dot = key.indexOf('.');
  const base = dot < 0 ? key : key.slice(0, dot);
  const setup = dot < 0 ? '' : key.slice(dot + 1);
  const def = [...SETUP_METRICS, ...CABAL_METRICS].find((d) => d.key === base)?.definition ?? base;
  return setup ? `${def} (setup '${setup}')` : def;
}

// ------------------------------------------------------------------------------------------------------------
// Verdicts of a study's claims (the attack studies' format).

export interface Verdict {
  id: string;
  quote: string;
  section: string;
  metric: string;
  /** `<metric> <op> <value>`, judged on the median over seeds. */
  test: string;
  median: number;
  p10: number;
  p90: number;
  holds_in_share_of_seeds: number;
  holds: boolean;
  verdict: 'holds' | 'does NOT hold' | 'not measured';
}

const compare = (x: number, op: '<=' | '>=' | '<' | '>', v: number): boolean =>
  op === '<=' ? x <= v : op === '>=' ? x >= v : op === '<' ? x < v : x > v;

/** Judges each claim on its metric over the seeds' metrics (`perSeed[i][metric]`). */
export function judgeStudyClaims(claims: readonly StudyClaim[], perSeed: readonly Record<string, number>[]): Verdict[] {
  return claims.map((c) => {
    const th = parseThreshold(c.threshold)!;
    const values = perSeed.map((x) => x[c.metric]).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    const d = distribution(values);
    const measured = values.length > 0;
    const holds = measured && compare(d.median, th.op, th.value);
    return {
      id: c.id,
      quote: c.quote,
      section: c.section,
      metric: c.metric,
      test: `${c.metric} ${th.op} ${th.value} (on the median over seeds)`,
      median: d.median,
      p10: d.p10,
      p90: d.p90,
      holds_in_share_of_seeds: measured ? values.filter((x) => compare(x, th.op, th.value)).length / values.length : 0,
      holds,
      verdict: !measured ? 'not measured' : holds ? 'holds' : 'does NOT hold',
    };
  });
}
