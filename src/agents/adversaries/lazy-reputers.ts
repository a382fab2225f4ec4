// lazy_reputers (A3, the analogue of weight copying): reputers that do not evaluate. stale_consensus
// re-submits the losses ℓ (eq. 14) published in the previous epoch for the same objects (an object seen for
// the first time has none: not reported); current_mean submits the plain mean of this epoch's honest reports
// (only when they are visible before the window closes).

import type { LazyReputersConfig } from '../../scenario/schema.js';
import type { Reputer } from '../kinds.js';
import { seatGroup, weightedColumnMeans, type GroupPlan, type SeatedGroup } from './plan.js';

export function lazyReputers(plan: GroupPlan<LazyReputersConfig>): SeatedGroup {
  const c = plan.cfg;
  const nH = plan.honest.reputers.length;
  const stake = c.stake_share === 0 ? plan.honest.stake / nH : (plan.honest.stake * c.stake_share) / (1 - c.count * c.stake_share);
  const reputers = seatGroup(plan, c.count, (id): Reputer => ({
    id,
    kind: plan.behaviour,
    initialStake: stake,
    report(view) {
      const n = view.objects.length;
      const adv = view.adversary;
      if (c.copy === 'current_mean') {
        const cur = adv?.current;
        return cur ? weightedColumnMeans(cur.reports, cur.stakes, n, false) : new Float64Array(n).fill(NaN);
      }
      return Float64Array.from(view.objects, (k, i) => (Number.isNaN(view.trueLog10Loss[i]) ? NaN : (adv?.published.get(k) ?? NaN)));
    },
  }));
  return { reputers };
}
