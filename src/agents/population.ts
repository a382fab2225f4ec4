// The participants of a scenario, seated through the kind registry: N_i inferers, N_f forecasters, N_r
// reputers (identities `0, 1, …` within each role; the paper's worker k runs inferer k and forecaster k) and
// the world. Each identity draws from its own streams (rng.ts): `inferer/<id>`, `forecaster/<id>`,
// `reputer/<id>`, `world`.

import { activeBehaviours, type Scenario } from '../scenario/schema.js';
import type { Forecaster, Inferer, Reputer, Seated } from './kinds.js';
import type { HonestForecaster } from './forecaster.js';
import type { HonestInferer } from './inferer.js';
import type { HonestReputer } from './reputer.js';
import { ADVERSARY_KINDS, KINDS, type KindContext, type Role } from './registry.js';
import { identityStreams } from './rng.js';
import { createWorld, type WorldProcess } from './world.js';

export interface Population {
  world: WorldProcess;
  inferers: Seated<Inferer>[];
  forecasters: Seated<Forecaster>[];
  reputers: Seated<Reputer>[];
  /** Ebar = emission.per_stake × Σ initial honest stakes (attacker stake does not raise the emission). */
  meanEmission: number;
}

export type PopulationConfig = Pick<Scenario, 'participants' | 'switches' | 'ground_truth' | 'emission'> & Partial<Pick<Scenario, 'adversaries'>>;

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
  const honestStake = reputers.reduce((a, r) => a + r.participant.initialStake, 0);
  const meanEmission = s.emission.per_stake * honestStake;
  const world = createWorld(s, identityStreams(seed, 'world'), meanEmission);
  const pop: Population = { world, inferers, forecasters, reputers, meanEmission };
  seatAdversaries(pop, s, seed, ctx, honestStake);
  return pop;
}

/** Appends the identities of every active adversary behaviour (docs/attacks.md §2) after the honest ones,
 *  in ADVERSARY_BEHAVIOURS order, and marks the honest identities they own. */
function seatAdversaries(pop: Population, s: PopulationConfig, seed: number | string, ctx: KindContext, honestStake: number): void {
  const a = s.adversaries;
  if (!a) return;
  const honest = {
    inferers: pop.inferers.slice() as Seated<HonestInferer>[],
    forecasters: pop.forecasters.slice() as Seated<HonestForecaster>[],
    reputers: pop.reputers.slice() as Seated<HonestReputer>[],
    stake: honestStake,
  };
  for (const b of activeBehaviours(a)) {
    const g = ADVERSARY_KINDS[b]({ behaviour: b, cfg: a[b] as never, adversaries: a, ctx, seed, honest });
    pop.inferers.push(...(g.inferers ?? []));
    pop.forecasters.push(...(g.forecasters ?? []));
    pop.reputers.push(...(g.reputers ?? []));
    for (const o of g.owns ?? []) {
      const list: Seated<Inferer | Forecaster>[] = o.role === 'inferer' ? pop.inferers : pop.forecasters;
      const seat = list.find((x) => x.participant.id === o.id && !x.actor);
      if (seat) seat.actor = { group: b, owner: b, adversary: false, joinAt: 1, leaveAt: 0 };
    }
  }
}
