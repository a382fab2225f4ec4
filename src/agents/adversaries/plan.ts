// What an adversary module is given to seat its identities, and the helpers they share. Every adversary
// identity draws from its own streams `adv/<behaviour>/<i>` (the owner's shared model from
// `adv/<behaviour>/owner`), so attackers never change an honest participant's draws (rng.ts).

import type { AdversariesConfig, AdversaryBehaviour, InfererRef } from '../../scenario/schema.js';
import type { Actor, Forecaster, Inferer, Reputer, ReputerView, Seated } from '../kinds.js';
import type { HonestInferer } from '../inferer.js';
import type { HonestForecaster } from '../forecaster.js';
import type { HonestReputer } from '../reputer.js';
import type { KindContext } from '../registry.js';
import { identityStreams, type Streams } from '../rng.js';

export interface GroupPlan<C> {
  behaviour: AdversaryBehaviour;
  /** The behaviour's own section. */
  cfg: C;
  adversaries: AdversariesConfig;
  ctx: KindContext;
  seed: number | string;
  honest: {
    inferers: readonly Seated<HonestInferer>[];
    forecasters: readonly Seated<HonestForecaster>[];
    reputers: readonly Seated<HonestReputer>[];
    /** Σ initial honest stakes. */
    stake: number;
  };
}

export interface SeatedGroup {
  inferers?: Seated<Inferer>[];
  forecasters?: Seated<Forecaster>[];
  reputers?: Seated<Reputer>[];
  /** Honest identities that belong to the attacker (the source of a sybil or of owner copies). */
  owns?: { role: 'inferer' | 'forecaster'; id: string }[];
}

export type AdversaryFactory = (plan: GroupPlan<never>) => SeatedGroup;

/** Identity of the i-th identity of a behaviour. */
export const advId = (b: AdversaryBehaviour, i: number): string => `${b}:${i}`;

/** Seats `count` identities of a behaviour with their own streams and actor record. */
export function seatGroup<P>(
  plan: GroupPlan<{ join_at: number; leave_at: number }>,
  count: number,
  make: (id: string, streams: Streams, i: number) => P,
  extra: Partial<Actor> = {},
): Seated<P>[] {
  return Array.from({ length: count }, (_, i) => {
    const id = advId(plan.behaviour, i);
    const streams = identityStreams(plan.seed, `adv/${plan.behaviour}/${i}`);
    const actor: Actor = {
      group: plan.behaviour,
      owner: plan.behaviour,
      adversary: true,
      joinAt: plan.cfg.join_at,
      leaveAt: plan.cfg.leave_at,
      ...extra,
    };
    return { participant: make(id, streams, i), streams, actor };
  });
}

/** The owner's streams (one model shared by all identities of a behaviour). */
export const ownerStreams = (plan: GroupPlan<unknown>): Streams => identityStreams(plan.seed, `adv/${plan.behaviour}/owner`);

/** The honest inferer `ref` names: best / worst by error trait (ties: the lower index) or an index. */
export function resolveInferer(ref: InfererRef, inferers: readonly Seated<HonestInferer>[]): Seated<HonestInferer> {
  if (typeof ref === 'number') return inferers[ref];
  let pick = inferers[0];
  for (const s of inferers) {
    const e = s.participant.error;
    if (ref === 'best' ? e < pick.participant.error : e > pick.participant.error) pick = s;
  }
  return pick;
}

/** A reputer model shared by several identities: `read(view)` is computed once per epoch (the first
 *  identity to report triggers it) and returned to every identity. */
export function sharedReading(model: Reputer, streams: Streams): (view: ReputerView) => Float64Array {
  let epoch = -1;
  let last: Float64Array = new Float64Array(0);
  return (view) => {
    if (view.epoch !== epoch) {
      epoch = view.epoch;
      last = model.report(view, streams);
    }
    return last;
  };
}

/** Stake-weighted mean of each column of `reports` (rows = reputers), skipping missing reports. */
export function weightedColumnMeans(reports: Float64Array, stakes: Float64Array, nObj: number, weighted = true): Float64Array {
  const out = new Float64Array(nObj);
  for (let o = 0; o < nObj; o++) {
    let sw = 0;
    let s = 0;
    for (let m = 0; m < stakes.length; m++) {
      const v = reports[m * nObj + o];
      if (Number.isNaN(v)) continue;
      const w = weighted ? stakes[m] : 1;
      sw += w;
      s += w * v;
    }
    out[o] = sw > 0 ? s / sw : NaN;
  }
  return out;
}
