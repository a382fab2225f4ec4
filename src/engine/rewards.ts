// Reward engine — whitepaper §4 (authoritative spec: docs/rewards.md).
//
// Pure functions: typed arrays in, typed arrays / plain records out; no I/O, no randomness.
//
// ── Object layout of the reported losses (eq. 31) and of the network losses (eq. 14) ──────────────────────────
//   [ network, naive,
//     inference_0 .. inference_{N_i−1},
//     forecast_implied_0 .. forecast_implied_{N_f−1},
//     forecast_implied_k_oneout_j           at k·N_i + j   (k-major),
//     network_oneout_0 .. network_oneout_{N_i+N_f−1}        (l < N_i: inferer l; l = N_i + k: forecaster k),
//     naive_onein_0 .. naive_onein_{N_f−1} ]
//   N_obj = 2 + N_i + N_f + N_f·N_i + (N_i + N_f) + N_f.  See `objectLayout`.
//   All losses are log10 values; NaN = not reported.
//
// ── Participation ─────────────────────────────────────────────────────────────────────────────────────────────
//   Inferer j takes part in the epoch iff ℓ(inference_j) is finite; forecaster k iff ℓ(forecast_implied_k) is
//   finite; reputer m iff it reported at least one loss and has a finite stake. Every count N in the formulas
//   (f⁺, N = 1 cases, N_r of eq. 30, N of eq. 38) is the number taking part. Non-participants get NaN scores /
//   fractions, zero rewards, and their carried state (a_m, smoothed fraction) is left unchanged.
//
// ── Order (docs/rewards.md §2) ─────────────────────────────────────────────────────────────────────────────────────
//   network losses → reputer ascent, scores, adjusted stakes → worker scores → w, w̃, H → u, ũ, F → v, ṽ, G →
//   τ, χ, γ → U, V, W → individual rewards → stake update. The current scores join the σ window before σ.

import type { MechanismParams } from './params.js';
import { applyStakeFloor, objectLayout, stakeWeightedLosses, type ObjectLayout } from './synthesis.js';
import { potential, sampleStd } from './weights.js';

const stdOfAll = (x: ArrayLike<number>): number => sampleStd(x, x.length);
import { listeningCoefficients, prepareReports, type ListeningOptions } from './listening.js';

export {
  adjustedStakes,
  consensusVector,
  reputerConsensusScores,
  listeningObjective,
  listeningCoefficients,
  listeningReference,
  listeningWhitepaper,
  relativeGradient,
  prepareReports,
} from './listening.js';
export type { ReputerReports, PreparedReports, ListeningResult, ListeningOptions, ConsensusScores } from './listening.js';

// The object layout is the synthesis engine's (`objectLayout` in synthesis.ts); eq. 14 is its
// `stakeWeightedLosses`.
export { objectLayout, type ObjectLayout } from './synthesis.js';

// ───────────────────────────────────────────── scores ────────────────────────────────────────


/** Inferer scores T_j = ℓ(network one-out j) − ℓ(network); 0 when N_i = 1. // eq. 22 */
export function infererScores(ell: Float64Array, L: ObjectLayout): Float64Array {
  const T = new Float64Array(L.nI);
  if (L.nI === 1) return T;
  for (let j = 0; j < L.nI; j++) T[j] = ell[L.networkOneOut + j] - ell[L.network];
  return T;
}

/** One-out forecaster scores T_k⁻ = ℓ(network one-out of forecaster k) − ℓ(network). // eq. 24 */
export function forecasterOneOutScores(ell: Float64Array, L: ObjectLayout): Float64Array {
  const T = new Float64Array(L.nF);
  for (let k = 0; k < L.nF; k++) T[k] = ell[L.networkOneOut + L.nI + k] - ell[L.network];
  return T;
}

/** One-in forecaster scores T_k⁺ = ℓ(naive) − ℓ(naive one-in k). // eq. 25 */
export function forecasterOneInScores(ell: Float64Array, L: ObjectLayout): Float64Array {
  const T = new Float64Array(L.nF);
  for (let k = 0; k < L.nF; k++) T[k] = ell[L.naive] - ell[L.naiveOneIn + k];
  return T;
}

/** One-in weight f⁺: 'reference' 1/2^(N_f−1) (chain), 'whitepaper' 1/2^N_f. // eq. 26 */
export function fPlus(nF: number, mode: MechanismParams['f_plus']): number {
  return 1 / 2 ** (mode === 'reference' ? nF - 1 : nF);
}

/** Forecaster scores T_k = (1 − f⁺) T_k⁻ + f⁺ T_k⁺. // eq. 23 */
export function forecasterScores(oneOut: Float64Array, oneIn: Float64Array, fp: number): Float64Array {
  const T = new Float64Array(oneOut.length);
  for (let k = 0; k < T.length; k++) T[k] = (1 - fp) * oneOut[k] + fp * oneIn[k];
  return T;
}

/** Worker scores of one epoch with participation (see file header). */
export interface WorkerScores {
  /** T_j (eq. 22), NaN for non-participants. */
  inferer: Float64Array;
  /** T_k (eq. 23), NaN for non-participants. */
  forecaster: Float64Array;
  /** T_k⁻ (eq. 24). */
  forecasterOneOut: Float64Array;
  /** T_k⁺ (eq. 25). */
  forecasterOneIn: Float64Array;
  infererActive: Uint8Array;
  forecasterActive: Uint8Array;
  /** f⁺ used (eq. 26), for the number of participating forecasters. */
  fPlus: number;
}

/** Worker scores — eq. 22, eq. 23, eq. 24, eq. 25, eq. 26 — for the participating workers. A worker takes part
 *  iff its own loss (inference_j / forecast_implied_k) is finite; in a class of two or more, one whose score is not computable (missing one-out /
 *  one-in loss) drops out. A class with a single participant scores 0 (no one-out exists); f⁺ uses the number of
 *  participating forecasters. */
export function workerScores(ell: Float64Array, L: ObjectLayout, params: Pick<MechanismParams, 'f_plus'>): WorkerScores {
  const count = (a: Uint8Array) => {
    let c = 0;
    for (let i = 0; i < a.length; i++) c += a[i];
    return c;
  };
  // inferers
  const iAct = new Uint8Array(L.nI);
  for (let j = 0; j < L.nI; j++) iAct[j] = Number.isFinite(ell[L.inference + j]) ? 1 : 0;
  const rawI = new Float64Array(L.nI);
  for (let j = 0; j < L.nI; j++) rawI[j] = ell[L.networkOneOut + j] - ell[L.network]; // eq. 22
  if (count(iAct) > 1) for (let j = 0; j < L.nI; j++) if (!Number.isFinite(rawI[j])) iAct[j] = 0;
  const nIa = count(iAct);
  const inf = new Float64Array(L.nI);
  for (let j = 0; j < L.nI; j++) inf[j] = !iAct[j] ? NaN : nIa === 1 ? 0 : rawI[j];
  // forecasters
  const out = forecasterOneOutScores(ell, L);
  const oin = forecasterOneInScores(ell, L);
  const fAct = new Uint8Array(L.nF);
  for (let k = 0; k < L.nF; k++) fAct[k] = Number.isFinite(ell[L.forecastImplied + k]) ? 1 : 0;
  if (count(fAct) > 1) for (let k = 0; k < L.nF; k++) if (!Number.isFinite(out[k]) || !Number.isFinite(oin[k])) fAct[k] = 0;
  const nFa = count(fAct);
  const fp = fPlus(nFa, params.f_plus);
  const raw = forecasterScores(out, oin, fp);
  const fc = new Float64Array(L.nF);
  for (let k = 0; k < L.nF; k++) fc[k] = !fAct[k] ? NaN : nFa === 1 ? 0 : raw[k];
  return { inferer: inf, forecaster: fc, forecasterOneOut: out, forecasterOneIn: oin, infererActive: iAct, forecasterActive: fAct, fPlus: fp };
}

// ───────────────────────────────────────────── σ(T) and the mapping ──────────────────────────────

export type SigmaParams = Pick<MechanismParams, 'sigma_window' | 'sigma_window_size'> &
  Partial<Pick<MechanismParams, 'sigma_window_overflow'>>;

/** The σ(T) sample list (docs/rewards.md §3.4). 'samples': the current scores in participant order, then earlier
 *  epochs newest → oldest, each in participant order, stopping at `sigma_window_size` samples; with
 *  `sigma_window_overflow: last` an epoch with more scores than the window contributes only its last
 *  `sigma_window_size` ones (docs/chain.md C9). 'epochs': all scores of the current epoch and the
 *  `sigma_window_size − 1` before it. `history` is newest first. // eq. 29 */
export function scoreWindow(current: ArrayLike<number>, history: readonly ArrayLike<number>[], params: SigmaParams): Float64Array {
  return Float64Array.from(scoreWindowValues(current, history, params));
}

/** The samples of `scoreWindow` as a plain list. */
function scoreWindowValues(current: ArrayLike<number>, history: readonly ArrayLike<number>[], params: SigmaParams): number[] {
  const out: number[] = [];
  const size = params.sigma_window_size;
  if (params.sigma_window === 'samples') {
    const last = params.sigma_window_overflow === 'last';
    for (const h of [current, ...history]) {
      const from = last && h.length > size ? h.length - size : 0;
      for (let i = from; i < h.length && out.length < size; i++) out.push(h[i]);
      if (out.length >= size) break;
    }
  } else {
    for (let i = 0; i < current.length; i++) out.push(current[i]);
    for (let e = 0; e < Math.min(history.length, size - 1); e++) {
      const h = history[e];
      for (let i = 0; i < h.length; i++) out.push(h[i]);
    }
  }
  return out;
}


/** Returns the new score history (newest first) after an epoch with the given participating scores, keeping
 *  only what the σ window can still reach (see `scoreWindow`). */
export function pushScoreHistory(history: readonly Float64Array[], scores: Float64Array, params: SigmaParams): Float64Array[] {
  const all = [scores, ...history];
  if (params.sigma_window === 'epochs') return all.slice(0, Math.max(1, params.sigma_window_size));
  const out: Float64Array[] = [];
  let cnt = 0;
  for (const h of all) {
    if (cnt >= params.sigma_window_size) break;
    out.push(h);
    cnt += h.length;
  }
  return out;
}


function logPhi(p: number, c: number, x: number): number {
  const z = p * (x - c);
  if (z < -30) return z; // ln ln(1 + e^z) = z − e^z/2 + …
  return Math.log(potential(x, p, c));
}

export type MappingParams = Pick<MechanismParams, 'epsilon' | 'c_reward' | 'sigma_below_epsilon'>;

/** Mapped scores M = φ_{p,c}(T / (σ + ε)); with 'uniform' and σ < ε, M = 1 for all (chain). // eq. 29 */
export function mappedScores(T: Float64Array, sigma: number, p: number, params: MappingParams): Float64Array {
  const M = new Float64Array(T.length);
  if (params.sigma_below_epsilon === 'uniform' && sigma < params.epsilon) return M.fill(1);
  const s = sigma + params.epsilon;
  for (let i = 0; i < T.length; i++) M[i] = potential(T[i] / s, p, params.c_reward);
  return M;
}

/** Worker reward fractions u_j = M_j / Σ M (eq. 27) or v_k (eq. 28). If Σ M under/overflows the same ratio is
 *  taken in log space. // eq. 27, eq. 28 */
export function workerRewardFractions(T: Float64Array, sigma: number, p: number, params: MappingParams): Float64Array {
  const M = mappedScores(T, sigma, p, params);
  let sum = 0;
  for (let i = 0; i < M.length; i++) sum += M[i];
  if (sum > 0 && Number.isFinite(sum)) {
    for (let i = 0; i < M.length; i++) M[i] /= sum;
    return M;
  }
  const s = sigma + params.epsilon;
  const lg = new Float64Array(T.length);
  let mx = -Infinity;
  for (let i = 0; i < T.length; i++) mx = Math.max(mx, (lg[i] = logPhi(p, params.c_reward, T[i] / s)));
  let se = 0;
  for (let i = 0; i < T.length; i++) se += (M[i] = Math.exp(lg[i] - mx));
  for (let i = 0; i < T.length; i++) M[i] /= se;
  return M;
}

// ───────────────────────────────────────────── reputers ──────────────────────────────────────────

/** Reputer reward fractions w_m = (S_m T_m)^p / Σ (S T)^p; all 0 if every term is 0. // eq. 36 */
export function reputerRewardFractions(stakes: Float64Array, scores: Float64Array, p: number): Float64Array {
  const w = new Float64Array(stakes.length);
  let sum = 0;
  for (let m = 0; m < w.length; m++) sum += (w[m] = (stakes[m] * scores[m]) ** p);
  if (sum > 0) for (let m = 0; m < w.length; m++) w[m] /= sum;
  else w.fill(0);
  return w;
}

/** Stake growth S_{t+1,m} = S_{t,m} + W_m. // eq. 37 */
export function stakeGrowth(stakes: Float64Array, reputerRewards: Float64Array): Float64Array {
  const out = new Float64Array(stakes.length);
  for (let m = 0; m < out.length; m++) out[m] = stakes[m] + reputerRewards[m];
  return out;
}

// ───────────────────────────────────────────── entropies ─────────────────────────────────────────

/** Smoothed fractions x̃ = α x + (1 − α) x̃_prev; x̃ = x for a participant with no prior (NaN). // eq. 40 */
export function smoothedFractions(x: Float64Array, prev: Float64Array, alpha: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const p = prev[i];
    out[i] = Number.isFinite(p) ? alpha * x[i] + (1 - alpha) * p : x[i];
  }
  return out;
}

/** Modified reward fractions f = x̃ / Σ x̃ (all 0 if Σ x̃ = 0). // eq. 39 */
export function normalizedFractions(xs: Float64Array): Float64Array {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  const f = new Float64Array(xs.length);
  if (s > 0) for (let i = 0; i < xs.length; i++) f[i] = xs[i] / s;
  return f;
}

/** Effective number N_eff = 1 / Σ f². // eq. 41 */
export function effectiveNumber(f: Float64Array): number {
  let s = 0;
  for (let i = 0; i < f.length; i++) s += f[i] * f[i];
  return 1 / s;
}

/** Modified entropy −Σ f ln f · (N_eff/N)^β; N = 1 → `single_participant_entropy`; N = 0 or Σ f = 0 → 0;
 *  f = 0 contributes 0. N_eff is 1/Σ f² (eq. 41) unless `nEff` is given (`n_eff_source: smoothed`,
 *  docs/chain.md C6). // eq. 38 */
export function modifiedEntropy(f: Float64Array, beta: number, singleEntropy: number, nEff?: number): number {
  const N = f.length;
  if (N === 0) return 0;
  if (N === 1) return singleEntropy;
  let h = 0;
  let s2 = 0;
  for (let i = 0; i < N; i++) {
    const x = f[i];
    if (x > 0) h -= x * Math.log(x);
    s2 += x * x;
  }
  if (s2 === 0) return 0;
  if (nEff !== undefined) return h * (nEff / N) ** beta;
  return h * (1 / s2 / N) ** beta;
}

// ───────────────────────────────────────────── task split ────────────────────────────────────────

/** Forecasting-task score 𝒯 = ℓ(naive) − ℓ(network). // eq. 43 */
export function forecastingTaskScore(ell: Float64Array, L: ObjectLayout): number {
  return ell[L.naive] - ell[L.network];
}

/**
 * τ_t = α (𝒯 − min(0, M)) / |M| + (1 − α) τ_{t−1}, M = max_j T_j ('whitepaper') or max(0, max_j T_j) ('chain').
 * If M = 0 the denominator is |𝒯|; if 𝒯 = 0 too, χ is forced to 0.5 and τ is reset to 0 (`reset`). // eq. 44
 */
export function forecasterScoreRatio(
  task: number,
  infererScores: ArrayLike<number>,
  tauPrev: number,
  params: Pick<MechanismParams, 'alpha_task' | 'tau_max'>,
): { tau: number; reset: boolean } {
  let M = params.tau_max === 'chain' ? 0 : -Infinity;
  for (let j = 0; j < infererScores.length; j++) if (infererScores[j] > M) M = infererScores[j];
  if (M === -Infinity) M = 0; // no participating inferer
  let den = Math.abs(M);
  if (M === 0) {
    if (task === 0) return { tau: 0, reset: true };
    den = Math.abs(task);
  }
  const x = (task - Math.min(0, M)) / den;
  return { tau: params.alpha_task * x + (1 - params.alpha_task) * tauPrev, reset: false };
}

/** Forecasting-task utility χ: 0.1 if τ < 0, 0.4 τ + 0.1 if 0 ≤ τ < 1, 0.5 if τ ≥ 1. // eq. 45 */
export function forecastingUtility(tau: number): number {
  if (tau < 0) return 0.1;
  if (tau >= 1) return 0.5;
  return 0.4 * tau + 0.1;
}

/** γ = (F + G) / ((1 − χ) F + χ G); 1 when F + G = 0 (U = V = 0 then). // eq. 46 */
export function normalizationFactor(F: number, G: number, chi: number): number {
  if (F + G === 0) return 1;
  return (F + G) / ((1 - chi) * F + chi * G);
}

/** U = (1−χ)γ F E/(F+G+H), V = χγ G E/(F+G+H), W = H E/(F+G+H); all 0 if F+G+H = 0. // eq. 42 */
export function classRewards(F: number, G: number, H: number, chi: number, gamma: number, E: number): { U: number; V: number; W: number } {
  const S = F + G + H;
  if (!(S > 0)) return { U: 0, V: 0, W: 0 };
  return { U: ((1 - chi) * gamma * F * E) / S, V: (chi * gamma * G * E) / S, W: (H * E) / S };
}

/** Individual rewards U_j = u_j U, V_k = v_k V, W_m = w_m W (raw fractions, w_im not the text's w_ij). // eq. 47 */
export function individualRewards(fractions: Float64Array, total: number): Float64Array {
  const out = new Float64Array(fractions.length);
  for (let i = 0; i < out.length; i++) out[i] = fractions[i] * total;
  return out;
}

// ───────────────────────────────────────────── one epoch ─────────────────────────────────────────────────────

/** Inputs of one epoch. */
export interface EpochRewardInput {
  nI: number;
  nF: number;
  nR: number;
  /** S_m, reputer stakes at the start of the epoch (stake authority), length N_r. */
  stakes: Float64Array;
  /** Reported log10 losses, N_r × N_obj row-major in the object layout (see `objectLayout`); NaN = missing. */
  losses: Float64Array;
  /** Network losses ℓ_x (eq. 14) in the object layout. Optional: when absent they are recomputed from `losses`
   *  and `stakes` (`networkLosses`); the synthesis engine may pass its own (identical to ~3e-16). */
  networkLosses?: Float64Array;
  /** E, the topic's reward for the epoch. */
  topicReward: number;
}

/** State carried from epoch t−1 to t. Arrays are indexed by participant; an entry that is missing (index past
 *  the end) or NaN means "new participant": a = 1, no smoothing prior. */
export interface RewardState {
  /** a_m, listening coefficients (eq. 35). */
  listening: Float64Array;
  /** Carried smoothed fractions (eq. 40), re-normalised over the epoch's participants (eq. 39): ũ, ṽ, w̃. */
  smoothInferer: Float64Array;
  smoothForecaster: Float64Array;
  smoothReputer: Float64Array;
  /** τ_{t−1} (eq. 44); 0 for a new topic. */
  tau: number;
  /** Past epochs' participating scores, newest first (σ window of eq. 29). */
  infererScoreHistory: Float64Array[];
  forecasterScoreHistory: Float64Array[];
}

/** Everything computed in one epoch. Per-participant arrays have N_i / N_f / N_r entries; NaN = did not take part
 *  (rewards are 0 instead). */
export interface EpochRewardOutputs {
  /** ℓ per object (eq. 14), as used. */
  networkLosses: Float64Array;
  infererActive: Uint8Array;
  forecasterActive: Uint8Array;
  reputerActive: Uint8Array;
  /** T_j (eq. 22). */
  infererScores: Float64Array;
  /** T_k⁻, T_k⁺, T_k (eq. 24, eq. 25, eq. 23) and f⁺ (eq. 26). */
  forecasterOneOutScores: Float64Array;
  forecasterOneInScores: Float64Array;
  forecasterScores: Float64Array;
  fPlus: number;
  /** σ(T) of each task (eq. 29). */
  sigmaInferer: number;
  sigmaForecaster: number;
  /** u_j, v_k (eq. 27, eq. 28). */
  infererFractions: Float64Array;
  forecasterFractions: Float64Array;
  /** a_m after the ascent (eq. 35), carried. */
  listening: Float64Array;
  /** Ŝ_m and T_m as reported (eq. 30, eq. 33; see `ListeningResult`). */
  adjustedStakes: Float64Array;
  reputerScores: Float64Array;
  listeningIterations: number;
  /** w_m (eq. 36). */
  reputerFractions: Float64Array;
  /** Smoothed, re-normalised fractions f (eq. 39, eq. 40) — the carried values. */
  smoothInferer: Float64Array;
  smoothForecaster: Float64Array;
  smoothReputer: Float64Array;
  /** F, G, H (eq. 38). */
  infererEntropy: number;
  forecasterEntropy: number;
  reputerEntropy: number;
  /** 𝒯 (eq. 43), τ (eq. 44), χ (eq. 45), γ (eq. 46). */
  forecastTaskScore: number;
  tau: number;
  chi: number;
  gamma: number;
  /** E and U, V, W (eq. 42) and U/E, V/E, W/E. */
  topicReward: number;
  infererClassReward: number;
  forecasterClassReward: number;
  reputerClassReward: number;
  infererClassFraction: number;
  forecasterClassFraction: number;
  reputerClassFraction: number;
  /** U_j, V_k, W_m (eq. 47). */
  infererRewards: Float64Array;
  forecasterRewards: Float64Array;
  reputerRewards: Float64Array;
  /** S_{t+1,m} (eq. 37). */
  nextStakes: Float64Array;
}

/** State of a brand-new topic: a = 1, no smoothing priors, τ = 0, empty history. */
export function initialRewardState(nI: number, nF: number, nR: number): RewardState {
  return {
    listening: new Float64Array(nR).fill(1),
    smoothInferer: new Float64Array(nI).fill(NaN),
    smoothForecaster: new Float64Array(nF).fill(NaN),
    smoothReputer: new Float64Array(nR).fill(NaN),
    tau: 0,
    infererScoreHistory: [],
    forecasterScoreHistory: [],
  };
}

const prior = (arr: Float64Array, i: number): number => (i < arr.length ? arr[i] : NaN);

function pick(x: Float64Array, idx: number[]): Float64Array {
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = x[idx[i]];
  return out;
}

function scatter(n: number, idx: number[], vals: Float64Array, fill: number): Float64Array {
  const out = new Float64Array(n).fill(fill);
  for (let i = 0; i < idx.length; i++) out[idx[i]] = vals[i];
  return out;
}

function carried(prev: Float64Array, n: number, idx: number[], vals: Float64Array, fresh: number): Float64Array {
  const out = new Float64Array(Math.max(n, prev.length));
  for (let i = 0; i < out.length; i++) out[i] = i < prev.length ? prev[i] : fresh;
  for (let i = 0; i < idx.length; i++) out[idx[i]] = vals[i];
  return out;
}

/** ũ / ṽ / w̃ and the class entropy for the participants `idx` with raw fractions x; N_eff from f (eq. 41) or,
 *  with `n_eff_source: smoothed`, from the un-normalised x̃ (docs/chain.md C6). // eq. 38, eq. 39, eq. 40, eq. 41 */
export function smoothAndEntropy(
  x: Float64Array,
  prev: Float64Array,
  idx: number[],
  params: Pick<MechanismParams, 'alpha_task' | 'beta' | 'single_participant_entropy' | 'n_eff_source'>,
): { f: Float64Array; entropy: number } {
  const pr = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) pr[i] = prior(prev, idx[i]);
  const xs = smoothedFractions(x, pr, params.alpha_task);
  const f = normalizedFractions(xs);
  const nEff = params.n_eff_source === 'smoothed' ? effectiveNumber(xs) : undefined;
  return { f, entropy: modifiedEntropy(f, params.beta, params.single_participant_entropy, nEff) };
}

/**
 * One epoch of rewards (whitepaper §4). Does not mutate its arguments; returns the outputs and the state for t+1.
 */
export function computeEpochRewards(
  input: EpochRewardInput,
  state: RewardState,
  params: MechanismParams,
  opts: ListeningOptions = {},
): { outputs: EpochRewardOutputs; state: RewardState } {
  const { nI, nF, nR, stakes, losses, topicReward: E } = input;
  const L = objectLayout(nI, nF);
  if (losses.length !== nR * L.count) throw new Error(`rewards: losses must be ${nR}×${L.count}, got ${losses.length} values`);
  if (stakes.length !== nR) throw new Error(`rewards: expected ${nR} stakes, got ${stakes.length}`);
  // The stake floor (docs/chain.md C13): a reputer below `min_reputer_stake` takes no part; if one that reported
  // is left out, the network losses are recomputed without it.
  const floored = applyStakeFloor(stakes, params);
  const ell =
    (floored === stakes ? input.networkLosses : undefined) ?? stakeWeightedLosses(losses, floored, L.count); // eq. 14
  if (ell.length !== L.count) throw new Error(`rewards: networkLosses must have ${L.count} values`);

  // ── reputers: ascent, scores, adjusted stakes ──
  const rIdx: number[] = [];
  for (let m = 0; m < nR; m++) {
    if (!Number.isFinite(floored[m]) || floored[m] < 0) continue;
    const o = m * L.count;
    for (let j = 0; j < L.count; j++)
      if (losses[o + j] === losses[o + j]) {
        rIdx.push(m);
        break;
      }
  }
  const nRa = rIdx.length;
  const Sa = pick(stakes, rIdx);
  const a0 = new Float64Array(nRa);
  let D0 = 0;
  for (let i = 0; i < nRa; i++) {
    const v = prior(state.listening, rIdx[i]);
    a0[i] = Number.isFinite(v) ? v : 1;
    D0 += a0[i] * Sa[i];
  }
  let aNew: Float64Array = a0;
  let Ta: Float64Array = new Float64Array(nRa).fill(NaN);
  let Sha: Float64Array = new Float64Array(nRa).fill(NaN);
  let wa: Float64Array = new Float64Array(nRa);
  let iterations = 0;
  const reputersPaid = nRa > 0 && D0 > 0; // Σ a S = 0: eq. 30 undefined → no reputer payout
  if (reputersPaid) {
    // The rows of the reputers taking part (all of them, usually: then the matrix itself).
    let R = losses;
    if (nRa < nR) {
      R = new Float64Array(nRa * L.count);
      for (let i = 0; i < nRa; i++) R.set(losses.subarray(rIdx[i] * L.count, (rIdx[i] + 1) * L.count), i * L.count);
    }
    const rep = prepareReports({ n: nRa, nObj: L.count, losses: R, stakes: Sa });
    const res = listeningCoefficients(rep, a0, params, opts);
    aNew = res.coefficients;
    Ta = res.scores;
    Sha = res.adjustedStakes;
    iterations = res.iterations;
    wa = reputerRewardFractions(Sa, Ta, params.p_reward_reputer); // eq. 36
  }

  // ── worker scores ──
  const ws = workerScores(ell, L, params);
  const iIdx: number[] = [];
  const fIdx: number[] = [];
  for (let j = 0; j < nI; j++) if (ws.infererActive[j]) iIdx.push(j);
  for (let k = 0; k < nF; k++) if (ws.forecasterActive[k]) fIdx.push(k);
  const Ti = pick(ws.inferer, iIdx);
  const Tf = pick(ws.forecaster, fIdx);

  // ── w̃, H ──
  let H = 0;
  let fR: Float64Array = new Float64Array(nRa);
  if (reputersPaid) {
    const r = smoothAndEntropy(wa, state.smoothReputer, rIdx, params);
    fR = r.f;
    H = r.entropy;
  }

  // ── u, ũ, F ──
  const sigmaI = stdOfAll(scoreWindowValues(Ti, state.infererScoreHistory, params));
  const u = workerRewardFractions(Ti, sigmaI, params.p_reward_inference, params);
  const si = smoothAndEntropy(u, state.smoothInferer, iIdx, params);
  const F = iIdx.length > 0 ? si.entropy : 0;

  // ── v, ṽ, G ──
  const sigmaF = stdOfAll(scoreWindowValues(Tf, state.forecasterScoreHistory, params));
  const v = workerRewardFractions(Tf, sigmaF, params.p_reward_forecast, params);
  const sf = smoothAndEntropy(v, state.smoothForecaster, fIdx, params);
  const G = fIdx.length === 0 || iIdx.length === 1 ? 0 : sf.entropy;

  // ── τ, χ, γ ──
  const task = forecastingTaskScore(ell, L);
  const tr = forecasterScoreRatio(task, Ti, state.tau, params);
  const chi = tr.reset ? 0.5 : forecastingUtility(tr.tau);
  const gamma = normalizationFactor(F, G, chi);

  // ── U, V, W and individual rewards ──
  const { U, V, W } = classRewards(F, G, H, chi, gamma, E);
  const Ui = individualRewards(u, U);
  const Vk = individualRewards(v, V);
  const Wm = individualRewards(wa, W);
  const reputerRewards = scatter(nR, rIdx, Wm, 0);
  const nextStakes = stakeGrowth(stakes, reputerRewards); // eq. 37

  const outputs: EpochRewardOutputs = {
    networkLosses: ell,
    infererActive: ws.infererActive,
    forecasterActive: ws.forecasterActive,
    reputerActive: (() => {
      const m = new Uint8Array(nR);
      for (const i of rIdx) m[i] = 1;
      return m;
    })(),
    infererScores: ws.inferer,
    forecasterOneOutScores: ws.forecasterOneOut,
    forecasterOneInScores: ws.forecasterOneIn,
    forecasterScores: ws.forecaster,
    fPlus: ws.fPlus,
    sigmaInferer: sigmaI,
    sigmaForecaster: sigmaF,
    infererFractions: scatter(nI, iIdx, u, NaN),
    forecasterFractions: scatter(nF, fIdx, v, NaN),
    listening: carried(state.listening, nR, rIdx, aNew, 1).slice(0, nR),
    adjustedStakes: scatter(nR, rIdx, Sha, NaN),
    reputerScores: scatter(nR, rIdx, Ta, NaN),
    listeningIterations: iterations,
    reputerFractions: scatter(nR, rIdx, reputersPaid ? wa : new Float64Array(nRa).fill(NaN), NaN),
    smoothInferer: scatter(nI, iIdx, si.f, NaN),
    smoothForecaster: scatter(nF, fIdx, sf.f, NaN),
    smoothReputer: scatter(nR, rIdx, reputersPaid ? fR : new Float64Array(nRa).fill(NaN), NaN),
    infererEntropy: F,
    forecasterEntropy: G,
    reputerEntropy: H,
    forecastTaskScore: task,
    tau: tr.tau,
    chi,
    gamma,
    topicReward: E,
    infererClassReward: U,
    forecasterClassReward: V,
    reputerClassReward: W,
    infererClassFraction: E !== 0 ? U / E : 0,
    forecasterClassFraction: E !== 0 ? V / E : 0,
    reputerClassFraction: E !== 0 ? W / E : 0,
    infererRewards: scatter(nI, iIdx, Ui, 0),
    forecasterRewards: scatter(nF, fIdx, Vk, 0),
    reputerRewards,
    nextStakes,
  };

  const next: RewardState = {
    listening: carried(state.listening, nR, rIdx, aNew, 1),
    smoothInferer: carried(state.smoothInferer, nI, iIdx, si.f, NaN),
    smoothForecaster: carried(state.smoothForecaster, nF, fIdx, sf.f, NaN),
    smoothReputer: reputersPaid ? carried(state.smoothReputer, nR, rIdx, fR, NaN) : new Float64Array(state.smoothReputer),
    tau: tr.tau,
    infererScoreHistory: pushScoreHistory(state.infererScoreHistory, Ti, params),
    forecasterScoreHistory: pushScoreHistory(state.forecasterScoreHistory, Tf, params),
  };
  return { outputs, state: next };
}
