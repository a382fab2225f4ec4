// The world of the §3.3 experiment: the ground truth process, the experience factor (eq. 20), the
// outperforming inferer of each epoch and the topic emission of Figure 3. It draws from the `world`
// identity's own streams.

import type { Scenario } from '../scenario/schema.js';
import type { World } from './kinds.js';
import type { Streams } from './rng.js';

/** eq. 20 generalised: f_xp(i) = floor + (1 − floor)·e^(−rate·i); the paper's ½(1 + e^(−0.03 i)). */
export function experienceFactor(epoch: number, rate = 0.03, floor = 0.5): number {
  return floor + (1 - floor) * Math.exp(-rate * epoch);
}

export interface WorldProcess {
  /** Advances to `epoch` (integers ≥ 1, strictly increasing) and returns its state; `inferers` are the
   *  identities among which the outperformer is drawn. */
  advance(epoch: number, inferers: readonly string[]): World;
  /** The topic emission E_t of `epoch` (integer ≥ 1); a pure function of the seed and the epoch. */
  emission(epoch: number): number;
}

export function createWorld(s: Pick<Scenario, 'ground_truth' | 'emission' | 'participants'>, streams: Streams, meanEmission: number): WorldProcess {
  const gt = s.ground_truth;
  const em = s.emission;
  const cx = s.participants.experience;
  const rTruth = streams('truth');
  const rOut = streams('outperformer');
  const rEm = streams('emission');
  let y = gt.initial;
  let last = 0;

  function advance(epoch: number, inferers: readonly string[]): World {
    if (!Number.isInteger(epoch) || epoch <= last) throw new RangeError(`world: epochs must be increasing integers ≥ 1 (got ${epoch} after ${last})`);
    last = epoch;
    if (gt.model === 'ar1') y = gt.rho * y + gt.sigma * rTruth.normal();
    else if (gt.model === 'randomwalk') y = y + gt.sigma * rTruth.normal();
    else y = 0;
    const u = rOut.uniform();
    const n = inferers.length;
    const outperformer = n > 0 ? inferers[Math.min(n - 1, Math.floor(u * n))] : null;
    return { epoch, target: y, fxp: experienceFactor(epoch, cx.rate, cx.floor), outperformer };
  }

  // x_1 ~ N(0, s²), x_t = ρ x_{t−1} + s√(1−ρ²) z_t; E_t = Ebar·exp(x_t − s²/2) (mean Ebar).
  const xs: number[] = [];
  const innov = em.s * Math.sqrt(Math.max(0, 1 - em.rho * em.rho));
  function emission(epoch: number): number {
    if (!Number.isInteger(epoch) || epoch < 1) throw new RangeError(`emission: epoch must be an integer ≥ 1 (got ${epoch})`);
    if (em.model === 'constant') return meanEmission;
    while (xs.length < epoch) {
      const z = rEm.normal();
      xs.push(xs.length === 0 ? em.s * z : em.rho * xs[xs.length - 1] + innov * z);
    }
    return meanEmission * Math.exp(xs[epoch - 1] - (em.s * em.s) / 2);
  }

  return { advance, emission };
}
