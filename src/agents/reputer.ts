// The synthetic reputer of §3.3 (docs/agents.md): it reports, for each object of the previous epoch, its own
// EMA (weight α_m) of noisy readings t + b_m + e_m z of the object's true log10 loss t — on the log10 loss,
// or on the linear loss under rep_ema_linear; α_m = 1 under rep_ema_none. The EMA is kept per object key, so
// it follows the same object across epochs; a missing object is reported as NaN and leaves its EMA as it
// was. Traits come from the identity's `traits` stream, the noise of object o from its stream
// `noise/<object key>` (one draw per epoch in which the object is present).

import type { ParticipantsConfig, Scenario } from '../scenario/schema.js';
import type { Reputer, ReputerView } from './kinds.js';
import { logNormal } from './inferer.js';
import type { Rng, Streams } from './rng.js';

export interface HonestReputer extends Reputer {
  /** Logarithmic error e_m, in dex. */
  readonly error: number;
  /** Logarithmic bias b_m, in dex. */
  readonly bias: number;
  /** α_m (capped at 1); the EMA applies 1 under rep_ema_none. */
  readonly alpha: number;
}

export interface ReputerOptions {
  base: number;
  toDex: number;
  emaNone: boolean;
  emaLinear: boolean;
}

export function honestReputer(id: string, cfg: ParticipantsConfig['reputers'], streams: Streams, o: ReputerOptions): HonestReputer {
  const t = streams('traits');
  const error = logNormal(t, cfg.error_log_mean, cfg.error_log_dispersion, o.base) * o.toDex;
  const bias = cfg.bias_dispersion * t.normal() * o.toDex;
  const alpha = Math.min(1, logNormal(t, cfg.alpha_log_mean, cfg.alpha_log_dispersion, o.base));
  const initialStake = Math.pow(10, cfg.stake_log_mean + cfg.stake_log_dispersion * streams('stake').normal());
  const a = o.emaNone ? 1 : alpha;
  // EMA per object key; `vals` holds those of the current object list (NaN = not seen yet) and is written
  // back to the map when the list changes. Noise streams likewise follow the list.
  const ema = new Map<string, number>();
  let lastObjects: readonly string[] | null = null;
  let vals = new Float64Array(0);
  let noise: Rng[] = [];
  // The report, rewritten in place every epoch (the Reputer contract: callers copy it).
  let out = new Float64Array(0);
  return {
    id,
    kind: 'honest',
    error,
    bias,
    alpha,
    initialStake,
    report(view: ReputerView, s: Streams): Float64Array {
      if (view.objects !== lastObjects) {
        lastObjects?.forEach((k, i) => Number.isNaN(vals[i]) || ema.set(k, vals[i]));
        lastObjects = view.objects;
        vals = Float64Array.from(view.objects, (k) => ema.get(k) ?? NaN);
        noise = view.objects.map((k) => s(`noise/${k}`));
      }
      const n = view.objects.length;
      if (out.length !== n) out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const t = view.trueLog10Loss[i];
        if (!Number.isFinite(t)) {
          out[i] = NaN;
          continue;
        }
        const noisy = t + bias + error * noise[i].normal();
        const prev = vals[i];
        if (o.emaLinear) {
          const lin = Math.pow(10, noisy);
          vals[i] = Number.isNaN(prev) ? lin : a * lin + (1 - a) * prev;
          out[i] = Math.log10(vals[i]);
        } else {
          vals[i] = Number.isNaN(prev) ? noisy : a * noisy + (1 - a) * prev;
          out[i] = vals[i];
        }
      }
      return out;
    },
  };
}

/** The paper's reputer as a scenario seats it: its traits' laws and switches from the scenario. */
export function scenarioReputer(
  id: string,
  streams: Streams,
  ctx: { scenario: Pick<Scenario, 'participants' | 'switches'>; base: number; toDex: number },
): HonestReputer {
  return honestReputer(id, ctx.scenario.participants.reputers, streams, {
    base: ctx.base,
    toDex: ctx.toDex,
    emaNone: ctx.scenario.switches.rep_ema_none,
    emaLinear: ctx.scenario.switches.rep_ema_linear,
  });
}
