// Mechanism parameters and the profiles (`reference`, `whitepaper`, `chain`, `chain-latest`).
// Every difference between the profiles is its own named switch (see docs/mechanism.md and docs/chain.md); a
// scenario or `--set key=value` may flip any one of them.

export type ProfileName = 'reference' | 'whitepaper' | 'chain' | 'chain-latest';

/** Every profile name, in table order. */
export const PROFILE_NAMES = ['reference', 'whitepaper', 'chain', 'chain-latest'] as const satisfies readonly ProfileName[];

export interface MechanismParams {
  // ---- synthesis (whitepaper §3) ----
  /** p of the potential φ_{p,c} (eq. 6, eq. 7). */
  p: number;
  /** c of the potential φ_{p,c} (eq. 6, eq. 7). */
  c: number;
  /** ε in the regret normalisation (eq. 8, eq. 11) and the reward mapping (eq. 29). */
  epsilon: number;
  /** α of the regret EMA (eq. 15). */
  alpha: number;
  /** Floor on Σw in weighted means (chain EpsilonSafeDiv). */
  epsilon_safe_div: number;
  /** Regret any table reads for a worker it has not seen yet (docs/synthesis.md §12) under the 'fixed' rule, and
   *  under the other rules while no worker has a regret yet. */
  initial_regret: number;
  /** How the initial regret of a new worker is set (docs/synthesis.md §12, D10): 'fixed' = `initial_regret`;
   *  'simulator' = min + (c − 8.25/p)(population σ + ε) of the previous epoch's network regrets (reproduces the
   *  research simulator's constants); 'chain' = 25 % quantile + (c − 8.25/p)(sample σ + ε) (CalcTopicInitialRegret). */
  initial_regret_rule: 'fixed' | 'simulator' | 'chain';
  /** q of the quantile in the 'chain' initial-regret rule (chain InitialRegretQuantile, docs/chain.md C1). */
  initial_regret_quantile: number;
  /** The 8.25 of the initial-regret offset c − 8.25/p (chain PNormSafeDiv, docs/chain.md C2). Acts only there:
   *  the weight guard rails keep their constants. */
  pnorm_safe_div: number;
  /** Which regrets the 'simulator' / 'chain' initial-regret rules pool (docs/chain.md C3): 'regret_holders' = every
   *  worker with a network regret; 'experienced' = the workers of the latest loss bundle that had a regret before it
   *  and have ≥ ⌈1/α⌉ inclusions, the value stored and kept while none qualifies. */
  initial_regret_pool: 'regret_holders' | 'experienced';
  /** Scale of the regret normalisation (eq. 8, eq. 11): 'std' = σ(R) + ε; 'mad' = 1.4826·MAD(R) + ε (docs/chain.md C4). */
  regret_scale: 'std' | 'mad';
  /** Network inference when there is no previous network loss (eq. 4 cannot be evaluated): 'median' of the
   *  inferences (chain, docs/synthesis.md §13) or 'regret_weights' (eq. 9, eq. 10, eq. 11 over the inferers, docs/agents.md #9). */
  no_previous_loss: 'median' | 'regret_weights';
  /** Switch: cap / shift / zero guard rails on normalised regrets (docs/synthesis.md §3, D2). */
  guard_rails: boolean;
  /** Switch: confidence intervals — 'reference': 5 percentiles incl. median, no eq. 16 shrink;
   *  'whitepaper': 4 percentiles with the eq. 16 1/√N shrink. */
  confidence_intervals: 'reference' | 'whitepaper';

  // ---- rewards (whitepaper §4) ----
  /** p of the reward mapping (eq. 29), inference task. */
  p_reward_inference: number;
  /** p of the reward mapping (eq. 29), forecast task. */
  p_reward_forecast: number;
  /** c of the reward mapping (eq. 29), both worker tasks. */
  c_reward: number;
  /** Switch: one-in weight f⁺ (eq. 26) — 'reference': 1/2^(N_f−1); 'whitepaper': 1/2^N_f. */
  f_plus: 'reference' | 'whitepaper';
  /** Switch: σ(T) window (eq. 29) — 'samples': the 10 most recent score samples;
   *  'epochs': all scores of the ΔN most recent epochs. */
  sigma_window: 'samples' | 'epochs';
  /** Size of the σ(T) window: samples (reference) or epochs ΔN (whitepaper). */
  sigma_window_size: number;
  /** Switch: a window with more than `sigma_window_size` scores in one epoch keeps that epoch's 'first' or 'last'
   *  ones in participant order (docs/chain.md C9). */
  sigma_window_overflow: 'first' | 'last';
  /** Switch: σ(T) < ε — 'uniform': all mapped scores equal; 'formula': eq. 29 as written. */
  sigma_below_epsilon: 'uniform' | 'formula';
  /** Switch: listening coefficients (eq. 34, eq. 35) — 'reference' or 'whitepaper' (see docs/rewards.md §5.8). */
  listening: 'reference' | 'whitepaper';
  /** λ, learning rate of the listening-coefficient ascent (eq. 35). */
  lambda: number;
  /** Iteration cap of the ascent ('reference'; 'whitepaper' uses 1/λ). */
  gd_max_iters: number;
  /** Stop threshold of the ascent. */
  gd_threshold: number;
  /** Finite-difference step δ of the reference ascent. */
  gd_fd_step: number;
  /** Floor on the listened stake fraction Σ a S / Σ S (eq. 35). */
  min_stake_fraction: number;
  /** ε_r of the reputer score (eq. 33). */
  epsilon_reputer: number;
  /** Replaces a zero consensus norm in eq. 33. */
  epsilon_consensus_norm: number;
  /** p of the reputer reward fraction (eq. 36). */
  p_reward_reputer: number;
  /** α of the reward-fraction and τ EMAs (eq. 40, eq. 44). */
  alpha_task: number;
  /** β of the modified entropy (eq. 38). */
  beta: number;
  /** Entropy assigned to a class with a single participant (chain constant). */
  single_participant_entropy: number;
  /** Switch: N_eff of the entropies (eq. 41) from the 'normalised' fractions f of eq. 39 or the 'smoothed'
   *  un-normalised fractions x̃ of eq. 40 (docs/chain.md C6). */
  n_eff_source: 'normalised' | 'smoothed';
  /** Switch: eq. 44 max — 'whitepaper': max_j T_ij as written; 'chain': max(0, max_j T_ij). */
  tau_max: 'whitepaper' | 'chain';

  // ---- active sets and participation (docs/chain.md C7, C8, C13, C14; docs/sortition.md) ----
  /** Switch: active-set selection — 'off' (every submitter takes part), 'simulator' (the research simulator's
   *  merit sortition) or 'chain' (the deployed chain's). */
  active_set: 'off' | 'simulator' | 'chain';
  /** Caps on the active sets (0 = no cap); act only with `active_set` ≠ 'off'. */
  max_active_inferers: number;
  max_active_forecasters: number;
  max_active_reputers: number;
  /** Forecast elements kept per forecast, about its top inferers by quality EMA (0 = all); with `active_set` ≠ 'off'. */
  max_elements_per_forecast: number;
  /** α of the quality EMA of merit sortition. */
  merit_sortition_alpha: number;
  /** q of the passive update's quantile, per class. */
  active_quantile_inferers: number;
  active_quantile_forecasters: number;
  active_quantile_reputers: number;
  /** A reputer whose stake is below this takes no part in the epoch (chain RequiredMinimumStake), in tokens. */
  min_reputer_stake: number;
  /** Fee a worker or reputer pays per topic registration (chain RegistrationFee), in tokens. */
  registration_fee: number;
  /** Fee paid with every worker or reputer payload (chain DataSendingFee), in tokens. */
  data_sending_fee: number;

  // ---- tokenomics (whitepaper §5) ----
  /** Switch: monthly yield cap ξ_max — 'reference': 1.12^(1/12) − 1; 'whitepaper': 0.0095. */
  yield_cap: 'reference' | 'whitepaper';
  /** Switch: f_stakers (eq. 50, eq. 51) — 'constant': 0.5; 'actual': the stakers' share of the previous emission. */
  f_stakers: 'constant' | 'actual';
}

const SHARED: Omit<
  MechanismParams,
  | 'guard_rails'
  | 'confidence_intervals'
  | 'f_plus'
  | 'sigma_window'
  | 'sigma_window_size'
  | 'sigma_below_epsilon'
  | 'listening'
  | 'gd_max_iters'
  | 'yield_cap'
  | 'f_stakers'
  | 'sigma_window_overflow'
  | 'tau_max'
  | 'initial_regret_rule'
  | 'initial_regret_pool'
  | 'regret_scale'
  | 'n_eff_source'
  | 'p_reward_inference'
  | 'p_reward_forecast'
  | 'p_reward_reputer'
  | 'active_set'
  | 'max_active_inferers'
  | 'max_active_forecasters'
  | 'max_active_reputers'
  | 'max_elements_per_forecast'
  | 'active_quantile_inferers'
  | 'active_quantile_forecasters'
  | 'active_quantile_reputers'
  | 'min_reputer_stake'
  | 'registration_fee'
  | 'data_sending_fee'
> = {
  p: 3,
  c: 0.75,
  epsilon: 0.01,
  alpha: 0.1,
  epsilon_safe_div: 1e-7,
  initial_regret: 0,
  initial_regret_quantile: 0.25,
  pnorm_safe_div: 8.25,
  no_previous_loss: 'median',
  c_reward: 0.75,
  lambda: 0.05,
  gd_threshold: 0.001,
  gd_fd_step: 0.001,
  min_stake_fraction: 0.5,
  epsilon_reputer: 0.01,
  epsilon_consensus_norm: 1e-7,
  alpha_task: 0.1,
  beta: 0.25,
  single_participant_entropy: 0.173286795139986,
  merit_sortition_alpha: 0.1,
};

/** What `reference` and `whitepaper` share beyond SHARED: the paper's mechanism, no active sets, no fees. */
const PAPER = {
  sigma_window_overflow: 'first',
  tau_max: 'whitepaper',
  initial_regret_rule: 'simulator',
  initial_regret_pool: 'regret_holders',
  regret_scale: 'std',
  n_eff_source: 'normalised',
  p_reward_inference: 3,
  p_reward_forecast: 3,
  p_reward_reputer: 1,
  active_set: 'off',
  max_active_inferers: 0,
  max_active_forecasters: 0,
  max_active_reputers: 0,
  max_elements_per_forecast: 0,
  active_quantile_inferers: 0.2,
  active_quantile_forecasters: 0.2,
  active_quantile_reputers: 0.2,
  min_reputer_stake: 0,
  registration_fee: 0,
  data_sending_fee: 0,
} as const satisfies Partial<MechanismParams>;

/**
 * The deployed chain at the v0.6-era snapshot (docs/chain.md §1): every value with the chain code it follows.
 */
const CHAIN: MechanismParams = {
  ...SHARED,
  guard_rails: true, // CalcWeightFromNormalizedRegret, weight.go
  confidence_intervals: 'reference', // query server: 5 percentiles, no shrink
  f_plus: 'reference', // GetfUniqueAgg
  sigma_window: 'samples', // MaxSamplesToScaleScores
  sigma_window_size: 10, // MaxSamplesToScaleScores = 10
  sigma_window_overflow: 'last', // InsertWorkerInferenceScore keeps the last 10 inserted
  sigma_below_epsilon: 'uniform',
  listening: 'reference',
  gd_max_iters: 10,
  tau_max: 'chain',
  initial_regret_rule: 'chain', // CalcTopicInitialRegret
  initial_regret_pool: 'experienced', // GetCalcSetNetworkRegrets, isExperiencedActor
  regret_scale: 'std', // calcWeightsGivenWorkers
  n_eff_source: 'smoothed', // getInferenceOrForecastTaskEntropy: NumberRatio on x̃
  p_reward_inference: 1, // PRewardInference
  p_reward_forecast: 3, // PRewardForecast
  p_reward_reputer: 3, // PRewardReputer
  active_set: 'chain', // AppendInference / AppendForecast / AppendReputerLoss, ema_scores.go
  max_active_inferers: 32, // MaxTopInferersToReward
  max_active_forecasters: 6, // MaxTopForecastersToReward
  max_active_reputers: 6, // MaxTopReputersToReward
  max_elements_per_forecast: 12, // MaxElementsPerForecast
  active_quantile_inferers: 0.25, // ActiveInfererQuantile (migration back-fill)
  active_quantile_forecasters: 0.25, // ActiveForecasterQuantile
  active_quantile_reputers: 0.25, // ActiveReputerQuantile
  // The stake floor and fees in tokens (ALLO; the chain gives them in uallo, 1 ALLO = 1e18 uallo).
  min_reputer_stake: 1e-14, // RequiredMinimumStake 10 000 uallo
  registration_fee: 2e-16, // RegistrationFee 200 uallo
  data_sending_fee: 1e-17, // DataSendingFee 10 uallo
  yield_cap: 'whitepaper', // MaximumMonthlyPercentageYield 0.0095
  f_stakers: 'actual',
};

export const PROFILES: Record<ProfileName, MechanismParams> = {
  reference: {
    ...SHARED,
    guard_rails: true,
    confidence_intervals: 'reference',
    f_plus: 'reference',
    sigma_window: 'samples',
    sigma_window_size: 10,
    sigma_below_epsilon: 'uniform',
    listening: 'reference',
    gd_max_iters: 10,
    yield_cap: 'reference',
    f_stakers: 'constant',
    ...PAPER,
  },
  whitepaper: {
    ...SHARED,
    guard_rails: false,
    confidence_intervals: 'whitepaper',
    f_plus: 'whitepaper',
    sigma_window: 'epochs',
    sigma_window_size: 10,
    sigma_below_epsilon: 'formula',
    listening: 'whitepaper',
    gd_max_iters: 20,
    yield_cap: 'whitepaper',
    f_stakers: 'actual',
    ...PAPER,
  },
  chain: CHAIN,
  // The later revision (docs/chain.md §1, `chain-latest`): MAD regret scale, weights without guard rails
  // (φ′(x̂)/φ′(x̂_max), CalcWeightFromNormalizedRegret), reward exponents back to 3 / 3 / 1 (DefaultParams v10).
  'chain-latest': {
    ...CHAIN,
    regret_scale: 'mad', // CalcRegretScalePlusEpsilon
    guard_rails: false,
    p_reward_inference: 3,
    p_reward_forecast: 3,
    p_reward_reputer: 1,
  },
};

/** The switches in which the profiles differ (docs/mechanism.md and docs/chain.md §1): the paper's, then the chain's. */
export const PROFILE_SWITCHES = [
  'guard_rails',
  'confidence_intervals',
  'f_plus',
  'sigma_window',
  'sigma_below_epsilon',
  'listening',
  'yield_cap',
  'f_stakers',
  'gd_max_iters',
  'sigma_window_overflow',
  'tau_max',
  'initial_regret_rule',
  'initial_regret_pool',
  'regret_scale',
  'n_eff_source',
  'p_reward_inference',
  'p_reward_forecast',
  'p_reward_reputer',
  'active_set',
  'max_active_inferers',
  'max_active_forecasters',
  'max_active_reputers',
  'max_elements_per_forecast',
  'active_quantile_inferers',
  'active_quantile_forecasters',
  'active_quantile_reputers',
  'min_reputer_stake',
  'registration_fee',
  'data_sending_fee',
] as const satisfies readonly (keyof MechanismParams)[];

export function isProfileName(s: string): s is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(s);
}

export function profileParams(name: ProfileName): MechanismParams {
  return { ...PROFILES[name] };
}

/** Allowed values / ranges of every mechanism parameter, for validation and `--help`. */
export type ParamSpec =
  | { kind: 'number'; min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean; integer?: boolean; doc: string }
  | { kind: 'boolean'; doc: string }
  | { kind: 'enum'; values: readonly string[]; doc: string };

export const PARAM_SPECS: Record<keyof MechanismParams, ParamSpec> = {
  p: { kind: 'number', min: 0, minExclusive: true, doc: 'p of φ_{p,c}, eq. 6, eq. 7' },
  c: { kind: 'number', doc: 'c of φ_{p,c}, eq. 6, eq. 7' },
  epsilon: { kind: 'number', min: 0, minExclusive: true, doc: 'ε of eq. 8, eq. 11, eq. 29' },
  alpha: { kind: 'number', min: 0, max: 1, minExclusive: true, doc: 'regret EMA α, eq. 15' },
  epsilon_safe_div: { kind: 'number', min: 0, doc: 'floor on Σw' },
  initial_regret: { kind: 'number', doc: 'regret of a worker a table has not seen' },
  initial_regret_rule: { kind: 'enum', values: ['fixed', 'simulator', 'chain'], doc: 'initial regret of a new worker' },
  initial_regret_quantile: { kind: 'number', min: 0, max: 1, doc: "quantile q of the 'chain' initial-regret rule (InitialRegretQuantile)" },
  pnorm_safe_div: { kind: 'number', min: 0, minExclusive: true, doc: 'the 8.25 of the initial-regret offset c − 8.25/p (PNormSafeDiv)' },
  initial_regret_pool: { kind: 'enum', values: ['regret_holders', 'experienced'], doc: 'regrets pooled by the initial-regret rule' },
  regret_scale: { kind: 'enum', values: ['std', 'mad'], doc: 'regret scale of eq. 8, eq. 11: σ + ε or 1.4826·MAD + ε' },
  no_previous_loss: { kind: 'enum', values: ['median', 'regret_weights'], doc: 'network inference with no previous network loss' },
  guard_rails: { kind: 'boolean', doc: 'cap/shift/zero guard rails on normalised regrets' },
  confidence_intervals: { kind: 'enum', values: ['reference', 'whitepaper'], doc: 'CI percentiles and eq. 16 shrink' },
  p_reward_inference: { kind: 'number', min: 0, minExclusive: true, doc: 'eq. 29 p, inference task' },
  p_reward_forecast: { kind: 'number', min: 0, minExclusive: true, doc: 'eq. 29 p, forecast task' },
  c_reward: { kind: 'number', doc: 'eq. 29 c' },
  f_plus: { kind: 'enum', values: ['reference', 'whitepaper'], doc: 'one-in weight f⁺, eq. 26' },
  sigma_window: { kind: 'enum', values: ['samples', 'epochs'], doc: 'σ(T) window, eq. 29' },
  sigma_window_size: { kind: 'number', min: 1, integer: true, doc: 'σ(T) window size' },
  sigma_window_overflow: { kind: 'enum', values: ['first', 'last'], doc: 'scores kept from an epoch with more than the σ(T) window' },
  sigma_below_epsilon: { kind: 'enum', values: ['uniform', 'formula'], doc: 'mapping when σ(T) < ε' },
  listening: { kind: 'enum', values: ['reference', 'whitepaper'], doc: 'listening-coefficient ascent, eq. 35' },
  lambda: { kind: 'number', min: 0, minExclusive: true, doc: 'learning rate λ, eq. 35' },
  gd_max_iters: { kind: 'number', min: 1, integer: true, doc: 'ascent iteration cap' },
  gd_threshold: { kind: 'number', min: 0, doc: 'ascent stop threshold' },
  gd_fd_step: { kind: 'number', min: 0, minExclusive: true, doc: 'finite-difference step δ' },
  min_stake_fraction: { kind: 'number', min: 0, max: 1, doc: 'floor on the listened stake fraction' },
  epsilon_reputer: { kind: 'number', min: 0, minExclusive: true, doc: 'ε_r, eq. 33' },
  epsilon_consensus_norm: { kind: 'number', min: 0, minExclusive: true, doc: 'zero-norm guard, eq. 33' },
  p_reward_reputer: { kind: 'number', min: 0, minExclusive: true, doc: 'p of eq. 36' },
  alpha_task: { kind: 'number', min: 0, max: 1, minExclusive: true, doc: 'EMA α of eq. 40, eq. 44' },
  beta: { kind: 'number', min: 0, doc: 'β of eq. 38' },
  single_participant_entropy: { kind: 'number', min: 0, doc: 'entropy of a one-participant class' },
  tau_max: { kind: 'enum', values: ['whitepaper', 'chain'], doc: 'max in eq. 44' },
  n_eff_source: { kind: 'enum', values: ['normalised', 'smoothed'], doc: 'fractions N_eff of eq. 41 is taken from' },
  active_set: { kind: 'enum', values: ['off', 'simulator', 'chain'], doc: 'active-set selection (merit sortition)' },
  max_active_inferers: { kind: 'number', min: 0, integer: true, doc: 'cap on active inferers (0 = none)' },
  max_active_forecasters: { kind: 'number', min: 0, integer: true, doc: 'cap on active forecasters (0 = none)' },
  max_active_reputers: { kind: 'number', min: 0, integer: true, doc: 'cap on active reputers (0 = none)' },
  max_elements_per_forecast: { kind: 'number', min: 0, integer: true, doc: 'forecast elements kept, by inferer EMA (0 = all)' },
  merit_sortition_alpha: { kind: 'number', min: 0, max: 1, minExclusive: true, doc: 'α of the sortition quality EMA' },
  active_quantile_inferers: { kind: 'number', min: 0, max: 1, doc: 'quantile of the inferers\' passive EMA update' },
  active_quantile_forecasters: { kind: 'number', min: 0, max: 1, doc: 'quantile of the forecasters\' passive EMA update' },
  active_quantile_reputers: { kind: 'number', min: 0, max: 1, doc: 'quantile of the reputers\' passive EMA update' },
  min_reputer_stake: { kind: 'number', min: 0, doc: 'stake floor of a reputer (RequiredMinimumStake)' },
  registration_fee: { kind: 'number', min: 0, doc: 'fee per registration (RegistrationFee)' },
  data_sending_fee: { kind: 'number', min: 0, doc: 'fee per payload (DataSendingFee)' },
  yield_cap: { kind: 'enum', values: ['reference', 'whitepaper'], doc: 'monthly yield cap ξ_max' },
  f_stakers: { kind: 'enum', values: ['constant', 'actual'], doc: 'f_stakers of eq. 50, eq. 51' },
};
