// The epoch loop's state and its typed record of one epoch. `step` (step.ts) advances the state and
// returns the record; observers (tables.ts, metrics.ts) read records and never advance anything.

import type { World } from '../agents/index.js';
import type { ActiveSets } from './active-set.js';
import type { ObjectLayout, RegretState, SynthesisResult } from '../engine/synthesis.js';
import type { EpochRewardOutputs, RewardState } from '../engine/rewards.js';

export interface SimState {
  /** The last epoch stepped (0 before the first). */
  epoch: number;
  /** Regrets and network loss carried into the next synthesis (eq. 15). */
  regrets: RegretState;
  /** Listening coefficients, smoothed fractions, τ, score history carried into the next rewards. */
  rewardState: RewardState;
  /** Reputer stakes in force (eq. 37 updates them after every rewarded epoch). */
  stakes: Float64Array;
  /** Keys and true log10 losses of the previous epoch's objects (what reputers report next). */
  previousObjects: readonly string[] | null;
  previousTrueLoss: Float64Array | null;
  previousNetworkInference: number;
  /** Rewards run from the first epoch whose reports cover every object (docs/agents.md #10). */
  rewardsStarted: boolean;
  /** The losses ℓ (eq. 14) published in the last epoch (aligned with the roster's objects), or null. */
  publishedLosses: Float64Array | null;
  /** Which roster participants took part in the last epoch (inferers, forecasters), or null before the first. */
  present: { inferers: Uint8Array; forecasters: Uint8Array } | null;
  /** Merit sortition of the active sets (active_set ≠ off; src/sim/active-set.ts), or null. */
  sortition: ActiveSets | null;
}

/** Everything that happened in one epoch, by name. Arrays are aligned with the roster lists. */
export interface EpochRecord {
  epoch: number;
  world: World;
  /** Identities of the roster (absent ones submit NaN). */
  inferers: readonly string[];
  forecasters: readonly string[];
  reputers: readonly string[];
  /** I_j, aligned with `inferers`. */
  inferences: Float64Array;
  /** log10 forecasted losses, N_f × N_i, forecaster-major. */
  forecasts: Float64Array;
  /** The synthesis of this epoch (eqs. 3–19) with the previous epoch's state. */
  synthesis: SynthesisResult;
  layout: ObjectLayout;
  /** Keys (agents/objects.ts), values and true log10 losses against this epoch's ground truth of the
   *  objects of this epoch, in the engine's layout. */
  objects: readonly string[];
  objectValues: Float64Array;
  trueLog10Loss: Float64Array;
  /** Reports of the previous epoch's objects, N_r × N_obj (null in the first epoch). */
  reports: Float64Array | null;
  /** Their stake-weighted losses ℓ (eq. 14). */
  networkLosses: Float64Array | null;
  /** Reputer stakes in force during this epoch (before this epoch's growth). */
  stakes: Float64Array;
  /** Rewards of this epoch (null before rewards start). */
  rewards: EpochRewardOutputs | null;
  /** Topic emission E of this epoch (null when no rewards ran). */
  emission: number | null;
  /** Which roster participants took part this epoch (1) or not (0). */
  present: { inferers: Uint8Array; forecasters: Uint8Array; reputers: Uint8Array };
}
