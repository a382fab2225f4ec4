// What every column of a tokenomics run's tables holds (src/sim/tokenomics-job.ts writes them from the rows of
// src/sim/tokenomics.ts, whose quantities src/engine/tokenomics.ts computes): unit, meaning and the whitepaper
// equations it comes from (§5, numbers 48–58; docs/tokenomics.md settles what the text leaves open). The data
// dictionary (docs/data-dictionary.md) is generated from this registry, and its test checks that every column a
// run writes has an entry here. The holder-class columns of the network table are documented once, as the
// pattern `<class>_tokens_…`.

import type { ColumnDoc } from './tables.js';
import { MONTH, TOPIC_COLUMNS, TREASURY_COLUMNS, VALIDATOR_COLUMNS } from './tokenomics.js';

export interface TokenomicsColumnDoc extends ColumnDoc {
  /** Numbers of the whitepaper equations the quantity comes from (empty: none applies). */
  eqs: readonly number[];
}

export interface TokenomicsTableDoc {
  name: string;
  description: string;
  /** From which month rows appear, and why a cell can be empty. */
  filled: string;
  columns: readonly TokenomicsColumnDoc[];
}

/** The placeholder of a holder class's name in the network table's column pattern. */
export const CLASS_PLACEHOLDER = '<class>';

const col = (name: string, unit: string, meaning: string, eqs: readonly number[] = []): TokenomicsColumnDoc => ({ name, unit, meaning, eqs });

const SEED = col('seed', '—', 'the run seed: it drives the topic and validator populations (the seeds of `run --seeds N` derive from the base seed `--seed`)');
const SETUP = col('setup', '—', 'the setup (`tokenomics.setups[].name`; `default` for a file without setups); the setups of a run share the seed’s population draws');
const MONTH_COL = col(MONTH, 'month', 'calendar month i; 0 is genesis (the reference table calls this column `epoch`)');

const ALLO = 'ALLO';
const PER_STAKED = 'ALLO per staked ALLO per month';

/** tokenomics.csv: `[seed,] setup, month`, the network and every holder class, the emission chain, the APY. */
export const NETWORK_TABLE_DOC: TokenomicsTableDoc = {
  name: 'tokenomics.csv',
  description:
    'The network table: one row per setup and month with the supply of the network and of every holder class, the monthly emission and its split, and the staking APY (the reference table’s columns and order, then `apy`).',
  filled:
    'months 0 (genesis) … months − 1 for every setup. Month 0 has no emission: `ehat_target_i`, `ehat_i`, `e_i`, `validator_rewards`, `topics_rewards` and `apy` are 0 there and `ehat_max_i` is ξ_max / f_stakers. The table does not depend on the seed when every setup has f_stakers = constant: it is then written once, by the first seed (once per grid point in a sweep), without a `seed` column; otherwise every seed writes its rows with `seed` first (`summary.json` → `network_table` says which). A holder-class cell is empty for a setup that does not have that class (setups may differ in their classes; the columns are the union)',
  columns: [
    SEED,
    SETUP,
    MONTH_COL,
    col('network_tokens_total', ALLO, 'Σ over the holder classes of `<class>_tokens_total` (the treasury’s T included): N_total, plus any fees paid from outside the holders (`fees.payers: external`)'),
    col('network_tokens_emission', ALLO, 'tokens that entered circulation this month: every class’s vesting unlock plus the reward emission E_i (the treasury class’s entry); at genesis what circulates from the start', [48]),
    col('network_tokens_circulating', ALLO, 'Σ of the classes’ circulating holdings at the end of the month (after this month’s rewards and fees)'),
    col('network_tokens_staked', ALLO, 'Σ of the classes’ staked tokens s_c · circ_c at the end of the month (after this month’s rewards)'),
    col(`${CLASS_PLACEHOLDER}_tokens_total`, ALLO, 'holdings of the class at the end of the month: allocation (locked part included) + rewards received − fees paid; for the treasury class (`treasury: true`, `ecosystem` in the defaults) the treasury T = balance + unminted (as `treasury.csv` → `treasury_total`)'),
    col(`${CLASS_PLACEHOLDER}_tokens_emission`, ALLO, 'tokens of the class unlocked by its vesting this month (at genesis: what circulates from the start); for the treasury class the month’s reward emission E_i = e_i · N_staked (N_staked of the emission state: after the unlock, before the rewards)', [48]),
    col(`${CLASS_PLACEHOLDER}_tokens_circulating`, ALLO, 'circulating holdings circ_c of the class at the end of the month: unlocked tokens + rewards received − fees paid; 0 for the treasury class'),
    col(`${CLASS_PLACEHOLDER}_tokens_staked`, ALLO, 'staked tokens s_c · circ_c of the class at the end of the month (s_c its `staked_fraction`); 0 for the treasury class'),
    col('ehat_target_i', PER_STAKED, 'target emission per staked token ê_target,i = f_e · T · N_circ / (N_staked · N_total), with T the treasury before this month’s emission and N_circ, N_staked of the emission state (after the unlock, before the rewards)', [49]),
    col('ehat_max_i', PER_STAKED, 'largest emission per staked token the yield cap allows: ê_max,i = ξ_max / f_stakers (f_stakers of the cap, `treasury.csv` → `f_stakers`)', [50, 51]),
    col('ehat_i', PER_STAKED, 'capped target ê_i = min(ê_target,i, ê_max,i)', [52]),
    col('e_i', PER_STAKED, 'smoothed emission per staked token e_i = α_e ê_i + (1 − α_e) e_i−1; e_1 = ê_1 (no prior in the first month)', [53]),
    col('validator_rewards', ALLO, 'the validators’ part of the emission, f_v · E_i, shared among the validators in proportion to stake (`validators.csv`)', [55]),
    col('topics_rewards', ALLO, 'the topics’ part of the emission, (1 − f_v) · E_i, shared among the topics by weight (`topics.csv`)', [56]),
    col('apy', '— (per year)', 'staking APY (1 + ξ_i)^12 − 1 of the monthly yield ξ_i = f_stakers · e_i, with f_stakers = f_v + (1 − f_v) · reputer_share, the share the holder ledger pays to stakers (0.12 = 12 %)', [50]),
  ],
};

const TOPIC_DOCS: Record<(typeof TOPIC_COLUMNS)[number], TokenomicsColumnDoc> = {
  month: MONTH_COL,
  topic_id: col('topic_id', '—', 'the topic: 0 is the strategic topic (§5.3 fee cabal, `topics.strategic`), honest topics are numbered from 1 in order of creation'),
  topic_strategic: col('topic_strategic', '0/1', '1 for the strategic topic, else 0'),
  topic_months_live: col('topic_months_live', 'months', 'months the topic has been active, this month included (1 in its first month)'),
  topic_epoch_length: col('topic_epoch_length', 'blocks', 'its epoch length L_t (drawn per topic when `topics.epoch_length` min < max; acts under `topic_weight_fee: per_epoch`)'),
  topic_n_workers: col('topic_n_workers', 'workers', 'workers in the topic this month (after this month’s joins and leaves)'),
  topic_n_reputers: col('topic_n_reputers', 'reputers', 'reputers in the topic this month (after this month’s joins and leaves)'),
  topic_total_stake: col('topic_total_stake', ALLO, 'S_t,i: Σ of its reputers’ stakes this month, before this month’s rewards are restaked', [58]),
  topic_fees_paid: col('topic_fees_paid', ALLO, 'fees paid to the topic this month: the pay-what-you-want consumer payments (with a fee model on, the treasury inflow F_i shared in proportion to them); for the strategic topic its `wash_fee`'),
  topic_total_fee_revenue: col('topic_total_fee_revenue', ALLO, 'effective fee revenue C_t,i after the month: every epoch C loses C / N_epochs,w, and the month’s fees are spread evenly over its epochs', [58]),
  topic_target_weight: col('topic_target_weight', '—', 'target weight ŵ_t,i = S_t,i^μ · C_t,i^ν (`topic_weight_fee: total`) or S_t,i^μ · (C_t,i / L_t)^ν (`per_epoch`, the chain’s rule)', [58]),
  topic_weights: col('topic_weights', '—', 'weight w_t,i = α̂_t ŵ_t,i + (1 − α̂_t) w_t,i−1 (w = ŵ in the topic’s first month), α̂_t the monthly EMA weight converted from `alpha_t` per week', [54, 57]),
  topic_rewards: col('topic_rewards', ALLO, 'the topic’s reward E_t,i this month: (1 − f_v) E_i · w_t,i / Σ_t w_t,i (`topic_rewards: share`), or the chain’s per-block rule in its monthly aggregate, paid from the rewards account (`per_block`, docs/tokenomics.md §9)', [56]),
  topic_reputer_rewards: col('topic_reputer_rewards', ALLO, 'its reputers’ share, reputer_share · E_t,i; honest reputers restake it pro rata to stake (next month’s S_t), the strategic topic takes it out'),
};

const VALIDATOR_DOCS: Record<(typeof VALIDATOR_COLUMNS)[number], TokenomicsColumnDoc> = {
  month: MONTH_COL,
  validator_id: col('validator_id', '—', 'the validator, numbered from 1 in order of joining'),
  validator_months_live: col('validator_months_live', 'months', 'months the validator has been active, this month included'),
  validator_stake: col('validator_stake', ALLO, 'its stake S_v,i this month, before this month’s reward is restaked', [55]),
  validator_rewards: col('validator_rewards', ALLO, 'its reward E_v,i = f_v E_i · S_v,i / Σ_v S_v,i (`validators.normaliser: stale` divides by the stakes before last month’s rewards instead, as the reference simulator does); restaked', [55]),
};

const TREASURY_DOCS: Record<(typeof TREASURY_COLUMNS)[number], TokenomicsColumnDoc> = {
  month: MONTH_COL,
  fees: col('fees', ALLO, 'fee revenue F_i into the treasury this month: `fees.rate` · (N_circ − N_staked) of the emission state under `fees.model: unstaked_fraction`, 0 under `none` (collected after this month’s target under `fees.timing: next_month`, before it under `same_month`)'),
  paid_from_fees: col('paid_from_fees', ALLO, 'the part of the emission E_i paid from the treasury’s collected fee balance'),
  minted: col('minted', ALLO, 'the part of E_i newly minted (what the fee balance did not cover): E_i − paid_from_fees'),
  treasury_balance: col('treasury_balance', ALLO, 'collected fees not yet paid out, at the end of the month'),
  treasury_unminted: col('treasury_unminted', ALLO, 'the treasury allocation not yet minted, at the end of the month'),
  treasury_total: col('treasury_total', ALLO, 'the treasury T = balance + unminted at the end of the month (the T of next month’s target)', [49]),
  f_stakers: col('f_stakers', '—', 'f_stakers of the yield cap this month: `f_stakers: constant` f_v + (1 − f_v) · reputer_share; `actual` the validator and reputer rewards paid last month ÷ last month’s E_i (the constant in month 1 and at genesis)', [50, 51]),
  xi_max: col('xi_max', 'per month', 'ξ_max, the monthly yield cap: `xi_max` when set, else (1 + apy_cap)^(1/12) − 1 (`yield_cap: reference`) or `mpy_cap_text` (`whitepaper`)', [51]),
  apy_cap: col('apy_cap', '— (per year)', 'the APY of the cap, (1 + ξ_max)^12 − 1'),
  staked_fraction: col('staked_fraction', '—', 'network_tokens_staked ÷ network_tokens_circulating at the end of the month (after the rewards); 0 when nothing circulates'),
  n_active_topics: col('n_active_topics', 'topics', 'topics active this month, the strategic topic included (0 at genesis)'),
  all_topic_weight_sum: col('all_topic_weight_sum', '—', 'Σ of the active topics’ weights w_t,i', [57]),
  topic_rewards_paid: col('topic_rewards_paid', ALLO, 'Σ of the rewards paid to topics this month (Σ of `topics.csv` → `topic_rewards`)', [56]),
  rewards_account: col('rewards_account', ALLO, 'under `topic_rewards: per_block`: what is left in the topic rewards account after the month (the month’s topic emission tops it up, the unpaid part carries over); 0 under `share`'),
  n_active_validators: col('n_active_validators', 'validators', 'validators active this month (0 at genesis)'),
  all_validator_stake_sum: col('all_validator_stake_sum', ALLO, 'Σ of the validators’ stakes S_v,i this month, before this month’s rewards are restaked', [55]),
  validator_rewards_paid: col('validator_rewards_paid', ALLO, 'Σ of the rewards paid to validators this month (= f_v · E_i with `validators.normaliser: consistent`; more with `stale`)', [55]),
};

const perRunTable = (name: string, description: string, filled: string, docs: Record<string, TokenomicsColumnDoc>, columns: readonly string[]): TokenomicsTableDoc => ({
  name,
  description,
  filled,
  columns: [SEED, SETUP, ...columns.map((c) => docs[c])],
});

export const TOPICS_TABLE_DOC = perRunTable(
  'topics.csv',
  'One row per active topic per month and setup: its population, fees, weight and reward (whitepaper §5; docs/tokenomics.md §6.1, §9, §10).',
  'months ≥ 1 (no topic exists at genesis), every seed; the strategic topic, when enabled, is the first row of each month; no cell is empty',
  TOPIC_DOCS,
  TOPIC_COLUMNS,
);

export const VALIDATORS_TABLE_DOC = perRunTable(
  'validators.csv',
  'One row per active validator per month and setup: its stake and reward.',
  'months ≥ 1 (no validator exists at genesis), every seed; no cell is empty',
  VALIDATOR_DOCS,
  VALIDATOR_COLUMNS,
);

export const TREASURY_TABLE_DOC = perRunTable(
  'treasury.csv',
  'One row per month and setup: fees, minting and the treasury, the cap’s inputs, and the sums over the topic and validator populations.',
  'months 0 (genesis) … months − 1, every seed; at genesis the flows and the population sums are 0; no cell is empty',
  TREASURY_DOCS,
  TREASURY_COLUMNS,
);

/** The documented tables of a tokenomics run, in the order a run writes them. */
export const TOKENOMICS_TABLE_DOCS: readonly TokenomicsTableDoc[] = [NETWORK_TABLE_DOC, TOPICS_TABLE_DOC, VALIDATORS_TABLE_DOC, TREASURY_TABLE_DOC];

/** The entry of a written column of a tokenomics table (`classes`: the holder-class names of the run's setups,
 *  which the `<class>_tokens_…` pattern stands for), or undefined when the registry has none. */
export function tokenomicsColumnDoc(table: string, column: string, classes: readonly string[]): TokenomicsColumnDoc | undefined {
  const t = TOKENOMICS_TABLE_DOCS.find((d) => d.name === table);
  if (!t) return undefined;
  const exact = t.columns.find((c) => c.name === column && !c.name.includes(CLASS_PLACEHOLDER));
  if (exact) return exact;
  for (const cls of classes) {
    if (!column.startsWith(`${cls}_`)) continue;
    const pattern = `${CLASS_PLACEHOLDER}${column.slice(cls.length)}`;
    const hit = t.columns.find((c) => c.name === pattern);
    if (hit) return hit;
  }
  return undefined;
}
