// Primitive functions of inference synthesis: the potential φ_{p,c}, its derivative, the sample standard
// deviation, regret → weight conversion with the chain's guard rails, weighted means and percentiles.
// Pure functions on typed arrays; no allocation in the hot paths beyond what the caller hands in.

import type { MechanismParams } from './params.js';

export type WeightParams = Pick<MechanismParams, 'p' | 'c' | 'epsilon' | 'guard_rails' | 'epsilon_safe_div' | 'regret_scale'>;

/** φ_{p,c}(x) = ln(1 + e^{p(x−c)}) — eq. 6 (computed without overflow). */
export function potential(x: number, p: number, c: number): number {
  const z = p * (x - c);
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** φ′_{p,c}(x) = p / (e^{−p(x−c)} + 1) — eq. 7. */
export function potentialDerivative(x: number, p: number, c: number): number {
  return p / (Math.exp(-p * (x - c)) + 1);
}

/** Sample (n−1) standard deviation of v[0..n), two-pass; 0 for n ≤ 1 (spec: std convention). */
export function sampleStd(v: ArrayLike<number>, n: number): number {
  if (n <= 1) return 0;
  let s = 0;
  for (let i = 0; i < n; i++) s += v[i];
  const mean = s / n;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const d = v[i] - mean;
    m2 += d * d;
  }
  return Math.sqrt(m2 / (n - 1));
}

/** Median absolute deviation median_i |v_i − median(v)| of v[0..n) (median of an even count: mean of the two
 *  middle values); 0 for n ≤ 1. */
export function medianAbsoluteDeviation(v: ArrayLike<number>, n: number): number {
  if (n <= 1) return 0;
  const m = median(v, n);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = Math.abs(v[i] - m);
  return median(d, n);
}

/** 1/Φ⁻¹(0.75), the factor that makes the MAD a consistent estimate of σ for normal data (chain constant). */
export const MAD_TO_SIGMA = 1.4826;

/**
 * Scale of the regret normalisation of eq. 8 and eq. 11 without its ε: the sample standard deviation ('std') or
 * 1.4826·MAD ('mad', docs/chain.md C4).
 */
export function regretScale(R: ArrayLike<number>, n: number, prm: Pick<MechanismParams, 'regret_scale'>): number {
  return prm.regret_scale === 'mad' ? MAD_TO_SIGMA * medianAbsoluteDeviation(R, n) : sampleStd(R, n);
}

/** Guard-rail thresholds on the normalised regret (chain CalcWeightFromNormalizedRegret). */
export function guardRailThresholds(p: number, c: number): { cap: number; shift: number; zero: number } {
  return { cap: c + 6.75 / p, shift: c - 8.25 / p, zero: c - 17.25 / p };
}

/**
 * Weights from regrets — eq. 5 and eq. 8 (forecasted regrets) and eq. 10, eq. 11 (actual regrets):
 * x̂ = R / (σ + ε), w = φ′(x̂). With `guard_rails` the chain's rails apply: cap x̂ at c + 6.75/p; if the largest
 * x̂ (taken before the cap) is below c − 8.25/p, shift all x̂ so that it equals c − 8.25/p; then w = 0 where
 * x̂ < c − 17.25/p. `std` and `maxR` are σ and max R of R[0..n) (passed in so that leave-one-out callers can
 * supply them from running sums). Writes w into out[0..n) and returns Σw.
 */
export function regretWeightsFromStats(
  R: ArrayLike<number>,
  n: number,
  std: number,
  maxR: number,
  prm: WeightParams,
  out: Float64Array,
  skip = -1,
): number {
  const { p, c } = prm;
  const inv = 1 / (Math.abs(std) + prm.epsilon);
  let sum = 0;
  if (!prm.guard_rails) {
    for (let i = 0; i < n; i++) {
      if (i === skip) {
        out[i] = 0;
        continue;
      }
      const w = p / (Math.exp(-p * (R[i] * inv - c)) + 1);
      out[i] = w;
      sum += w;
    }
    if (sum < prm.epsilon_safe_div) sum = rescaleWeights(R, n, inv, p, c, out, skip);
    return sum;
  }
  const cap = c + 6.75 / p;
  const shiftTo = c - 8.25 / p;
  const zeroBelow = c - 17.25 / p;
  const xMax = maxR * inv;
  const shift = xMax < shiftTo ? shiftTo - xMax : 0;
  for (let i = 0; i < n; i++) {
    if (i === skip) {
      out[i] = 0;
      continue;
    }
    let x = R[i] * inv;
    if (x > cap) x = cap;
    x += shift;
    const w = x < zeroBelow ? 0 : p / (Math.exp(-p * (x - c)) + 1);
    out[i] = w;
    sum += w;
  }
  return sum;
}

/**
 * Without guard rails, all weights can be tiny (all normalised regrets very negative) and underflow. The weighted
 * means only use weight ratios, so recompute them in log space, scaled so that the largest is 1 (a common factor):
 * ln w = ln p − ln(1 + e^{−p(x−c)}). Returns the new Σw.
 */
function rescaleWeights(
  R: ArrayLike<number>,
  n: number,
  inv: number,
  p: number,
  c: number,
  out: Float64Array,
  skip: number,
): number {
  const logW = (x: number): number => {
    const z = -p * (x - c);
    return -(z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
  };
  let top = -Infinity;
  for (let i = 0; i < n; i++) if (i !== skip) top = Math.max(top, logW(R[i] * inv));
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (i === skip) continue;
    out[i] = Math.exp(logW(R[i] * inv) - top);
    sum += out[i];
  }
  return sum;
}

/** Weights from regrets R[0..n) (eq. 5, eq. 8, eq. 10, eq. 11 with guard rails); returns Σw. */
export function regretWeights(R: ArrayLike<number>, n: number, prm: WeightParams, out: Float64Array): number {
  let maxR = -Infinity;
  for (let i = 0; i < n; i++) if (R[i] > maxR) maxR = R[i];
  return regretWeightsFromStats(R, n, regretScale(R, n, prm), maxR, prm, out);
}

/** Σ w v / max(Σ w, EpsilonSafeDiv) — eq. 3 and eq. 9. */
export function weightedMean(v: ArrayLike<number>, w: ArrayLike<number>, n: number, safeDiv: number): number {
  let sw = 0;
  let swv = 0;
  for (let i = 0; i < n; i++) {
    sw += w[i];
    swv += w[i] * v[i];
  }
  return swv / Math.max(sw, safeDiv);
}

/** Median of v[0..n) (mean of the two middle values for even n). */
export function median(v: ArrayLike<number>, n: number): number {
  const s = Float64Array.from({ length: n }, (_, i) => v[i]).sort();
  if (n === 0) return NaN;
  const h = n >> 1;
  return n % 2 === 1 ? s[h] : 0.5 * (s[h - 1] + s[h]);
}

/** Indices 0..n−1 ordered by value, ties by index. */
function ascendingOrder(values: ArrayLike<number>, n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== v) return Int32Array.from(Array.from({ length: n }, (_, k) => k).sort((a, b) => values[a] - values[b] || a - b)); // NaN: as before
    let t = i;
    while (t > 0 && values[order[t - 1]] > v) {
      order[t] = order[t - 1];
      t--;
    }
    order[t] = i;
  }
  return order;
}

/**
 * Weighted percentiles of a weighted sample — eq. 17, eq. 18, eq. 19: sort by value (ties keep input order), C_l = (c_l −
 * w_l/2)/Σw, and interpolate linearly; q outside [C_first, C_last] clamps to the end values.
 * If `shrinkAround` is a number, values are first moved toward it by 1/√N (eq. 16).
 */
export function weightedPercentiles(
  values: ArrayLike<number>,
  weights: ArrayLike<number>,
  n: number,
  percentiles: readonly number[],
  shrinkAround: number | null,
): Float64Array {
  const out = new Float64Array(percentiles.length);
  if (n === 0) return out.fill(NaN);
  const order = ascendingOrder(values, n);
  const scale = shrinkAround === null ? 1 : 1 / Math.sqrt(n);
  const v = new Float64Array(n);
  const C = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[order[i]];
  let cum = 0;
  for (let i = 0; i < n; i++) {
    const j = order[i];
    v[i] = shrinkAround === null ? values[j] : shrinkAround + (values[j] - shrinkAround) * scale; // eq. 16
    cum += weights[j]; // eq. 17
    C[i] = (cum - 0.5 * weights[j]) / total; // eq. 18
  }
  percentiles.forEach((P, t) => {
    const q = P / 100;
    if (!(total > 0)) {
      out[t] = NaN;
    } else if (q <= C[0]) {
      out[t] = v[0];
    } else if (q >= C[n - 1]) {
      out[t] = v[n - 1];
    } else {
      let l = 0; // largest index with C_l ≤ q
      while (l + 1 < n && C[l + 1] <= q) l++;
      out[t] = v[l] + ((q - C[l]) / (C[l + 1] - C[l])) * (v[l + 1] - v[l]); // eq. 19
    }
  });
  return out;
}
