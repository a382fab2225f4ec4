// The participants of a scenario, seated through the kind registry: N_i inferers, N_f forecasters, N_r
// reputers (identities `0, 1, …` within each role; the paper's worker k runs inferer k and forecaster k) and
// the world. Each identity draws from its own streams (rng.ts): `inferer/<id>`, `forecaster/<id>`,
// `reputer/<id>`, `world`.

import type { Scenario } from '../scenario/schema.js';
import type { Forecaster, Inferer, Reputer, Seated } from './kinds.js';
import { KINDS, type KindContext, type Role } from './registry.js';
import { identityStreams } from './rng.js';
import { createWorld, type WorldProcess } from './world.js';

export interface Population {
  world: WorldProcess;
  inferers: Seated<Inferer>[];
  forecasters: Seated<Forecaster>[];
  reputers: Seated<Reputer>[];
  /** Ebar = emission.per_stake × Σ initial stakes. */
  meanEmission: number;
}

export type PopulationConfig = Pick<Scenario, 'participants' | 'switches' | 'ground_truth' | 'emission'>;

export function createPopulation(s: PopulationConfig, seed: number | string): Population {
  const ctx: KindContext = {
    scenario: s,
    base: s.switches.ln_reading ? Math.E : 10,
    toDex: s.switches.ln_reading ? 1 / Math.LN10 : 1, // logarithmic errors/biases are in nats under ln_reading
  };
  function seat<P>(role: Role, count: number, make: (id: string, streams: ReturnType<typeof identityStreams>) => P): Seated<P>[] {
    return Array.from({ length: count }, (_, i) => {
      const id = String(i);
      const streams = identityStreams(seed, `${role}/${id}`);
      return { participant: make(id, streams), streams };
    });
  }
  const p = s.participants;
  const inferers = seat('inferer', p.inferers.count, (id, st) => KINDS.inferer.honest(id, st, ctx));
  const forecasters = seat('forecaster', p.forecasters.count, (id, st) => KINDS.forecaster.honest(id, st, ctx));
  const reputers = seat('reputer', p.reputers.count, (id, st) => KINDS.reputer.honest(id, st, ctx));
  const meanEmission = s.emission.per_stake * reputers.reduce((a, r) => a + r.participant.initialStake, 0);
  const world = createWorld(s, identityStreams(seed, 'world'), meanEmission);
  return { world, inferers, forecasters, reputers, meanEmission };
}
