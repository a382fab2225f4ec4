// Reputer consensus and listening coefficients — whitepaper §4.1 (spec: docs/rewards.md §3.6–3.7).
//
// Conventions
// - The report matrix `losses` is N_r × N_obj, row-major (row m = reputer m's log10 losses, eq. 31); NaN = missing.
// - Missing values (chain semantics, docs/rewards.md §3.6): excluded from the consensus mean of their object (the mean
//   is re-normalised over the reputers that reported it); in the distance of eq. 33 a missing value is replaced by
//   the object's "most distant" reported value, i.e. the one farthest below the consensus. That value is the
//   minimum reported value of the object, whatever a is (argmax_n (C_j − R_nj) = argmin_n R_nj), so it is fixed
//   for the epoch. An object that nobody reported ("dead" column) is ignored everywhere.
// - If every reputer that reported an object has zero adjusted stake, that object's consensus is the plain
//   mean of the reported values (the chain errors on this 0/0; documented choice).
// - The consensus norm ‖C‖ is replaced by `epsilon_consensus_norm` when it is 0 (chain EpsilonSafeDiv).
//
// Cost of the reference ascent (§3.7: finite-difference gradient, one objective evaluation per perturbed a_l):
// a naive evaluation is O(N_r·N_obj) per perturbation, O(N_r²·N_obj) per iteration. `FastObjective` below
// evaluates a perturbed objective in O(N_r) (+ O(N_r·|P|) for the |P| objects some reputer did not report),
// after an O(N_r·N_obj + N_r²) set-up per iteration and one Gram matrix of the centred reports per epoch
// (O(N_r²·N_obj), computed once, shared by all ≤ gd_max_iters iterations). See `FastObjective` for the algebra.

import type { MechanismParams } from './params.js';
import { copyInto, float64Views, int32Views } from './arrays.js';

/** The subset of mechanism parameters the reputer equations of §4.1 read. */
export type ListeningParams = Pick<
  MechanismParams,
  | 'listening'
  | 'lambda'
  | 'gd_max_iters'
  | 'gd_threshold'
  | 'gd_fd_step'
  | 'min_stake_fraction'
  | 'epsilon_reputer'
  | 'epsilon_consensus_norm'
>;

/** N_r × N_obj reputer reports (eq. 31) with their raw stakes. */
export interface ReputerReports {
  /** N_r, number of reputers (rows). */
  n: number;
  /** N_obj, number of reported objects (columns). */
  nObj: number;
  /** Row-major N_r × N_obj log10 losses; NaN = missing. */
  losses: Float64Array;
  /** Raw stakes S_m (length N_r). */
  stakes: Float64Array;
}

/** Per-epoch facts about the report matrix that do not depend on the listening coefficients. */
export interface PreparedReports extends ReputerReports {
  /** Objects every reputer reported. */
  fullCols: Int32Array;
  /** Objects some but not all reputers reported. */
  partialCols: Int32Array;
  /** Reports with each missing value replaced by its object's most distant (minimum) value; dead columns 0. */
  filled: Float64Array;
  /** Per object: true if at least one reputer reported it. */
  live: Uint8Array;
}

/** Scans the report matrix (eq. 31) once: live / full / partial objects and the fill values of §3.6. */
export function prepareReports(r: ReputerReports): PreparedReports {
  const { n, nObj, losses } = r;
  if (losses.length !== n * nObj) throw new Error(`reports: expected ${n}×${nObj} values, got ${losses.length}`);
  if (r.stakes.length !== n) throw new Error(`reports: expected ${n} stakes, got ${r.stakes.length}`);
  // Per object: how many reported it and its minimum reported value (the fill value of §3.6).
  const live = new Uint8Array(nObj);
  const full = new Uint8Array(nObj);
  let nFull = 0;
  let nPartial = 0;
  let filled = losses;
  for (let j = 0; j < nObj; j++) {
    let count = 0;
    let minv = Infinity;
    for (let m = 0; m < n; m++) {
      const v = losses[m * nObj + j];
      if (v === v) {
        count++;
        if (v < minv) minv = v;
      }
    }
    if (count > 0) live[j] = 1;
    if (count === n) {
      full[j] = 1;
      nFull++;
      continue;
    }
    if (count > 0) nPartial++;
    if (filled === losses) filled = new Float64Array(losses);
    for (let m = 0; m < n; m++) if (!(filled[m * nObj + j] === filled[m * nObj + j])) filled[m * nObj + j] = count > 0 ? minv : 0;
  }
  // The full objects, then the partial ones, each in object order.
  const [fullCols, partialCols] = int32Views(nFull, nPartial);
  for (let j = 0, f = 0, p = 0; j < nObj; j++) {
    if (full[j]) fullCols[f++] = j;
    else if (live[j]) partialCols[p++] = j;
  }
  return { n, nObj, losses, stakes: r.stakes, fullCols, partialCols, filled, live };
}

/** Adjusted stakes Ŝ_m = min(N_r a_m S_m / Σ a S, 1). // eq. 30 */
export function adjustedStakes(a: Float64Array, stakes: Float64Array, out = new Float64Array(stakes.length)): Float64Array {
  const n = stakes.length;
  let D = 0;
  for (let m = 0; m < n; m++) D += a[m] * stakes[m];
  for (let m = 0; m < n; m++) out[m] = Math.min((n * a[m] * stakes[m]) / D, 1);
  return out;
}

/** Consensus vector C = Σ Ŝ_m R_m / Σ Ŝ_m, element-wise over the reputers that reported each object. // eq. 32 */
export function consensusVector(
  losses: Float64Array,
  n: number,
  nObj: number,
  adjusted: Float64Array,
  out = new Float64Array(nObj),
): Float64Array {
  const num = out.fill(0);
  const den = new Float64Array(nObj);
  const cnt = new Int32Array(nObj);
  const plain = new Float64Array(nObj);
  for (let m = 0; m < n; m++) {
    const w = adjusted[m];
    const o = m * nObj;
    for (let j = 0; j < nObj; j++) {
      const v = losses[o + j];
      if (v === v) {
        num[j] += w * v;
        den[j] += w;
        cnt[j]++;
        plain[j] += v;
      }
    }
  }
  for (let j = 0; j < nObj; j++) {
    if (cnt[j] === 0) num[j] = NaN;
    else if (den[j] > 0) num[j] = num[j] / den[j];
    else num[j] = plain[j] / cnt[j];
  }
  return num;
}

/** Result of evaluating eq. 30, eq. 32 and eq. 33 at one set of listening coefficients. */
export interface ConsensusScores {
  /** Ŝ_m (eq. 30). */
  adjustedStakes: Float64Array;
  /** C (eq. 32); NaN for objects nobody reported. */
  consensus: Float64Array;
  /** T_m (eq. 33). */
  scores: Float64Array;
}

/**
 * Reputer scores T_m = 1 / (‖R_m − C‖ / ‖C‖ + ε_r) at coefficients a, straight from the definitions
 * (O(N_r·N_obj)); missing values handled as described at the top of this file. // eq. 30, eq. 32, eq. 33
 */
export function reputerConsensusScores(p: PreparedReports, a: Float64Array, params: ListeningParams): ConsensusScores {
  const { n, nObj, losses, filled, live } = p;
  const sh = adjustedStakes(a, p.stakes);
  const C = consensusVector(losses, n, nObj, sh);
  let c2 = 0;
  for (let j = 0; j < nObj; j++) if (live[j]) c2 += C[j] * C[j];
  let cn = Math.sqrt(c2);
  if (cn === 0) cn = params.epsilon_consensus_norm;
  const T = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    const o = m * nObj;
    let d2 = 0;
    for (let j = 0; j < nObj; j++) {
      if (!live[j]) continue;
      const e = filled[o + j] - C[j];
      d2 += e * e;
    }
    T[m] = 1 / (Math.sqrt(d2) / cn + params.epsilon_reputer);
  }
  return { adjustedStakes: sh, consensus: C, scores: T };
}

/** Stake-weighted total consensus score Σ S_m T_m (eq. 34 without the 1/ΣS, which cancels in d ln T/da). // eq. 34 */
export function listeningObjective(stakes: Float64Array, scores: Float64Array): number {
  let s = 0;
  for (let m = 0; m < stakes.length; m++) s += stakes[m] * scores[m];
  return s;
}

// ------------------------------------------------------------------------------------------------------------
// Fast perturbed-objective evaluator for the reference ascent.
//
// Full objects (reported by everyone): with weights w_n = Ŝ_n / Z (Z = Σ Ŝ) the consensus is C = Σ w_n R_n.
// Perturbing a_l gives new weights w'; since Σ w' = 1, ΔC = C' − C = Σ_n w'_n E_n with E_n = R_n − C, and also
// ΔC = Σ_n Δw_n E_n. So for every reputer m
//     ‖R_m − C'‖² = d_m² − 2 g_m + ‖ΔC‖²,   g_m = E_m·ΔC = Σ_n Δw_n H_mn,   ‖ΔC‖² = Σ_n Δw_n g_n,
//     ‖C'‖²       = ‖C‖² + 2 Σ_n Δw_n (C·E_n) + ‖ΔC‖²,
// with H_mn = E_m·E_n. H comes from the Gram matrix G̃ = X Xᵀ of the reports centred on the epoch's first
// consensus μ (X = R − μ, computed once per epoch): H_mn = G̃_mn − p_m − p_n + ‖C̃‖², p_m = X_m·C̃, C̃ = C − μ.
// Centring keeps G̃ at the scale of the residuals, so no precision is lost to cancellation.
// The new weights have a simple structure: Ŝ'_n = 1 for q_n ≥ D' and q_n / D' otherwise (q_n = N_r a_n S_n,
// D' = Σ a' S), apart from n = l itself. Sorting q once per iteration makes the capped set a prefix, so with
// prefix sums (over that order) of G̃_mn and q_n G̃_mn the sum Σ_n Ŝ'_n G̃_mn for all m costs O(N_r) per
// perturbation, however many reputers cross the cap. Partially reported objects have per-object
// normalisers and are evaluated directly, O(N_r) each per perturbation.
// ------------------------------------------------------------------------------------------------------------

class FastObjective {
  private readonly n: number;
  private readonly nFull: number;
  private readonly X: Float64Array; // n × nFull centred reports (full objects)
  private readonly mu: Float64Array; // nFull
  private readonly muX: Float64Array; // n, μ·X_m
  private readonly G: Float64Array; // n × n Gram of X
  private readonly nPart: number;
  private readonly Praw: Float64Array; // nPart × n, raw (NaN = missing), column-major by object
  private readonly Pfill: Float64Array; // nPart × n, filled
  // per-iteration state
  private readonly q: Float64Array;
  private D = 0;
  private readonly sh: Float64Array;
  private readonly shp: Float64Array; // perturbed adjusted stakes (scratch)
  private Z = 0;
  private readonly dFull2: Float64Array;
  private readonly dPart2: Float64Array;
  private normFull2 = 0;
  private normPart2 = 0;
  private readonly p: Float64Array;
  private readonly y: Float64Array;
  private readonly order: Int32Array;
  private readonly pos: Int32Array;
  private readonly sq: Float64Array; // q in descending order
  private readonly PK: Float64Array; // n × (n+1)
  private readonly PQ: Float64Array; // n × (n+1)
  private readonly sqp: Float64Array; // prefix Σ q (sorted)
  private readonly S1b: Float64Array; // base Σ_n Ŝ_n G̃_mn
  private Spb = 0; // base Σ Ŝ_n p_n
  private Zb = 0;
  private readonly g: Float64Array;
  private readonly Ct: Float64Array;
  private readonly Cp: Float64Array;
  private readonly dPartScratch: Float64Array;
  /** Scores, adjusted stakes and objective at the base coefficients (valid after setBase). */
  readonly T: Float64Array;
  obj = 0;

  private rep!: PreparedReports;
  private params!: ListeningParams;

  /** The evaluator's arrays for N_r reputers, nFull full and nPart partial objects; `load` sets up an epoch. */
  constructor(n: number, nFull: number, nPart: number) {
    this.n = n;
    this.nFull = nFull;
    this.nPart = nPart;
    // Every array of the evaluator, carved from one buffer.
    [
      this.mu, this.X, this.muX, this.G, this.Praw, this.Pfill, this.q, this.sh, this.shp, this.dFull2, this.dPart2, this.p, this.y,
      this.sq, this.PK, this.PQ, this.sqp, this.S1b, this.g, this.Ct, this.Cp, this.dPartScratch, this.T,
    ] = float64Views(
      nFull, n * nFull, n, n * n, nPart * n, nPart * n, n, n, n, n, n, n, n,
      n, n * (n + 1), n * (n + 1), n + 1, n, n, nFull, nPart, n, n,
    );
    [this.order, this.pos] = int32Views(n, n);
  }

  /** Whether this evaluator's arrays have the shape of `rep`. */
  fits(rep: PreparedReports): boolean {
    return rep.n === this.n && rep.fullCols.length === this.nFull && rep.partialCols.length === this.nPart;
  }

  /** The epoch's set-up: the centre μ, the centred reports and their Gram matrix, the partial objects.
   *  Every array is written here or in setBase before it is read, so an evaluator serves epoch after epoch. */
  load(rep: PreparedReports, a0: Float64Array, params: ListeningParams): void {
    this.rep = rep;
    this.params = params;
    const { n, nFull, nPart } = this;
    const { nObj, fullCols, partialCols, losses, filled } = rep;
    // centre: consensus of the full objects at the starting coefficients
    const sh0 = adjustedStakes(a0, rep.stakes);
    let Z0 = 0;
    for (let m = 0; m < n; m++) Z0 += sh0[m];
    const mu = this.mu;
    // μ_c = Σ_m Ŝ_m R_mc / Z, the sum over m in increasing order
    for (let c = 0; c < nFull; c++) {
      const j = fullCols[c];
      let s = 0;
      for (let m = 0; m < n; m++) s += sh0[m] * losses[m * nObj + j];
      mu[c] = Z0 > 0 ? s / Z0 : s;
    }
    const X = this.X;
    const muX = this.muX;
    for (let m = 0; m < n; m++) {
      const o = m * nObj;
      const r = m * nFull;
      let s = 0;
      for (let c = 0; c < nFull; c++) {
        const v = losses[o + fullCols[c]] - mu[c];
        X[r + c] = v;
        s += mu[c] * v;
      }
      muX[m] = s;
    }
    // Gram matrix of the centred full-object reports, once per epoch: O(N_r² · N_full)
    const G = this.G;
    for (let m = 0; m < n; m++) {
      const rm = m * nFull;
      let k = m;
      // four dot products at a time share the loads of row m
      for (; k + 3 < n; k += 4) {
        const r0 = k * nFull;
        const r1 = r0 + nFull;
        const r2 = r1 + nFull;
        const r3 = r2 + nFull;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let c = 0; c < nFull; c++) {
          const x = X[rm + c];
          s0 += x * X[r0 + c];
          s1 += x * X[r1 + c];
          s2 += x * X[r2 + c];
          s3 += x * X[r3 + c];
        }
        G[m * n + k] = G[k * n + m] = s0;
        G[m * n + k + 1] = G[(k + 1) * n + m] = s1;
        G[m * n + k + 2] = G[(k + 2) * n + m] = s2;
        G[m * n + k + 3] = G[(k + 3) * n + m] = s3;
      }
      for (; k < n; k++) {
        const rk = k * nFull;
        let s = 0;
        for (let c = 0; c < nFull; c++) s += X[rm + c] * X[rk + c];
        G[m * n + k] = G[k * n + m] = s;
      }
    }
    for (let c = 0; c < nPart; c++) {
      const j = partialCols[c];
      for (let m = 0; m < n; m++) {
        this.Praw[c * n + m] = losses[m * nObj + j];
        this.Pfill[c * n + m] = filled[m * nObj + j];
      }
    }
  }

  /** Adjusted stakes at the base coefficients (valid after setBase). */
  get adjusted(): Float64Array {
    return this.sh;
  }

  /** Evaluates eq. 30, eq. 32, eq. 33 and eq. 34 at coefficients a and builds the per-iteration tables.
   *  O(N_r·N_obj + N_r²). */
  setBase(a: Float64Array): void {
    const { n, nFull, X, mu, q, sh, Ct, p, y, G } = this;
    const S = this.rep.stakes;
    let D = 0;
    for (let m = 0; m < n; m++) D += a[m] * S[m];
    this.D = D;
    let Z = 0;
    for (let m = 0; m < n; m++) {
      q[m] = n * a[m] * S[m];
      sh[m] = Math.min(q[m] / D, 1);
      Z += sh[m];
    }
    this.Z = Z;
    // full-object consensus (centred) and distances
    // C̃_c = (Σ_m Ŝ_m X_mc) / Z, the sum over m in increasing order (reputers with Ŝ_m = 0 skipped), kept in a
    // local per object rather than read and written back in the array for every reputer.
    for (let c = 0; c < nFull; c++) {
      let s = 0;
      for (let m = 0; m < n; m++) {
        const w = sh[m];
        if (w !== 0) s += w * X[m * nFull + c];
      }
      Ct[c] = s / Z;
    }
    let cc = 0;
    let muCt = 0;
    let nf2 = 0;
    for (let c = 0; c < nFull; c++) {
      cc += Ct[c] * Ct[c];
      muCt += mu[c] * Ct[c];
      const v = mu[c] + Ct[c];
      nf2 += v * v;
    }
    this.normFull2 = nf2;
    for (let m = 0; m < n; m++) {
      const r = m * nFull;
      let d2 = 0;
      let pm = 0;
      for (let c = 0; c < nFull; c++) {
        const x = X[r + c];
        const e = x - Ct[c];
        d2 += e * e;
        pm += x * Ct[c];
      }
      this.dFull2[m] = d2;
      p[m] = pm;
      y[m] = this.muX[m] + pm - muCt - cc;
    }
    // partial objects, directly
    this.normPart2 = this.partialDistances(sh, this.dPart2);
    // scores and objective
    this.obj = this.scores(this.dFull2, this.dPart2, 0, 0, this.normFull2 + this.normPart2, this.T);
    // sort q descending, prefix sums over that order
    const { order, pos, sq, PK, PQ, sqp } = this;
    sortByDescending(order, q);
    sqp[0] = 0;
    for (let i = 0; i < n; i++) {
      pos[order[i]] = i;
      sq[i] = q[order[i]];
      sqp[i + 1] = sqp[i] + sq[i];
    }
    const n1 = n + 1;
    for (let m = 0; m < n; m++) {
      const gr = m * n;
      const pr = m * n1;
      let a1 = 0;
      let a2 = 0;
      PK[pr] = 0;
      PQ[pr] = 0;
      for (let i = 0; i < n; i++) {
        const k = order[i];
        const gv = G[gr + k];
        a1 += gv;
        a2 += sq[i] * gv;
        PK[pr + i + 1] = a1;
        PQ[pr + i + 1] = a2;
      }
    }
    // base Σ Ŝ_n G̃_mn via the same prefix formulas
    const k0 = this.countAtLeast(D);
    for (let m = 0; m < n; m++) {
      const pr = m * n1;
      this.S1b[m] = PK[pr + k0] + (PQ[pr + n] - PQ[pr + k0]) / D;
    }
    let Spb = 0;
    for (let m = 0; m < n; m++) Spb += sh[m] * p[m];
    this.Spb = Spb;
    this.Zb = Z;
  }

  /** Σ_m S_m T_m at coefficients a + δ e_l (a = the base coefficients). O(N_r + N_r·|P|). */
  perturbed(l: number, delta: number, aL: number): number {
    const { n, q, sh, shp, p, y, PK, PQ, G, g } = this;
    const S = this.rep.stakes;
    if (S[l] === 0) return this.obj; // nothing changes: exact zero gradient, as the chain's identical recomputation
    const D2 = this.D + delta * S[l];
    const qL = n * (aL + delta) * S[l];
    const shL = Math.min(qL / D2, 1);
    const k2 = this.countAtLeast(D2);
    const inK = this.pos[l] < k2;
    let Z2 = 0;
    let Sp2 = 0;
    for (let m = 0; m < n; m++) {
      const v = m === l ? shL : Math.min(q[m] / D2, 1);
      shp[m] = v;
      Z2 += v;
      Sp2 += v * p[m];
    }
    const n1 = n + 1;
    const ql = q[l];
    const spTerm = Sp2 / Z2 - this.Spb / this.Zb;
    for (let m = 0; m < n; m++) {
      const pr = m * n1;
      const gml = G[m * n + l];
      let s1 = PK[pr + k2] + (PQ[pr + n] - PQ[pr + k2]) / D2;
      s1 += (inK ? -gml : -(ql * gml) / D2) + shL * gml;
      g[m] = s1 / Z2 - this.S1b[m] / this.Zb - spTerm;
    }
    let dC2 = 0;
    let CdC = 0;
    for (let m = 0; m < n; m++) {
      const d = shp[m] / Z2 - sh[m] / this.Z;
      dC2 += d * g[m];
      CdC += d * y[m];
    }
    const normFull2 = this.normFull2 + 2 * CdC + dC2;
    let normPart2 = 0;
    let dPart2 = this.dPart2; // all zeros when there are no partial objects
    if (this.nPart > 0) {
      dPart2 = this.dPartScratch;
      normPart2 = this.partialDistances(shp, dPart2);
    }
    return this.scores(this.dFull2, dPart2, g, dC2, normFull2 + normPart2, null);
  }

  /** Number of sorted q values ≥ x (the capped prefix). */
  private countAtLeast(x: number): number {
    const sq = this.sq;
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sq[mid] >= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Distances² over the partial objects for adjusted stakes w; returns Σ C_j² over them. */
  private partialDistances(w: Float64Array, out: Float64Array): number {
    const { n, nPart, Praw, Pfill, Cp } = this;
    out.fill(0);
    let norm2 = 0;
    for (let c = 0; c < nPart; c++) {
      const o = c * n;
      let num = 0;
      let den = 0;
      let plain = 0;
      let cnt = 0;
      for (let m = 0; m < n; m++) {
        const v = Praw[o + m];
        if (v === v) {
          num += w[m] * v;
          den += w[m];
          plain += v;
          cnt++;
        }
      }
      const C = den > 0 ? num / den : plain / cnt;
      Cp[c] = C;
      norm2 += C * C;
      for (let m = 0; m < n; m++) {
        const e = Pfill[o + m] - C;
        out[m] += e * e;
      }
    }
    return norm2;
  }

  private scores(
    dFull2: Float64Array,
    dPart2: Float64Array,
    g: Float64Array | 0,
    dC2: number,
    norm2: number,
    out: Float64Array | null,
  ): number {
    const { n } = this;
    const S = this.rep.stakes;
    let cn = Math.sqrt(Math.max(norm2, 0));
    if (cn === 0) cn = this.params.epsilon_consensus_norm;
    const er = this.params.epsilon_reputer;
    let obj = 0;
    for (let m = 0; m < n; m++) {
      let d2 = dFull2[m] + dPart2[m];
      if (g !== 0) d2 += dC2 - 2 * g[m];
      const t = 1 / (Math.sqrt(Math.max(d2, 0)) / cn + er);
      if (out) out[m] = t;
      obj += S[m] * t;
    }
    return obj;
  }
}

/** The evaluator of the last ascent, kept for the next one of the same shape (the epochs of a run). */
let spare: FastObjective | null = null;

/** An evaluator loaded with the epoch's reports at coefficients a0: the spare one when its shape fits. */
function fastObjective(rep: PreparedReports, a0: Float64Array, params: ListeningParams): FastObjective {
  const f = spare !== null && spare.fits(rep) ? spare : new FastObjective(rep.n, rep.fullCols.length, rep.partialCols.length);
  spare = f;
  f.load(rep, a0, params);
  return f;
}

/** order ← 0..n−1 sorted by q descending, ties by index (insertion sort: n is the number of reputers). */
function sortByDescending(order: Int32Array, q: Float64Array): void {
  const n = order.length;
  for (let i = 0; i < n; i++) {
    let t = i;
    while (t > 0 && (q[order[t - 1]] < q[i] || (q[order[t - 1]] === q[i] && order[t - 1] > i))) {
      order[t] = order[t - 1];
      t--;
    }
    order[t] = i;
  }
}

// ------------------------------------------------------------------------------------------------------------

/** Result of the listening-coefficient ascent (eq. 35). */
export interface ListeningResult {
  /** Post-update coefficients a_m, carried to the next epoch. */
  coefficients: Float64Array;
  /** Reported reputer scores T_m: 'reference' — evaluated at the coefficients at the START of the last
   *  iteration (docs/rewards.md §3.7); 'whitepaper' — at the final coefficients. */
  scores: Float64Array;
  /** Reported adjusted stakes Ŝ_m, at the same coefficients as `scores`. */
  adjustedStakes: Float64Array;
  /** Number of iterations run (updates attempted). */
  iterations: number;
}

export interface ListeningOptions {
  /** How the reference ascent evaluates perturbed objectives: 'fast' (default, O(N_r) per perturbation) or
   *  'naive' (the definitional O(N_r·N_obj) recomputation, as the chain does it). Same results to ~1e-13. */
  method?: 'fast' | 'naive';
}

/** Applies the step and the min-stake-fraction floor (eq. 35, docs/rewards.md §3.7); returns false to stop. */
function applyStep(
  a: Float64Array,
  old: Float64Array,
  grad: Float64Array,
  stakes: Float64Array,
  sumS: number,
  params: ListeningParams,
  next = new Float64Array(a.length),
): boolean {
  const n = a.length;
  let fo = 0;
  let fn = 0;
  for (let m = 0; m < n; m++) {
    next[m] = Math.min(Math.max(old[m] + params.lambda * grad[m], 0), 1);
    fo += old[m] * stakes[m];
    fn += next[m] * stakes[m];
  }
  fo /= sumS;
  fn /= sumS;
  if (fn < params.min_stake_fraction) {
    if (fn === fo) {
      a.set(old);
      return false;
    }
    const t = (params.min_stake_fraction - fo) / (fn - fo);
    for (let m = 0; m < n; m++) a[m] = old[m] + (next[m] - old[m]) * t;
  } else if (!(fn > 0)) {
    // nothing would be listened to (only possible with min_stake_fraction = 0): eq. 30 undefined, keep a and stop
    a.set(old);
    return false;
  } else a.set(next);
  return true;
}

/**
 * Reference ascent, exactly docs/rewards.md §3.7: ≤ gd_max_iters iterations; g_l = (1 − obj/obj₂)/δ with
 * obj₂ = Σ S T at a + δ e_l, δ = gd_fd_step (−δ when a_l == 1 exactly); clip to [0, 1]; floor interpolation;
 * stop when max |Δa|/λ < gd_threshold. Reported T, Ŝ are those at the start of the last iteration. // eq. 35
 */
export function listeningReference(
  rep: PreparedReports,
  a0: Float64Array,
  params: ListeningParams,
  opts: ListeningOptions = {},
): ListeningResult {
  const n = rep.n;
  const S = rep.stakes;
  let sumS = 0;
  for (let m = 0; m < n; m++) sumS += S[m];
  const a = new Float64Array(a0);
  const old = new Float64Array(n);
  const grad = new Float64Array(n);
  const repT = new Float64Array(n);
  const repSh = new Float64Array(n);
  const fast = opts.method !== 'naive' ? fastObjective(rep, a0, params) : null;
  const h = params.gd_fd_step;
  let it = 0;
  let maxg = 1;
  let iterations = 0;
  const pert = new Float64Array(n);
  const stepped = new Float64Array(n);
  while (maxg >= params.gd_threshold && it < params.gd_max_iters) {
    copyInto(old, a);
    let obj: number;
    if (fast) {
      fast.setBase(a);
      copyInto(repT, fast.T);
      copyInto(repSh, fast.adjusted);
      obj = fast.obj;
    } else {
      const base = reputerConsensusScores(rep, a, params);
      repT.set(base.scores);
      repSh.set(base.adjustedStakes);
      obj = listeningObjective(S, base.scores);
    }
    for (let l = 0; l < n; l++) {
      const d = a[l] === 1 ? -h : h;
      let obj2: number;
      if (fast) obj2 = fast.perturbed(l, d, a[l]);
      else {
        pert.set(a);
        pert[l] += d;
        obj2 = listeningObjective(S, reputerConsensusScores(rep, pert, params).scores);
      }
      grad[l] = (1 - obj / obj2) / d;
    }
    iterations++;
    if (!applyStep(a, old, grad, S, sumS, params, stepped)) it = params.gd_max_iters;
    let md = 0;
    for (let m = 0; m < n; m++) md = Math.max(md, Math.abs(a[m] - old[m]));
    maxg = md / params.lambda;
    it++;
  }
  return { coefficients: a, scores: repT, adjustedStakes: repSh, iterations };
}

/**
 * Relative gradient d ln(Σ S T)/da_l, analytically (chain rule through eq. 33 → eq. 32 → eq. 30), O(N_r·N_obj).
 * Conventions at the kinks: at N_r a S / Σ a S = 1 exactly the derivative of min(·, 1) is the mean of its one-sided
 * derivatives; a reputer at zero distance contributes no direction through its distance; missing values use the
 * fixed fill values.
 */
export function relativeGradient(rep: PreparedReports, a: Float64Array, params: ListeningParams): {
  grad: Float64Array;
  scores: Float64Array;
  adjustedStakes: Float64Array;
  objective: number;
} {
  const { n, nObj, losses, filled, live } = rep;
  const S = rep.stakes;
  const { adjustedStakes: sh, consensus: C, scores: T } = reputerConsensusScores(rep, a, params);
  const obj = listeningObjective(S, T);
  // ‖C‖, distances
  let c2 = 0;
  for (let j = 0; j < nObj; j++) if (live[j]) c2 += C[j] * C[j];
  const cnRaw = Math.sqrt(c2);
  const guarded = cnRaw === 0;
  const N = guarded ? params.epsilon_consensus_norm : cnRaw;
  const dist = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    const o = m * nObj;
    let d2 = 0;
    for (let j = 0; j < nObj; j++) if (live[j]) d2 += (filled[o + j] - C[j]) ** 2;
    dist[m] = Math.sqrt(d2);
  }
  // v_j = ∂obj/∂C_j = Σ_m S_m T_m² [ (R̄_mj − C_j)/(d_m N) + d_m C_j / N³ ]
  const v = new Float64Array(nObj);
  let coefC = 0;
  for (let m = 0; m < n; m++) {
    const w = S[m] * T[m] * T[m];
    if (w === 0) continue;
    if (!guarded) coefC += (w * dist[m]) / (N * N * N);
    if (dist[m] > 0) {
      const f = w / (dist[m] * N);
      const o = m * nObj;
      for (let j = 0; j < nObj; j++) if (live[j]) v[j] += f * (filled[o + j] - C[j]);
    }
  }
  for (let j = 0; j < nObj; j++) if (live[j]) v[j] += coefC * C[j];
  // per-object normaliser Z_j = Σ_{reported} Ŝ
  const Zj = new Float64Array(nObj);
  for (let m = 0; m < n; m++) {
    const o = m * nObj;
    for (let j = 0; j < nObj; j++) if (losses[o + j] === losses[o + j]) Zj[j] += sh[m];
  }
  // β_n = ∂obj/∂Ŝ_n = Σ_j v_j (R_nj − C_j)/Z_j over reported objects
  const beta = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    const o = m * nObj;
    let s = 0;
    for (let j = 0; j < nObj; j++) {
      const r = losses[o + j];
      if (r === r && Zj[j] > 0) s += (v[j] * (r - C[j])) / Zj[j];
    }
    beta[m] = s;
  }
  // x_n = N_r a_n S_n / D, ∂x_n/∂a_l = N_r S_n δ_nl / D − x_n S_l / D, Ŝ_n = min(x_n, 1):
  // ∂Ŝ_n/∂a_l = κ_n ∂x_n/∂a_l with κ = 1 below the cap, 0 above it, and ½ at the kink x_n = 1 (|x − 1| ≤ 1e-12;
  // the mean of the two one-sided derivatives, as a central difference gives — e.g. equal stakes and equal a).
  let D = 0;
  for (let m = 0; m < n; m++) D += a[m] * S[m];
  let sumBKX = 0;
  const kappa = new Float64Array(n);
  const x = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    x[m] = (n * a[m] * S[m]) / D;
    kappa[m] = Math.abs(x[m] - 1) <= 1e-12 ? 0.5 : x[m] < 1 ? 1 : 0;
    sumBKX += beta[m] * kappa[m] * x[m];
  }
  const grad = new Float64Array(n);
  for (let l = 0; l < n; l++) {
    const dobj = (beta[l] * kappa[l] * n * S[l]) / D - (S[l] / D) * sumBKX;
    grad[l] = dobj / obj;
  }
  return { grad, scores: T, adjustedStakes: sh, objective: obj };
}

/**
 * Whitepaper ascent (docs/rewards.md §5 item 8, text read literally): a ← clip(a + λ d ln T/da, 0, 1) with the analytic
 * relative gradient, up to round(1/λ) iterations, stopping when the largest gradient component that can still
 * move a coefficient (i.e. ignoring components pushing a coefficient at 0 or 1 outwards) is below gd_threshold;
 * the same 0.5-floor interpolation; scores and adjusted stakes at the final coefficients. // eq. 35
 */
export function listeningWhitepaper(rep: PreparedReports, a0: Float64Array, params: ListeningParams): ListeningResult {
  const n = rep.n;
  const S = rep.stakes;
  let sumS = 0;
  for (let m = 0; m < n; m++) sumS += S[m];
  const a = new Float64Array(a0);
  const old = new Float64Array(n);
  const maxIters = Math.max(1, Math.round(1 / params.lambda));
  let iterations = 0;
  for (let it = 0; it < maxIters; it++) {
    const { grad } = relativeGradient(rep, a, params);
    let mg = 0;
    for (let m = 0; m < n; m++) {
      const gm = grad[m];
      if ((a[m] >= 1 && gm > 0) || (a[m] <= 0 && gm < 0)) continue;
      mg = Math.max(mg, Math.abs(gm));
    }
    if (mg < params.gd_threshold) break;
    old.set(a);
    iterations++;
    if (!applyStep(a, old, grad, S, sumS, params)) break;
  }
  const fin = reputerConsensusScores(rep, a, params);
  return { coefficients: a, scores: fin.scores, adjustedStakes: fin.adjustedStakes, iterations };
}

/** Listening coefficients per the `listening` switch (eq. 34, eq. 35). */
export function listeningCoefficients(
  rep: PreparedReports,
  a0: Float64Array,
  params: ListeningParams,
  opts: ListeningOptions = {},
): ListeningResult {
  return params.listening === 'whitepaper' ? listeningWhitepaper(rep, a0, params) : listeningReference(rep, a0, params, opts);
}
