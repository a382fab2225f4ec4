// Leave-one-out rebuilds of a forecast-implied inference (docs/synthesis.md §8, D6) in O(n·K) instead of O(n²).
//
// Leaving inferer t out of forecaster k's set changes only the normalisation of the forecasted regrets:
// x_i = R_i·u_t with u_t = 1/(σ_{−t} + ε) (and, when the guard rails shift, the maximum). So every rebuild is
//     I^(−t) = Σ_{i≠t} g(R_i u_t) I_i / Σ_{i≠t} g(R_i u_t),
// two sums N(u), D(u) over ALL inferers evaluated at u_t, minus inferer t's own term. N and D are analytic in u
// (φ′ is a logistic function whose poles lie a distance ≥ (π/p)/|x| away, relative to u), and the u_t of the
// rebuilds cluster within O(1/n) of each other, so N and D are interpolated at Chebyshev points of the
// interval the u_t span, to ~1e-15 relative. Terms that cross a guard rail (cap, zero) inside that interval
// are not analytic there and are added exactly for each t; a leave-one-out that moves the maximum or u_t far
// from the rest, and any interpolant that fails its check against exact evaluation, use the exact O(n) rebuild.

import { potentialDerivative, type WeightParams } from './weights.js';

/** Below this many inferers the exact O(n) rebuild per left-out inferer is cheaper. */
export const LOO_INTERPOLATION_MIN = 24;

const NODES = [12, 20, 32];
/** Interpolation is accepted when it matches exact evaluation at check points to this relative level. */
const CHECK_TOL = 1e-14;
/** A rebuild whose u_t lies further than this (relative) from the full-set u is done exactly. */
const MAX_REL_SPREAD = 0.1;

interface Family {
  /** x_i(u) = a_i·u + b (before the cap). */
  a: Float64Array;
  b: number;
}

/**
 * Exact weight of one term at u: the guard-rail weight of regret·u (no shift) or of (R_i − max)·u + shiftTo.
 */
function termWeight(a: number, b: number, u: number, prm: WeightParams, cap: number, zero: number): number {
  let x = a * u;
  if (prm.guard_rails && x > cap) x = cap; // the cap acts before the shift; with a shift x ≤ shiftTo < cap
  x += b;
  if (prm.guard_rails && x < zero) return 0;
  return potentialDerivative(x, prm.p, prm.c);
}

/**
 * Interpolates N(u) = Σ_{i∈S} g_i(u)(I_i − Ī) and D(u) = Σ_{i∈S} g_i(u) over [lo, hi] for the smooth terms S.
 * Returns evaluators, or null when the check against exact evaluation fails for every node count.
 */
function interpolate(
  fam: Family,
  smooth: Int32Array,
  nSmooth: number,
  Ic: Float64Array,
  lo: number,
  hi: number,
  prm: WeightParams,
): ((u: number, out: Float64Array) => void) | null {
  const mid = 0.5 * (lo + hi);
  const half = 0.5 * (hi - lo);
  const { a, b } = fam;
  const { p, c } = prm;
  const sums = (u: number, out: Float64Array): void => {
    let n = 0;
    let d = 0;
    let sn = 0;
    for (let s = 0; s < nSmooth; s++) {
      const i = smooth[s];
      const w = p / (Math.exp(-p * (a[i] * u + b - c)) + 1);
      d += w;
      n += w * Ic[i];
      sn += w * Math.abs(Ic[i]);
    }
    out[0] = n;
    out[1] = d;
    out[2] = sn;
  };
  if (!(half > 0)) {
    const v = new Float64Array(3);
    sums(mid, v);
    return (_u, out) => {
      out[0] = v[0];
      out[1] = v[1];
    };
  }
  const tmp = new Float64Array(3);
  const exact = new Float64Array(3);
  for (const K of NODES) {
    const xs = new Float64Array(K);
    const fn = new Float64Array(K);
    const fd = new Float64Array(K);
    const bw = new Float64Array(K);
    for (let j = 0; j < K; j++) {
      xs[j] = mid + half * Math.cos((Math.PI * j) / (K - 1)); // Chebyshev points of the second kind
      sums(xs[j], tmp);
      fn[j] = tmp[0];
      fd[j] = tmp[1];
      bw[j] = (j % 2 === 0 ? 1 : -1) * (j === 0 || j === K - 1 ? 0.5 : 1);
    }
    const evaluate = (u: number, out: Float64Array): void => {
      let num = 0;
      let numD = 0;
      let den = 0;
      for (let j = 0; j < K; j++) {
        const diff = u - xs[j];
        if (diff === 0) {
          out[0] = fn[j];
          out[1] = fd[j];
          return;
        }
        const q = bw[j] / diff;
        num += q * fn[j];
        numD += q * fd[j];
        den += q;
      }
      out[0] = num / den;
      out[1] = numD / den;
    };
    // Check at points between the nodes (where the interpolation error peaks), near the middle and the ends.
    let ok = true;
    for (const f of [0.5 / (K - 1), 0.5, 1 - 0.5 / (K - 1)]) {
      const u = mid + half * Math.cos(Math.PI * f);
      sums(u, exact);
      evaluate(u, tmp);
      if (Math.abs(tmp[0] - exact[0]) > CHECK_TOL * exact[2] || Math.abs(tmp[1] - exact[1]) > CHECK_TOL * exact[1]) {
        ok = false;
        break;
      }
    }
    if (ok) return evaluate;
  }
  return null;
}

/**
 * Writes I_ik^(−t) for every t in [0, n) into out[jIdx[t]], for the forecasted regrets R and inferences I of
 * one forecaster, given the full-set statistics. `exactRebuild(t)` is the O(n) fallback.
 */
export function interpolatedOneOuts(
  R: Float64Array,
  I: Float64Array,
  n: number,
  stats: { sum: number; mean: number; m2: number; top: number; second: number; topAt: number },
  prm: WeightParams,
  exactRebuild: (t: number) => number,
  write: (t: number, v: number) => void,
): void {
  const { cap, shift: shiftTo, zero } = {
    cap: prm.c + 6.75 / prm.p,
    shift: prm.c - 8.25 / prm.p,
    zero: prm.c - 17.25 / prm.p,
  };
  const n1 = n - 1;
  const u0 = 1 / (Math.sqrt(stats.m2 / (n - 1)) + prm.epsilon);
  // Per left-out t: u_t and whether the shift rail acts.
  const u = new Float64Array(n);
  const mode = new Int8Array(n); // 0: plain, 1: shifted (t ≠ argmax), −1: exact
  let Ibar = 0;
  for (let t = 0; t < n; t++) Ibar += I[t];
  Ibar /= n;
  for (let t = 0; t < n; t++) {
    const r = R[t];
    const meanOut = (stats.sum - r) / n1;
    const m2Out = stats.m2 - (r - stats.mean) * (r - meanOut);
    if (!(m2Out > 1e-3 * stats.m2)) {
      mode[t] = -1;
      continue;
    }
    u[t] = 1 / (Math.sqrt(m2Out / (n1 - 1)) + prm.epsilon);
    const maxOut = t === stats.topAt ? stats.second : stats.top;
    const shifted = prm.guard_rails && maxOut * u[t] < shiftTo;
    if (Math.abs(u[t] / u0 - 1) > MAX_REL_SPREAD || (shifted && t === stats.topAt)) mode[t] = -1;
    else mode[t] = shifted ? 1 : 0;
  }
  const Ic = new Float64Array(n);
  for (let i = 0; i < n; i++) Ic[i] = I[i] - Ibar;

  const acc = new Float64Array(2);
  for (const m of [0, 1]) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let t = 0; t < n; t++) if (mode[t] === m) (lo = Math.min(lo, u[t])), (hi = Math.max(hi, u[t]));
    if (lo > hi) continue;
    const fam: Family =
      m === 0 ? { a: R, b: 0 } : { a: Float64Array.from(R, (r) => r - stats.top), b: shiftTo };
    // Classify the terms over [lo, hi]: smooth, constant (capped or zeroed throughout) or crossing a rail.
    const smooth = new Int32Array(n);
    const rough: number[] = [];
    let nSmooth = 0;
    let constN = 0;
    let constD = 0;
    const constW = new Float64Array(n).fill(NaN);
    for (let i = 0; i < n; i++) {
      const x1 = fam.a[i] * lo;
      const x2 = fam.a[i] * hi;
      const xmin = Math.min(x1, x2);
      const xmax = Math.max(x1, x2);
      if (!prm.guard_rails) {
        smooth[nSmooth++] = i;
        continue;
      }
      if (m === 0 && xmin > cap) {
        constW[i] = potentialDerivative(cap, prm.p, prm.c);
      } else if (xmax + fam.b < zero) {
        constW[i] = 0;
      } else if ((m === 0 && xmax >= cap) || xmin + fam.b <= zero) {
        rough.push(i);
        continue;
      } else {
        smooth[nSmooth++] = i;
        continue;
      }
      constN += constW[i] * Ic[i];
      constD += constW[i];
    }
    const interp = interpolate(fam, smooth, nSmooth, Ic, lo, hi, prm);
    for (let t = 0; t < n; t++) {
      if (mode[t] !== m) continue;
      if (!interp) {
        write(t, exactRebuild(t));
        continue;
      }
      interp(u[t], acc);
      let N = acc[0] + constN;
      let D = acc[1] + constD;
      // Remove inferer t's own term; add the rail-crossing terms exactly.
      if (Number.isNaN(constW[t])) {
        if (!rough.includes(t)) {
          const w = termWeight(fam.a[t], fam.b, u[t], prm, cap, zero);
          N -= w * Ic[t];
          D -= w;
        }
      } else {
        N -= constW[t] * Ic[t];
        D -= constW[t];
      }
      for (const i of rough) {
        if (i === t) continue;
        const w = termWeight(fam.a[i], fam.b, u[t], prm, cap, zero);
        N += w * Ic[i];
        D += w;
      }
      if (!(D > prm.epsilon_safe_div) || !(D > 1e-6 * acc[1])) write(t, exactRebuild(t));
      else write(t, Ibar + N / D);
    }
  }
  for (let t = 0; t < n; t++) if (mode[t] === -1) write(t, exactRebuild(t));
}
