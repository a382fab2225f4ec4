// Hand-checked cases, one (or a few) per equation of whitepaper §4 (eqs 22–47), and the edge cases of
// docs/rewards.md §4. Expected numbers are written out or computed here with plain arithmetic, never by the code
// under test.
import { describe, expect, test } from 'vitest';
import { PROFILES } from '../../src/engine/params.js';
import {
  adjustedStakes,
  classRewards,
  computeEpochRewards,
  consensusVector,
  effectiveNumber,
  fPlus,
  forecasterOneInScores,
  forecasterOneOutScores,
  forecasterScoreRatio,
  forecasterScores,
  forecastingTaskScore,
  forecastingUtility,
  individualRewards,
  infererScores,
  initialRewardState,
  listeningReference,
  mappedScores,
  modifiedEntropy,
  normalizationFactor,
  normalizedFractions,
  objectLayout,
  prepareReports,
  pushScoreHistory,
  reputerConsensusScores,
  reputerRewardFractions,
  scoreWindow,
  smoothedFractions,
  stakeGrowth,
  workerRewardFractions,
  type EpochRewardInput,
} from '../../src/engine/rewards.js';
import { networkLossColumnNames, objectNames } from '../../src/sim/replay-rewards.js';
import { stakeWeightedLosses } from '../../src/engine/synthesis.js';
import { potential, sampleStd } from '../../src/engine/weights.js';

const stdOf = (x: Float64Array) => sampleStd(x, x.length);
const phiOf = (p: number, c: number, x: number) => potential(x, p, c);
import { GOLDEN_SYNTHESIS, loadGoldenCsv } from '../helpers/golden.js';

const REF = PROFILES.reference;
const f64 = (...xs: number[]) => Float64Array.from(xs);
const close = (a: number, b: number, tol = 1e-14) => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
const closeAll = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-14) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) close(a[i], b[i], tol);
};

describe('object layout', () => {
  test('offsets and N_obj for N_i = 5, N_f = 3 (36 objects, as in the golden rows)', () => {
    const L = objectLayout(5, 3);
    expect(L.count).toBe(36);
    expect(L.count).toBe(36);
    expect([L.network, L.naive, L.inference, L.forecastImplied, L.forecastImpliedOneOut, L.networkOneOut, L.naiveOneIn]).toEqual([
      0, 1, 2, 7, 10, 25, 33,
    ]);
  });
  test('golden column names exist in the reference header, in layout order', () => {
    const { columns } = loadGoldenCsv(GOLDEN_SYNTHESIS);
    const names = objectNames(5, 3);
    expect(names[10 + 1 * 5 + 2]).toBe('forecast_implied_inference_1_oneout_2'); // k-major
    for (const n of names) expect(columns).toContain(`reputer_4_loss_${n}`);
    for (const n of networkLossColumnNames(5, 3)) expect(columns).toContain(n);
  });
});

describe('eq 14 network losses', () => {
  test('raw-stake weighted mean, over the reputers that reported the object', () => {
    // 2 reputers, 2 objects; stakes 1 and 3
    const R = f64(-1, -2, -3, NaN);
    const ell = stakeWeightedLosses(R, f64(1, 3), 2);
    close(ell[0], (1 * -1 + 3 * -3) / 4);
    close(ell[1], -2); // only reputer 0 reported object 1
    expect(stakeWeightedLosses(f64(NaN, NaN), f64(1, 1), 1)[0]).toBeNaN();
  });
});

describe('eqs 22–26 worker scores', () => {
  // N_i = 2, N_f = 2 → layout: net 0, naive 1, inf 2–3, fimp 4–5, fimp_oneout 6–9, oneout 10–13, onein 14–15
  const L = objectLayout(2, 2);
  const ell = f64(-2.0, -1.5, -1.8, -1.7, -1.9, -1.6, 0, 0, 0, 0, -1.9, -1.6, -1.95, -1.7, -1.75, -1.4);
  test('eq 22: T_j = ℓ(one-out j) − ℓ(network)', () => {
    closeAll(infererScores(ell, L), [-1.9 - -2.0, -1.6 - -2.0]);
    expect(Array.from(infererScores(f64(-2, -1, -1.5, 0, -1.2), objectLayout(1, 0)))).toEqual([0]); // N_i = 1
  });
  test('eqs 24, 25: one-out and one-in forecaster scores', () => {
    closeAll(forecasterOneOutScores(ell, L), [-1.95 - -2.0, -1.7 - -2.0]);
    closeAll(forecasterOneInScores(ell, L), [-1.5 - -1.75, -1.5 - -1.4]);
  });
  test('eq 26: f⁺ = 1/2^(N_f−1) (reference) or 1/2^N_f (whitepaper)', () => {
    expect(fPlus(3, 'reference')).toBe(0.25);
    expect(fPlus(3, 'whitepaper')).toBe(0.125);
    expect(fPlus(1, 'reference')).toBe(1);
  });
  test('eq 23: T_k = (1 − f⁺) T⁻ + f⁺ T⁺', () => {
    const T = forecasterScores(f64(0.05, 0.3), f64(0.25, -0.1), 0.5);
    closeAll(T, [0.5 * 0.05 + 0.5 * 0.25, 0.5 * 0.3 + 0.5 * -0.1]);
  });
});

describe('eq 29 σ window, mapping; eqs 27–28 fractions', () => {
  const hist = [f64(4, 5, 6), f64(7, 8, 9), f64(10, 11, 12)];
  test('samples window: current first, then newest → oldest, stop at 10 (first participant of the 4th epoch)', () => {
    expect(Array.from(scoreWindow(f64(1, 2, 3), hist, { sigma_window: 'samples', sigma_window_size: 10 }))).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    // more than 10 participants: the first 10 of the current epoch
    const cur = Float64Array.from({ length: 12 }, (_, i) => i);
    expect(Array.from(scoreWindow(cur, hist, { sigma_window: 'samples', sigma_window_size: 10 }))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
  test('epochs window: all scores of the ΔN most recent epochs', () => {
    expect(Array.from(scoreWindow(f64(1, 2, 3), hist, { sigma_window: 'epochs', sigma_window_size: 2 }))).toEqual([1, 2, 3, 4, 5, 6]);
  });
  test('history keeps only what the window can reach', () => {
    const h = pushScoreHistory(hist, f64(1, 2, 3), { sigma_window: 'samples', sigma_window_size: 10 });
    expect(h.length).toBe(4); // 3 + 3 + 3 < 10, the fourth epoch is still needed
    expect(pushScoreHistory(hist, f64(1, 2, 3), { sigma_window: 'samples', sigma_window_size: 6 }).length).toBe(2);
    expect(pushScoreHistory(hist, f64(1), { sigma_window: 'epochs', sigma_window_size: 2 }).length).toBe(2);
  });
  test('sample std, ddof 1; 0 for ≤ 1 sample', () => {
    close(stdOf(f64(1, 2, 3, 4)), Math.sqrt(5 / 3));
    expect(stdOf(f64(5))).toBe(0);
    expect(stdOf(f64())).toBe(0);
  });
  test('φ_{p,c}(x) = ln(1 + e^{p(x−c)})', () => {
    close(phiOf(3, 0.75, 1), Math.log(1 + Math.exp(0.75)));
    close(phiOf(3, 0.75, -2), Math.log(1 + Math.exp(3 * -2.75)));
    close(phiOf(3, 0.75, 400), 3 * 399.25); // no overflow
  });
  test('M = φ(T/(σ+ε)); u = M/ΣM', () => {
    const T = f64(0.1, 0.5, -0.3);
    const s = 0.2 + 0.01;
    const M = [0.1, 0.5, -0.3].map((t) => Math.log(1 + Math.exp(3 * (t / s - 0.75))));
    closeAll(mappedScores(T, 0.2, 3, REF), M);
    const sum = M[0] + M[1] + M[2];
    closeAll(workerRewardFractions(T, 0.2, 3, REF), M.map((m) => m / sum));
  });
  test('σ < ε: M = 1 (uniform) with the reference switch, eq 29 as written with the whitepaper one', () => {
    const T = f64(0.001, 0.004);
    closeAll(workerRewardFractions(T, 0.002, 3, REF), [0.5, 0.5]);
    const wp = workerRewardFractions(T, 0.002, 3, { ...REF, sigma_below_epsilon: 'formula' });
    const M = [0.001, 0.004].map((t) => Math.log(1 + Math.exp(3 * (t / 0.012 - 0.75))));
    closeAll(wp, [M[0] / (M[0] + M[1]), M[1] / (M[0] + M[1])]);
  });
  test('very negative scores: fractions stay finite and positive (log-space fallback)', () => {
    const u = workerRewardFractions(f64(-50, -51), 0, 3, { ...REF, sigma_below_epsilon: 'formula' });
    // ln M ≈ 3(T/ε − c): ratio e^{3·100} → fraction of the second ≈ e^{-300}
    close(u[0], 1);
    expect(u[1]).toBeGreaterThanOrEqual(0);
    close(u[0] + u[1], 1);
  });
});

describe('eqs 30–33 reputer consensus', () => {
  test('eq 30: Ŝ = min(N_r a S / Σ a S, 1)', () => {
    // Σ a S = 10 + 20 + 15 = 45
    closeAll(adjustedStakes(f64(1, 1, 0.5), f64(10, 20, 30)), [30 / 45, 1, 1]);
  });
  test('eq 32: stake-weighted consensus, NaN excluded from its object', () => {
    const C = consensusVector(f64(1, 2, 3, NaN), 2, 2, f64(0.25, 1));
    closeAll(C, [(0.25 * 1 + 3) / 1.25, 2]);
  });
  test('eq 33: T = 1/(‖R − C‖/‖C‖ + ε_r)', () => {
    const rep = prepareReports({ n: 2, nObj: 2, losses: f64(1, 2, 3, 4), stakes: f64(5, 5) });
    const r = reputerConsensusScores(rep, f64(1, 1), REF);
    closeAll(r.consensus, [2, 3]);
    const t = 1 / (Math.SQRT2 / Math.sqrt(13) + 0.01);
    closeAll(r.scores, [t, t]);
  });
  test('eq 33, missing loss: excluded from the mean, replaced by the value farthest below consensus', () => {
    // object 1 only reported by reputer 0 (value 2) and reputer 2 (value 5); reputer 1 missing
    const rep = prepareReports({ n: 3, nObj: 2, losses: f64(1, 2, 3, NaN, 2, 5), stakes: f64(1, 1, 1) });
    const r = reputerConsensusScores(rep, f64(1, 1, 1), REF);
    const C = [2, 3.5];
    closeAll(r.consensus, C);
    const nC = Math.hypot(2, 3.5);
    const d = [Math.hypot(1 - 2, 2 - 3.5), Math.hypot(3 - 2, 2 - 3.5) /* filled with min = 2 */, Math.hypot(0, 5 - 3.5)];
    closeAll(r.scores, d.map((x) => 1 / (x / nC + 0.01)));
  });
  test('eq 33, zero consensus norm is replaced by 1e-7', () => {
    const rep = prepareReports({ n: 2, nObj: 2, losses: f64(0, 0, 1e-9, 0), stakes: f64(1, 0) });
    // Ŝ = [1, 0] → C = 0; reputer 1 is 1e-9 away: T = 1/(1e-9/1e-7 + 0.01) = 1/0.02
    const r = reputerConsensusScores(rep, f64(1, 1), REF);
    closeAll(r.scores, [100, 50], 1e-12);
  });
});

describe('eqs 34–35 listening coefficients (reference ascent)', () => {
  // Independent plain implementation of the objective Σ S T for full reports (no NaN)
  function obj(R: number[][], S: number[], a: number[]): number {
    const n = S.length;
    const D = a.reduce((s, x, i) => s + x * S[i], 0);
    const sh = a.map((x, i) => Math.min((n * x * S[i]) / D, 1));
    const Z = sh.reduce((s, x) => s + x, 0);
    const C = R[0].map((_, j) => R.reduce((s, r, i) => s + sh[i] * r[j], 0) / Z);
    const nC = Math.hypot(...C);
    return R.reduce((s, r, i) => s + S[i] / (Math.hypot(...r.map((x, j) => x - C[j])) / nC + 0.01), 0);
  }
  const R = [
    [-1.0, -2.0, -1.5],
    [-1.1, -1.9, -1.45],
    [-0.5, -2.6, -1.0],
  ];
  const S = [100, 250, 80];
  const flat = Float64Array.from(R.flat());

  test('one iteration from a = 1: g_l = (1 − obj/obj₂)/δ with δ = −0.001 at a_l == 1, then a = clip(a + λg)', () => {
    const a0 = [1, 1, 1];
    const o = obj(R, S, a0);
    const expected = a0.map((x, l) => {
      const a2 = [...a0];
      a2[l] -= 0.001;
      const g = (1 - o / obj(R, S, a2)) / -0.001;
      return Math.min(Math.max(x + 0.05 * g, 0), 1);
    });
    for (const method of ['fast', 'naive'] as const) {
      const rep = prepareReports({ n: 3, nObj: 3, losses: flat, stakes: Float64Array.from(S) });
      const res = listeningReference(rep, f64(1, 1, 1), { ...REF, gd_max_iters: 1 }, { method });
      closeAll(res.coefficients, expected, 1e-12);
      expect(res.iterations).toBe(1);
      // reported scores: at the coefficients at the start of the (only) iteration
      closeAll(res.scores, reputerConsensusScores(rep, f64(1, 1, 1), REF).scores, 1e-14);
    }
  });
  test('+δ when a_l < 1; reported scores are those at the start of the last iteration', () => {
    const a0 = [0.9, 0.7, 0.95];
    const o = obj(R, S, a0);
    const a1 = a0.map((x, l) => {
      const a2 = [...a0];
      a2[l] += 0.001;
      return Math.min(Math.max(x + 0.05 * ((1 - o / obj(R, S, a2)) / 0.001), 0), 1);
    });
    const rep = prepareReports({ n: 3, nObj: 3, losses: flat, stakes: Float64Array.from(S) });
    const res = listeningReference(rep, Float64Array.from(a0), { ...REF, gd_max_iters: 2 });
    expect(res.iterations).toBe(2);
    // second iteration started at a1: the reported scores are T(a1)
    closeAll(res.scores, reputerConsensusScores(rep, Float64Array.from(a1), REF).scores, 1e-12);
  });
  test('the 0.5 floor interpolates the step to land exactly on min_stake_fraction', () => {
    const rep = prepareReports({ n: 3, nObj: 3, losses: flat, stakes: Float64Array.from(S) });
    const prm = { ...REF, min_stake_fraction: 0.995 };
    const res = listeningReference(rep, f64(1, 1, 1), prm);
    const frac = res.coefficients.reduce((s, x, i) => s + x * S[i], 0) / (100 + 250 + 80);
    close(frac, 0.995, 1e-12);
  });
  test('zero-stake reputer: gradient component 0, coefficient unchanged, Ŝ = 0', () => {
    const rep = prepareReports({ n: 3, nObj: 3, losses: flat, stakes: f64(100, 250, 0) });
    const res = listeningReference(rep, f64(1, 1, 0.6), REF);
    expect(res.coefficients[2]).toBe(0.6);
    expect(res.adjustedStakes[2]).toBe(0);
  });
});

describe('eqs 36–41', () => {
  test('eq 36: w = (S T)^p / Σ (S T)^p; all zero → 0', () => {
    closeAll(reputerRewardFractions(f64(1, 2), f64(3, 1), 1), [3 / 5, 2 / 5]);
    closeAll(reputerRewardFractions(f64(1, 2), f64(3, 1), 2), [9 / 13, 4 / 13]);
    expect(Array.from(reputerRewardFractions(f64(0, 0), f64(3, 1), 1))).toEqual([0, 0]);
  });
  test('eq 37: S_{t+1} = S_t + W_m', () => {
    expect(Array.from(stakeGrowth(f64(10, 20), f64(1.5, 0)))).toEqual([11.5, 20]);
  });
  test('eq 40: x̃ = α x + (1 − α) x̃_prev; x̃ = x without a prior', () => {
    closeAll(smoothedFractions(f64(0.2, 0.8), f64(0.5, NaN), 0.1), [0.1 * 0.2 + 0.9 * 0.5, 0.8]);
  });
  test('eqs 39, 41: f = x̃/Σx̃, N_eff = 1/Σf²', () => {
    closeAll(normalizedFractions(f64(1, 3)), [0.25, 0.75]);
    close(effectiveNumber(f64(0.25, 0.75)), 1 / (0.0625 + 0.5625));
  });
  test('eq 38: F = −Σ f ln f (N_eff/N)^β; N = 1 constant; f = 0 contributes 0', () => {
    close(modifiedEntropy(f64(0.5, 0.5), 0.25, 0.17), Math.log(2));
    const h = -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75));
    close(modifiedEntropy(f64(0.25, 0.75), 0.25, 0.17), h * (1 / 0.625 / 2) ** 0.25);
    expect(modifiedEntropy(f64(1), 0.25, 0.173286795139986)).toBe(0.173286795139986);
    close(modifiedEntropy(f64(0.5, 0.5, 0), 0.25, 0.17), Math.log(2) * (2 / 3) ** 0.25);
    expect(modifiedEntropy(f64(), 0.25, 0.17)).toBe(0);
  });
});

describe('eqs 42–47', () => {
  const prm = { alpha_task: 0.1, tau_max: 'whitepaper' as const };
  test('eq 43: 𝒯 = ℓ(naive) − ℓ(network)', () => {
    close(forecastingTaskScore(f64(-2, -1.5), objectLayout(1, 0)), 0.5);
  });
  test('eq 44: τ = α (𝒯 − min(0, M))/|M| + (1 − α) τ_prev', () => {
    close(forecasterScoreRatio(0.5, [0.1, 0.25], 2, prm).tau, 0.1 * (0.5 / 0.25) + 0.9 * 2);
    // M < 0, as written: (𝒯 − M)/|M|
    close(forecasterScoreRatio(0.5, [-0.1, -0.25], 0, prm).tau, 0.1 * ((0.5 + 0.1) / 0.1));
    // M < 0 with the chain's running max from 0: M = 0 → x = 𝒯/|𝒯|
    close(forecasterScoreRatio(0.5, [-0.1, -0.25], 0, { ...prm, tau_max: 'chain' }).tau, 0.1 * 1);
    // M = 0 and 𝒯 = 0: τ reset to 0, χ forced to 0.5
    expect(forecasterScoreRatio(0, [0, -1], 3, prm)).toEqual({ tau: 0, reset: true });
  });
  test('eq 45: χ piecewise linear on [0, 1)', () => {
    expect([-0.1, 0, 0.5, 1, 2].map(forecastingUtility)).toEqual([0.1, 0.1, 0.30000000000000004, 0.5, 0.5]);
  });
  test('eq 46: γ = (F + G)/((1 − χ)F + χG)', () => {
    close(normalizationFactor(1, 2, 0.5), 3 / 1.5);
    close(normalizationFactor(1, 0, 0.3), 1 / 0.7);
  });
  test('eq 42: U, V, W; U + V + W = E', () => {
    const { U, V, W } = classRewards(1, 2, 3, 0.5, 2, 600);
    close(U, (0.5 * 2 * 1 * 600) / 6);
    close(V, (0.5 * 2 * 2 * 600) / 6);
    close(W, (3 * 600) / 6);
    close(U + V + W, 600);
  });
  test('eq 47: U_j = u_j U (w_im, not w_ij)', () => {
    closeAll(individualRewards(f64(0.25, 0.75), 100), [25, 75]);
  });
});

// ─────────────────────────── edge cases of docs/rewards.md §4 through the whole epoch ───────────────────────────

function epochInput(nI: number, nF: number, R: number[][], S: number[], E = 1000): EpochRewardInput {
  const L = objectLayout(nI, nF);
  for (const r of R) expect(r.length).toBe(L.count);
  return { nI, nF, nR: S.length, stakes: Float64Array.from(S), losses: Float64Array.from(R.flat()), topicReward: E };
}

/** A row of reported losses in the layout, from a base loss and per-family offsets. */
function lossRow(nI: number, nF: number, base: number, shift = 0): number[] {
  const L = objectLayout(nI, nF);
  const r = new Array<number>(L.count);
  for (let x = 0; x < L.count; x++) r[x] = base + shift + 0.01 * ((x * 7) % 5);
  r[L.network] = base + shift - 0.3;
  r[L.naive] = base + shift - 0.1;
  return r;
}

describe('edge cases (docs/rewards.md §4)', () => {
  test('one inferer, no forecasters: T = 0, u = 1, F = constant, G = 0, V = 0, U + W = E', () => {
    const inp = epochInput(1, 0, [lossRow(1, 0, -2), lossRow(1, 0, -2, 0.02)], [10, 20]);
    const { outputs: o } = computeEpochRewards(inp, initialRewardState(1, 0, 2), REF);
    expect(Array.from(o.infererScores)).toEqual([0]);
    expect(Array.from(o.infererFractions)).toEqual([1]);
    expect(o.infererEntropy).toBe(REF.single_participant_entropy);
    expect(o.forecasterEntropy).toBe(0);
    expect(o.forecasterClassReward).toBe(0);
    expect(o.forecasterRewards.length).toBe(0);
    close(o.infererClassReward + o.reputerClassReward, 1000, 1e-13);
    // max_j T = 0 and 𝒯 = 0.2 ≠ 0: denominator |𝒯|, x = 1
    close(o.tau, 0.1);
  });
  test('one forecaster: its score is 0, f⁺ = 1, its entropy is the constant', () => {
    const inp = epochInput(3, 1, [lossRow(3, 1, -2), lossRow(3, 1, -2, 0.03)], [10, 20]);
    const { outputs: o } = computeEpochRewards(inp, initialRewardState(3, 1, 2), REF);
    expect(Array.from(o.forecasterScores)).toEqual([0]);
    expect(o.fPlus).toBe(1);
    expect(o.forecasterEntropy).toBe(REF.single_participant_entropy);
  });
  test('no forecasters: γ = 1/(1 − χ), V = 0', () => {
    const inp = epochInput(3, 0, [lossRow(3, 0, -2), lossRow(3, 0, -2, 0.03)], [10, 20]);
    const { outputs: o } = computeEpochRewards(inp, initialRewardState(3, 0, 2), REF);
    close(o.gamma, 1 / (1 - o.chi));
    expect(o.forecasterClassReward).toBe(0);
    close(o.infererClassReward + o.reputerClassReward, 1000, 1e-13);
  });
  test('all scores equal (σ < ε): uniform fractions', () => {
    const nI = 4;
    const L = objectLayout(nI, 0);
    const row = lossRow(nI, 0, -2);
    for (let j = 0; j < nI; j++) row[L.networkOneOut + j] = -2.1;
    const inp = epochInput(nI, 0, [row, row], [1, 1]);
    const { outputs: o } = computeEpochRewards(inp, initialRewardState(nI, 0, 2), REF);
    closeAll(o.infererFractions, [0.25, 0.25, 0.25, 0.25]);
    const wp = computeEpochRewards(inp, initialRewardState(nI, 0, 2), { ...REF, sigma_below_epsilon: 'formula' }).outputs;
    closeAll(wp.infererFractions, [0.25, 0.25, 0.25, 0.25]);
  });
  test('window σ < ε with differing scores: uniform (reference) vs eq 29 as written', () => {
    const nI = 3;
    const L = objectLayout(nI, 0);
    const row = lossRow(nI, 0, -2);
    row[L.networkOneOut] = row[L.network] + 0.001;
    row[L.networkOneOut + 1] = row[L.network] + 0.003;
    row[L.networkOneOut + 2] = row[L.network] + 0.002;
    const inp = epochInput(nI, 0, [row], [1]);
    const ref = computeEpochRewards(inp, initialRewardState(nI, 0, 1), REF).outputs;
    closeAll(ref.infererFractions, [1 / 3, 1 / 3, 1 / 3]);
    const wp = computeEpochRewards(inp, initialRewardState(nI, 0, 1), { ...REF, sigma_below_epsilon: 'formula' }).outputs;
    expect(wp.infererFractions[1]).toBeGreaterThan(wp.infererFractions[2]);
    expect(wp.infererFractions[2]).toBeGreaterThan(wp.infererFractions[0]);
  });
  test('largest inferer score ≤ 0: eq 44 as written vs the chain max from 0', () => {
    const nI = 2;
    const L = objectLayout(nI, 0);
    const row = lossRow(nI, 0, -2);
    row[L.network] = -2.0;
    row[L.naive] = -1.8; // 𝒯 = 0.2
    row[L.networkOneOut] = -2.1; // T = −0.1
    row[L.networkOneOut + 1] = -2.3; // T = −0.3
    const inp = epochInput(nI, 0, [row], [1]);
    const wp = computeEpochRewards(inp, initialRewardState(nI, 0, 1), REF).outputs;
    close(wp.tau, 0.1 * ((0.2 - -0.1) / 0.1), 1e-12);
    const ch = computeEpochRewards(inp, initialRewardState(nI, 0, 1), { ...REF, tau_max: 'chain' }).outputs;
    close(ch.tau, 0.1 * 1, 1e-12);
    // negative scores still get a small positive fraction
    expect(wp.infererFractions[1]).toBeGreaterThan(0);
  });
  test('zero-stake reputer: Ŝ = 0, w = 0, no reward, coefficient unchanged', () => {
    const inp = epochInput(2, 1, [lossRow(2, 1, -2), lossRow(2, 1, -2, 0.05), lossRow(2, 1, -2, 0.5)], [10, 20, 0]);
    const st = initialRewardState(2, 1, 3);
    st.listening[2] = 0.8;
    const { outputs: o } = computeEpochRewards(inp, st, REF);
    expect(o.adjustedStakes[2]).toBe(0);
    expect(o.reputerFractions[2]).toBe(0);
    expect(o.reputerRewards[2]).toBe(0);
    expect(o.listening[2]).toBe(0.8);
    expect(o.nextStakes[2]).toBe(0);
  });
  test('missing reputer loss and a reputer that did not report at all', () => {
    const rows = [lossRow(2, 1, -2), lossRow(2, 1, -2, 0.05), lossRow(2, 1, -2, 0.1), lossRow(2, 1, -2).map(() => NaN)];
    rows[1][3] = NaN;
    const inp = epochInput(2, 1, rows, [10, 20, 15, 50]);
    const st = initialRewardState(2, 1, 4);
    st.listening[3] = 0.7;
    const { outputs: o, state } = computeEpochRewards(inp, st, REF);
    expect(Array.from(o.reputerActive)).toEqual([1, 1, 1, 0]);
    expect(o.reputerScores[3]).toBeNaN();
    expect(o.reputerRewards[3]).toBe(0);
    expect(state.listening[3]).toBe(0.7);
    expect(o.nextStakes[3]).toBe(50);
    // the three reporting reputers: N_r = 3 in eq 30, all finite
    for (let m = 0; m < 3; m++) expect(Number.isFinite(o.reputerScores[m])).toBe(true);
    close(o.reputerFractions[0] + o.reputerFractions[1] + o.reputerFractions[2], 1, 1e-14);
    // the reputer with the missing value gets the object's lowest reported value in its distance
    const R3 = Float64Array.from([rows[0], rows[1], rows[2]].flat());
    const rep = prepareReports({ n: 3, nObj: objectLayout(2, 1).count, losses: R3, stakes: f64(10, 20, 15) });
    expect(rep.filled[1 * rep.nObj + 3]).toBe(Math.min(rows[0][3], rows[2][3]));
  });
  test('an inferer that did not submit gets NaN score/fraction and zero reward; N_i counts participants', () => {
    const nI = 3;
    const L = objectLayout(nI, 0);
    const rows = [lossRow(nI, 0, -2), lossRow(nI, 0, -2, 0.02)];
    for (const r of rows) {
      r[L.inference + 2] = NaN;
      r[L.networkOneOut + 2] = NaN;
    }
    const { outputs: o } = computeEpochRewards(epochInput(nI, 0, rows, [1, 2]), initialRewardState(nI, 0, 2), REF);
    expect(Array.from(o.infererActive)).toEqual([1, 1, 0]);
    expect(o.infererScores[2]).toBeNaN();
    expect(o.infererRewards[2]).toBe(0);
    close(o.infererFractions[0] + o.infererFractions[1], 1, 1e-14);
  });
  test('state arrays are not mutated; new participants start at a = 1 without priors', () => {
    const inp = epochInput(2, 1, [lossRow(2, 1, -2), lossRow(2, 1, -2, 0.05)], [10, 20]);
    const st = initialRewardState(2, 1, 1); // reputer 1 is new (state too short)
    const before = JSON.stringify([...st.listening]);
    const { state } = computeEpochRewards(inp, st, REF);
    expect(JSON.stringify([...st.listening])).toBe(before);
    expect(state.listening.length).toBe(2);
    expect(state.smoothReputer.length).toBe(2);
  });
});

