// Allora tokenomics, whitepaper §5 (eq. 48 to eq. 58), as pure functions: no I/O, no randomness.
// The formulas and their order follow docs/tokenomics.md, which settles what the text leaves open
// and reproduces the reference simulator's rows (the "smoothing" setup of Figure 4).
//
// One step is one calendar month (N_epochs = 1 in eq. 48); amounts are ALLO as float64.

// ------------------------------------------------------------------------------------------------------------
// Holder classes, vesting and staking behaviour (docs/tokenomics.md §2) — as data.

/** When a class's allocation enters circulation. */
export type Vesting =
  /** Cumulative unlocked fraction V(m) = at_genesis for m < cliff_months, at_genesis + (1 − at_genesis)·m/end_months
   *  for cliff_months ≤ m < end_months, and 1 for m ≥ end_months. The reference's "1-yr cliff, linear to month 36"
   *  is { at_genesis: 0, cliff_months: 12, end_months: 36 } (1/3 unlocks at month 12, then 1/36 a month);
   *  "fully circulating" is end_months = 0. */
  | { kind: 'linear'; at_genesis: number; cliff_months: number; end_months: number }
  /** Explicit unlock tranches (ALLO unlocked at the start of month `month`); what is never listed stays locked. */
  | { kind: 'tranches'; tranches: { month: number; amount: number }[] };

export interface HolderClass {
  /** CSV prefix of the class (`<name>_tokens_total`, …). */
  name: string;
  /** Genesis allocation, ALLO. */
  allocation: number;
  /** The network treasury T (eq. 49): it never circulates and pays the emission. Exactly one class. */
  treasury: boolean;
  /** Unlock schedule (ignored for the treasury). */
  vesting: Vesting;
  /** s_c: the constant fraction of its circulating holdings (rewards included) that the class stakes. */
  staked_fraction: number;
}

/** Fees flowing into the treasury (docs/tokenomics.md §7; Figure 4, setup 3). */
export interface FeeModel {
  /** 'none': no treasury inflow (the reference rows); 'unstaked_fraction': F_i = rate · (N_circ − N_staked). */
  model: 'none' | 'unstaked_fraction';
  /** Monthly fee rate on the unstaked circulating supply (0.02 in Figure 4). */
  rate: number;
  /** 'holders': every class pays rate · (circ_c − staked_c) from its holdings; 'external': payers outside the
   *  modelled holders (circulating not reduced; the network total then grows by the fees). */
  payers: 'holders' | 'external';
  /** 'next_month': F_i is paid after month i's emission state and raises month i+1's target (reference model);
   *  'same_month': holders pay first and F_i is in the treasury before month i's target (sensitivity variant). */
  timing: 'next_month' | 'same_month';
}

/** Everything the monthly holder ledger needs. */
export interface LedgerConfig {
  /** N_total of eq. 49. */
  total_supply: number;
  classes: HolderClass[];
  /** The class that receives the worker share (1 − f_stakers)·E of the emission. */
  workers_class: string;
  /** f_e of eq. 49, per month. */
  f_e: number;
  /** APY cap of the `reference` yield cap: ξ_max = (1 + apy_cap)^(1/12) − 1. */
  apy_cap: number;
  /** ξ_max of the `whitepaper` yield cap, as the text states it (0.0095). */
  mpy_cap_text: number;
  /** α_e of eq. 53 per month (1 = no smoothing). */
  alpha_e: number;
  /** f_v of eq. 55 and eq. 56. */
  f_v: number;
  /** Share of a topic's reward that goes to its reputers (constant 1/3 in the reference). */
  reputer_share: number;
  fees: FeeModel;
}

/** Cumulative unlocked fraction V(m) of a class at month m (0 before genesis). */
export function vestedFraction(cls: HolderClass, month: number): number {
  if (cls.treasury) return 0;
  if (month < 0) return 0;
  const v = cls.vesting;
  if (v.kind === 'linear') {
    if (month >= v.end_months) return 1;
    if (month < v.cliff_months) return v.at_genesis;
    return v.at_genesis + (1 - v.at_genesis) * (month / v.end_months);
  }
  if (cls.allocation === 0) return 0;
  let unlocked = 0;
  for (const t of v.tranches) if (t.month <= month) unlocked += t.amount;
  return unlocked / cls.allocation;
}

/** Tokens of a class that enter circulation in month m: A_c · (V(m) − V(m−1)) (docs/tokenomics.md §2). */
export function unlockedAmount(cls: HolderClass, month: number): number {
  if (cls.treasury) return 0;
  const v = cls.vesting;
  if (v.kind === 'tranches') {
    let a = 0;
    for (const t of v.tranches) if (t.month === month) a += t.amount;
    return a;
  }
  return cls.allocation * (vestedFraction(cls, month) - vestedFraction(cls, month - 1));
}

// ------------------------------------------------------------------------------------------------------------
// Emission (eq. 48 to eq. 54).

/** Target monthly emission per staked token: ê_target = f_e · T · N_circ / (N_staked · N_total). // eq. 49 */
export function targetEmissionPerStakedToken(
  f_e: number,
  treasury: number,
  circulating: number,
  staked: number,
  totalSupply: number,
): number {
  if (staked <= 0) return 0;
  return (f_e * treasury * circulating) / (staked * totalSupply);
}

/** Monthly yield cap ξ_max: `reference` (1 + apy_cap)^(1/12) − 1 (= 0.009488792934583046 for 12 %);
 *  `whitepaper` the text's 0.0095. */
export function monthlyYieldCap(yieldCap: 'reference' | 'whitepaper', apyCap: number, mpyCapText: number): number {
  return yieldCap === 'reference' ? Math.pow(1 + apyCap, 1 / 12) - 1 : mpyCapText;
}

/** Monthly percentage yield of a staked token: ξ_i = f_stakers,i · e_i. // eq. 50 */
export function monthlyYield(fStakers: number, e: number): number {
  return fStakers * e;
}

/** Largest emission per staked token the cap allows: ê_max = ξ_max / f_stakers. // eq. 51 */
export function maxEmissionPerStakedToken(xiMax: number, fStakers: number): number {
  return xiMax / fStakers;
}

/** Capped target: ê_i = min(ê_target,i, ê_max,i). // eq. 52 */
export function cappedEmissionPerStakedToken(target: number, max: number): number {
  return Math.min(target, max);
}

/** Smoothed emission per staked token: e_i = α_e ê_i + (1 − α_e) e_{i−1}; with no prior (first month) e_i = ê_i.
 *  // eq. 53 */
export function smoothedEmissionPerStakedToken(alpha: number, ehat: number, ePrev: number | null): number {
  if (ePrev === null) return ehat;
  return alpha * ehat + (1 - alpha) * ePrev;
}

/** Cadence conversion of an EMA weight: α̂ = 1 − (1 − α)^(Δt / reference cadence). // eq. 54
 *  E.g. α_t = 0.5 per week at a 4-week month: 1 − 0.5^4 = 0.9375. */
export function cadenceAlpha(alpha: number, dt: number, referenceCadence: number): number {
  return 1 - Math.pow(1 - alpha, dt / referenceCadence);
}

/** Total emission of a step: E_i = e_i · N_staked,i / N_epochs (N_epochs = 1: monthly lump). // eq. 48 */
export function totalEmission(e: number, staked: number, nEpochs = 1): number {
  return (e * staked) / nEpochs;
}

/** APY of a monthly yield, compounded monthly: (1 + ξ)^12 − 1 (the inverse of the reference ξ_max). */
export function apyFromMonthlyYield(mpy: number): number {
  return Math.pow(1 + mpy, 12) - 1;
}

/** The stakers' share of the emission under the split rule: f_v + (1 − f_v) · reputer share (0.5 in the
 *  reference). This is the `constant` f_stakers and the share the holder ledger pays to stakers. */
export function stakersShare(fV: number, reputerShare: number): number {
  return fV + (1 - fV) * reputerShare;
}

/** `actual` f_stakers (eq. 50 as written): the share of the previous step's emission paid to reputers and
 *  validators; `fallback` when there was no previous emission. */
export function actualStakersShare(stakerRewardsPrev: number, emissionPrev: number, fallback: number): number {
  if (!(emissionPrev > 0)) return fallback;
  return stakerRewardsPrev / emissionPrev;
}

// ------------------------------------------------------------------------------------------------------------
// Distribution to validators and topics (eq. 55 to eq. 58).

/** Validators' total: f_v · E_i (`validator_rewards`); topics' total: (1 − f_v) · E_i (`topics_rewards`). */
export function emissionSplit(fV: number, emission: number): { validators: number; topics: number } {
  return { validators: fV * emission, topics: (1 - fV) * emission };
}

/** E_v,i = f_v E_i · S_v,i / Σ_v S_v,i. // eq. 55
 *  `normaliser` defaults to Σ_v S_v,i (consistent: the rewards sum to f_v E_i). The reference simulator divides by
 *  the stakes before last month's rewards were restaked (docs/tokenomics.md §6.2); pass that sum to reproduce it. */
export function validatorRewards(fV: number, emission: number, stakes: number[], normaliser?: number): number[] {
  const sum = normaliser ?? stakes.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) return stakes.map(() => 0);
  const pool = fV * emission;
  return stakes.map((s) => (pool * s) / sum);
}

/** E_t,i = (1 − f_v) E_i · w_t,i / Σ_t w_t,i. // eq. 56 (all zero when Σ w = 0) */
export function topicRewards(fV: number, emission: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) return weights.map(() => 0);
  const pool = (1 - fV) * emission;
  return weights.map((w) => (pool * w) / sum);
}

/** Target topic weight ŵ_t,i = S_t,i^μ · C_t,i^ν. // eq. 58 */
export function topicTargetWeight(stake: number, feeRevenue: number, mu: number, nu: number): number {
  return Math.pow(Math.max(0, stake), mu) * Math.pow(Math.max(0, feeRevenue), nu);
}

/** Topic weight w_t,i = α̂_t ŵ_t,i + (1 − α̂_t) w_t,i−1; in a topic's first live month w = ŵ. // eq. 57 */
export function topicWeight(alphaHat: number, target: number, prev: number | null): number {
  if (prev === null) return target;
  return alphaHat * target + (1 - alphaHat) * prev;
}

/** Effective fee revenue C after a step of `epochs` epochs (eq. 58): every epoch C loses ΔC = C / N_epochs,w
 *  (N_epochs,w epochs per week), then that epoch's fees are added; `fees` are spread evenly over the epochs.
 *  Closed form: C_K = C_0 d^K + f (1 − d^K)/(1 − d), d = 1 − 1/N_epochs,w, f = fees / K. */
export function decayedFeeRevenue(prev: number, fees: number, epochsPerWeek: number, epochs: number): number {
  const d = 1 - 1 / epochsPerWeek;
  const f = fees / epochs;
  const dK = Math.pow(d, epochs);
  const geometric = d === 1 ? epochs : (1 - dK) / (1 - d);
  return prev * dK + f * geometric;
}

// ------------------------------------------------------------------------------------------------------------
// The deployed chain's topic-level rules (docs/tokenomics.md §9): switches `topic_weight_fee` and `topic_rewards`.

/** The chain's target weight: ŵ_t = S_t^μ · (C_t / L_t)^ν — the fee revenue per block of the topic's epoch length
 *  L_t (in blocks) instead of the total of eq. 58 as written. */
export function topicTargetWeightPerEpoch(stake: number, feeRevenue: number, epochLength: number, mu: number, nu: number): number {
  return topicTargetWeight(stake, feeRevenue / epochLength, mu, nu);
}

/** The chain's topic rewards of one block: E_t = w_t / W × e_block × L_t for the topics paid in this block, where
 *  W is the stored sum of the previous weights of every active topic; when Σ_t E_t exceeds the rewards account
 *  T_r, T_r is shared in proportion to w_t L_t instead (T_r ≤ 0 pays nothing). Returns the rewards and what they
 *  total. (eq. 56 in aggregate: over a month of constant weights a topic collects (1 − f_v)·E·w_t/W.) */
export function topicRewardsPerBlock(
  blockEmission: number,
  weights: readonly number[],
  epochLengths: readonly number[],
  weightSum: number,
  rewardsAccount: number,
): { rewards: number[]; paid: number } {
  if (!(rewardsAccount > 0) || !(weightSum > 0)) return { rewards: weights.map(() => 0), paid: 0 };
  const uncapped = weights.map((w, k) => (w / weightSum) * blockEmission * epochLengths[k]);
  let total = 0;
  for (const x of uncapped) total += x;
  if (total <= rewardsAccount) return { rewards: uncapped, paid: total };
  if (weights.length === 1) return { rewards: [rewardsAccount], paid: rewardsAccount };
  let wl = 0;
  for (let k = 0; k < weights.length; k++) wl += weights[k] * epochLengths[k];
  const rewards = weights.map((w, k) => (wl > 0 ? (rewardsAccount * w * epochLengths[k]) / wl : 0));
  let paid = 0;
  for (const x of rewards) paid += x;
  return { rewards, paid };
}

// ------------------------------------------------------------------------------------------------------------
// Treasury: fees in, emission out, minting only for the shortfall (docs/tokenomics.md §7).

/** T = balance (liquid: collected fees) + unminted (what may still be minted). */
export interface Treasury {
  balance: number;
  unminted: number;
}

export function treasuryTotal(t: Treasury): number {
  return t.balance + t.unminted;
}

/** Fees go into the treasury's balance. */
export function collectFees(t: Treasury, fees: number): Treasury {
  return { balance: t.balance + fees, unminted: t.unminted };
}

/** Pays the emission from the collected balance first; only the shortfall is minted (none when the balance
 *  covers the emission). */
export function payEmission(t: Treasury, emission: number): { treasury: Treasury; fromFees: number; minted: number } {
  const fromFees = Math.min(t.balance, emission);
  const minted = emission - fromFees;
  return { treasury: { balance: t.balance - fromFees, unminted: t.unminted - minted }, fromFees, minted };
}

/** Fee revenue of a month: F_i = rate · (N_circ − N_staked) (Figure 4's 2 % of the unstaked circulating supply). */
export function feeRevenue(fees: FeeModel, circulating: number, staked: number): number {
  if (fees.model === 'none') return 0;
  return fees.rate * (circulating - staked);
}

// ------------------------------------------------------------------------------------------------------------
// The monthly holder ledger (docs/tokenomics.md §3).

export interface LedgerState {
  /** Month of the row this state closes (0 = genesis). */
  month: number;
  /** Circulating holdings per class (the treasury's is 0). */
  circulating: Record<string, number>;
  /** Holdings per class: allocation + rewards − fees paid; the treasury's is T. */
  total: Record<string, number>;
  treasury: Treasury;
  /** e_{i−1} of eq. 53; null before the first emission. */
  ePrev: number | null;
}

/** Everything a month produces (the row of the network table and the treasury flows). */
export interface MonthOutcome {
  month: number;
  /** Tokens unlocked this month per class (genesis: what circulates at genesis). */
  unlocked: Record<string, number>;
  /** N_circ and N_staked of the emission state (post-unlock, pre-reward; after the fees under 'same_month'). */
  emissionCirculating: number;
  emissionStaked: number;
  /** staked_c of the emission state, per class. */
  emissionStakedByClass: Record<string, number>;
  /** T used by eq. 49. */
  treasuryForTarget: number;
  ehatTarget: number;
  ehatMax: number;
  ehat: number;
  e: number;
  /** E_i. */
  emission: number;
  validatorRewards: number;
  topicsRewards: number;
  /** F_i into the treasury, of which paid by the modelled holders per class. */
  fees: number;
  feesByClass: Record<string, number>;
  /** Paid from the collected balance / newly minted. */
  fromFees: number;
  minted: number;
  /** Rewards credited to each class (stakers pro rata to their emission-state stake; workers' share to workers_class). */
  rewards: Record<string, number>;
  /** f_stakers used by the cap (eq. 51) and the share the ledger paid to stakers. */
  fStakersCap: number;
  fStakersLedger: number;
  /** Staking APY: (1 + f_stakers,ledger · e_i)^12 − 1. */
  apy: number;
}

export function treasuryClass(cfg: LedgerConfig): HolderClass {
  const t = cfg.classes.find((c) => c.treasury);
  if (!t) throw new Error('tokenomics: no treasury class');
  return t;
}

/** Genesis (row 0): unlocked-at-genesis holdings circulate; the treasury holds its allocation, none of it minted.
 *  Row 0 has no emission; its ê_max is ξ_max / f_stakers (eq. 51) as in the reference rows. */
export function genesisState(
  cfg: LedgerConfig,
  xiMax: number,
  fStakersCap: number,
): { state: LedgerState; outcome: MonthOutcome } {
  const circulating: Record<string, number> = {};
  const total: Record<string, number> = {};
  const unlocked: Record<string, number> = {};
  const zero: Record<string, number> = {};
  for (const c of cfg.classes) {
    const u = unlockedAmount(c, 0);
    circulating[c.name] = u;
    total[c.name] = c.allocation;
    unlocked[c.name] = u;
    zero[c.name] = 0;
  }
  const tc = treasuryClass(cfg);
  const state: LedgerState = {
    month: 0,
    circulating,
    total,
    treasury: { balance: 0, unminted: tc.allocation },
    ePrev: null,
  };
  const stakedByClass: Record<string, number> = {};
  for (const c of cfg.classes) stakedByClass[c.name] = c.treasury ? 0 : c.staked_fraction * circulating[c.name];
  const outcome: MonthOutcome = {
    month: 0,
    unlocked,
    emissionCirculating: sum(cfg.classes.map((c) => circulating[c.name])),
    emissionStaked: sum(cfg.classes.map((c) => stakedByClass[c.name])),
    emissionStakedByClass: stakedByClass,
    treasuryForTarget: tc.allocation,
    ehatTarget: 0,
    ehatMax: maxEmissionPerStakedToken(xiMax, fStakersCap),
    ehat: 0,
    e: 0,
    emission: 0,
    validatorRewards: 0,
    topicsRewards: 0,
    fees: 0,
    feesByClass: { ...zero },
    fromFees: 0,
    minted: 0,
    rewards: { ...zero },
    fStakersCap,
    fStakersLedger: 0,
    apy: 0,
  };
  return { state, outcome };
}

/** One month i ≥ 1 of the holder ledger (docs/tokenomics.md §3, in that order):
 *  unlock → emission state → target (eq. 49) → cap (eq. 50 to eq. 52) → smoothing (eq. 53) → E_i (eq. 48) → fees and
 *  treasury → split (eq. 55 and eq. 56) → rewards to the classes. `xiMax` and `fStakersCap` come from the profile
 *  switches (`yield_cap`, `f_stakers`). */
export function stepMonth(
  cfg: LedgerConfig,
  prev: LedgerState,
  xiMax: number,
  fStakersCap: number,
): { state: LedgerState; outcome: MonthOutcome } {
  const month = prev.month + 1;
  const circulating = { ...prev.circulating };
  const total = { ...prev.total };
  const holders = cfg.classes.filter((c) => !c.treasury);
  const tc = treasuryClass(cfg);

  // 1. Unlock.
  const unlocked: Record<string, number> = {};
  for (const c of cfg.classes) {
    const u = unlockedAmount(c, month);
    unlocked[c.name] = u;
    circulating[c.name] += u;
  }

  // 2. Emission state (post-unlock, pre-reward).
  let stakedByClass = stakedOf(holders, circulating);
  let nCirc = sum(holders.map((c) => circulating[c.name]));
  let nStaked = sum(holders.map((c) => stakedByClass[c.name]));

  // Fees of the month, F_i = rate · (N_circ − N_staked), each class paying on its unstaked holdings.
  const fees = feeRevenue(cfg.fees, nCirc, nStaked);
  const feesByClass: Record<string, number> = {};
  for (const c of cfg.classes) feesByClass[c.name] = 0;
  if (fees !== 0 && cfg.fees.payers === 'holders') {
    for (const c of holders) feesByClass[c.name] = cfg.fees.rate * (circulating[c.name] - stakedByClass[c.name]);
  }
  const payFees = (): void => {
    for (const c of holders) {
      circulating[c.name] -= feesByClass[c.name];
      total[c.name] -= feesByClass[c.name];
    }
  };
  let treasury = prev.treasury;
  const sameMonth = fees !== 0 && cfg.fees.timing === 'same_month';
  if (sameMonth) {
    // Holders pay first; the fees are in the treasury before this month's target.
    payFees();
    treasury = collectFees(treasury, fees);
    stakedByClass = stakedOf(holders, circulating);
    nCirc = sum(holders.map((c) => circulating[c.name]));
    nStaked = sum(holders.map((c) => stakedByClass[c.name]));
  }

  // 3–5. Target, cap, smoothing.
  const treasuryForTarget = treasuryTotal(treasury);
  const ehatTarget = targetEmissionPerStakedToken(cfg.f_e, treasuryForTarget, nCirc, nStaked, cfg.total_supply);
  const ehatMax = maxEmissionPerStakedToken(xiMax, fStakersCap);
  const ehat = cappedEmissionPerStakedToken(ehatTarget, ehatMax);
  const e = smoothedEmissionPerStakedToken(cfg.alpha_e, ehat, prev.ePrev);

  // 6. Total emission; fees in (reference timing: after the emission state), emission paid, shortfall minted.
  const emission = totalEmission(e, nStaked);
  if (fees !== 0 && !sameMonth) {
    if (cfg.fees.payers === 'holders') payFees();
    treasury = collectFees(treasury, fees);
  }
  const paid = payEmission(treasury, emission);
  treasury = paid.treasury;

  // 7. Split between validators and topics.
  const split = emissionSplit(cfg.f_v, emission);

  // 8. Holder ledger: stakers pro rata to their emission-state stake, the workers' share to workers_class.
  const fStakersLedger = stakersShare(cfg.f_v, cfg.reputer_share);
  const rewards: Record<string, number> = {};
  for (const c of cfg.classes) rewards[c.name] = 0;
  for (const c of holders) {
    rewards[c.name] = nStaked > 0 ? (fStakersLedger * emission * stakedByClass[c.name]) / nStaked : 0;
  }
  rewards[cfg.workers_class] += (1 - fStakersLedger) * emission;
  for (const c of holders) {
    circulating[c.name] += rewards[c.name];
    total[c.name] += rewards[c.name];
  }
  total[tc.name] = treasuryTotal(treasury);

  const state: LedgerState = { month, circulating, total, treasury, ePrev: e };
  const outcome: MonthOutcome = {
    month,
    unlocked,
    emissionCirculating: nCirc,
    emissionStaked: nStaked,
    emissionStakedByClass: stakedByClass,
    treasuryForTarget,
    ehatTarget,
    ehatMax,
    ehat,
    e,
    emission,
    validatorRewards: split.validators,
    topicsRewards: split.topics,
    fees,
    feesByClass,
    fromFees: paid.fromFees,
    minted: paid.minted,
    rewards,
    fStakersCap,
    fStakersLedger,
    apy: apyFromMonthlyYield(monthlyYield(fStakersLedger, e)),
  };
  return { state, outcome };
}

/** staked_c = s_c · circ_c (the treasury stakes nothing). */
export function stakedOf(classes: HolderClass[], circulating: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of classes) out[c.name] = c.treasury ? 0 : c.staked_fraction * circulating[c.name];
  return out;
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
