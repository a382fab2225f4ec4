// Hand-checked cases for each synthesis equation, the edge cases of docs/synthesis.md §13, and the initial regret.
import { describe, expect, it } from 'vitest';
import {
  potential,
  potentialDerivative,
  regretWeights,
  sampleStd,
  weightedPercentiles,
} from '../../src/engine/weights.js';
import {
  emptyRegretState,
  forecastedRegrets,
  objectLayout,
  regretEma,
  stakeWeightedLosses,
  synthesize,
  topicInitialRegret,
  initialRegret,
  updateRegrets,
} from '../../src/engine/synthesis.js';
import { profileParams, type MechanismParams } from '../../src/engine/params.js';
import { GOLDEN_SYNTHESIS, loadGoldenCsv } from '../helpers/golden.js';

const ref = profileParams('reference');
const wp = profileParams('whitepaper');
const f64 = (...v: number[]) => Float64Array.from(v);
const phiP = (x: number) => 3 / (Math.exp(-3 * (x - 0.75)) + 1); // eq 7 by hand, p = 3, c = 0.75

describe('eqs 6–8: potential, derivative, normalisation', () => {
  it('φ and φ′ at hand-computed points', () => {
    expect(potential(0.75, 3, 0.75)).toBeCloseTo(Math.log(2), 15);
    expect(potentialDerivative(0.75, 3, 0.75)).toBe(1.5);
    expect(potentialDerivative(1, 3, 0.75)).toBeCloseTo(3 / (Math.exp(-0.75) + 1), 15);
    expect(potential(100, 3, 0.75)).toBeCloseTo(3 * (100 - 0.75), 10); // no overflow
  });
  it('sample std (n−1), 0 for one value', () => {
    expect(sampleStd(f64(1, 2, 3, 4), 4)).toBeCloseTo(Math.sqrt(5 / 3), 15);
    expect(sampleStd(f64(7), 1)).toBe(0);
  });
  it('weights w = φ′(R/(σ+ε)) without guard rails', () => {
    const R = f64(0.1, 0.2, 0.3);
    const w = new Float64Array(3);
    const sum = regretWeights(R, 3, wp, w);
    const s = 0.1 + 0.01;
    const want = [0.1, 0.2, 0.3].map((r) => phiP(r / s));
    want.forEach((x, i) => expect(w[i]).toBeCloseTo(x, 14));
    expect(sum).toBeCloseTo(want[0] + want[1] + want[2], 14);
  });
  it('guard rails: shift when all normalised regrets are very negative, then zero below c − 17.25/p', () => {
    const R = new Float64Array(11).fill(-10);
    R[10] = -12;
    const w = new Float64Array(11);
    regretWeights(R, 11, ref, w);
    const mean = (10 * -10 - 12) / 11;
    const s = Math.sqrt((10 * (-10 - mean) ** 2 + (-12 - mean) ** 2) / 10) + 0.01;
    const x = [-10 / s, -12 / s];
    expect(x[0]).toBeLessThan(-2); // the shift fires
    const shifted = x[1] - x[0] - 2; // max moved to c − 8.25/p = −2
    expect(shifted).toBeLessThan(-5); // and the zero rule then fires for the outlier
    expect(w[0]).toBeCloseTo(phiP(-2), 15);
    expect(w[10]).toBe(0);
    // Without rails eq. 5 is applied as written: no weight is zero, only their ratios matter (eqs. 3, 9).
    regretWeights(R, 11, wp, w);
    const ratio = (1 + Math.exp(-3 * (x[0] - 0.75))) / (1 + Math.exp(-3 * (x[1] - 0.75)));
    expect(w[10] / w[0]).toBeGreaterThan(0);
    expect(Math.abs(w[10] / w[0] / ratio - 1)).toBeLessThan(1e-12);
  });
  it('guard rails: cap at c + 6.75/p', () => {
    const R = new Float64Array(21);
    R[20] = 10;
    const w = new Float64Array(21);
    regretWeights(R, 21, ref, w);
    const mean = 10 / 21;
    const s = Math.sqrt((20 * mean ** 2 + (10 - mean) ** 2) / 20) + 0.01;
    expect(10 / s).toBeGreaterThan(3);
    expect(w[20]).toBeCloseTo(phiP(3), 15);
    regretWeights(R, 21, wp, w);
    expect(w[20]).toBeCloseTo(phiP(10 / s), 15);
  });
});

describe('eqs 3–5: forecasted regrets and forecast-implied inference', () => {
  it('R_ijk = log L_{i−1} − log L_ijk (eq 4)', () => {
    expect(Array.from(forecastedRegrets(f64(-2, -1.5, NaN), -1.8, new Float64Array(3)))).toEqual([
      -1.8 + 2,
      -1.8 + 1.5,
      NaN,
    ]);
  });
  it('I_ik is the φ′-weighted mean of the inferences, and its one-out rebuild re-normalises (eqs 3, 5–8, D6)', () => {
    const st = emptyRegretState(3, 1);
    st.networkLoss = -1;
    const inferences = f64(1, 2, 4);
    const forecasts = f64(-1.2, -0.9, -1.5); // log10 forecasted losses of inferers 0..2
    const res = synthesize({ inferences, forecasts }, st, wp);
    const R = [-1 + 1.2, -1 + 0.9, -1 + 1.5];
    const m = (R[0] + R[1] + R[2]) / 3;
    const s = Math.sqrt(R.reduce((a, r) => a + (r - m) ** 2, 0) / 2) + 0.01;
    const w = R.map((r) => phiP(r / s));
    expect(res.forecastImplied[0]).toBeCloseTo((w[0] * 1 + w[1] * 2 + w[2] * 4) / (w[0] + w[1] + w[2]), 14);
    // Without inferer 2: σ over {R0, R1} only.
    const s2 = Math.abs(R[0] - R[1]) / Math.SQRT2 + 0.01;
    const w2 = [phiP(R[0] / s2), phiP(R[1] / s2)];
    expect(res.forecastImpliedOneOut[2]).toBeCloseTo((w2[0] * 1 + w2[1] * 2) / (w2[0] + w2[1]), 14);
  });
});

describe('eqs 9–11 and the secondary inferences', () => {
  it('network inference weights every worker by its previous regret, jointly normalised', () => {
    const st = emptyRegretState(2, 0);
    st.networkLoss = -1;
    st.network.set([0.2, -0.1]);
    st.naive.set([0.2, -0.1]);
    const res = synthesize({ inferences: f64(10, 20), forecasts: new Float64Array(0) }, st, wp);
    const s = Math.abs(0.3) / Math.SQRT2 + 0.01;
    const w = [phiP(0.2 / s), phiP(-0.1 / s)];
    expect(res.network).toBeCloseTo((10 * w[0] + 20 * w[1]) / (w[0] + w[1]), 12);
    expect(res.naive).toBeCloseTo(res.network, 12);
    // one-out of inferer 0 leaves inferer 1 alone
    expect(res.networkOneOut[0]).toBe(20);
  });
  it('one-in naive inference of forecaster k uses the one-in regrets, including k itself', () => {
    const st = emptyRegretState(2, 2);
    st.networkLoss = -1;
    st.oneIn.set([0.1, 0.2, 0.3, 0, 0, 0]); // k = 0: inferers 0,1 then itself
    const res = synthesize({ inferences: f64(1, 3), forecasts: f64(-1, -1, -2, -0.5) }, st, wp);
    const R = [0.1, 0.2, 0.3];
    const s = 0.1 + 0.01;
    const w = R.map((r) => phiP(r / s));
    const v = [1, 3, res.forecastImplied[0]];
    expect(res.naiveOneIn[0]).toBeCloseTo((w[0] * v[0] + w[1] * v[1] + w[2] * v[2]) / (w[0] + w[1] + w[2]), 13);
  });
});

describe('eqs 16–19: weighted-percentile confidence intervals', () => {
  it('interpolates the weighted CDF C_l = (c_l − w_l/2)/Σw and clamps outside it', () => {
    const ci = weightedPercentiles(f64(3, 1, 2), f64(1, 1, 1), 3, [10, 30, 50, 90], null);
    expect(Array.from(ci)).toEqual([1, 1 + (0.3 - 1 / 6) * 3, 2, 3]);
  });
  it('ties keep participant order; zero weights stay in the list', () => {
    const ci = weightedPercentiles(f64(1, 2, 3), f64(1, 0, 1), 3, [50], null);
    // C = [0.25, 0.5, 0.75] → q = 0.5 hits the zero-weight value exactly
    expect(ci[0]).toBe(2);
  });
  it('eq 16 shrinks deviations from the network inference by 1/√N (whitepaper profile)', () => {
    const ci = weightedPercentiles(f64(0, 2), f64(1, 1), 2, [25, 75], 1);
    const d = 1 / Math.SQRT2;
    expect(ci[0]).toBeCloseTo(1 - d, 15);
    expect(ci[1]).toBeCloseTo(1 + d, 15);
  });
  it('profiles: reference gives 5 values incl. the weighted median, whitepaper 4', () => {
    const st = emptyRegretState(3, 0);
    const sub = { inferences: f64(1, 2, 5), forecasts: new Float64Array(0) };
    expect(synthesize(sub, st, ref).confidence.length).toBe(5);
    expect(synthesize(sub, st, ref).confidence[2]).toBe(2);
    expect(synthesize(sub, st, wp).confidence.length).toBe(4);
  });
});

describe('eq 14: stake-weighted losses', () => {
  it('averages reported log10 losses with raw stakes over the reputers that reported', () => {
    const L = stakeWeightedLosses(f64(1, 2, 3, NaN), f64(1, 3), 2);
    expect(L[0]).toBe((1 * 1 + 3 * 3) / 4);
    expect(L[1]).toBe(2);
    expect(Number.isNaN(stakeWeightedLosses(f64(NaN), f64(1), 1)[0])).toBe(true);
  });
});

describe('eq 15: regret EMA for every table', () => {
  it('EMA with the initial regret for a first update', () => {
    expect(regretEma(1, 0.5, 0.1, 0)).toBeCloseTo(0.55, 15);
    expect(regretEma(1, NaN, 0.1, -2)).toBeCloseTo(0.1 - 1.8, 15);
  });
  it('one-out-m regrets of a forecaster use the loss of its I_ik rebuilt without m (D7); one-in tracks k itself', () => {
    const nI = 2;
    const nF = 1;
    const L = objectLayout(nI, nF);
    const losses = new Float64Array(L.count).map((_, i) => -1 - i / 10);
    const next = updateRegrets(emptyRegretState(nI, nF), losses, ref);
    const nW = 3;
    // network regret of forecaster 0
    expect(next.network[2]).toBeCloseTo(0.1 * (losses[L.network] - losses[L.forecastImplied]), 15);
    // one-out inferer 0, forecaster 0 → rebuilt loss
    expect(next.oneOut[0 * nW + 2]).toBeCloseTo(
      0.1 * (losses[L.networkOneOut + 0] - losses[L.forecastImpliedOneOut + 0 * nI + 0]),
      15,
    );
    // one-out inferer 0, withheld worker 0 itself is tracked
    expect(next.oneOut[0]).toBeCloseTo(0.1 * (losses[L.networkOneOut] - losses[L.inference]), 15);
    // one-in of forecaster 0, entry for itself
    expect(next.oneIn[nI]).toBeCloseTo(0.1 * (losses[L.naiveOneIn] - losses[L.forecastImplied]), 15);
    expect(next.networkLoss).toBe(losses[L.network]);
  });
  it('an entry whose loss is missing keeps its previous value', () => {
    const st = emptyRegretState(2, 0);
    st.network.set([0.3, 0.4]);
    const L = objectLayout(2, 0);
    const losses = new Float64Array(L.count).fill(-1);
    losses[L.inference + 1] = NaN;
    const next = updateRegrets(st, losses, ref);
    expect(next.network[1]).toBe(0.4);
    expect(next.network[0]).toBeCloseTo(0.9 * 0.3, 15);
  });
});

describe('edge cases (docs/synthesis.md §13) and partial participation', () => {
  const st = (nI: number, nF: number, prevLoss = -1) => {
    const s = emptyRegretState(nI, nF);
    s.networkLoss = prevLoss;
    return s;
  };
  it('one inferer: I_i = I_naive = that inference, no secondary inferences', () => {
    const res = synthesize({ inferences: f64(4.2), forecasts: f64(-1, -2) }, st(1, 2), ref);
    expect(res.network).toBe(4.2);
    expect(res.naive).toBe(4.2);
    expect(res.forecastImplied[0]).toBe(4.2);
    expect(Array.from(res.networkOneOut).every(Number.isNaN)).toBe(true);
    expect(Array.from(res.naiveOneIn).every(Number.isNaN)).toBe(true);
  });
  it('no forecasters: the network combines the inferers only', () => {
    const res = synthesize({ inferences: f64(1, 2, 3), forecasts: new Float64Array(0) }, st(3, 0), ref);
    expect(res.network).toBeCloseTo(2, 15);
    expect(res.networkOneOut.length).toBe(3);
  });
  it('zero std: all weights equal → plain mean', () => {
    const s = st(3, 0);
    s.network.fill(0.5);
    const res = synthesize({ inferences: f64(1, 2, 6), forecasts: new Float64Array(0) }, s, ref);
    expect(res.network).toBeCloseTo(3, 14);
  });
  it('no previous network loss: no forecast-implied inferences; network = median (chain) or regret-weighted', () => {
    const sub = { inferences: f64(1, 2, 10), forecasts: f64(-1, -1, -1) };
    const a = synthesize(sub, st(3, 1, NaN), ref);
    expect(Number.isNaN(a.forecastImplied[0])).toBe(true);
    expect(Number.isNaN(a.forecastedRegrets[0])).toBe(true);
    expect(a.network).toBe(2);
    const b = synthesize(sub, st(3, 1, NaN), { ...ref, no_previous_loss: 'regret_weights' });
    expect(b.network).toBeCloseTo(13 / 3, 14);
  });
  it('all regrets very negative: the shift keeps a non-zero weight, the inference exists', () => {
    const s = st(3, 0);
    s.network.set([-50, -60, -70]);
    const res = synthesize({ inferences: f64(1, 2, 3), forecasts: new Float64Array(0) }, s, ref);
    expect(res.networkWeights[0]).toBeGreaterThan(7e-4);
    expect(res.network).toBeGreaterThanOrEqual(1);
    expect(res.network).toBeLessThanOrEqual(3);
  });
  it('a worker that skips an epoch is left out; a new worker reads the initial regret', () => {
    const s = st(3, 0);
    s.network.set([0.2, 0.1, NaN]); // worker 2 is new
    const prm: MechanismParams = { ...wp, initial_regret: -0.3, initial_regret_rule: 'fixed' };
    const res = synthesize({ inferences: f64(1, NaN, 3), forecasts: new Float64Array(0) }, s, prm);
    expect(res.networkWeights[1]).toBe(0);
    const R = [0.2, -0.3];
    const sd = Math.abs(R[0] - R[1]) / Math.SQRT2 + 0.01;
    const w = R.map((r) => phiP(r / sd));
    expect(res.network).toBeCloseTo((w[0] * 1 + w[1] * 3) / (w[0] + w[1]), 13);
    expect(Number.isNaN(res.networkOneOut[1])).toBe(true);
  });
});

describe('initial regret of a new worker (docs/synthesis.md §12, D10)', () => {
  it("the simulator rule (minimum, population std) reproduces the chain tests' constants from row 301", () => {
    const g = loadGoldenCsv(GOLDEN_SYNTHESIS).rows.find((r) => r.epoch === 301)!;
    const R = [0, 1, 2, 3, 4, 5, 6, 7].map((l) => g[`inference_regret_worker_${l}`]);
    const pick = (ix: number[]) => Float64Array.from(ix.map((i) => R[i]));
    expect(topicInitialRegret(pick([0]), 1, ref, 'simulator')).toBe(-1.8331309069480215);
    expect(topicInitialRegret(pick([0, 1, 2, 3, 4]), 5, ref, 'simulator')).toBe(-3.0557074373274475);
    expect(topicInitialRegret(pick([0, 1, 2, 3, 4, 7]), 6, ref, 'simulator')).toBe(-3.7780955644806307);
  });
  it("a new worker reads the topic initial regret of the carried state, in synthesis and in its first update", () => {
    // Row 301's state with the forecasters made new: the simulator rule over the old inferers gives the
    // chain-test constant −3.0557074373274475, exactly as if it were set as a fixed initial regret.
    const rows = loadGoldenCsv(GOLDEN_SYNTHESIS).rows;
    const g = rows.find((r) => r.epoch === 301)!;
    const h = rows.find((r) => r.epoch === 302)!;
    const nI = 5;
    const nF = 3;
    const st = emptyRegretState(nI, nF);
    for (let l = 0; l < nI; l++) st.network[l] = g[`inference_regret_worker_${l}`];
    for (let j = 0; j < nI; j++) st.naive[j] = g[`naive_inference_regret_worker_${j}`];
    st.networkLoss = g.network_loss;
    const sub = {
      inferences: Float64Array.from({ length: nI }, (_, j) => h[`inference_${j}`]),
      forecasts: Float64Array.from({ length: nF * nI }, (_, i) => h[`forecasted_loss_${Math.floor(i / nI)}_for_${i % nI}`]),
    };
    const fixed: MechanismParams = { ...ref, initial_regret_rule: 'fixed', initial_regret: -3.0557074373274475 };
    expect(initialRegret(st, ref)).toBe(-3.0557074373274475);
    expect(synthesize(sub, st, ref)).toEqual(synthesize(sub, st, fixed));
    const L = objectLayout(nI, nF);
    const losses = new Float64Array(L.count).map((_, i) => -2 - i / 50);
    expect(updateRegrets(st, losses, ref)).toEqual(updateRegrets(st, losses, fixed));
    // and with no experienced worker at all, `initial_regret` (0 by default) as the chain does
    expect(initialRegret(emptyRegretState(2, 1), ref)).toBe(0);
  });
  it('the chain rule: 0.25 quantile + (c − 8.25/p)(sample std + ε); 0 with no experienced worker', () => {
    const v = f64(1, 2, 3, 4, 5);
    const want = 2 + (0.75 - 2.75) * (Math.sqrt(2.5) + 0.01);
    expect(topicInitialRegret(v, 5, ref, 'chain')).toBeCloseTo(want, 14);
    expect(topicInitialRegret(v, 0, ref, 'chain')).toBe(0);
  });
});
