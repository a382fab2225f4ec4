// colluding_forecasters (A9, C17): forecasters that forecast the favoured inferer as best: log10 loss
// `favoured_log_loss` for it and `others_log_loss` for every other present inferer.

import type { ColludingForecastersConfig } from '../../scenario/schema.js';
import type { Forecaster } from '../kinds.js';
import { resolveInferer, seatGroup, type GroupPlan, type SeatedGroup } from './plan.js';

export function colludingForecasters(plan: GroupPlan<ColludingForecastersConfig>): SeatedGroup {
  const c = plan.cfg;
  const fav = resolveInferer(c.favour, plan.honest.inferers).participant.id;
  const forecasters = seatGroup(plan, c.count, (id): Forecaster => ({
    id,
    kind: plan.behaviour,
    forecast: (view) => Float64Array.from(view.inferers, (j) => (j === fav ? c.favoured_log_loss : c.others_log_loss)),
  }));
  return { forecasters };
}

export const colludingFavourite = (plan: GroupPlan<ColludingForecastersConfig>): string =>
  resolveInferer(plan.cfg.favour, plan.honest.inferers).participant.id;
