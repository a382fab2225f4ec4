// Mechanism parameters and the two profiles (`reference`, `whitepaper`).
// Every difference between the profiles is its own named switch (see docs/mechanism.md); a scenario
// or `--set key=value` may flip any one of them.

export type ProfileName = 'reference' | 'whitepaper';

export interface MechanismParams {
  // ---- synthesis (whitepaper §3) ----
  /** p of the potential φ_{p,c} (eqs 6–7). */
  p: number;
  /** c of the potential φ_{p,c} (eqs 6–7). */
  c: number;
  /** ε in the regret normalisation (eqs 8, 11) and the reward mapping (eq 29). */
  epsilon: number;
  /** α of the regret EMA (eq 15). */
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
  /** Network inference when there is no previous network loss (eq. 4 cannot be evaluated): 'median' of the
   *  inferences (chain, docs/synthesis.md §13) or 'regret_weights' (eqs. 9–11 over the inferers, docs/agents.md #9). */
  no_previous_loss: 'median' | 'regret_weights';
  /** Switch: cap / shift / zero guard rails on normalised regrets (docs/synthesis.md §3, D2). */
  guard_rails: boolean;
  /** Switch: confidence intervals — 'reference': 5 percentiles incl. median, no eq-16 shrink;
   *  'whitepaper': 4 percentiles with the eq-16 1/√N shrink. */
  confidence_intervals: 'reference' | 'whitepaper';

  // ---- rewards (whitepaper §4) ----
  /** p of the reward mapping (eq 29), inference task. */
  p_reward_inference: number;
  /** p of the reward mapping (eq 29), forecast task. */
  p_reward_forecast: number;
  /** c of the reward mapping (eq 29), both worker tasks. */
  c_reward: number;
  /** Switch: one-in weight f⁺ (eq 26) — 'reference': 1/2^(N_f−1); 'whitepaper': 1/2^N_f. */
  f_plus: 'reference' | 'whitepaper';
  /** Switch: σ(T) window (eq 29) — 'samples': the 10 most recent score samples;
   *  'epochs': all scores of the ΔN most recent epochs. */
  sigma_window: 'samples' | 'epochs';
  /** Size of the σ(T) window: samples (reference) or epochs ΔN (whitepaper). */
  sigma_window_size: number;
  /** Switch: σ(T) < ε — 'uniform': all mapped scores equal; 'formula': eq 29 as written. */
  sigma_below_epsilon: 'uniform' | 'formula';
  /** Switch: listening coefficients (eqs 34–35) — 'reference' or 'whitepaper' (see docs/rewards.md §5.8). */
  listening: 'reference' | 'whitepaper';
  /** λ, learning rate of the listening-coefficient ascent (eq 35). */
  lambda: number;
  /** Iteration cap of the ascent ('reference'; 'whitepaper' uses 1/λ). */
  gd_max_iters: number;
  /** Stop threshold of the ascent. */
  gd_threshold: number;
  /** Finite-difference step δ of the reference ascent. */
  gd_fd_step: number;
  /** Floor on the listened stake fraction Σ a S / Σ S (eq 35). */
  min_stake_fraction: number;
  /** ε_r of the reputer score (eq 33). */
  epsilon_reputer: number;
  /** Replaces a zero consensus norm in eq 33. */
  epsilon_consensus_norm: number;
  /** p of the reputer reward fraction (eq 36). */
  p_reward_reputer: number;
  /** α of the reward-fraction and τ EMAs (eqs 40, 44). */
  alpha_task: number;
  /** β of the modified entropy (eq 38). */
  beta: number;
  /** Entropy assigned to a class with a single participant (chain constant). */
  single_participant_entropy: number;
  /** Switch: eq 44 max — 'whitepaper': max_j T_ij as written; 'chain': max(0, max_j T_ij). */
  tau_max: 'whitepaper' | 'chain';

  // ---- tokenomics (whitepaper §5) ----
  /** Switch: monthly yield cap ξ_max — 'reference': 1.12^(1/12) − 1; 'whitepaper': 0.0095. */
  yield_cap: 'reference' | 'whitepaper';
  /** Switch: f_stakers (eqs 50–51) — 'constant': 0.5; 'actual': the stakers' share of the previous emission. */
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
> = {
  p: 3,
  c: 0.75,
  epsilon: 0.01,
  alpha: 0.1,
  epsilon_safe_div: 1e-7,
  initial_regret: 0,
  initial_regret_rule: 'simulator',
  no_previous_loss: 'median',
  p_reward_inference: 3,
  p_reward_forecast: 3,
  c_reward: 0.75,
  lambda: 0.05,
  gd_threshold: 0.001,
  gd_fd_step: 0.001,
  min_stake_fraction: 0.5,
  epsilon_reputer: 0.01,
  epsilon_consensus_norm: 1e-7,
  p_reward_reputer: 1,
  alpha_task: 0.1,
  beta: 0.25,
  single_participant_entropy: 0.173286795139986,
  tau_max: 'whitepaper',
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
  },
};

/** The switches that name profile differences (docs/mechanism.md table), in table order. */
export const PROFILE_SWITCHES = [
  'guard_rails',
  'confidence_intervals',
  'f_plus',
  'sigma_window',
  'sigma_below_epsilon',
  'listening',
  'yield_cap',
  'f_stakers',
] as const satisfies readonly (keyof MechanismParams)[];

export function isProfileName(s: string): s is ProfileName {
  return s === 'reference' || s === 'whitepaper';
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
  p: { kind: 'number', min: 0, minExclusive: true, doc: 'p of φ_{p,c}, eqs 6–7' },
  c: { kind: 'number', doc: 'c of φ_{p,c}, eqs 6–7' },
  epsilon: { kind: 'number', min: 0, minExclusive: true, doc: 'ε of eqs 8, 11, 29' },
  alpha: { kind: 'number', min: 0, max: 1, minExclusive: true, doc: 'regret EMA α, eq 15' },
  epsilon_safe_div: { kind: 'number', min: 0, doc: 'floor on Σw' },
  initial_regret: { kind: 'number', doc: 'regret of a worker a table has not seen' },
  initial_regret_rule: { kind: 'enum', values: ['fixed', 'simulator', 'chain'], doc: 'initial regret of a new worker' },
  no_previous_loss: { kind: 'enum', values: ['median', 'regret_weights'], doc: 'network inference with no previous network loss' },
  guard_rails: { kind: 'boolean', doc: 'cap/shift/zero guard rails on normalised regrets' },
  confidence_intervals: { kind: 'enum', values: ['reference', 'whitepaper'], doc: 'CI percentiles and eq-16 shrink' },
  p_reward_inference: { kind: 'number', min: 0, minExclusive: true, doc: 'eq 29 p, inference task' },
  p_reward_forecast: { kind: 'number', min: 0, minExclusive: true, doc: 'eq 29 p, forecast task' },
  c_reward: { kind: 'number', doc: 'eq 29 c' },
  f_plus: { kind: 'enum', values: ['reference', 'whitepaper'], doc: 'one-in weight f⁺, eq 26' },
  sigma_window: { kind: 'enum', values: ['samples', 'epochs'], doc: 'σ(T) window, eq 29' },
  sigma_window_size: { kind: 'number', min: 1, integer: true, doc: 'σ(T) window size' },
  sigma_below_epsilon: { kind: 'enum', values: ['uniform', 'formula'], doc: 'mapping when σ(T) < ε' },
  listening: { kind: 'enum', values: ['reference', 'whitepaper'], doc: 'listening-coefficient ascent, eq 35' },
  lambda: { kind: 'number', min: 0, minExclusive: true, doc: 'learning rate λ, eq 35' },
  gd_max_iters: { kind: 'number', min: 1, integer: true, doc: 'ascent iteration cap' },
  gd_threshold: { kind: 'number', min: 0, doc: 'ascent stop threshold' },
  gd_fd_step: { kind: 'number', min: 0, minExclusive: true, doc: 'finite-difference step δ' },
  min_stake_fraction: { kind: 'number', min: 0, max: 1, doc: 'floor on the listened stake fraction' },
  epsilon_reputer: { kind: 'number', min: 0, minExclusive: true, doc: 'ε_r, eq 33' },
  epsilon_consensus_norm: { kind: 'number', min: 0, minExclusive: true, doc: 'zero-norm guard, eq 33' },
  p_reward_reputer: { kind: 'number', min: 0, minExclusive: true, doc: 'p of eq 36' },
  alpha_task: { kind: 'number', min: 0, max: 1, minExclusive: true, doc: 'EMA α of eqs 40, 44' },
  beta: { kind: 'number', min: 0, doc: 'β of eq 38' },
  single_participant_entropy: { kind: 'number', min: 0, doc: 'entropy of a one-participant class' },
  tau_max: { kind: 'enum', values: ['whitepaper', 'chain'], doc: 'max in eq 44' },
  yield_cap: { kind: 'enum', values: ['reference', 'whitepaper'], doc: 'monthly yield cap ξ_max' },
  f_stakers: { kind: 'enum', values: ['constant', 'actual'], doc: 'f_stakers of eqs 50–51' },
};
