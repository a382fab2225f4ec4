// defecting_inferers (A12): good inferers that turn biased. Each submits truth + N(0, (quality·e_best·f_xp)²)
// (e_best the best honest inferer's error trait), and from `defect_at` on + `bias` as well. Like the honest
// synthetic inferers they are noisy observers of the world's ground truth (docs/agents.md).

import type { DefectingInferersConfig } from '../../scenario/schema.js';
import type { Inferer } from '../kinds.js';
import { resolveInferer, seatGroup, type GroupPlan, type SeatedGroup } from './plan.js';

export function defectingInferers(plan: GroupPlan<DefectingInferersConfig>): SeatedGroup {
  const c = plan.cfg;
  const eBest = resolveInferer('best', plan.honest.inferers).participant.error;
  const inferers = seatGroup(plan, c.count, (id, streams): Inferer => ({
    id,
    kind: plan.behaviour,
    submit(view) {
      const w = view.world;
      const bias = w.epoch >= c.defect_at ? c.bias : 0;
      return w.target + bias + c.quality * eBest * w.fxp * streams('noise').normal();
    },
  }));
  return { inferers };
}
