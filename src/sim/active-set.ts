// Merit-based sortition of active sets in the epoch loop (docs/sortition.md, docs/chain.md C7, C14): with
// `active_set` ≠ off, each epoch at most N inferers, forecasters and reputers take part, chosen among those
// who submit by the quality EMA of their past scores (src/engine/sortition.ts). Participants left out are
// absent for the engine that epoch (their submissions are NaN). Quality is the engine's own score of each
// class — inferer score (eq. 22), forecaster score (eq. 23), reputer score (eq. 33) — applied to the set
// that was drawn for the work those scores judge.

import type { MechanismParams } from '../engine/params.js';
import {
  emptySortitionState,
  scoreActive,
  selectActive,
  sortitionParams,
  type SortitionParams,
  type SortitionState,
} from '../engine/sortition.js';

export interface ClassSortition {
  prm: SortitionParams;
  state: SortitionState;
}

export type ActiveRole = 'inferers' | 'forecasters' | 'reputers';

/** One class's sortition, or null when `active_set` is off. */
export function classSortition(prm: MechanismParams, role: ActiveRole): ClassSortition | null {
  const p = sortitionParams(prm, role);
  return p ? { prm: p, state: emptySortitionState() } : null;
}

/**
 * The draw of an epoch: `submitted[i]` says whether roster member `ids[i]` submitted. Returns the new state
 * and the active mask over the roster (1 = takes part).
 */
export function drawActive(c: ClassSortition, ids: readonly string[], submitted: (i: number) => boolean): { c: ClassSortition; active: Uint8Array } {
  const candidates = ids.filter((_, i) => submitted(i));
  const { draw, state } = selectActive(c.state, candidates, c.prm);
  const on = new Set(draw.active);
  return { c: { ...c, state }, active: Uint8Array.from(ids, (id) => (on.has(id) ? 1 : 0)) };
}

/**
 * The scoring step: `scores[i]` is roster member i's score (NaN = not scored), `drawn[i]` the mask of the
 * draw those scores judge, `submitted[i]` who was a candidate then (the passive update reaches those left out).
 */
export function scoreDrawn(c: ClassSortition, ids: readonly string[], scores: ArrayLike<number>, drawn: Uint8Array, submitted: Uint8Array): ClassSortition {
  const scored = new Map<string, number>();
  const passive: string[] = [];
  ids.forEach((id, i) => {
    if (drawn[i] && !Number.isNaN(scores[i])) scored.set(id, scores[i]);
    else if (submitted[i] && !drawn[i]) passive.push(id);
  });
  return { ...c, state: scoreActive(c.state, scored, passive, c.prm).state };
}

/** Quality EMA of each roster member (NaN = none yet), for the forecast-element cut. */
export function emaOf(c: ClassSortition, ids: readonly string[]): Float64Array {
  return Float64Array.from(ids, (id) => c.state.ema.get(id) ?? NaN);
}

/** The three classes' sortition and the draws the next scoring step judges. */
export interface ActiveSets {
  inferers: ClassSortition | null;
  forecasters: ClassSortition | null;
  reputers: ClassSortition | null;
  /** The last epoch's draws of inferers and forecasters (masks over the roster: who was a candidate, who was
   *  drawn): the next epoch's rewards score the work of that epoch. */
  lastInferers: { submitted: Uint8Array; drawn: Uint8Array } | null;
  lastForecasters: { submitted: Uint8Array; drawn: Uint8Array } | null;
}

export function activeSets(prm: MechanismParams): ActiveSets | null {
  if (prm.active_set === 'off') return null;
  return {
    inferers: classSortition(prm, 'inferers'),
    forecasters: classSortition(prm, 'forecasters'),
    reputers: classSortition(prm, 'reputers'),
    lastInferers: null,
    lastForecasters: null,
  };
}
