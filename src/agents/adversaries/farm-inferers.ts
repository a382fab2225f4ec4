// farm_inferers (A7, identity farm): `count` independent inference-only models drawn like the honest
// inferers (same trait distributions, own streams), under one owner. They never outperform (the world
// draws the outperformer among the honest inferers).

import type { FarmInferersConfig } from '../../scenario/schema.js';
import { honestInferer } from '../inferer.js';
import { seatGroup, type GroupPlan, type SeatedGroup } from './plan.js';

export function farmInferers(plan: GroupPlan<FarmInferersConfig>): SeatedGroup {
  const { ctx } = plan;
  const inferers = seatGroup(plan, plan.cfg.count, (id, streams) => ({
    ...honestInferer(id, ctx.scenario.participants.inferers, streams, ctx.base),
    kind: plan.behaviour,
  }));
  return { inferers };
}
