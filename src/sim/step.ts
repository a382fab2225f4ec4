// One epoch of the whitepaper's experiment (§3.3, §4): participants submit → synthesis → true losses →
// reports of the previous epoch's objects → losses and regrets → rewards → stake growth.
//
// Timing follows the reference rows (docs/agents.md): epoch i synthesises with the state of epoch i−1, and
// the losses of epoch i−1's objects are reported in epoch i. Rewards (and emission) start at the first epoch
// whose reports cover every object (docs/agents.md #10).

import type { AdversaryReputerView, AdversaryWorkerView, ForecasterView, HonestInferer, Population, ReputerView, Seated, WorkerView } from '../agents/index.js';
import { isPresent, objectKeys } from '../agents/index.js';
import type { MechanismParams } from '../engine/params.js';
import {
  emptyRegretState,
  objectLayout,
  objectValues,
  stakeWeightedLosses,
  synthesize,
  updateRegrets,
} from '../engine/synthesis.js';
import { computeEpochRewards, initialRewardState } from '../engine/rewards.js';
import { cutForecastElements } from '../engine/sortition.js';
import { activeSets, drawActive, emaOf, scoreDrawn } from './active-set.js';
import { copyInto, float64Views } from '../engine/arrays.js';
import type { EpochRecord, SimState } from './record.js';

export interface StepParams {
  mechanism: MechanismParams;
  /** docs/agents.md #9 alternative: a surrogate first network loss (median forecasted log loss). */
  bootstrapSurrogateFirst: boolean;
  /** docs/agents.md: forecasters perturb the inferers' expected squared error instead of the realized one. */
  fcExpected: boolean;
  /** What adversaries see of the current epoch (docs/attacks.md §2); default: nothing. */
  visibility?: { currentSubmissions: boolean; currentReports: boolean };
}

const MIN_LOSS = 1e-300;

/** log10 squared error of a value against the truth (NaN when the value is missing). */
export const log10Loss = (v: number, y: number): number => Math.log10(Math.max((v - y) * (v - y), MIN_LOSS));

export function initialState(pop: Population): SimState {
  const nI = pop.inferers.length;
  const nF = pop.forecasters.length;
  const nR = pop.reputers.length;
  return {
    epoch: 0,
    regrets: emptyRegretState(nI, nF),
    rewardState: initialRewardState(nI, nF, nR),
    stakes: Float64Array.from(pop.reputers, (r) => r.participant.initialStake),
    previousObjects: null,
    previousTrueLoss: null,
    previousNetworkInference: NaN,
    rewardsStarted: false,
    publishedLosses: null,
    present: null,
    sortition: null,
  };
}

/** The roster's identities, one array per role, kept for the whole run (participants key by the array). */
export function roster(pop: Population): {
  inferers: string[];
  forecasters: string[];
  reputers: string[];
  objects: string[];
  /** The inferers among which the world draws its outperformer: the honest ones (attackers never change it). */
  honestInferers: string[];
  /** Per object (engine layout), the roster indices of the inferers and forecasters it needs. */
  objectNeeds: { inferers: number[]; forecasters: number[] }[];
  /** Whether any identity is an adversary (submits after the honest ones). */
  anyAdversary: boolean;
} {
  const inferers = pop.inferers.map((s) => s.participant.id);
  const forecasters = pop.forecasters.map((s) => s.participant.id);
  // Per object of the engine's layout (the order of objectKeys), the participants it needs.
  const none = { inferers: [] as number[], forecasters: [] as number[] };
  const inf = (i: number) => ({ inferers: [i], forecasters: [] as number[] });
  const fc = (k: number) => ({ inferers: [] as number[], forecasters: [k] });
  const needs: { inferers: number[]; forecasters: number[] }[] = [
    none,
    none,
    ...inferers.map((_, i) => inf(i)),
    ...forecasters.map((_, k) => fc(k)),
    ...forecasters.flatMap((_, k) => inferers.map((_j, i) => ({ inferers: [i], forecasters: [k] }))),
    ...inferers.map((_, i) => inf(i)),
    ...forecasters.map((_, k) => fc(k)),
    ...forecasters.map((_, k) => fc(k)),
  ];
  return {
    inferers,
    forecasters,
    reputers: pop.reputers.map((s) => s.participant.id),
    objects: objectKeys(inferers, forecasters),
    honestInferers: pop.inferers.filter((s) => !s.actor?.adversary).map((s) => s.participant.id),
    objectNeeds: needs,
    anyAdversary: pop.inferers.some(isAdversary) || pop.forecasters.some(isAdversary) || pop.reputers.some(isAdversary),
  };
}

const isAdversary = (s: { actor?: { adversary: boolean } }): boolean => s.actor?.adversary === true;

/** 1 for each seated participant present in `epoch`, else 0. */
function presence(seats: readonly Seated<unknown>[], epoch: number): Uint8Array {
  const out = new Uint8Array(seats.length);
  for (let i = 0; i < seats.length; i++) out[i] = isPresent(seats[i].actor, epoch) ? 1 : 0;
  return out;
}

/** Whether every participant object o of the previous epoch needs took part in it (no record: yes). */
function allTookPart(need: { inferers: number[]; forecasters: number[] }, was: SimState['present']): boolean {
  if (!was) return true;
  for (const j of need.inferers) if (!was.inferers[j]) return false;
  for (const k of need.forecasters) if (!was.forecasters[k]) return false;
  return true;
}

/** Advances `state` by one epoch with `pop`'s participants; returns the new state and the epoch's record. */
export function step(
  state: SimState,
  pop: Population,
  ids: ReturnType<typeof roster>,
  prm: StepParams,
): { state: SimState; record: EpochRecord } {
  const epoch = state.epoch + 1;
  const nI = ids.inferers.length;
  const nF = ids.forecasters.length;
  const world = pop.world.advance(epoch, ids.honestInferers);
  const y = world.target;
  const vis = prm.visibility ?? { currentSubmissions: false, currentReports: false };
  const present = { inferers: presence(pop.inferers, epoch), forecasters: presence(pop.forecasters, epoch), reputers: presence(pop.reputers, epoch) };
  const anyAdversary = ids.anyAdversary;
  // The record's arrays, carved from one buffer (reports from the second epoch on).
  const layout = objectLayout(nI, nF);
  const nR = pop.reputers.length;
  const nPrev = state.previousObjects ? state.previousObjects.length : 0;
  const [inferences, actualLog10Loss, forecasts, values, trueLog10Loss, reportsOut] = float64Views(
    nI,
    nI,
    nF * nI,
    layout.count,
    layout.count,
    nR * nPrev,
  );

  // Submissions: the honest participants first, then the adversaries, which may see them (visibility).
  const view: WorkerView = { world, inferers: ids.inferers, previousNetworkInference: state.previousNetworkInference };
  const submitInferer = (j: number, v: WorkerView): void => {
    const { participant: p, streams } = pop.inferers[j];
    const x = present.inferers[j] ? p.submit(v, streams) : NaN;
    inferences[j] = x;
    const expected = prm.fcExpected ? (p as Partial<HonestInferer>).expectedSquaredError?.(world) : undefined;
    actualLog10Loss[j] = Math.log10(Math.max(expected ?? (x - y) * (x - y), MIN_LOSS));
  };
  for (let j = 0; j < nI; j++) if (!isAdversary(pop.inferers[j])) submitInferer(j, view);
  const honestI = anyAdversary ? pop.inferers.map((s, j) => (isAdversary(s) ? -1 : j)).filter((j) => j >= 0) : [];
  const honestF = anyAdversary ? pop.forecasters.map((s, k) => (isAdversary(s) ? -1 : k)).filter((k) => k >= 0) : [];
  const idx = (list: readonly string[], id: string | undefined): number => (id === undefined ? -1 : list.indexOf(id));
  for (let j = 0; j < nI; j++) {
    const seat = pop.inferers[j];
    if (!isAdversary(seat)) continue;
    const adversary: AdversaryWorkerView = {};
    if (vis.currentSubmissions)
      adversary.current = {
        inferers: honestI.map((h) => ids.inferers[h]),
        inferences: Float64Array.from(honestI, (h) => inferences[h]),
        forecasters: [],
        forecasts: new Float64Array(0),
      };
    const src = idx(ids.inferers, seat.actor?.source);
    if (src >= 0) adversary.sourceInference = inferences[src];
    submitInferer(j, { ...view, adversary });
  }
  // Merit sortition (active_set ≠ off): of the inferers who submitted, the top N by quality EMA take part;
  // the others are absent for the engine this epoch (docs/sortition.md).
  let sets = state.sortition ?? activeSets(prm.mechanism);
  let drawnInferers: { submitted: Uint8Array; drawn: Uint8Array } | null = null;
  if (sets?.inferers) {
    const submitted = Uint8Array.from(inferences, (x) => (Number.isNaN(x) ? 0 : 1));
    const d = drawActive(sets.inferers, ids.inferers, (j) => submitted[j] === 1);
    sets = { ...sets, inferers: d.c };
    drawnInferers = { submitted, drawn: d.active };
    for (let j = 0; j < nI; j++) if (!d.active[j]) (inferences[j] = NaN), (present.inferers[j] = 0);
  }
  const fView: ForecasterView = { world, inferers: ids.inferers, previousNetworkInference: state.previousNetworkInference, inferences, actualLog10Loss };
  const submitForecaster = (k: number, v: typeof fView): void => {
    const { participant: p, streams } = pop.forecasters[k];
    if (present.forecasters[k]) copyInto(forecasts, p.forecast(v, streams), k * nI);
    else forecasts.fill(NaN, k * nI, (k + 1) * nI);
  };
  for (let k = 0; k < nF; k++) if (!isAdversary(pop.forecasters[k])) submitForecaster(k, fView);
  for (let k = 0; k < nF; k++) {
    const seat = pop.forecasters[k];
    if (!isAdversary(seat)) continue;
    const adversary: AdversaryWorkerView = {};
    if (vis.currentSubmissions) {
      const f = new Float64Array(honestF.length * nI);
      honestF.forEach((h, r) => f.set(forecasts.subarray(h * nI, (h + 1) * nI), r * nI));
      adversary.current = {
        inferers: honestI.map((h) => ids.inferers[h]),
        inferences: Float64Array.from(honestI, (h) => inferences[h]),
        forecasters: honestF.map((h) => ids.forecasters[h]),
        forecasts: f,
      };
    }
    const src = idx(ids.forecasters, seat.actor?.source);
    if (src >= 0) adversary.sourceForecasts = forecasts.slice(src * nI, (src + 1) * nI);
    submitForecaster(k, { ...fView, adversary });
  }

  let drawnForecasters: { submitted: Uint8Array; drawn: Uint8Array } | null = null;
  if (sets?.forecasters) {
    const submitted = Uint8Array.from({ length: nF }, (_, k) => (forecasts.subarray(k * nI, (k + 1) * nI).some((x) => !Number.isNaN(x)) ? 1 : 0));
    const d = drawActive(sets.forecasters, ids.forecasters, (k) => submitted[k] === 1);
    sets = { ...sets, forecasters: d.c };
    drawnForecasters = { submitted, drawn: d.active };
    for (let k = 0; k < nF; k++) if (!d.active[k]) forecasts.fill(NaN, k * nI, (k + 1) * nI), (present.forecasters[k] = 0);
  }
  if (sets && drawnInferers) {
    // Forecast elements about inferers outside the active set are dropped (docs/chain.md C8). The cap of
    // max_elements_per_forecast elements is not applied here yet: a cut element leaves its one-out object
    // missing, and the rule that starts rewards (docs/agents.md #10) would then wait for it forever.
    forecasts.set(cutForecastElements(forecasts, nI, emaOf(sets.inferers!, ids.inferers), 0, drawnInferers.drawn));
  }

  // Synthesis with the state of epoch − 1 (eqs. 3–19).
  let regrets = state.regrets;
  if (prm.bootstrapSurrogateFirst && Number.isNaN(regrets.networkLoss)) {
    const f = Array.from(forecasts).filter(Number.isFinite).sort((a, b) => a - b);
    if (f.length) regrets = { ...regrets, networkLoss: f[f.length >> 1] };
  }
  const synthesis = synthesize({ inferences, forecasts }, regrets, prm.mechanism);
  objectValues(synthesis, inferences, layout, values);
  for (let o = 0; o < layout.count; o++) trueLog10Loss[o] = Number.isNaN(values[o]) ? NaN : log10Loss(values[o], y);

  // Reports of the previous epoch's objects (eq. 13), their losses (eq. 14) and the regrets (eq. 15);
  // rewards (eqs. 22–47) and stake growth (eq. 37).
  let { regrets: nextRegrets, rewardState, stakes, rewardsStarted, publishedLosses } = state;
  let reports: Float64Array | null = null;
  let networkLosses: Float64Array | null = null;
  let rewards = null;
  let emission: number | null = null;
  if (state.previousTrueLoss && state.previousObjects) {
    const nObj = nPrev;
    const rView: ReputerView = { epoch, objects: state.previousObjects, trueLog10Loss: state.previousTrueLoss };
    reports = reportsOut;
    const report = (m: number, v: ReputerView): void => {
      const { participant, streams } = pop.reputers[m];
      if (present.reputers[m]) copyInto(reports!, participant.report(v, streams), m * nObj);
      else reports!.fill(NaN, m * nObj, (m + 1) * nObj);
    };
    for (let m = 0; m < nR; m++) if (!isAdversary(pop.reputers[m])) report(m, rView);
    if (anyAdversary) {
      const published = new Map<string, number>();
      if (state.publishedLosses) ids.objects.forEach((k, o) => published.set(k, state.publishedLosses![o]));
      const adversary: AdversaryReputerView = { published };
      if (vis.currentReports) {
        const honestR = pop.reputers.map((s, m) => (isAdversary(s) || !present.reputers[m] ? -1 : m)).filter((m) => m >= 0);
        const cur = new Float64Array(honestR.length * nObj);
        honestR.forEach((h, r) => cur.set(reports!.subarray(h * nObj, (h + 1) * nObj), r * nObj));
        adversary.current = { reports: cur, stakes: Float64Array.from(honestR, (h) => state.stakes[h]) };
      }
      const aView: ReputerView = { ...rView, objects: ids.objects, adversary };
      for (let m = 0; m < nR; m++) if (isAdversary(pop.reputers[m])) report(m, aView);
    }
    let drawnReputers: { submitted: Uint8Array; drawn: Uint8Array } | null = null;
    if (sets?.reputers) {
      const submitted = Uint8Array.from({ length: nR }, (_, m) => (reports!.subarray(m * nObj, (m + 1) * nObj).some((x) => !Number.isNaN(x)) ? 1 : 0));
      const d = drawActive(sets.reputers, ids.reputers, (m) => submitted[m] === 1);
      sets = { ...sets, reputers: d.c };
      drawnReputers = { submitted, drawn: d.active };
      for (let m = 0; m < nR; m++) if (!d.active[m]) reports.fill(NaN, m * nObj, (m + 1) * nObj);
    }
    networkLosses = stakeWeightedLosses(reports, state.stakes, nObj);
    publishedLosses = networkLosses;
    nextRegrets = updateRegrets(state.regrets, networkLosses, prm.mechanism, prm.bootstrapSurrogateFirst);
    // Every object of the previous epoch whose participants all took part must have a loss (an absent
    // participant's objects do not hold rewards back: docs/attacks.md §2).
    let started = state.rewardsStarted;
    if (!started) {
      started = true;
      for (let o = 0; o < networkLosses.length && started; o++)
        if (Number.isNaN(networkLosses[o]) && allTookPart(ids.objectNeeds[o], state.present)) started = false;
    }
    if (started) {
      emission = pop.world.emission(epoch);
      const r = computeEpochRewards(
        { nI, nF, nR, stakes: state.stakes, losses: reports, networkLosses, topicReward: emission },
        state.rewardState,
        prm.mechanism,
      );
      rewards = r.outputs;
      rewardState = r.state;
      stakes = r.outputs.nextStakes;
      rewardsStarted = true;
      // The scoring step of the sortition: the scores of this epoch judge the previous epoch's work
      // (inferers, forecasters) and this epoch's reports (reputers).
      if (sets) {
        const last = { i: sets.lastInferers, f: sets.lastForecasters };
        sets = {
          ...sets,
          inferers: sets.inferers && last.i ? scoreDrawn(sets.inferers, ids.inferers, r.outputs.infererScores, last.i.drawn, last.i.submitted) : sets.inferers,
          forecasters:
            sets.forecasters && last.f ? scoreDrawn(sets.forecasters, ids.forecasters, r.outputs.forecasterScores, last.f.drawn, last.f.submitted) : sets.forecasters,
          reputers:
            sets.reputers && drawnReputers ? scoreDrawn(sets.reputers, ids.reputers, r.outputs.reputerScores, drawnReputers.drawn, drawnReputers.submitted) : sets.reputers,
        };
      }
    }
  }
  const next: SimState = {
    epoch,
    regrets: nextRegrets,
    rewardState,
    stakes,
    previousObjects: ids.objects,
    previousTrueLoss: trueLog10Loss,
    previousNetworkInference: synthesis.network,
    rewardsStarted,
    publishedLosses,
    present: { inferers: present.inferers, forecasters: present.forecasters },
    sortition: sets ? { ...sets, lastInferers: drawnInferers, lastForecasters: drawnForecasters } : state.sortition,
  };
  const record: EpochRecord = {
    epoch,
    world,
    inferers: ids.inferers,
    forecasters: ids.forecasters,
    reputers: ids.reputers,
    inferences,
    forecasts,
    synthesis,
    layout,
    objects: ids.objects,
    objectValues: values,
    trueLog10Loss,
    reports,
    networkLosses,
    stakes: state.stakes,
    rewards,
    emission,
    present,
  };
  return { state: next, record };
}
