// Inference synthesis — whitepaper §3.1–3.2, as docs/synthesis.md settles it.
// Pure functions: typed arrays in, typed arrays / plain records out. No I/O, no randomness.
//
// Indexing: N_i inferers j, N_f forecasters k; a worker index l runs over inferers first (0..N_i−1), then
// forecasters (N_i..N_i+N_f−1). An absent participant or a missing value is NaN.

import type { MechanismParams } from './params.js';
import {
  median,
  regretScale,
  regretWeights,
  regretWeightsFromStats,
  sampleStd,
  weightedMean,
  weightedPercentiles,
} from './weights.js';
import { LOO_INTERPOLATION_MIN, interpolatedOneOuts } from './loo.js';
import { copyInto, float64Views } from './arrays.js';

export type SynthesisParams = Pick<
  MechanismParams,
  | 'p'
  | 'c'
  | 'epsilon'
  | 'alpha'
  | 'epsilon_safe_div'
  | 'guard_rails'
  | 'confidence_intervals'
  | 'initial_regret'
  | 'initial_regret_rule'
  | 'initial_regret_quantile'
  | 'pnorm_safe_div'
  | 'initial_regret_pool'
  | 'regret_scale'
  | 'no_previous_loss'
>;

/** Percentiles of the confidence interval (§3.2): reference adds the median (D3). */
export const CI_PERCENTILES_REFERENCE = [2.28, 15.87, 50, 84.13, 97.72] as const;
export const CI_PERCENTILES_WHITEPAPER = [2.28, 15.87, 84.13, 97.72] as const;

export function ciPercentiles(prm: Pick<MechanismParams, 'confidence_intervals'>): readonly number[] {
  return prm.confidence_intervals === 'reference' ? CI_PERCENTILES_REFERENCE : CI_PERCENTILES_WHITEPAPER;
}

/** Every regret table the network keeps (eq. 15), carried from epoch to epoch. NaN = no regret yet. */
export interface RegretState {
  nI: number;
  nF: number;
  /** 𝓡_{i,l}: network regret of worker l. Length N_i + N_f. */
  network: Float64Array;
  /** Naive-network regret of inferer j. Length N_i. */
  naive: Float64Array;
  /** Regret of worker l in the network that withholds worker m, at [m·(N_i+N_f) + l] (l = m included). */
  oneOut: Float64Array;
  /** Regret of inferer j in forecaster k's one-in network at [k·(N_i+1) + j]; j = N_i is forecaster k itself. */
  oneIn: Float64Array;
  /** The latest combined network loss (log10), 𝓛_{i−1} of eq. 4; NaN before the first one. */
  networkLoss: number;
  /** Inclusions of worker l (epochs whose loss bundle scored it), for `initial_regret_pool: experienced`. */
  inclusions: Float64Array;
  /** The stored topic initial regret (`initial_regret_pool: experienced`); NaN while no worker has qualified. */
  storedInitialRegret: number;
}

export function emptyRegretState(nI: number, nF: number): RegretState {
  const nW = nI + nF;
  return {
    nI,
    nF,
    network: new Float64Array(nW).fill(NaN),
    naive: new Float64Array(nI).fill(NaN),
    oneOut: new Float64Array(nW * nW).fill(NaN),
    oneIn: new Float64Array(nF * (nI + 1)).fill(NaN),
    networkLoss: NaN,
    inclusions: new Float64Array(nW),
    storedInitialRegret: NaN,
  };
}

export function cloneRegretState(s: RegretState): RegretState {
  const [network, naive, oneOut, oneIn, inclusions] = float64Views(
    s.network.length,
    s.naive.length,
    s.oneOut.length,
    s.oneIn.length,
    s.inclusions.length,
  );
  copyInto(network, s.network);
  copyInto(naive, s.naive);
  copyInto(oneOut, s.oneOut);
  copyInto(oneIn, s.oneIn);
  copyInto(inclusions, s.inclusions);
  return { nI: s.nI, nF: s.nF, network, naive, oneOut, oneIn, networkLoss: s.networkLoss, inclusions, storedInitialRegret: s.storedInitialRegret };
}

/** What the workers submit in one epoch. */
export interface EpochSubmissions {
  /** I_ij, length N_i (NaN: inferer j did not submit). */
  inferences: Float64Array;
  /** log10 L_ijk, forecaster-major: [k·N_i + j] (NaN: no forecast element). */
  forecasts: Float64Array;
}

/** Everything synthesis produces for one epoch. NaN marks a quantity that does not exist this epoch. */
export interface SynthesisResult {
  /** R_ijk (eq. 4) at [k·N_i + j]. */
  forecastedRegrets: Float64Array;
  /** I_ik (eq. 3), length N_f. */
  forecastImplied: Float64Array;
  /** I_ik rebuilt without inferer j, at [k·N_i + j]. */
  forecastImpliedOneOut: Float64Array;
  /** I_i (eq. 9). */
  network: number;
  /** w_il of eq. 10 used for I_i (0 for a worker not in the network this epoch), length N_i + N_f. */
  networkWeights: Float64Array;
  /** Naive network inference I_i^− (inferers only). */
  naive: number;
  /** One-out network inferences I_li^−, length N_i + N_f. */
  networkOneOut: Float64Array;
  /** One-in naive network inferences I_ki^+, length N_f. */
  naiveOneIn: Float64Array;
  /** Confidence-interval values at `percentiles` (eq. 16, eq. 17, eq. 18, eq. 19). */
  confidence: Float64Array;
  percentiles: readonly number[];
}

const regretOrInitial = (r: number, initial: number): number => (Number.isNaN(r) ? initial : r);

/**
 * Forecasted regrets R_ijk = log 𝓛_{i−1} − log L_ijk — eq. 4. NaN where the forecast element or the
 * previous network loss is missing.
 */
export function forecastedRegrets(forecasts: Float64Array, previousNetworkLoss: number, out: Float64Array): Float64Array {
  for (let i = 0; i < forecasts.length; i++) out[i] = previousNetworkLoss - forecasts[i];
  return out;
}

/** Scratch buffers reused across calls, sized for N_i + N_f workers. */
class Workspace {
  readonly vals: Float64Array;
  readonly regs: Float64Array;
  readonly w: Float64Array;
  readonly idx: Int32Array;
  constructor(n: number) {
    this.vals = new Float64Array(n);
    this.regs = new Float64Array(n);
    this.w = new Float64Array(n);
    this.idx = new Int32Array(n);
  }
}

/** Weighted mean of vals[0..n) with weights from regs[0..n) (eq. 9, eq. 10, eq. 11); a single value is returned as is. */
function combine(ws: Workspace, n: number, prm: SynthesisParams): number {
  if (n === 0) return NaN;
  if (n === 1) return ws.vals[0];
  regretWeights(ws.regs, n, prm, ws.w);
  return weightedMean(ws.vals, ws.w, n, prm.epsilon_safe_div);
}

/**
 * Forecast-implied inference of one forecaster — eq. 3 with weights of eq. 5, eq. 6, eq. 7, eq. 8 — and all its one-out
 * rebuilds (docs/synthesis.md §8, D6): leaving inferer j out re-normalises the forecasted regrets over the rest.
 * The leave-one-out standard deviation and maximum come from running sums (mean/M2 removal and the top two
 * regrets). Below LOO_INTERPOLATION_MIN inferers each rebuild is one exact pass over the rest (O(n²) per
 * forecaster); above it the rebuilds are evaluated from Chebyshev interpolants of the weight sums in the
 * normalisation (loo.ts), O(n·K) per forecaster, checked against exact evaluation.
 *
 * `R`, `I`, `jIdx` hold the n inferers of J_k (compacted). Writes I_ik^(−j) into outOneOut[jIdx[t]].
 */
export function forecastImpliedWithOneOuts(
  R: Float64Array,
  I: Float64Array,
  jIdx: Int32Array,
  n: number,
  prm: SynthesisParams,
  w: Float64Array,
  outOneOut: Float64Array,
): number {
  if (n === 0) return NaN;
  if (n === 1) {
    // |J_k| = 1: that inference with weight 1; without it nothing is left.
    outOneOut[jIdx[0]] = NaN;
    return I[0];
  }
  if (prm.regret_scale === 'mad') return forecastImpliedMad(R, I, jIdx, n, prm, w, outOneOut);
  // Full-set statistics.
  let sum = 0;
  let top = -Infinity;
  let second = -Infinity;
  let topAt = -1;
  for (let t = 0; t < n; t++) {
    const r = R[t];
    sum += r;
    if (r > top) {
      second = top;
      top = r;
      topAt = t;
    } else if (r > second) {
      second = r;
    }
  }
  const mean = sum / n;
  let m2 = 0;
  for (let t = 0; t < n; t++) {
    const d = R[t] - mean;
    m2 += d * d;
  }
  const std = Math.sqrt(m2 / (n - 1));
  const sw = regretWeightsFromStats(R, n, std, top, prm, w);
  let swi = 0;
  for (let t = 0; t < n; t++) swi += w[t] * I[t];
  const full = swi / Math.max(sw, prm.epsilon_safe_div);

  // One-out rebuilds.
  const n1 = n - 1;
  const exactOneOut = (t: number): number => {
    if (n1 === 1) return I[t === 0 ? 1 : 0];
    const r = R[t];
    const meanOut = (sum - r) / n1;
    let m2Out = m2 - (r - mean) * (r - meanOut);
    if (!(m2Out > 1e-3 * m2)) {
      // The removed regret carried (nearly) all the spread, so the removal formula would lose digits to
      // cancellation: recompute two-pass. At most one regret per forecaster can trigger this.
      m2Out = 0;
      for (let u = 0; u < n; u++) {
        if (u === t) continue;
        const d = R[u] - meanOut;
        m2Out += d * d;
      }
    }
    const stdOut = Math.sqrt(m2Out / (n1 - 1));
    const maxOut = t === topAt ? second : top;
    const s = regretWeightsFromStats(R, n, stdOut, maxOut, prm, w, t);
    let acc = 0;
    for (let u = 0; u < n; u++) acc += w[u] * I[u];
    return acc / Math.max(s, prm.epsilon_safe_div);
  };
  if (n >= LOO_INTERPOLATION_MIN) {
    interpolatedOneOuts(R, I, n, { sum, mean, m2, top, second, topAt }, prm, exactOneOut, (t, v) => {
      outOneOut[jIdx[t]] = v;
    });
  } else {
    for (let t = 0; t < n; t++) outOneOut[jIdx[t]] = exactOneOut(t);
  }
  return full;
}

/**
 * `forecastImpliedWithOneOuts` with the MAD regret scale (docs/chain.md C4): eq. 3 with the weights of eq. 5 and
 * eq. 8 where the scale is 1.4826·MAD + ε; each one-out rebuild recomputes the MAD of the remaining regrets
 * (O(n² log n) per forecaster, no interpolation).
 */
function forecastImpliedMad(
  R: Float64Array,
  I: Float64Array,
  jIdx: Int32Array,
  n: number,
  prm: SynthesisParams,
  w: Float64Array,
  outOneOut: Float64Array,
): number {
  const sw = regretWeights(R, n, prm, w);
  let swi = 0;
  for (let t = 0; t < n; t++) swi += w[t] * I[t];
  const full = swi / Math.max(sw, prm.epsilon_safe_div);
  const rest = new Float64Array(n - 1);
  for (let t = 0; t < n; t++) {
    if (n === 2) {
      outOneOut[jIdx[t]] = I[1 - t];
      continue;
    }
    let maxOut = -Infinity;
    for (let u = 0, v = 0; u < n; u++) {
      if (u === t) continue;
      rest[v++] = R[u];
      if (R[u] > maxOut) maxOut = R[u];
    }
    const s = regretWeightsFromStats(R, n, regretScale(rest, n - 1, prm), maxOut, prm, w, t);
    let acc = 0;
    for (let u = 0; u < n; u++) acc += w[u] * I[u];
    outOneOut[jIdx[t]] = acc / Math.max(s, prm.epsilon_safe_div);
  }
  return full;
}

/**
 * One epoch of inference synthesis (§3.1–3.2): forecasted regrets (eq. 4), forecast-implied inferences and
 * their one-out rebuilds (eq. 3, eq. 5, eq. 6, eq. 7, eq. 8), the network inference (eq. 9, eq. 10, eq. 11), the naive inference, one-out
 * inferences for every inferer and forecaster, one-in naive inferences, and the confidence interval
 * (eq. 16, eq. 17, eq. 18, eq. 19). Weights of each variant come from its own regret table of the previous epoch (D12).
 */
export function synthesize(sub: EpochSubmissions, regrets: RegretState, prm: SynthesisParams): SynthesisResult {
  const { nI, nF } = regrets;
  const nW = nI + nF;
  const init = initialRegret(regrets, prm);
  const ws = new Workspace(nW + 1);
  const I = sub.inferences;

  const presentI: number[] = [];
  for (let j = 0; j < nI; j++) if (!Number.isNaN(I[j])) presentI.push(j);
  const nPresentI = presentI.length;

  // The result's arrays, carved from one buffer.
  const [frOut, fi, fiOneOut, networkWeights, networkOneOut, naiveOneIn] = float64Views(nF * nI, nF, nF * nI, nW, nW, nF);
  fi.fill(NaN);
  fiOneOut.fill(NaN);
  networkOneOut.fill(NaN);
  naiveOneIn.fill(NaN);
  const fr = forecastedRegrets(sub.forecasts, regrets.networkLoss, frOut);
  const hasPrevLoss = !Number.isNaN(regrets.networkLoss);

  // Forecast-implied inferences (eq. 3, eq. 4, eq. 5, eq. 6, eq. 7, eq. 8) and their one-out rebuilds.
  if (hasPrevLoss) {
    const Rk = new Float64Array(nI);
    const Ik = new Float64Array(nI);
    const jk = new Int32Array(nI);
    const w = new Float64Array(nI);
    for (let k = 0; k < nF; k++) {
      let n = 0;
      for (const j of presentI) {
        const r = fr[k * nI + j];
        if (Number.isNaN(r)) continue;
        Rk[n] = r;
        Ik[n] = I[j];
        jk[n] = j;
        n++;
      }
      fi[k] = forecastImpliedWithOneOuts(Rk, Ik, jk, n, prm, w, fiOneOut.subarray(k * nI, (k + 1) * nI));
    }
  }

  const presentF: number[] = [];
  for (let k = 0; k < nF; k++) if (!Number.isNaN(fi[k])) presentF.push(k);

  // Network inference (eq. 9, eq. 10, eq. 11): one joint weight set over inferers and forecasters.
  let network = NaN;
  let ciValues: Float64Array;
  let ciWeights: Float64Array;
  let nCi = 0;
  {
    let n = 0;
    for (const j of presentI) {
      ws.vals[n] = I[j];
      ws.regs[n] = regretOrInitial(regrets.network[j], init);
      ws.idx[n++] = j;
    }
    for (const k of presentF) {
      ws.vals[n] = fi[k];
      ws.regs[n] = regretOrInitial(regrets.network[nI + k], init);
      ws.idx[n++] = nI + k;
    }
    nCi = n;
    if (n === 1) ws.w[0] = 1;
    else if (n > 1) regretWeights(ws.regs, n, prm, ws.w);
    for (let t = 0; t < n; t++) networkWeights[ws.idx[t]] = ws.w[t];
    ciValues = ws.vals.slice(0, n);
    ciWeights = ws.w.slice(0, n);
    if (!hasPrevLoss && prm.no_previous_loss === 'median') network = median(I.filter((x) => !Number.isNaN(x)), nPresentI);
    else if (n > 0) network = weightedMean(ciValues, ciWeights, n, prm.epsilon_safe_div);
  }

  // Naive network inference: inferers only, naive regrets.
  let naive = NaN;
  {
    let n = 0;
    for (const j of presentI) {
      ws.vals[n] = I[j];
      ws.regs[n++] = regretOrInitial(regrets.naive[j], init);
    }
    naive = combine(ws, n, prm);
  }

  // Secondary inferences (§8). None with a single inferer (§13).
  if (nPresentI > 1) {
    // One-out inferer m: the other inferers plus every forecaster's I_ik rebuilt without m.
    for (const m of presentI) {
      const row = m * nW;
      let n = 0;
      for (const j of presentI) {
        if (j === m) continue;
        ws.vals[n] = I[j];
        ws.regs[n++] = regretOrInitial(regrets.oneOut[row + j], init);
      }
      for (const k of presentF) {
        const v = fiOneOut[k * nI + m];
        if (Number.isNaN(v)) continue;
        ws.vals[n] = v;
        ws.regs[n++] = regretOrInitial(regrets.oneOut[row + nI + k], init);
      }
      networkOneOut[m] =
        !hasPrevLoss && prm.no_previous_loss === 'median' ? median(ws.vals, n) : combine(ws, n, prm);
    }
    if (presentF.length > 1) {
      // One-out forecaster m: all inferers and the other forecasters (not rebuilt).
      for (const m of presentF) {
        const row = (nI + m) * nW;
        let n = 0;
        for (const j of presentI) {
          ws.vals[n] = I[j];
          ws.regs[n++] = regretOrInitial(regrets.oneOut[row + j], init);
        }
        for (const k of presentF) {
          if (k === m) continue;
          ws.vals[n] = fi[k];
          ws.regs[n++] = regretOrInitial(regrets.oneOut[row + nI + k], init);
        }
        networkOneOut[nI + m] = combine(ws, n, prm);
      }
      // One-in forecaster k: all inferers plus forecaster k, with the one-in regrets.
      for (const k of presentF) {
        const row = k * (nI + 1);
        let n = 0;
        for (const j of presentI) {
          ws.vals[n] = I[j];
          ws.regs[n++] = regretOrInitial(regrets.oneIn[row + j], init);
        }
        ws.vals[n] = fi[k];
        ws.regs[n++] = regretOrInitial(regrets.oneIn[row + nI], init);
        naiveOneIn[k] = combine(ws, n, prm);
      }
    }
  }

  // Confidence interval (eq. 16, eq. 17, eq. 18, eq. 19) over the network's values and weights.
  const percentiles = ciPercentiles(prm);
  const confidence = weightedPercentiles(
    ciValues,
    ciWeights,
    nCi,
    percentiles,
    prm.confidence_intervals === 'whitepaper' ? network : null,
  );

  return {
    forecastedRegrets: fr,
    forecastImplied: fi,
    forecastImpliedOneOut: fiOneOut,
    network,
    networkWeights,
    naive,
    networkOneOut,
    naiveOneIn,
    confidence,
    percentiles,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Objects reported on by reputers (eq. 12) and their losses (eq. 13, eq. 14).

/**
 * The objects of eq. 12 in one flat layout, used for reported losses and their combined values:
 * [network, naive, inference_0..N_i−1, forecast_implied_0..N_f−1, forecast_implied_k_oneout_j at k·N_i + j,
 *  network_oneout_0..N_i+N_f−1, naive_onein_0..N_f−1].
 */
export interface ObjectLayout {
  nI: number;
  nF: number;
  count: number;
  network: number;
  naive: number;
  inference: number;
  forecastImplied: number;
  forecastImpliedOneOut: number;
  networkOneOut: number;
  naiveOneIn: number;
}

/** Where each object of eq. 12 sits in the flat layout, for N_i inferers and N_f forecasters. */
export function objectLayout(nI: number, nF: number): ObjectLayout {
  const inference = 2;
  const forecastImplied = inference + nI;
  const forecastImpliedOneOut = forecastImplied + nF;
  const networkOneOut = forecastImpliedOneOut + nF * nI;
  const naiveOneIn = networkOneOut + nI + nF;
  return {
    nI,
    nF,
    count: naiveOneIn + nF,
    network: 0,
    naive: 1,
    inference,
    forecastImplied,
    forecastImpliedOneOut,
    networkOneOut,
    naiveOneIn,
  };
}

/** The synthesis outputs as a flat object vector in `objectLayout` order (NaN where an object is missing). */
export function objectValues(res: SynthesisResult, inferences: Float64Array, L: ObjectLayout, out = new Float64Array(L.count)): Float64Array {
  out[L.network] = res.network;
  out[L.naive] = res.naive;
  copyInto(out, inferences, L.inference);
  copyInto(out, res.forecastImplied, L.forecastImplied);
  copyInto(out, res.forecastImpliedOneOut, L.forecastImpliedOneOut);
  copyInto(out, res.networkOneOut, L.networkOneOut);
  copyInto(out, res.naiveOneIn, L.naiveOneIn);
  return out;
}

/**
 * Stake-weighted log10 losses of every object — eq. 14: L = Σ_m S_m ℓ_m / Σ_m S_m, with ℓ_m the losses reputer m
 * reports (eq. 13), over the reputers that reported the object, with raw stakes (D13). `reports` is N_r × N_obj row-major (NaN: not reported);
 * a reputer with NaN or zero stake counts for nothing. An object no one reported gets NaN.
 */
export function stakeWeightedLosses(reports: Float64Array, stakes: Float64Array, nObj: number): Float64Array {
  const nR = stakes.length;
  const [num, den] = float64Views(nObj, nObj);
  for (let m = 0; m < nR; m++) {
    const s = stakes[m];
    if (!(s > 0)) continue;
    const base = m * nObj;
    for (let o = 0; o < nObj; o++) {
      const l = reports[base + o];
      if (Number.isNaN(l)) continue;
      num[o] += s * l;
      den[o] += s;
    }
  }
  for (let o = 0; o < nObj; o++) num[o] = den[o] > 0 ? num[o] / den[o] : NaN;
  return num;
}

// ---------------------------------------------------------------------------------------------------------
// Regret updates (eq. 15).

/** EMA of eq. 15: α x + (1 − α) prev, with a missing prev read as the initial regret. */
export function regretEma(x: number, prev: number, alpha: number, initial: number): number {
  return alpha * x + (1 - alpha) * (Number.isNaN(prev) ? initial : prev);
}

/**
 * Regret update of every table — eq. 15 — from the stake-weighted losses (`objectLayout` order) of the previous
 * epoch's objects. Each variant's own loss is the reference (D7): one-out-m regrets of forecaster k use the
 * loss of k's forecast-implied inference rebuilt without m; the withheld worker and the one-in forecaster
 * itself are tracked too. An entry whose losses are missing keeps its previous value. Also records the
 * network loss the next epoch's forecasted regrets need.
 */
export function updateRegrets(
  prev: RegretState,
  losses: Float64Array,
  prm: InitialRegretParams & Pick<MechanismParams, 'alpha'>,
  seedWithFirst = false,
): RegretState {
  const { nI, nF } = prev;
  const nW = nI + nF;
  const L = objectLayout(nI, nF);
  const a = prm.alpha;
  const init = initialRegret(prev, prm);
  const next = cloneRegretState(prev);
  const workerLoss = (l: number): number => losses[l < nI ? L.inference + l : L.forecastImplied + (l - nI)];
  // `seedWithFirst`: a table entry's first update takes x itself instead of α x + (1 − α) InitialRegret.
  const upd = (arr: Float64Array, i: number, x: number): void => {
    if (!Number.isNaN(x)) arr[i] = seedWithFirst && Number.isNaN(arr[i]) ? x : regretEma(x, arr[i], a, init);
  };

  const lNet = losses[L.network];
  for (let l = 0; l < nW; l++) upd(next.network, l, lNet - workerLoss(l));

  const lNaive = losses[L.naive];
  for (let j = 0; j < nI; j++) upd(next.naive, j, lNaive - losses[L.inference + j]);

  for (let m = 0; m < nW; m++) {
    const lOut = losses[L.networkOneOut + m];
    if (Number.isNaN(lOut)) continue;
    const row = m * nW;
    for (let l = 0; l < nW; l++) {
      let ll: number;
      if (m < nI && l >= nI) ll = losses[L.forecastImpliedOneOut + (l - nI) * nI + m]; // rebuilt I_ik^(−m)
      else ll = workerLoss(l);
      upd(next.oneOut, row + l, lOut - ll);
    }
  }

  for (let k = 0; k < nF; k++) {
    const lIn = losses[L.naiveOneIn + k];
    if (Number.isNaN(lIn)) continue;
    const row = k * (nI + 1);
    for (let j = 0; j < nI; j++) upd(next.oneIn, row + j, lIn - losses[L.inference + j]);
    upd(next.oneIn, row + nI, lIn - losses[L.forecastImplied + k]);
  }

  if (!Number.isNaN(lNet)) next.networkLoss = lNet;

  // The experienced pool of the initial regret (docs/chain.md C3): the new network regrets of the workers of
  // this loss bundle that had a regret before it and ≥ 1/α inclusions before it; then count this bundle's
  // inclusions. With no qualifying worker the stored value is kept.
  if (prm.initial_regret_pool === 'experienced' && prm.initial_regret_rule !== 'fixed') {
    const pool: number[] = [];
    for (let l = 0; l < nW; l++) {
      if (Number.isNaN(lNet) || Number.isNaN(workerLoss(l))) continue;
      if (!Number.isNaN(prev.network[l]) && prev.inclusions[l] >= 1 / a) pool.push(next.network[l]);
      next.inclusions[l] = prev.inclusions[l] + 1;
    }
    if (pool.length > 0) next.storedInitialRegret = topicInitialRegret(pool, pool.length, prm, prm.initial_regret_rule);
  }
  return next;
}

// ---------------------------------------------------------------------------------------------------------
// The initial regret of a new worker (docs/synthesis.md §12, D10).

export type InitialRegretParams = Pick<
  MechanismParams,
  | 'p'
  | 'c'
  | 'epsilon'
  | 'initial_regret'
  | 'initial_regret_rule'
  | 'initial_regret_quantile'
  | 'pnorm_safe_div'
  | 'initial_regret_pool'
>;

/**
 * The regret every table reads for a worker it has no regret for yet (docs/synthesis.md §12), from the carried
 * state: `initial_regret` under the 'fixed' rule; with `initial_regret_pool: regret_holders`, `topicInitialRegret`
 * over the network regrets of the workers that have one, or `initial_regret` while none has; with
 * `initial_regret_pool: experienced`, the value stored by the last `updateRegrets` that found an experienced
 * worker (docs/chain.md C3), or `initial_regret` before. The same value seeds the first regret update of a new worker.
 */
export function initialRegret(state: RegretState, prm: InitialRegretParams): number {
  if (prm.initial_regret_rule === 'fixed') return prm.initial_regret;
  if (prm.initial_regret_pool === 'experienced')
    return Number.isNaN(state.storedInitialRegret) ? prm.initial_regret : state.storedInitialRegret;
  const R: number[] = [];
  for (const r of state.network) if (!Number.isNaN(r)) R.push(r);
  return R.length === 0 ? prm.initial_regret : topicInitialRegret(R, R.length, prm, prm.initial_regret_rule);
}

/**
 * Topic initial regret from the network regrets of experienced workers:
 * quantile_q(R) + (c − PNormSafeDiv/p)·(σ(R) + ε), PNormSafeDiv = `pnorm_safe_div` (8.25). `variant` 'chain'
 * uses q = `initial_regret_quantile` (linear interpolation between order statistics) and the sample std
 * (CalcTopicInitialRegret); 'simulator' uses q = 0 (the minimum) and the population std, which reproduces the
 * reference simulator's constants. Returns 0 when no worker is experienced (chain).
 */
export function topicInitialRegret(
  regrets: ArrayLike<number>,
  n: number,
  prm: Pick<MechanismParams, 'p' | 'c' | 'epsilon' | 'initial_regret_quantile' | 'pnorm_safe_div'>,
  variant: 'chain' | 'simulator',
): number {
  if (n === 0) return 0;
  const s = Float64Array.from({ length: n }, (_, i) => regrets[i]).sort();
  let q: number;
  let std: number;
  if (variant === 'chain') {
    const pos = prm.initial_regret_quantile * (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, n - 1);
    q = s[lo] + (pos - lo) * (s[hi] - s[lo]);
    std = sampleStd(s, n);
  } else {
    q = s[0];
    let mean = 0;
    for (let i = 0; i < n; i++) mean += s[i];
    mean /= n;
    let m2 = 0;
    for (let i = 0; i < n; i++) m2 += (s[i] - mean) ** 2;
    std = Math.sqrt(m2 / n);
  }
  return q + (prm.c - prm.pnorm_safe_div / prm.p) * (std + prm.epsilon);
}

/**
 * Stakes with the chain's stake floor applied (docs/chain.md C13): a reputer whose stake is below
 * `min_reputer_stake` takes no part in the epoch (stake NaN: left out of the stake-weighted losses and of the rewards).
 * Returns the input itself when no stake is below the floor.
 */
export function applyStakeFloor(stakes: Float64Array, prm: Pick<MechanismParams, 'min_reputer_stake'>): Float64Array {
  if (!stakes.some((s) => s < prm.min_reputer_stake)) return stakes;
  return stakes.map((s) => (s < prm.min_reputer_stake ? NaN : s));
}
