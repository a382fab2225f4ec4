// One epoch of the whitepaper's experiment (§3.3, §4): participants submit → synthesis → true losses →
// reports of the previous epoch's objects → losses and regrets → rewards → stake growth.
//
// Timing follows the reference rows (docs/agents.md): epoch i synthesises with the state of epoch i−1, and
// the losses of epoch i−1's objects are reported in epoch i. Rewards (and emission) start at the first epoch
// whose reports cover every object (docs/agents.md #10).

import type { HonestInferer, Population } from '../agents/index.js';
import { objectKeys } from '../agents/index.js';
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
import type { EpochRecord, SimState } from './record.js';

export interface StepParams {
  mechanism: MechanismParams;
  /** docs/agents.md #9 alternative: a surrogate first network loss (median forecasted log loss). */
  bootstrapSurrogateFirst: boolean;
  /** docs/agents.md: forecasters perturb the inferers' expected squared error instead of the realized one. */
  fcExpected: boolean;
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
  };
}

/** The roster's identities, one array per role, kept for the whole run (participants key by the array). */
export function roster(pop: Population): { inferers: string[]; forecasters: string[]; reputers: string[]; objects: string[] } {
  const inferers = pop.inferers.map((s) => s.participant.id);
  const forecasters = pop.forecasters.map((s) => s.participant.id);
  return { inferers, forecasters, reputers: pop.reputers.map((s) => s.participant.id), objects: objectKeys(inferers, forecasters) };
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
  const world = pop.world.advance(epoch, ids.inferers);
  const y = world.target;

  // Submissions.
  const view = { world, inferers: ids.inferers, previousNetworkInference: state.previousNetworkInference };
  const inferences = new Float64Array(nI);
  const actualLog10Loss = new Float64Array(nI);
  for (let j = 0; j < nI; j++) {
    const { participant: p, streams } = pop.inferers[j];
    const v = p.submit(view, streams);
    inferences[j] = v;
    const expected = prm.fcExpected ? (p as Partial<HonestInferer>).expectedSquaredError?.(world) : undefined;
    actualLog10Loss[j] = Math.log10(Math.max(expected ?? (v - y) * (v - y), MIN_LOSS));
  }
  const fView = { ...view, inferences, actualLog10Loss };
  const forecasts = new Float64Array(nF * nI);
  for (let k = 0; k < nF; k++) {
    const { participant: p, streams } = pop.forecasters[k];
    forecasts.set(p.forecast(fView, streams), k * nI);
  }

  // Synthesis with the state of epoch − 1 (eqs. 3–19).
  let regrets = state.regrets;
  if (prm.bootstrapSurrogateFirst && Number.isNaN(regrets.networkLoss)) {
    const f = Array.from(forecasts).filter(Number.isFinite).sort((a, b) => a - b);
    if (f.length) regrets = { ...regrets, networkLoss: f[f.length >> 1] };
  }
  const synthesis = synthesize({ inferences, forecasts }, regrets, prm.mechanism);
  const layout = objectLayout(nI, nF);
  const values = objectValues(synthesis, inferences, layout);
  const trueLog10Loss = new Float64Array(layout.count);
  for (let o = 0; o < layout.count; o++) trueLog10Loss[o] = Number.isNaN(values[o]) ? NaN : log10Loss(values[o], y);

  // Reports of the previous epoch's objects (eq. 13), their losses (eq. 14) and the regrets (eq. 15);
  // rewards (eqs. 22–47) and stake growth (eq. 37).
  let next: SimState = { ...state, epoch, previousObjects: ids.objects, previousTrueLoss: trueLog10Loss, previousNetworkInference: synthesis.network };
  let reports: Float64Array | null = null;
  let networkLosses: Float64Array | null = null;
  let rewards = null;
  let emission: number | null = null;
  if (state.previousTrueLoss && state.previousObjects) {
    const nObj = state.previousObjects.length;
    const rView = { epoch, objects: state.previousObjects, trueLog10Loss: state.previousTrueLoss };
    reports = new Float64Array(pop.reputers.length * nObj);
    pop.reputers.forEach(({ participant, streams }, m) => reports!.set(participant.report(rView, streams), m * nObj));
    networkLosses = stakeWeightedLosses(reports, state.stakes, nObj);
    next.regrets = updateRegrets(state.regrets, networkLosses, prm.mechanism, prm.bootstrapSurrogateFirst);
    const started = state.rewardsStarted || networkLosses.every((l) => !Number.isNaN(l));
    if (started) {
      emission = pop.world.emission(epoch);
      const r = computeEpochRewards(
        { nI, nF, nR: pop.reputers.length, stakes: state.stakes, losses: reports, networkLosses, topicReward: emission },
        state.rewardState,
        prm.mechanism,
      );
      rewards = r.outputs;
      next = { ...next, rewardState: r.state, stakes: r.outputs.nextStakes, rewardsStarted: true };
    }
  }
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
  };
  return { state: next, record };
}
