// copycat_forecasters (A8): `count` copies of one honest forecaster's forecasts + N(0, noise_dex²) per
// copied value. owner: source — extra identities of the source's own worker (the source belongs to the
// attacker; its forecasts are its own, no visibility needed); third_party — a front-runner that copies the
// source's current forecasts (needs visibility.current_submissions).

import type { CopycatForecastersConfig } from '../../scenario/schema.js';
import type { Forecaster } from '../kinds.js';
import { seatGroup, type GroupPlan, type SeatedGroup } from './plan.js';

export function copycatForecasters(plan: GroupPlan<CopycatForecastersConfig>): SeatedGroup {
  const c = plan.cfg;
  const hf = plan.honest.forecasters;
  let src = hf[0];
  if (typeof c.source === 'number') src = hf[c.source];
  else for (const f of hf) if (f.participant.context > src.participant.context) src = f;
  const srcId = src.participant.id;
  const own = c.owner === 'source';
  const forecasters = seatGroup(
    plan,
    c.count,
    (id, streams): Forecaster => ({
      id,
      kind: plan.behaviour,
      forecast(view) {
        const adv = view.adversary;
        let f: Float64Array | undefined = adv?.sourceForecasts;
        if (!own) {
          const cur = adv?.current;
          const k = cur ? cur.forecasters.indexOf(srcId) : -1;
          f = cur && k >= 0 ? cur.forecasts.subarray(k * view.inferers.length, (k + 1) * view.inferers.length) : undefined;
        }
        if (!f) return new Float64Array(view.inferers.length).fill(NaN);
        const z = streams('noise');
        return Float64Array.from(f, (v) => (c.noise_dex === 0 || Number.isNaN(v) ? v : v + c.noise_dex * z.normal()));
      },
    }),
    own ? { source: srcId, owner: `${plan.behaviour}` } : {},
  );
  return { forecasters, owns: own ? [{ role: 'forecaster', id: srcId }] : [] };
}
