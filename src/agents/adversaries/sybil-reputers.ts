// sybil_reputers (reputer sybil, C7 for the reputer class): one attacker with `stake_share` of the total
// initial stake, split equally over `identities`. The attacker runs one honest-quality reputer model (traits,
// noise and EMA drawn like an honest reputer's, from its owner streams); every identity reports that reading
// + N(0, noise_dex²) from its own stream.

import type { SybilReputersConfig } from '../../scenario/schema.js';
import { scenarioReputer } from '../reputer.js';
import type { Reputer } from '../kinds.js';
import { ownerStreams, seatGroup, sharedReading, type GroupPlan, type SeatedGroup } from './plan.js';

export function sybilReputers(plan: GroupPlan<SybilReputersConfig>): SeatedGroup {
  const c = plan.cfg;
  const { ctx } = plan;
  const stake = (plan.honest.stake * c.stake_share) / (1 - c.stake_share) / c.identities;
  const os = ownerStreams(plan);
  const model = scenarioReputer(`${plan.behaviour}:owner`, os, ctx);
  const reading = sharedReading(model, os);
  const reputers = seatGroup(plan, c.identities, (id, streams): Reputer => ({
    id,
    kind: plan.behaviour,
    initialStake: stake,
    report(view) {
      const r = reading(view);
      if (c.noise_dex === 0) return Float64Array.from(r);
      const z = streams('noise');
      return Float64Array.from(r, (v) => (Number.isNaN(v) ? NaN : v + c.noise_dex * z.normal()));
    },
  }));
  return { reputers };
}
