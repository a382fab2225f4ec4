// The participant kinds by scenario key. A new kind is one module (a factory returning an Inferer,
// Forecaster or Reputer) plus its entry here; the population (population.ts) seats participants from the
// scenario through this table.

import type { Forecaster, Inferer, Reputer } from './kinds.js';
import type { Streams } from './rng.js';
import type { Scenario } from '../scenario/schema.js';
import { honestInferer } from './inferer.js';
import { honestForecaster } from './forecaster.js';
import { scenarioReputer } from './reputer.js';
import type { AdversaryBehaviour } from '../scenario/schema.js';
import type { AdversaryFactory } from './adversaries/plan.js';
import { biasedReputers } from './adversaries/biased-reputers.js';
import { lazyReputers } from './adversaries/lazy-reputers.js';
import { sybilReputers } from './adversaries/sybil-reputers.js';
import { sybilInferers } from './adversaries/sybil-inferers.js';
import { copycatInferers } from './adversaries/copycat-inferers.js';
import { farmInferers } from './adversaries/farm-inferers.js';
import { colludingForecasters } from './adversaries/colluding-forecasters.js';
import { copycatForecasters } from './adversaries/copycat-forecasters.js';
import { defectingInferers } from './adversaries/defecting-inferers.js';
import { outlierInferers } from './adversaries/outlier-inferers.js';

/** What a factory is given besides its identity and streams. */
export interface KindContext {
  scenario: Pick<Scenario, 'participants' | 'switches'>;
  /** Base of the log-normal draws (10, or e under ln_reading) and the factor to dex. */
  base: number;
  toDex: number;
}

export type Role = 'inferer' | 'forecaster' | 'reputer';

export interface KindRegistry {
  inferer: Record<string, (id: string, streams: Streams, ctx: KindContext) => Inferer>;
  forecaster: Record<string, (id: string, streams: Streams, ctx: KindContext) => Forecaster>;
  reputer: Record<string, (id: string, streams: Streams, ctx: KindContext) => Reputer>;
}

export const KINDS: KindRegistry = {
  inferer: {
    honest: (id, streams, { scenario, base }) => honestInferer(id, scenario.participants.inferers, streams, base),
  },
  forecaster: {
    honest: (id, streams, { scenario, base, toDex }) =>
      honestForecaster(id, scenario.participants.forecasters, scenario.participants.inferers.outperform_factor, streams, {
        base,
        toDex,
        // The paper's worker k runs both inferer k and forecaster k.
        ownInferer: id,
        fcOutperf: scenario.switches.fc_outperf,
        sharedNoise: scenario.switches.unaware_shared_noise,
      }),
  },
  reputer: {
    honest: (id, streams, ctx) => scenarioReputer(id, streams, ctx),
  },
};

/** The adversary behaviours by their `adversaries:` key (docs/attacks.md §2): each module seats its group of
 *  identities from the behaviour's section. */
export const ADVERSARY_KINDS: Record<AdversaryBehaviour, AdversaryFactory> = {
  biased_reputers: biasedReputers as AdversaryFactory,
  lazy_reputers: lazyReputers as AdversaryFactory,
  sybil_reputers: sybilReputers as AdversaryFactory,
  sybil_inferers: sybilInferers as AdversaryFactory,
  copycat_inferers: copycatInferers as AdversaryFactory,
  farm_inferers: farmInferers as AdversaryFactory,
  colluding_forecasters: colludingForecasters as AdversaryFactory,
  copycat_forecasters: copycatForecasters as AdversaryFactory,
  defecting_inferers: defectingInferers as AdversaryFactory,
  outlier_inferers: outlierInferers as AdversaryFactory,
};
