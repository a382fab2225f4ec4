// Properties of inference synthesis over random inputs.
import { describe, expect, it } from 'vitest';
import { emptyRegretState, synthesize, type RegretState } from '../../src/engine/synthesis.js';
import { regretWeights, weightedMean } from '../../src/engine/weights.js';
import { PROFILE_SWITCHES, PROFILES, profileParams, type MechanismParams } from '../../src/engine/params.js';
import { seededUniform, normal } from '../helpers/rng.js';

const ref = profileParams('reference');

interface Case {
  nI: number;
  nF: number;
  inferences: Float64Array;
  forecasts: Float64Array;
  state: RegretState;
}

function randomCase(seed: number, opts: { missing?: boolean; spread?: number } = {}): Case {
  const rng = seededUniform(seed);
  const nI = 1 + Math.floor(rng() * 8);
  const nF = Math.floor(rng() * 6);
  const nW = nI + nF;
  const spread = opts.spread ?? 1;
  const miss = (p: number) => opts.missing && rng() < p;
  const inferences = Float64Array.from({ length: nI }, () => (miss(0.15) ? NaN : normal(rng)));
  if (inferences.every(Number.isNaN)) inferences[0] = 0.5;
  const forecasts = Float64Array.from({ length: nF * nI }, () => (miss(0.1) ? NaN : -1 + 0.5 * normal(rng)));
  const state = emptyRegretState(nI, nF);
  const fill = (a: Float64Array) => a.forEach((_, i) => (a[i] = miss(0.05) ? NaN : spread * normal(rng)));
  fill(state.network);
  fill(state.naive);
  fill(state.oneOut);
  fill(state.oneIn);
  state.networkLoss = -1 + 0.3 * normal(rng);
  void nW;
  return { nI, nF, inferences, forecasts, state };
}

function permuteCase(c: Case, pi: number[], pf: number[]): Case {
  // new index a ← old index pi[a]
  const { nI, nF } = c;
  const nW = nI + nF;
  const pw = [...pi, ...pf.map((k) => nI + k)];
  const s = emptyRegretState(nI, nF);
  for (let a = 0; a < nW; a++) {
    s.network[a] = c.state.network[pw[a]];
    for (let b = 0; b < nW; b++) s.oneOut[a * nW + b] = c.state.oneOut[pw[a] * nW + pw[b]];
  }
  for (let a = 0; a < nI; a++) s.naive[a] = c.state.naive[pi[a]];
  for (let k = 0; k < nF; k++) {
    for (let j = 0; j < nI; j++) s.oneIn[k * (nI + 1) + j] = c.state.oneIn[pf[k] * (nI + 1) + pi[j]];
    s.oneIn[k * (nI + 1) + nI] = c.state.oneIn[pf[k] * (nI + 1) + nI];
  }
  s.networkLoss = c.state.networkLoss;
  return {
    nI,
    nF,
    inferences: Float64Array.from(pi.map((j) => c.inferences[j])),
    forecasts: Float64Array.from({ length: nF * nI }, (_, i) => c.forecasts[pf[Math.floor(i / nI)] * nI + pi[i % nI]]),
    state: s,
  };
}

function shuffle(n: number, rng: () => number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

const close = (a: number, b: number) =>
  (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));

describe('synthesis properties over random inputs', () => {
  const seeds = Array.from({ length: 200 }, (_, i) => 1000 + i);

  it('a permutation of participants changes nothing', () => {
    for (const seed of seeds) {
      const c = randomCase(seed, { missing: true });
      const rng = seededUniform(seed * 7);
      const pi = shuffle(c.nI, rng);
      const pf = shuffle(c.nF, rng);
      const a = synthesize(c, c.state, ref);
      const p = permuteCase(c, pi, pf);
      const b = synthesize(p, p.state, ref);
      expect(close(a.network, b.network), `seed ${seed} network`).toBe(true);
      expect(close(a.naive, b.naive)).toBe(true);
      for (let k = 0; k < c.nF; k++) {
        expect(close(a.forecastImplied[pf[k]], b.forecastImplied[k]), `seed ${seed} fi ${k}`).toBe(true);
        expect(close(a.naiveOneIn[pf[k]], b.naiveOneIn[k])).toBe(true);
        expect(close(a.networkOneOut[c.nI + pf[k]], b.networkOneOut[c.nI + k])).toBe(true);
        for (let j = 0; j < c.nI; j++)
          expect(close(a.forecastImpliedOneOut[pf[k] * c.nI + pi[j]], b.forecastImpliedOneOut[k * c.nI + j])).toBe(true);
      }
      for (let j = 0; j < c.nI; j++) expect(close(a.networkOneOut[pi[j]], b.networkOneOut[j])).toBe(true);
      // The CI is order-free except among exactly equal values, whose order is participant order (eqs 17–18,
      // docs/synthesis.md §9). A forecaster with a single inferer reproduces that inference exactly, so skip those.
      const values = [...Array.from(c.inferences), ...Array.from(a.forecastImplied)].filter((x) => !Number.isNaN(x));
      if (new Set(values).size === values.length)
        a.confidence.forEach((v, i) => expect(close(v, b.confidence[i]), `seed ${seed} CI ${i}: ${v} vs ${b.confidence[i]}`).toBe(true));
    }
  });

  it('weights are never negative and every combined inference lies within the range of what it combines', () => {
    for (const prm of [PROFILES.reference, PROFILES.whitepaper]) {
      for (const seed of seeds) {
        const c = randomCase(seed, { missing: true, spread: 5 });
        const r = synthesize(c, c.state, prm);
        for (const w of r.networkWeights) expect(w).toBeGreaterThanOrEqual(0);
        const inf = Array.from(c.inferences).filter((x) => !Number.isNaN(x));
        const lo = Math.min(...inf) - 1e-12;
        const hi = Math.max(...inf) + 1e-12;
        const all = [r.network, r.naive, ...r.forecastImplied, ...r.forecastImpliedOneOut, ...r.networkOneOut, ...r.naiveOneIn, ...r.confidence];
        for (const v of all) if (!Number.isNaN(v)) expect(v >= lo && v <= hi, `seed ${seed}: ${v} ∉ [${lo}, ${hi}]`).toBe(true);
      }
    }
  });

  it('the leave-one-out rebuild (running sums) equals a direct rebuild over the remaining inferers', () => {
    for (const spread of [1, 1e-6, 1e3]) {
      for (const seed of seeds) {
        const c = randomCase(seed, { spread });
        // make one regret dominate the spread sometimes, the case where removal cancels
        if (seed % 3 === 0 && c.nI > 2) c.forecasts[0] = -1 - 1e4;
        for (const prm of [PROFILES.reference, PROFILES.whitepaper]) {
          const r = synthesize(c, c.state, prm);
          for (let k = 0; k < c.nF; k++) {
            for (let m = 0; m < c.nI; m++) {
              const R: number[] = [];
              const I: number[] = [];
              for (let j = 0; j < c.nI; j++) {
                if (j === m) continue;
                R.push(c.state.networkLoss - c.forecasts[k * c.nI + j]);
                I.push(c.inferences[j]);
              }
              let want = NaN;
              if (R.length === 1) want = I[0];
              else if (R.length > 1) {
                const w = new Float64Array(R.length);
                regretWeights(Float64Array.from(R), R.length, prm, w);
                want = weightedMean(I, w, R.length, prm.epsilon_safe_div);
              }
              const got = r.forecastImpliedOneOut[k * c.nI + m];
              expect(close(got, want) || Math.abs(got - want) <= 1e-10 * Math.max(1, Math.abs(want)), `seed ${seed} k${k} m${m}: ${got} vs ${want}`).toBe(true);
            }
          }
        }
      }
    }
  });

  it('the whitepaper profile differs from the reference exactly where its switches say', () => {
    // Each switch flipped alone: only guard_rails moves the inferences (where a rail fires) and only
    // confidence_intervals moves the confidence interval; every other switch leaves synthesis untouched.
    let railsMoved = 0;
    for (const sw of PROFILE_SWITCHES) {
      const prm = { ...ref, [sw]: PROFILES.whitepaper[sw] } as MechanismParams;
      for (const seed of seeds) {
        const c = randomCase(seed, { spread: 8 });
        const a = synthesize(c, c.state, ref);
        const b = synthesize(c, c.state, prm);
        const same = (x: ArrayLike<number>, y: ArrayLike<number>) =>
          x.length === y.length && Array.from(x).every((v, i) => Object.is(v, y[i]));
        const inferencesSame =
          same([a.network, a.naive], [b.network, b.naive]) &&
          same(a.forecastImplied, b.forecastImplied) &&
          same(a.forecastImpliedOneOut, b.forecastImpliedOneOut) &&
          same(a.networkOneOut, b.networkOneOut) &&
          same(a.naiveOneIn, b.naiveOneIn);
        if (sw === 'guard_rails') {
          if (!inferencesSame) railsMoved++;
        } else {
          expect(inferencesSame, `${sw} changed an inference (seed ${seed})`).toBe(true);
        }
        if (sw === 'confidence_intervals') expect(b.confidence.length).toBe(4);
        else if (sw !== 'guard_rails') expect(same(a.confidence, b.confidence)).toBe(true);
      }
    }
    expect(railsMoved).toBeGreaterThan(0);
  });
});
