// The participant kinds' interface. A participant is an identity with a kind; each epoch a worker
// submits (an inference, or forecasts of the present inferers' losses) and a reputer reports the losses
// of the previous epoch's objects. Participants see the topic through a read-only view and draw only from
// their own streams (rng.ts), so one participant's presence never changes another's draws.
//
// The paper's synthetic agents (§3.3) are modelled as noisy observers of the world: they read its hidden
// state (`world`: the ground truth, the experience factor, which inferer outperforms this epoch). Other
// kinds (adversaries) may read only the public part.

import type { Streams } from './rng.js';

/** The world's hidden state in an epoch, as the synthetic agents of §3.3 sample around it. */
export interface World {
  epoch: number;
  /** Ground truth Y of this epoch (revealed one epoch later). */
  target: number;
  /** f_xp of this epoch (eq. 20). */
  fxp: number;
  /** Identity of the inferer whose error and bias are × outperform_factor this epoch (or null). */
  outperformer: string | null;
}

/** What every worker can see when it submits in epoch `world.epoch`. */
export interface WorkerView {
  world: World;
  /** Identities of the inferers taking part this epoch, in roster order. */
  inferers: readonly string[];
  /** The previous epoch's network inference (NaN before the first). */
  previousNetworkInference: number;
  /** Adversaries only: what they see of this epoch (visibility, docs/attacks.md §2); undefined otherwise. */
  adversary?: AdversaryWorkerView;
}

/** What an adversarial worker sees besides the public view. */
export interface AdversaryWorkerView {
  /** This epoch's honest submissions, when `visibility.current_submissions` (else undefined). */
  current?: {
    inferers: readonly string[];
    inferences: Float64Array;
    forecasters: readonly string[];
    /** N_f,honest × |view.inferers| log10 forecasts, forecaster-major (forecasters only; empty for inferers). */
    forecasts: Float64Array;
  };
  /** The submission of the honest identity this one copies as its owner's own (sybil / owner copies):
   *  an inference, or forecasts aligned with `view.inferers`. */
  sourceInference?: number;
  sourceForecasts?: Float64Array;
}

/** What a forecaster sees: the worker view and this epoch's inferences. */
export interface ForecasterView extends WorkerView {
  /** This epoch's inferences, aligned with `inferers`. */
  inferences: Float64Array;
  /** World knowledge of the synthetic forecasters: log10 of the loss each inferer actually has this epoch
   *  (its realized squared error, or its expected one under `fc_expected`), aligned with `inferers`. */
  actualLog10Loss: Float64Array;
}

/** What a reputer sees when it reports in epoch `epoch`. */
export interface ReputerView {
  epoch: number;
  /** Keys of the previous epoch's objects (objects.ts), in the engine's layout. */
  objects: readonly string[];
  /** The true log10 loss of each object against the revealed ground truth (NaN = object missing). */
  trueLog10Loss: Float64Array;
  /** Adversaries only (docs/attacks.md §2); undefined for honest reputers. */
  adversary?: AdversaryReputerView;
}

/** What an adversarial reputer sees besides the public view. */
export interface AdversaryReputerView {
  /** The losses ℓ (eq. 14) published in the previous epoch, by object key. */
  published: ReadonlyMap<string, number>;
  /** This epoch's honest reports (N_r,honest × |objects|) and the stakes behind them, when
   *  `visibility.current_reports` (else undefined). */
  current?: { reports: Float64Array; stakes: Float64Array };
}

export interface Inferer {
  readonly id: string;
  readonly kind: string;
  /** This epoch's inference (NaN = does not submit). */
  submit(view: WorkerView, streams: Streams): number;
}

export interface Forecaster {
  readonly id: string;
  readonly kind: string;
  /** log10 forecasted losses of `view.inferers`, aligned with them (NaN = no forecast for that inferer). */
  forecast(view: ForecasterView, streams: Streams): Float64Array;
}

export interface Reputer {
  readonly id: string;
  readonly kind: string;
  /** Stake at the start of the run. */
  readonly initialStake: number;
  /** Reported log10 loss of each of `view.objects`, aligned with them (NaN = not reported). The array may
   *  be the reputer's own, overwritten by its next report: callers copy what they keep. */
  report(view: ReputerView, streams: Streams): Float64Array;
}

/** Who an identity belongs to (actors.csv). Honest participants have none: group `honest`, their own owner. */
export interface Actor {
  /** `honest` or the adversary behaviour (docs/attacks.md §2). */
  group: string;
  /** The attacker (or worker) the identity belongs to; sybil identities share one. */
  owner: string;
  /** true: submits after the honest participants, through the adversary view. */
  adversary: boolean;
  /** Present in epochs [joinAt, leaveAt) (leaveAt 0 = to the end). */
  joinAt: number;
  leaveAt: number;
  /** The honest identity whose submission the adversary view carries as its own (sybils, owner copies). */
  source?: string;
}

/** A participant together with its own streams. */
export interface Seated<P> {
  participant: P;
  streams: Streams;
  actor?: Actor;
}

/** Whether a seated participant takes part in `epoch`. */
export const isPresent = (a: Actor | undefined, epoch: number): boolean =>
  !a || (epoch >= a.joinAt && (a.leaveAt === 0 || epoch < a.leaveAt));
