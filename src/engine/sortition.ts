// Merit-based sortition of active sets (docs/sortition.md). Not in the whitepaper: at most N registered
// participants of a class (inferers, forecasters or reputers) take part in an epoch, chosen by a quality EMA of
// their past scores; the EMAs of those left out move towards a quantile of what the active set achieved.
//
// Pure functions, no I/O, no randomness. Participants are named by string ids; the order of the `candidates`
// array is the tie-break order (earlier first). A participant with no EMA yet (a newcomer) reads as 0 in the
// draw, and its first update sets its EMA without smoothing (docs/sortition.md §3, §7).
//
// Two rules (`active_set`):
//   'simulator' — the research simulator's rows: the passive update uses the quantile of the same scores that
//                 drive the active update, and every eligible participant not scored gets it (docs/sortition.md §5);
//   'chain'     — the deployed chain: a submitter left out of the set gets its passive update at the draw, with
//                 the quantile stored at the previous scoring step (docs/sortition.md §5).
// 'off' means no active set: every submitter takes part (the caller does not call this module).

import type { MechanismParams } from './params.js';

export type ActiveSetRule = MechanismParams['active_set'];

/** Quality EMAs of one class, by participant id, and the quantile stored at the last scoring step. */
export interface SortitionState {
  ema: ReadonlyMap<string, number>;
  /** The q-quantile of the last scores ('chain' rule: read by the next passive updates); 0 before any scores. */
  savedQuantile: number;
}

export function emptySortitionState(): SortitionState {
  return { ema: new Map(), savedQuantile: 0 };
}

/** Parameters of one class: cap N (0 = no cap), quantile q ∈ [0, 1] of the passive update, EMA α. */
export interface SortitionParams {
  rule: 'simulator' | 'chain';
  cap: number;
  quantile: number;
  alpha: number;
  /** A scoring step with a single score updates nothing (the chain's inferers and forecasters: a lone worker
   *  scores 0 and gets no EMA update, docs/sortition.md §5). */
  singleNoUpdate?: boolean;
}

/** The class's sortition parameters from the mechanism parameters. */
export function sortitionParams(
  prm: Pick<
    MechanismParams,
    | 'active_set'
    | 'merit_sortition_alpha'
    | 'max_active_inferers'
    | 'max_active_forecasters'
    | 'max_active_reputers'
    | 'active_quantile_inferers'
    | 'active_quantile_forecasters'
    | 'active_quantile_reputers'
  >,
  role: 'inferers' | 'forecasters' | 'reputers',
): SortitionParams | null {
  if (prm.active_set === 'off') return null;
  const cap = { inferers: prm.max_active_inferers, forecasters: prm.max_active_forecasters, reputers: prm.max_active_reputers }[role];
  const quantile = {
    inferers: prm.active_quantile_inferers,
    forecasters: prm.active_quantile_forecasters,
    reputers: prm.active_quantile_reputers,
  }[role];
  return {
    rule: prm.active_set,
    cap,
    quantile,
    alpha: prm.merit_sortition_alpha,
    singleNoUpdate: prm.active_set === 'chain' && role !== 'reputers',
  };
}

/** The result of a draw. */
export interface Draw {
  /** The active set, best carried EMA first. */
  active: string[];
  /** Rank of every candidate by carried EMA, descending, 0 = highest (ties: earlier candidate first). */
  rank: Map<string, number>;
  /** Carried EMA of the last participant drawn (the lowest inside the set); NaN for an empty set. */
  cutoff: number;
  /** Eligible candidates left out. */
  leftOut: string[];
}

/** Carried EMA as the draw reads it: a newcomer reads 0. */
const drawEma = (ema: ReadonlyMap<string, number>, id: string): number => ema.get(id) ?? 0;

/**
 * Top-N draw by carried EMA (docs/sortition.md §2): rank all candidates by EMA, descending (ties: earlier in
 * `candidates` first), and take the first min(N, #eligible) eligible ones; N = 0 means no cap. `eligible`
 * defaults to every candidate.
 */
export function drawActiveSet(
  candidates: readonly string[],
  ema: ReadonlyMap<string, number>,
  cap: number,
  eligible: (id: string) => boolean = () => true,
): Draw {
  const order = candidates
    .map((id, i) => ({ id, i, e: drawEma(ema, id) }))
    .sort((a, b) => (b.e !== a.e ? (b.e > a.e ? 1 : -1) : a.i - b.i));
  const rank = new Map<string, number>();
  order.forEach((o, r) => rank.set(o.id, r));
  const active: string[] = [];
  const leftOut: string[] = [];
  for (const o of order) {
    if (!eligible(o.id)) continue;
    if (cap === 0 || active.length < cap) active.push(o.id);
    else leftOut.push(o.id);
  }
  const cutoff = active.length > 0 ? drawEma(ema, active[active.length - 1]) : NaN;
  return { active, rank, cutoff, leftOut };
}

/**
 * The q-quantile of the metrics by linear interpolation between order statistics (numpy's default), in the
 * two-sided form that reproduces the reference rows bit for bit (docs/sortition.md §4). 0 for no metrics.
 */
export function qualityPercentile(metrics: ArrayLike<number>, q: number): number {
  const n = metrics.length;
  if (n === 0) return 0;
  const s = Float64Array.from(metrics).sort();
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const t = h - lo;
  const d = s[hi] - s[lo];
  return t >= 0.5 ? s[hi] - d * (1 - t) : s[lo] + d * t;
}

/** One EMA step α·x + (1 − α)·E, evaluated in that order; a first EMA (E undefined) is x itself. */
export function qualityEma(x: number, prev: number | undefined, alpha: number): number {
  return prev === undefined ? x : alpha * x + (1 - alpha) * prev;
}

/** Rank of each scored participant's metric, descending, 0 = highest (ties: earlier in `scored` first). */
export function metricRanks(scored: ReadonlyMap<string, number>): Map<string, number> {
  const ids = [...scored.keys()];
  const order = ids.map((id, i) => ({ id, i, x: scored.get(id)! })).sort((a, b) => (b.x !== a.x ? (b.x > a.x ? 1 : -1) : a.i - b.i));
  return new Map(order.map((o, r) => [o.id, r]));
}

/**
 * Start of an epoch: the draw. Under 'chain' every eligible candidate left out also gets its passive update now,
 * E ← α·q_saved + (1 − α)·E (docs/sortition.md §5). Under 'simulator' nothing moves at the draw.
 */
export function selectActive(
  state: SortitionState,
  candidates: readonly string[],
  prm: SortitionParams,
  eligible?: (id: string) => boolean,
): { draw: Draw; state: SortitionState } {
  const draw = drawActiveSet(candidates, state.ema, prm.cap, eligible);
  if (prm.rule !== 'chain' || draw.leftOut.length === 0) return { draw, state };
  const ema = new Map(state.ema);
  for (const id of draw.leftOut) ema.set(id, qualityEma(state.savedQuantile, state.ema.get(id), prm.alpha));
  return { draw, state: { ema, savedQuantile: state.savedQuantile } };
}

/**
 * Scoring step: `scored` holds the quality metric of every participant scored now (the active set whose work
 * the scores judge). Active update E ← α·x + (1 − α)·E for each; q = the `prm.quantile` quantile of the scores.
 * 'simulator': every id of `passive` (eligible but not scored) gets E ← α·q + (1 − α)·E with this q.
 * 'chain': `passive` is ignored (left-out submitters were updated at the draw); q is stored for the next draws.
 */
export function scoreActive(
  state: SortitionState,
  scored: ReadonlyMap<string, number>,
  passive: readonly string[],
  prm: SortitionParams,
): { state: SortitionState; quantile: number } {
  const q = qualityPercentile([...scored.values()], prm.quantile);
  if (prm.singleNoUpdate && scored.size === 1) return { state, quantile: q };
  const ema = new Map(state.ema);
  for (const [id, x] of scored) ema.set(id, qualityEma(x, state.ema.get(id), prm.alpha));
  if (prm.rule === 'simulator')
    for (const id of passive) if (!scored.has(id)) ema.set(id, qualityEma(q, state.ema.get(id), prm.alpha));
  return { state: { ema, savedQuantile: scored.size > 0 ? q : state.savedQuantile }, quantile: q };
}

/** Everything one epoch of the reference rows reports (docs/sortition.md §5, §6). */
export interface SortitionEpoch {
  draw: Draw;
  nDrawn: number;
  cutoff: number;
  quantile: number;
  metricRank: Map<string, number>;
  state: SortitionState;
}

/**
 * One epoch of the 'simulator' rule with the quality known at once, as in the reference rows: draw by the
 * carried EMAs, read the metrics of the drawn participants (`metric(id)`), update every EMA once.
 */
export function sortitionEpoch(
  state: SortitionState,
  candidates: readonly string[],
  eligible: (id: string) => boolean,
  metric: (id: string) => number,
  prm: Omit<SortitionParams, 'rule'>,
): SortitionEpoch {
  const p: SortitionParams = { ...prm, rule: 'simulator' };
  const { draw } = selectActive(state, candidates, p, eligible);
  const scored = new Map(draw.active.map((id) => [id, metric(id)]));
  const res = scoreActive(state, scored, draw.leftOut, p);
  return {
    draw,
    nDrawn: draw.active.length,
    cutoff: draw.cutoff,
    quantile: res.quantile,
    metricRank: metricRanks(scored),
    state: res.state,
  };
}

/**
 * Forecast elements kept before admission (docs/chain.md, C8): of each forecast's elements, only those about its
 * top `maxElements` inferers by quality EMA (a newcomer reads 0; ties: lower inferer index first — the chain
 * breaks them with a seeded coin), and, if `activeInferers` is given, only those about active inferers.
 * `forecasts` is forecaster-major [k·N_i + j], NaN = no element; returns a copy with dropped elements NaN.
 * `maxElements` 0 = no cut.
 */
export function cutForecastElements(
  forecasts: Float64Array,
  nI: number,
  infererEma: ArrayLike<number>,
  maxElements: number,
  activeInferers?: ArrayLike<number>,
): Float64Array {
  const out = forecasts.slice();
  const e = (j: number): number => (Number.isNaN(infererEma[j]) ? 0 : infererEma[j]);
  const nF = nI > 0 ? out.length / nI : 0;
  for (let k = 0; k < nF; k++) {
    const base = k * nI;
    if (activeInferers) for (let j = 0; j < nI; j++) if (!activeInferers[j]) out[base + j] = NaN;
    if (maxElements === 0) continue;
    const present: number[] = [];
    for (let j = 0; j < nI; j++) if (!Number.isNaN(out[base + j])) present.push(j);
    if (present.length <= maxElements) continue;
    present.sort((a, b) => (e(b) !== e(a) ? (e(b) > e(a) ? 1 : -1) : a - b));
    for (let r = maxElements; r < present.length; r++) out[base + present[r]] = NaN;
  }
  return out;
}
