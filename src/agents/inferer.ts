// The synthetic inferer of §3.3 (docs/agents.md): inference = Y + μ + σ z with σ = s·e_j, μ = s·b_j, where
// s = f_xp (eq. 20), × outperform_factor for this epoch's outperformer; e_j log-normal, b_j normal, both
// drawn once from the identity's `traits` stream; z from its `noise` stream, one draw per epoch.

import type { ParticipantsConfig } from '../scenario/schema.js';
import type { Inferer, World, WorkerView } from './kinds.js';
import type { Rng, Streams } from './rng.js';

export interface HonestInferer extends Inferer {
  /** e_j, target units (before f_xp and outperformance). */
  readonly error: number;
  /** b_j, target units. */
  readonly bias: number;
  /** σ² + μ² of this epoch's inference (what `fc_expected` forecasters perturb). */
  expectedSquaredError(world: World): number;
}

/** 10^(μ + σz), or e^(μ + σz) under ln_reading. */
export const logNormal = (r: Rng, mu: number, sigma: number, base: number): number => Math.pow(base, mu + sigma * r.normal());

export function honestInferer(id: string, cfg: ParticipantsConfig['inferers'], streams: Streams, base: number): HonestInferer {
  const t = streams('traits');
  const error = logNormal(t, cfg.error_log_mean, cfg.error_log_dispersion, base);
  const bias = cfg.bias_dispersion * t.normal();
  const scale = (w: World): number => (w.outperformer === id ? w.fxp * cfg.outperform_factor : w.fxp);
  return {
    id,
    kind: 'honest',
    error,
    bias,
    submit(view: WorkerView, s: Streams): number {
      const k = scale(view.world);
      return view.world.target + k * bias + k * error * s('noise').normal();
    },
    expectedSquaredError(w: World): number {
      const k = scale(w);
      return (k * error) ** 2 + (k * bias) ** 2;
    },
  };
}
