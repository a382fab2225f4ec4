// The deployed chain's behaviours (docs/chain.md), each a switch: hand-computed values and the literal values of
// the chain's own unit tests quoted in docs/chain.md.
import { describe, expect, it } from 'vitest';
import {
  PARAM_SPECS,
  PROFILES,
  PROFILE_NAMES,
  PROFILE_SWITCHES,
  isProfileName,
  profileParams,
  type MechanismParams,
} from '../../src/engine/params.js';
import {
  applyStakeFloor,
  emptyRegretState,
  initialRegret,
  objectLayout,
  synthesize,
  topicInitialRegret,
  updateRegrets,
} from '../../src/engine/synthesis.js';
import { MAD_TO_SIGMA, medianAbsoluteDeviation, regretScale, regretWeights, sampleStd } from '../../src/engine/weights.js';
import {
  computeEpochRewards,
  effectiveNumber,
  initialRewardState,
  modifiedEntropy,
  scoreWindow,
  smoothAndEntropy,
} from '../../src/engine/rewards.js';
import {
  cutForecastElements,
  drawActiveSet,
  emptySortitionState,
  qualityPercentile,
  scoreActive,
  selectActive,
  sortitionParams,
  type SortitionState,
} from '../../src/engine/sortition.js';
import { participationFees } from '../../src/engine/fees.js';
import { relErr } from '../helpers/golden.js';

const ref = profileParams('reference');
const chain = profileParams('chain');
const latest = profileParams('chain-latest');
const f64 = (...v: number[]) => Float64Array.from(v);

describe('profiles', () => {
  it('chain and chain-latest differ from reference only by named switches, with the chain defaults', () => {
    expect(PROFILE_NAMES).toEqual(['reference', 'whitepaper', 'chain', 'chain-latest']);
    for (const name of PROFILE_NAMES) expect(isProfileName(name)).toBe(true);
    expect(isProfileName('chain-v2')).toBe(false);
    for (const name of ['whitepaper', 'chain', 'chain-latest'] as const)
      for (const k of Object.keys(ref) as (keyof MechanismParams)[])
        if (!Object.is(PROFILES[name][k], ref[k])) expect(PROFILE_SWITCHES, `${name}.${k}`).toContain(k);
    expect(chain).toMatchObject({
      initial_regret_rule: 'chain',
      initial_regret_quantile: 0.25,
      pnorm_safe_div: 8.25,
      initial_regret_pool: 'experienced',
      regret_scale: 'std',
      guard_rails: true,
      n_eff_source: 'smoothed',
      sigma_window_overflow: 'last',
      p_reward_inference: 1,
      p_reward_forecast: 3,
      p_reward_reputer: 3,
      active_set: 'chain',
      max_active_inferers: 32,
      max_active_forecasters: 6,
      max_active_reputers: 6,
      max_elements_per_forecast: 12,
      merit_sortition_alpha: 0.1,
      active_quantile_inferers: 0.25,
      tau_max: 'chain',
      min_reputer_stake: 1e-14,
      registration_fee: 2e-16,
      data_sending_fee: 1e-17,
    });
    expect(latest).toMatchObject({ regret_scale: 'mad', guard_rails: false, p_reward_inference: 3, p_reward_forecast: 3, p_reward_reputer: 1 });
    // the reference profile keeps the paper's mechanism: no active set, no fees, N_eff from f
    expect(ref).toMatchObject({ active_set: 'off', max_active_inferers: 0, n_eff_source: 'normalised', regret_scale: 'std', min_reputer_stake: 0 });
  });
  it('every new switch has a spec (scenario key, --set)', () => {
    for (const k of Object.keys(chain)) expect(PARAM_SPECS[k as keyof MechanismParams], k).toBeDefined();
  });
});

describe('C1, C2: initial-regret quantile and PNormSafeDiv', () => {
  const R = f64(0.6445506208021189, 1.0216386898413485, 0.6092049398135028, 0.6971588004566455, 0.9030751421888253, 0.8219035038858344);
  it('TestCalcTopicInitialRegret: q = 0.25, p = 3, ε = 1e-4, PNormSafeDiv = 8.25 → 0.33548207605264121', () => {
    const v = topicInitialRegret(R, 6, { ...chain, epsilon: 1e-4 }, 'chain');
    expect(relErr(v, 0.33548207605264121)).toBeLessThanOrEqual(2.5e-16);
  });
  it('another quantile and another PNormSafeDiv, by hand', () => {
    const v = f64(1, 2, 3, 4, 5);
    const prm = { ...chain, initial_regret_quantile: 0.5, pnorm_safe_div: 1 };
    expect(topicInitialRegret(v, 5, prm, 'chain')).toBeCloseTo(3 + (0.75 - 1 / 3) * (Math.sqrt(2.5) + 0.01), 14);
    expect(topicInitialRegret(v, 5, { ...prm, initial_regret_quantile: 0.1 }, 'chain')).toBeCloseTo(1.4 + (0.75 - 1 / 3) * (Math.sqrt(2.5) + 0.01), 14);
    // the simulator rule takes the offset from the same parameter
    expect(topicInitialRegret(v, 5, { ...ref, pnorm_safe_div: 1 }, 'simulator')).toBeCloseTo(1 + (0.75 - 1 / 3) * (Math.sqrt(2) + 0.01), 14);
  });
  it('pnorm_safe_div does not move the weight guard rails', () => {
    const Rw = f64(-3, -2.5, -1, 0.2, 0.4);
    const a = new Float64Array(5);
    const b = new Float64Array(5);
    regretWeights(Rw, 5, ref, a);
    const moved: MechanismParams = { ...ref, pnorm_safe_div: 1 };
    regretWeights(Rw, 5, moved, b);
    expect(b).toEqual(a);
  });
});

describe('C3: the experienced pool of the initial regret', () => {
  // Two inferers, α = 0.5 (so ⌈1/α⌉ = 2 inclusions), the chain rule.
  const prm: MechanismParams = { ...chain, alpha: 0.5 };
  const L = objectLayout(2, 0);
  const bundle = (net: number, i0: number, i1: number) => {
    const l = new Float64Array(L.count).fill(-1);
    l[L.network] = net;
    l[L.inference] = i0;
    l[L.inference + 1] = i1;
    return l;
  };
  it('pools only workers with a prior regret and ≥ 1/α inclusions; keeps the value when none qualifies', () => {
    let s = emptyRegretState(2, 0);
    s = updateRegrets(s, bundle(-1, -1.2, -0.9), prm); // first regrets: new, not pooled
    expect(Array.from(s.inclusions)).toEqual([1, 1]);
    expect(s.storedInitialRegret).toBeNaN();
    s = updateRegrets(s, bundle(-1, -1.1, -0.8), prm); // not new, but only 1 inclusion before
    expect(s.storedInitialRegret).toBeNaN();
    expect(initialRegret(s, prm)).toBe(prm.initial_regret);
    s = updateRegrets(s, bundle(-1, -1.3, -0.7), prm); // both qualify
    const [a, b] = [s.network[0], s.network[1]].sort((x, y) => x - y);
    const want = a + 0.25 * (b - a) + (0.75 - 8.25 / 3) * (Math.abs(b - a) / Math.SQRT2 + 0.01);
    expect(s.storedInitialRegret).toBeCloseTo(want, 14);
    expect(initialRegret(s, prm)).toBe(s.storedInitialRegret);
    // worker 1 absent from the bundle: the pool is worker 0 alone (σ = 0)
    s = updateRegrets(s, bundle(-1, -1.2, NaN), prm);
    expect(s.storedInitialRegret).toBeCloseTo(s.network[0] + (0.75 - 8.25 / 3) * 0.01, 14);
    expect(Array.from(s.inclusions)).toEqual([4, 3]);
    // no network loss: nobody is in the bundle, the stored value is kept
    const kept = s.storedInitialRegret;
    s = updateRegrets(s, bundle(NaN, -1.2, -1), prm);
    expect(s.storedInitialRegret).toBe(kept);
  });
  it('regret_holders (reference) pools every worker with a regret, whatever its inclusions', () => {
    const s = emptyRegretState(2, 0);
    s.network.set([0.1, 0.3]);
    expect(initialRegret(s, { ...prm, initial_regret_pool: 'regret_holders' })).toBeCloseTo(
      0.1 + 0.25 * 0.2 + (0.75 - 8.25 / 3) * (0.2 / Math.SQRT2 + 0.01),
      14,
    );
    expect(initialRegret(s, prm)).toBe(prm.initial_regret); // experienced: nothing stored yet
  });
});

describe('C4: the MAD regret scale (chain-latest)', () => {
  it('TestCalcMadPlusEpsilon: 0.15826, 0.8413, 0.01', () => {
    const mad = (v: number[], eps: number) => regretScale(Float64Array.from(v), v.length, { regret_scale: 'mad' }) + eps;
    expect(mad([0.1, 0.2, 0.3], 0.01)).toBeCloseTo(0.15826, 15);
    expect(mad([0, 0.5, 1], 0.1)).toBeCloseTo(0.8413, 15);
    expect(mad([0, 0, 0, 100], 0.01)).toBe(0.01);
    expect(medianAbsoluteDeviation(f64(1, 2, 4, 8), 4)).toBe(1.5); // median 3, deviations 2 1 1 5
    expect(MAD_TO_SIGMA).toBe(1.4826);
    expect(regretScale(f64(1, 2, 4, 8), 4, { regret_scale: 'std' })).toBe(sampleStd(f64(1, 2, 4, 8), 4));
  });
  it('TestCalcForecastImpliedInferencesTwoWorkersOneForecaster: → 1.0631297', () => {
    const prm: MechanismParams = { ...latest, p: 2, epsilon: 1e-4 };
    const st = emptyRegretState(2, 1);
    st.networkLoss = 0.5;
    const res = synthesize({ inferences: f64(1, 2), forecasts: f64(3, 4) }, st, prm);
    expect(res.forecastImplied[0]).toBeCloseTo(1.0631297, 7);
    // by hand: R = (−2.5, −3.5), MAD = 0.5, x̂ = R / (0.7413 + 1e-4), w = φ′(x̂)
    const s = 1.4826 * 0.5 + 1e-4;
    const w = [-2.5, -3.5].map((r) => 2 / (Math.exp(-2 * (r / s - 0.75)) + 1));
    expect(res.forecastImplied[0]).toBeCloseTo((w[0] + 2 * w[1]) / (w[0] + w[1]), 14);
    // one-out rebuilds with two inferers: the other inference
    expect(Array.from(res.forecastImpliedOneOut)).toEqual([2, 1]);
  });
  it('one-out rebuilds recompute the MAD of the remaining regrets', () => {
    const prm: MechanismParams = { ...latest };
    const st = emptyRegretState(4, 1);
    st.networkLoss = -1;
    const I = f64(1, 2, 3, 5);
    const F = f64(-0.5, -1.5, -0.9, -1.2);
    const res = synthesize({ inferences: I, forecasts: F }, st, prm);
    const R = Array.from(F, (x) => -1 - x);
    const imp = (keep: number[]) => {
      const Rk = Float64Array.from(keep.map((j) => R[j]));
      const w = new Float64Array(keep.length);
      regretWeights(Rk, keep.length, prm, w);
      return keep.reduce((a, j, t) => a + w[t] * I[j], 0) / w.reduce((a, x) => a + x, 0);
    };
    expect(res.forecastImplied[0]).toBeCloseTo(imp([0, 1, 2, 3]), 14);
    for (let j = 0; j < 4; j++) expect(res.forecastImpliedOneOut[j]).toBeCloseTo(imp([0, 1, 2, 3].filter((x) => x !== j)), 14);
    // and the MAD scale differs from the std scale here
    const std = synthesize({ inferences: I, forecasts: F }, st, { ...prm, regret_scale: 'std' });
    expect(std.forecastImplied[0]).not.toBe(res.forecastImplied[0]);
  });
});

describe('C6: N_eff from the un-normalised smoothed fractions', () => {
  it('TestEntropySimple: f = (0.2, 0.3, 0.5), N_eff = 0.75, β = 0.25 → 0.72807463', () => {
    expect(modifiedEntropy(f64(0.2, 0.3, 0.5), 0.25, 0, 0.75)).toBeCloseTo(0.72807463, 8);
  });
  const sm = (x: Float64Array, prev: Float64Array, src: MechanismParams['n_eff_source']) =>
    smoothAndEntropy(x, prev, Array.from(x, (_, i) => i), { ...ref, n_eff_source: src }).entropy;
  it('a participant leaves: 0.6536 (normalised) vs 0.7218 (smoothed)', () => {
    const prev = f64(0.5, 0.3, 0.2);
    expect(sm(f64(0.6, 0.4), prev, 'normalised')).toBeCloseTo(0.6536, 4);
    expect(sm(f64(0.6, 0.4), prev, 'smoothed')).toBeCloseTo(0.7218, 4);
    expect(effectiveNumber(f64(0.51, 0.31))).toBeCloseTo(2.807, 3);
  });
  it('a participant joins: 1.0649 (normalised) vs 0.9450 (smoothed)', () => {
    const prev = f64(0.5, 0.5, NaN);
    expect(sm(f64(0.4, 0.3, 0.3), prev, 'normalised')).toBeCloseTo(1.0649, 4);
    expect(sm(f64(0.4, 0.3, 0.3), prev, 'smoothed')).toBeCloseTo(0.945, 4);
  });
  it('a fixed set of participants (Σx̃ = 1): both rules agree', () => {
    const prev = f64(0.2, 0.5, 0.3);
    const x = f64(0.1, 0.6, 0.3);
    expect(relErr(sm(x, prev, 'smoothed'), sm(x, prev, 'normalised'))).toBeLessThan(1e-14);
  });
});

describe('C9: σ(T) window overflow', () => {
  it("an epoch with more scores than the window: 'first' keeps its first 10, 'last' its last 10", () => {
    const cur = Float64Array.from({ length: 12 }, (_, i) => i);
    const hist = [f64(100, 101, 102)];
    const base = { sigma_window: 'samples', sigma_window_size: 10 } as const;
    expect(Array.from(scoreWindow(cur, hist, { ...base, sigma_window_overflow: 'first' }))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(scoreWindow(cur, hist, { ...base, sigma_window_overflow: 'last' }))).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // a short current epoch, then a long stored one: the stored list is that epoch's last 10, read from its start
    const long = Float64Array.from({ length: 12 }, (_, i) => 50 + i);
    expect(Array.from(scoreWindow(f64(1, 2), [long], { ...base, sigma_window_overflow: 'last' }))).toEqual([1, 2, 52, 53, 54, 55, 56, 57, 58, 59]);
    expect(Array.from(scoreWindow(f64(1, 2), [long], { ...base, sigma_window_overflow: 'first' }))).toEqual([1, 2, 50, 51, 52, 53, 54, 55, 56, 57]);
    // at most 10 per epoch: no difference
    expect(scoreWindow(f64(1, 2, 3), hist, { ...base, sigma_window_overflow: 'last' })).toEqual(scoreWindow(f64(1, 2, 3), hist, base));
  });
});

describe('C13: stake floor and fees', () => {
  it('a reputer below min_reputer_stake takes no part in the rewards', () => {
    const nI = 2;
    const nF = 0;
    const nR = 3;
    const L = objectLayout(nI, nF);
    const losses = new Float64Array(nR * L.count).map((_, i) => -1 - ((i * 7) % 5) / 10);
    const stakes = f64(5, 0.5, 3);
    const input = { nI, nF, nR, stakes, losses, topicReward: 10 };
    const prm = { ...ref, min_reputer_stake: 1 };
    const floored = computeEpochRewards(input, initialRewardState(nI, nF, nR), prm).outputs;
    expect(Array.from(floored.reputerActive)).toEqual([1, 0, 1]);
    expect(floored.reputerRewards[1]).toBe(0);
    // the same as that reputer not reporting at all
    const without = losses.slice();
    without.fill(NaN, L.count, 2 * L.count);
    const absent = computeEpochRewards({ ...input, losses: without }, initialRewardState(nI, nF, nR), ref).outputs;
    expect(floored.reputerRewards).toEqual(absent.reputerRewards);
    expect(floored.infererRewards).toEqual(absent.infererRewards);
    expect(floored.networkLosses).toEqual(absent.networkLosses);
    expect(Array.from(applyStakeFloor(stakes, prm))).toEqual([5, NaN, 3]);
    expect(applyStakeFloor(stakes, ref)).toBe(stakes);
  });
  it('participation fees: registrations × registration_fee + payloads × data_sending_fee', () => {
    expect(participationFees({ registrations: 3, payloads: 20 }, chain)).toBeCloseTo(3 * 200e-18 + 20 * 10e-18, 30);
    expect(participationFees({ registrations: 2, payloads: 5 }, { registration_fee: 1.5, data_sending_fee: 0.25 })).toBe(4.25);
    expect(participationFees({ registrations: 2, payloads: 5 }, ref)).toBe(0);
  });
});

describe('C7, C8, C14: active sets', () => {
  it('the chain profile caps the classes at 32 / 6 / 6 with quantile 0.25; off in reference', () => {
    expect(sortitionParams(chain, 'inferers')).toEqual({ rule: 'chain', cap: 32, quantile: 0.25, alpha: 0.1, singleNoUpdate: true });
    expect(sortitionParams(chain, 'reputers')?.singleNoUpdate).toBe(false);
    expect(sortitionParams({ ...chain, active_set: 'simulator' }, 'inferers')?.singleNoUpdate).toBe(false);
    expect(sortitionParams(chain, 'forecasters')?.cap).toBe(6);
    expect(sortitionParams(chain, 'reputers')?.cap).toBe(6);
    expect(sortitionParams(ref, 'inferers')).toBeNull();
  });
  it('draw: top N by carried EMA, newcomers read 0, ties to the earlier candidate, cap 0 = everyone', () => {
    const ema = new Map([
      ['a', 0.3],
      ['b', 0.5],
      ['c', -0.1],
      ['d', 0.3],
    ]);
    const d = drawActiveSet(['a', 'b', 'c', 'd', 'new'], ema, 3);
    expect(d.active).toEqual(['b', 'a', 'd']);
    expect(d.leftOut).toEqual(['new', 'c']);
    expect(d.cutoff).toBe(0.3);
    expect(Object.fromEntries(d.rank)).toEqual({ b: 0, a: 1, d: 2, new: 3, c: 4 });
    expect(drawActiveSet(['a', 'b', 'c'], ema, 0).active).toEqual(['b', 'a', 'c']);
    expect(drawActiveSet(['a', 'b', 'c'], ema, 2, (id) => id !== 'b').active).toEqual(['a', 'c']);
    expect(drawActiveSet([], ema, 2).cutoff).toBeNaN();
  });
  it('quantile: linear interpolation between order statistics; 0 for none', () => {
    expect(qualityPercentile([5, 1, 4, 2, 3], 0.2)).toBeCloseTo(1.8, 15);
    expect(qualityPercentile([5, 1, 4, 2, 3], 0.25)).toBe(2);
    expect(qualityPercentile([7], 0.25)).toBe(7);
    expect(qualityPercentile([], 0.25)).toBe(0);
  });
  it("'chain' rule: passive update at the draw with the stored quantile, active update at scoring", () => {
    const prm = { rule: 'chain', cap: 2, quantile: 0.5, alpha: 0.1 } as const;
    let st: SortitionState = { ema: new Map([['a', 1], ['b', 2], ['c', 0.5]]), savedQuantile: 0.8 };
    const sel = selectActive(st, ['a', 'b', 'c', 'n'], prm);
    expect(sel.draw.active).toEqual(['b', 'a']);
    expect(sel.state.ema.get('c')).toBe(0.1 * 0.8 + 0.9 * 0.5);
    expect(sel.state.ema.get('n')).toBe(0.8); // newcomer: first EMA unsmoothed
    st = sel.state;
    const sc = scoreActive(st, new Map([['b', 3], ['a', 1]]), ['c', 'n'], prm);
    expect(sc.quantile).toBe(2);
    expect(sc.state.savedQuantile).toBe(2);
    expect(sc.state.ema.get('b')).toBe(0.1 * 3 + 0.9 * 2);
    expect(sc.state.ema.get('a')).toBe(0.1 * 1 + 0.9 * 1);
    expect(sc.state.ema.get('c')).toBe(st.ema.get('c')); // no second passive update
    // a lone scored worker updates nothing under the chain's worker rule
    const lone = scoreActive(st, new Map([['b', 3]]), [], { ...prm, singleNoUpdate: true });
    expect(lone.state).toBe(st);
  });
  it("'simulator' rule: nothing at the draw; the passive update uses the same scores' quantile", () => {
    const prm = { rule: 'simulator', cap: 1, quantile: 0.5, alpha: 0.1 } as const;
    const st = { ema: new Map([['a', 1], ['b', 2]]), savedQuantile: 0 };
    const sel = selectActive(st, ['a', 'b'], prm);
    expect(sel.state).toBe(st);
    const sc = scoreActive(st, new Map([['b', 4]]), ['a'], prm);
    expect(sc.state.ema.get('a')).toBe(0.1 * 4 + 0.9 * 1);
    expect(sc.state.ema.get('b')).toBe(0.1 * 4 + 0.9 * 2);
    expect(emptySortitionState()).toEqual({ ema: new Map(), savedQuantile: 0 });
  });
  it('forecast elements: only about the top N inferers by EMA, and only about active inferers', () => {
    // 1 forecaster, 4 inferers; element about inferer 2 missing
    const fc = f64(10, 11, NaN, 13);
    const ema = f64(0.1, 0.4, 0.9, NaN);
    // present: inferers 0 (EMA 0.1), 1 (0.4), 3 (no EMA: reads 0) → the top 2 are 1 and 0
    expect(Array.from(cutForecastElements(fc, 4, ema, 2))).toEqual([10, 11, NaN, NaN]);
    expect(Array.from(cutForecastElements(fc, 4, ema, 0, [1, 0, 1, 1]))).toEqual([10, NaN, NaN, 13]);
    expect(cutForecastElements(fc, 4, ema, 0)).toEqual(fc);
  });
});
