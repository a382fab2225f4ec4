// sybil_inferers (A5, A6): one model under `identities` identities. The source is an honest inferer (it
// keeps submitting as before and now belongs to the attacker); each extra identity submits the source's
// inference of this epoch + N(0, (noise·σ_j)²), σ_j = the source's error this epoch (f_xp·e_j, × the
// outperformance factor when it outperforms).

import type { SybilInferersConfig } from '../../scenario/schema.js';
import type { Inferer } from '../kinds.js';
import { resolveInferer, seatGroup, type GroupPlan, type SeatedGroup } from './plan.js';

export function sybilInferers(plan: GroupPlan<SybilInferersConfig>): SeatedGroup {
  const c = plan.cfg;
  const src = resolveInferer(c.source, plan.honest.inferers).participant;
  const factor = plan.ctx.scenario.participants.inferers.outperform_factor;
  const inferers = seatGroup(
    plan,
    c.identities - 1,
    (id, streams): Inferer => ({
      id,
      kind: plan.behaviour,
      submit(view) {
        const v = view.adversary?.sourceInference ?? NaN;
        if (c.noise === 0 || Number.isNaN(v)) return v;
        const w = view.world;
        const sigma = (w.outperformer === src.id ? w.fxp * factor : w.fxp) * src.error;
        return v + c.noise * sigma * streams('noise').normal();
      },
    }),
    { source: src.id },
  );
  return { inferers, owns: [{ role: 'inferer', id: src.id }] };
}
