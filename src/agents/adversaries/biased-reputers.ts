// biased_reputers (docs/attacks.md §2, attacks A1, A2, A4): a cabal of `count` reputers holding
// `stake_share` of the total initial stake. Each epoch every identity reports what the cabal's base gives
// (one honest-quality reputer model it runs, the exact loss, or the stake-weighted mean of the visible honest
// reports), except the favoured worker's inference loss − Δ and its one-out network loss + Δ (dex): both
// raise the worker's regret-based weight and its one-out score (eq. 22).

import type { BiasedReputersConfig } from '../../scenario/schema.js';
import { objectKey } from '../objects.js';
import { scenarioReputer } from '../reputer.js';
import type { Reputer, ReputerView } from '../kinds.js';
import { ownerStreams, resolveInferer, seatGroup, sharedReading, weightedColumnMeans, type GroupPlan, type SeatedGroup } from './plan.js';

export function biasedReputers(plan: GroupPlan<BiasedReputersConfig>): SeatedGroup {
  const c = plan.cfg;
  const { ctx } = plan;
  const target = resolveInferer(c.target, plan.honest.inferers).participant.id;
  const low = objectKey.inference(target);
  const high = objectKey.networkOneOut(target);
  const stake = (plan.honest.stake * c.stake_share) / (1 - c.stake_share) / c.count;
  const os = ownerStreams(plan);
  const model = scenarioReputer(`${plan.behaviour}:owner`, os, ctx);
  const honestReading = sharedReading(model, os);
  const base = (view: ReputerView): Float64Array => {
    if (c.base === 'truth') return Float64Array.from(view.trueLog10Loss);
    if (c.base === 'consensus') {
      const cur = view.adversary?.current;
      if (!cur) return new Float64Array(view.objects.length).fill(NaN);
      return weightedColumnMeans(cur.reports, cur.stakes, view.objects.length);
    }
    return Float64Array.from(honestReading(view));
  };
  const reputers = seatGroup(plan, c.count, (id): Reputer => ({
    id,
    kind: plan.behaviour,
    initialStake: stake,
    report(view) {
      const out = base(view);
      view.objects.forEach((k, i) => {
        if (Number.isNaN(view.trueLog10Loss[i])) out[i] = NaN;
        else if (k === low) out[i] -= c.bias_dex;
        else if (k === high) out[i] += c.bias_dex;
      });
      return out;
    },
  }));
  return { reputers };
}

/** The favoured worker of a biased cabal (for the metrics). */
export const biasedTarget = (plan: GroupPlan<BiasedReputersConfig>): string => resolveInferer(plan.cfg.target, plan.honest.inferers).participant.id;
