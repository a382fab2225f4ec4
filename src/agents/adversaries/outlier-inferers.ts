// outlier_inferers (A13): inferers that submit truth + offset from join_at on (garbage that the regret
// weights and guard rails must keep out of the network inference).

import type { OutlierInferersConfig } from '../../scenario/schema.js';
import type { Inferer } from '../kinds.js';
import { seatGroup, type GroupPlan, type SeatedGroup } from './plan.js';

export function outlierInferers(plan: GroupPlan<OutlierInferersConfig>): SeatedGroup {
  const c = plan.cfg;
  const inferers = seatGroup(plan, c.count, (id): Inferer => ({
    id,
    kind: plan.behaviour,
    submit: (view) => view.world.target + c.offset,
  }));
  return { inferers };
}
