// The synthetic forecaster of §3.3 (docs/agents.md): for each present inferer j it forecasts the log10 loss
//   f_ctx·(log A_j + n1) + (1 − f_ctx)·(log A'_j + n2),   n = s·β_k + s·e_k z,
// where A_j is the inferer's actual loss this epoch, A'_j the loss a context-unaware forecaster expects (the
// outperformer's loss without its ×outperform_factor, i.e. × 1/f²), f_ctx = σ[a(x − b)] (eq. 21), s = f_xp
// (× outperform_factor for the outperforming worker's own forecaster under fc_outperf). Traits come from the
// identity's `traits` stream; the two normals for inferer j from its stream `noise/<j>`, so adding an
// inferer never changes the forecasts of the others.

import type { ParticipantsConfig } from '../scenario/schema.js';
import type { Forecaster, ForecasterView } from './kinds.js';
import { logNormal } from './inferer.js';
import type { Rng, Streams } from './rng.js';

/** eq. 21: f_context = σ[a(x − b)] = 1 / (1 + e^(−a(x − b))). */
export function contextSensitivity(x: number, a = 10, b = 0.5): number {
  return 1 / (1 + Math.exp(-a * (x - b)));
}

export interface HonestForecaster extends Forecaster {
  /** Logarithmic error e_k, in dex (converted from nats under ln_reading). */
  readonly error: number;
  /** Logarithmic bias β_k, in dex. */
  readonly bias: number;
  /** The uniform draw x of eq. 21. */
  readonly x: number;
  /** f_context = σ[a(x − b)]. */
  readonly context: number;
}

export interface ForecasterOptions {
  base: number;
  /** Factor from the configured log unit to dex (1/ln 10 under ln_reading). */
  toDex: number;
  /** Identity of the inferer run by the same worker (fc_outperf), or null. */
  ownInferer: string | null;
  fcOutperf: boolean;
  sharedNoise: boolean;
}

export function honestForecaster(
  id: string,
  cfg: ParticipantsConfig['forecasters'],
  outperformFactor: number,
  streams: Streams,
  o: ForecasterOptions,
): HonestForecaster {
  const t = streams('traits');
  const error = logNormal(t, cfg.error_log_mean, cfg.error_log_dispersion, o.base) * o.toDex;
  const bias = cfg.bias_dispersion * t.normal() * o.toDex;
  const x = t.uniform();
  const context = contextSensitivity(x, cfg.context_a, cfg.context_b);
  const unawareShift = -2 * Math.log10(outperformFactor); // log10(A / f²) − log10(A)
  // Noise streams per inferer, kept aligned with the view's inferer list while it is the same array.
  let lastInferers: readonly string[] | null = null;
  let noise: Rng[] = [];
  return {
    id,
    kind: 'honest',
    error,
    bias,
    x,
    context,
    forecast(view: ForecasterView, s: Streams): Float64Array {
      if (view.inferers !== lastInferers) {
        lastInferers = view.inferers;
        noise = view.inferers.map((j) => s(`noise/${j}`));
      }
      const w = view.world;
      const scale = o.fcOutperf && o.ownInferer !== null && w.outperformer === o.ownInferer ? w.fxp * outperformFactor : w.fxp;
      const beta = scale * bias;
      const err = scale * error;
      const n = view.inferers.length;
      const out = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        const r = noise[j];
        const z1 = r.normal();
        const z2 = r.normal();
        const n1 = beta + err * z1;
        const n2 = o.sharedNoise ? n1 : beta + err * z2;
        const aware = view.actualLog10Loss[j];
        const unaware = view.inferers[j] === w.outperformer ? aware + unawareShift : aware;
        out[j] = context * (aware + n1) + (1 - context) * (unaware + n2);
      }
      return out;
    },
  };
}
