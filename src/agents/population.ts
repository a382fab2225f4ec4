// The synthetic participants of whitepaper §3.3 (docs/agents.md): N_i inferers, N_f forecasters (forecaster
// k is worker k, the same worker as inferer k when k < N_i), N_r reputers, the ground truth and the topic
// emission of Figure 3. Losses are MSE; every loss exchanged is a log10 value.
//
// RNG streams (rng.ts; each seeded with `${seed}/<name>`) and the order each is consumed in:
//   inferers     at creation, per inferer j = 0..N_i−1: error z, bias z
//   forecasters  at creation, per forecaster k = 0..N_f−1: error z, bias z, context x ~ U[0,1)
//   reputers     at creation, per reputer m = 0..N_r−1: error z, bias z, α z
//   stakes       at creation, per reputer m: stake z
//   truth        step(): one z per epoch (none for `zero`)
//   inference    step(): the outperformer u, then one z per inferer j
//   forecast     step(): per forecaster k, per inferer j: z1 (context-aware term), z2 (context-unaware term;
//                drawn even with unaware_shared_noise)
//   report       report(): per reputer m, per object o (row-major): one z (drawn even for a missing object)
//   emission     emission(): one z per epoch 1, 2, … (x_1 from the stationary law), drawn on demand
// Switches never change what is drawn, only how draws are used, so runs that differ only in a switch
// share their random numbers (common random numbers).

import type { AgentsConfig } from '../scenario/schema.js';
import { makeRng, streamSeed, type Rng } from './rng.js';

/** Eq 20 generalised: f_xp(i) = floor + (1 − floor)·e^(−rate·i); the paper's ½(1 + e^(−0.03 i)). */
export function experienceFactor(epoch: number, rate = 0.03, floor = 0.5): number {
  return floor + (1 - floor) * Math.exp(-rate * epoch);
}

/** Eq 21: f_context = σ[a(x − b)] = 1 / (1 + e^(−a(x − b))). */
export function contextSensitivity(x: number, a = 10, b = 0.5): number {
  return 1 / (1 + Math.exp(-a * (x - b)));
}

export interface InfererTraits {
  /** e_j, target units (before f_xp and outperformance). */
  error: Float64Array;
  /** b_j, target units. */
  bias: Float64Array;
}

export interface ForecasterTraits {
  /** Logarithmic error, in dex (converted from nats under ln_reading). */
  error: Float64Array;
  /** Logarithmic bias, in dex. */
  bias: Float64Array;
  /** The uniform draw x of eq 21. */
  x: Float64Array;
  /** f_context = σ[a(x − b)]. */
  context: Float64Array;
}

export interface ReputerTraits {
  /** Logarithmic error, in dex. */
  error: Float64Array;
  /** Logarithmic bias, in dex. */
  bias: Float64Array;
  /** α_m (capped at 1); the EMA actually applied is 1 under rep_ema_none. */
  alpha: Float64Array;
}

export interface PopulationTraits {
  inferers: InfererTraits;
  forecasters: ForecasterTraits;
  reputers: ReputerTraits;
}

/** What the workers submit in one epoch. Fresh arrays each call. */
export interface EpochSubmissions {
  epoch: number;
  /** Ground truth Y_i (revealed later; the losses are computed against it). */
  target: number;
  /** f_xp(epoch). */
  fxp: number;
  /** Index of the inferer whose error and bias are × outperform_factor this epoch. */
  outperformer: number;
  /** I_ij, length N_i. */
  inferences: Float64Array;
  /** log10 of the loss the forecasters perturbed (realized (I − Y)², or σ² + μ² under fc_expected), length N_i. */
  actualLog10Loss: Float64Array;
  /** log10 forecasted losses, N_f × N_i, k-major: forecasts[k·N_i + j] is forecaster k's forecast for inferer j. */
  forecasts: Float64Array;
}

export interface Population {
  readonly nInferers: number;
  readonly nForecasters: number;
  readonly nReputers: number;
  /** Initial reputer stakes, 10^N(stake_log_mean, stake_log_dispersion). */
  readonly initialStakes: Float64Array;
  /** Per-agent traits drawn at creation. */
  readonly traits: PopulationTraits;
  /** Ebar = emission.per_stake × Σ initialStakes. */
  readonly meanEmission: number;
  /**
   * The ground truth, inferences and forecasts of `epoch` (the paper's i: an integer ≥ 1, strictly
   * increasing from call to call; it sets f_xp; the ground truth advances one step per call).
   */
  step(epoch: number): EpochSubmissions;
  /**
   * Every reputer's reported log10 loss of every object, N_r × N_obj row-major (out[m·N_obj + o]).
   * `trueLog10Loss[o]` is the true log10 loss of object o (a non-finite value = object missing: reported as
   * NaN, EMA state untouched). `objectKeys[o]` identifies the object across epochs for the EMA (default: its
   * position o). `epoch` must increase strictly from call to call.
   */
  report(epoch: number, trueLog10Loss: ArrayLike<number>, objectKeys?: readonly string[]): Float64Array;
  /** The topic emission E_t of `epoch` (integer ≥ 1); a pure function of the seed and the epoch. */
  emission(epoch: number): number;
}

const MIN_LOSS = 1e-300;

function checkEpoch(what: string, epoch: number): void {
  if (!Number.isInteger(epoch) || epoch < 1) throw new RangeError(`${what}: epoch must be an integer ≥ 1 (got ${epoch})`);
}

/** Draws every per-agent trait, then returns the population. `seed` defaults to the scenario's. */
export function createPopulation(scenario: AgentsConfig & { seed?: number | string }, seed?: number | string): Population {
  const s = seed ?? scenario.seed;
  if (s === undefined) throw new Error('createPopulation: no seed');
  const { inferers: ci, forecasters: cf, reputers: cr, experience: cx } = scenario.participants;
  const sw = scenario.switches;
  const gt = scenario.ground_truth;
  const em = scenario.emission;

  const base = sw.ln_reading ? Math.E : 10;
  const toDex = sw.ln_reading ? 1 / Math.LN10 : 1; // logarithmic errors/biases are in nats under ln_reading
  const logNormal = (r: Rng, mu: number, sigma: number): number => Math.pow(base, mu + sigma * r.normal());

  const nI = ci.count;
  const nF = cf.count;
  const nR = cr.count;

  // ---- traits (fixed draw order, see the header) ----
  const ri = makeRng(streamSeed(s, 'inferers'));
  const inferers: InfererTraits = { error: new Float64Array(nI), bias: new Float64Array(nI) };
  for (let j = 0; j < nI; j++) {
    inferers.error[j] = logNormal(ri, ci.error_log_mean, ci.error_log_dispersion);
    inferers.bias[j] = ci.bias_dispersion * ri.normal();
  }
  const rf = makeRng(streamSeed(s, 'forecasters'));
  const forecasters: ForecasterTraits = {
    error: new Float64Array(nF),
    bias: new Float64Array(nF),
    x: new Float64Array(nF),
    context: new Float64Array(nF),
  };
  for (let k = 0; k < nF; k++) {
    forecasters.error[k] = logNormal(rf, cf.error_log_mean, cf.error_log_dispersion) * toDex;
    forecasters.bias[k] = cf.bias_dispersion * rf.normal() * toDex;
    forecasters.x[k] = rf.uniform();
    forecasters.context[k] = contextSensitivity(forecasters.x[k], cf.context_a, cf.context_b);
  }
  const rr = makeRng(streamSeed(s, 'reputers'));
  const reputers: ReputerTraits = { error: new Float64Array(nR), bias: new Float64Array(nR), alpha: new Float64Array(nR) };
  for (let m = 0; m < nR; m++) {
    reputers.error[m] = logNormal(rr, cr.error_log_mean, cr.error_log_dispersion) * toDex;
    reputers.bias[m] = cr.bias_dispersion * rr.normal() * toDex;
    reputers.alpha[m] = Math.min(1, logNormal(rr, cr.alpha_log_mean, cr.alpha_log_dispersion));
  }
  const rs = makeRng(streamSeed(s, 'stakes'));
  const initialStakes = new Float64Array(nR);
  let totalStake = 0;
  for (let m = 0; m < nR; m++) {
    initialStakes[m] = Math.pow(10, cr.stake_log_mean + cr.stake_log_dispersion * rs.normal());
    totalStake += initialStakes[m];
  }
  const meanEmission = em.per_stake * totalStake;

  // ---- per-epoch streams ----
  const rTruth = makeRng(streamSeed(s, 'truth'));
  const rInf = makeRng(streamSeed(s, 'inference'));
  const rFc = makeRng(streamSeed(s, 'forecast'));
  const rRep = makeRng(streamSeed(s, 'report'));
  const rEm = makeRng(streamSeed(s, 'emission'));

  let y = gt.initial;
  let lastStep = 0;
  const f = ci.outperform_factor;
  const unawareShift = -2 * Math.log10(f); // log10(A / f²) − log10(A)
  const ctx = forecasters.context;

  function step(epoch: number): EpochSubmissions {
    checkEpoch('step', epoch);
    if (epoch <= lastStep) throw new RangeError(`step: epochs must increase (got ${epoch} after ${lastStep})`);
    lastStep = epoch;
    // ground truth
    if (gt.model === 'ar1') y = gt.rho * y + gt.sigma * rTruth.normal();
    else if (gt.model === 'randomwalk') y = y + gt.sigma * rTruth.normal();
    else y = 0;
    const fxp = experienceFactor(epoch, cx.rate, cx.floor);
    // inferences
    const o = Math.min(nI - 1, Math.floor(rInf.uniform() * nI));
    const inferences = new Float64Array(nI);
    const logA = new Float64Array(nI);
    for (let j = 0; j < nI; j++) {
      const scale = j === o ? fxp * f : fxp;
      const sigma = scale * inferers.error[j];
      const mu = scale * inferers.bias[j];
      const v = y + mu + sigma * rInf.normal();
      inferences[j] = v;
      const loss = sw.fc_expected ? sigma * sigma + mu * mu : (v - y) * (v - y);
      logA[j] = Math.log10(Math.max(loss, MIN_LOSS));
    }
    // forecasts
    const forecasts = new Float64Array(nF * nI);
    for (let k = 0; k < nF; k++) {
      const scale = sw.fc_outperf && k === o ? fxp * f : fxp;
      const beta = scale * forecasters.bias[k];
      const err = scale * forecasters.error[k];
      const c = ctx[k];
      const row = k * nI;
      for (let j = 0; j < nI; j++) {
        const z1 = rFc.normal();
        const z2 = rFc.normal();
        const n1 = beta + err * z1;
        const n2 = sw.unaware_shared_noise ? n1 : beta + err * z2;
        const aware = logA[j];
        const unaware = j === o ? aware + unawareShift : aware;
        forecasts[row + j] = c * (aware + n1) + (1 - c) * (unaware + n2);
      }
    }
    return { epoch, target: y, fxp, outperformer: o, inferences, actualLog10Loss: logA, forecasts };
  }

  // ---- reputer EMA state: one slot per object key, N_r values per slot (NaN = not seen yet) ----
  const slotOf = new Map<string, number>();
  let state = new Float64Array(16 * nR).fill(NaN);
  const alphaUsed = new Float64Array(nR);
  for (let m = 0; m < nR; m++) alphaUsed[m] = sw.rep_ema_none ? 1 : reputers.alpha[m];
  let lastReport = 0;

  function slot(key: string): number {
    let sl = slotOf.get(key);
    if (sl === undefined) {
      sl = slotOf.size;
      slotOf.set(key, sl);
      if ((sl + 1) * nR > state.length) {
        const grown = new Float64Array(state.length * 2).fill(NaN);
        grown.set(state);
        state = grown;
      }
    }
    return sl;
  }

  function report(epoch: number, trueLog10Loss: ArrayLike<number>, objectKeys?: readonly string[]): Float64Array {
    checkEpoch('report', epoch);
    if (epoch <= lastReport) throw new RangeError(`report: epochs must increase (got ${epoch} after ${lastReport})`);
    lastReport = epoch;
    const n = trueLog10Loss.length;
    if (objectKeys && objectKeys.length !== n) {
      throw new RangeError(`report: ${objectKeys.length} object keys for ${n} losses`);
    }
    const slots = new Int32Array(n);
    for (let o = 0; o < n; o++) slots[o] = slot(objectKeys ? objectKeys[o] : `#${o}`);
    const out = new Float64Array(nR * n);
    const linear = sw.rep_ema_linear;
    for (let m = 0; m < nR; m++) {
      const a = alphaUsed[m];
      const e = reputers.error[m];
      const b = reputers.bias[m];
      const row = m * n;
      for (let o = 0; o < n; o++) {
        const z = rRep.normal();
        const t = trueLog10Loss[o];
        if (!Number.isFinite(t)) {
          out[row + o] = NaN;
          continue;
        }
        const noisy = t + b + e * z;
        const idx = slots[o] * nR + m;
        const prev = state[idx];
        if (linear) {
          const lin = Math.pow(10, noisy);
          const next = Number.isNaN(prev) ? lin : a * lin + (1 - a) * prev;
          state[idx] = next;
          out[row + o] = Math.log10(next);
        } else {
          const next = Number.isNaN(prev) ? noisy : a * noisy + (1 - a) * prev;
          state[idx] = next;
          out[row + o] = next;
        }
      }
    }
    return out;
  }

  // ---- emission: x_1 ~ N(0, s²), x_t = ρ x_{t−1} + s√(1−ρ²) z_t; E_t = Ebar·exp(x_t − s²/2) ----
  const xs: number[] = [];
  const innov = em.s * Math.sqrt(Math.max(0, 1 - em.rho * em.rho));
  function emission(epoch: number): number {
    checkEpoch('emission', epoch);
    if (em.model === 'constant') return meanEmission;
    while (xs.length < epoch) {
      const z = rEm.normal();
      xs.push(xs.length === 0 ? em.s * z : em.rho * xs[xs.length - 1] + innov * z);
    }
    return meanEmission * Math.exp(xs[epoch - 1] - (em.s * em.s) / 2);
  }

  return {
    nInferers: nI,
    nForecasters: nF,
    nReputers: nR,
    initialStakes,
    traits: { inferers, forecasters, reputers },
    meanEmission,
    step,
    report,
    emission,
  };
}
