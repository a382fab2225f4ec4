// copycat_inferers (A6, A11): inferers that copy. previous_network submits I_{i−1} (public); current_best
// the best honest inferer's submission of this epoch (best = smallest error trait, which the published
// losses reveal within a few epochs); current_median the median honest submission. The current_* modes need
// visibility.current_submissions (the loader refuses them otherwise). + N(0, noise²) from the own stream.

import type { CopycatInferersConfig } from '../../scenario/schema.js';
import type { Inferer } from '../kinds.js';
import { resolveInferer, seatGroup, type GroupPlan, type SeatedGroup } from './plan.js';

function median(xs: number[]): number {
  const v = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const h = v.length >> 1;
  return v.length % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

export function copycatInferers(plan: GroupPlan<CopycatInferersConfig>): SeatedGroup {
  const c = plan.cfg;
  const best = resolveInferer('best', plan.honest.inferers).participant.id;
  const inferers = seatGroup(plan, c.count, (id, streams): Inferer => ({
    id,
    kind: plan.behaviour,
    submit(view) {
      let v: number;
      if (c.copy === 'previous_network') v = view.previousNetworkInference;
      else {
        const cur = view.adversary?.current;
        if (!cur) v = NaN;
        else if (c.copy === 'current_best') v = cur.inferences[cur.inferers.indexOf(best)];
        else v = median(Array.from(cur.inferences));
      }
      if (c.noise === 0 || Number.isNaN(v)) return v;
      return v + c.noise * streams('noise').normal();
    },
  }));
  return { inferers };
}
