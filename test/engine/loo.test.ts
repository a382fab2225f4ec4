// The interpolated leave-one-out rebuilds (loo.ts) against exact rebuilds, in every rail regime.
import { describe, expect, it } from 'vitest';
import { emptyRegretState, synthesize } from '../../src/engine/synthesis.js';
import { LOO_INTERPOLATION_MIN } from '../../src/engine/loo.js';
import { regretWeights, weightedMean } from '../../src/engine/weights.js';
import { PROFILES, type MechanismParams } from '../../src/engine/params.js';
import { seededUniform, normal } from '../helpers/rng.js';

function exactOneOut(R: number[], I: number[], m: number, prm: MechanismParams): number {
  const r = R.filter((_, j) => j !== m);
  const v = I.filter((_, j) => j !== m);
  const w = new Float64Array(r.length);
  regretWeights(Float64Array.from(r), r.length, prm, w);
  return weightedMean(v, w, r.length, prm.epsilon_safe_div);
}

type Regime = 'normal' | 'outlier-high' | 'outlier-low' | 'all-very-negative' | 'near-cap' | 'heavy-tail' | 'equal';

function forecasts(regime: Regime, n: number, rng: () => number): Float64Array {
  const f = Float64Array.from({ length: n }, () => -1 + 0.3 * normal(rng));
  switch (regime) {
    case 'outlier-high':
      f[3] = -9; // one inferer forecast far better: its regret dominates, caps
      break;
    case 'outlier-low':
      f[5] = 6;
      break;
    case 'all-very-negative':
      for (let i = 0; i < n; i++) f[i] = 40 + 0.05 * normal(rng) + (i === 7 ? 3 : 0);
      break;
    case 'near-cap':
      for (let i = 0; i < 3; i++) f[i] = -1 - 2.5;
      break;
    case 'heavy-tail':
      for (let i = 0; i < n; i++) f[i] = -1 + 0.3 * normal(rng) / Math.max(0.05, rng());
      break;
    case 'equal':
      f.fill(-1.2);
      break;
  }
  return f;
}

describe(`interpolated one-out rebuilds (n ≥ ${LOO_INTERPOLATION_MIN}) equal exact rebuilds`, () => {
  const regimes: Regime[] = ['normal', 'outlier-high', 'outlier-low', 'all-very-negative', 'near-cap', 'heavy-tail', 'equal'];
  for (const profile of ['reference', 'whitepaper'] as const) {
    it.each(regimes)(`%s regrets, ${profile} profile`, (regime) => {
      const prm = PROFILES[profile];
      let worst = 0;
      for (const n of [LOO_INTERPOLATION_MIN, 40, 97, 300]) {
        for (let rep = 0; rep < 3; rep++) {
          const rng = seededUniform(n * 31 + rep);
          const I = Array.from({ length: n }, () => 5 + normal(rng));
          const st = emptyRegretState(n, 1);
          st.networkLoss = -1;
          const f = forecasts(regime, n, rng);
          const res = synthesize({ inferences: Float64Array.from(I), forecasts: f }, st, prm);
          const R = Array.from(f, (x) => -1 - x);
          for (let m = 0; m < n; m++) {
            const want = exactOneOut(R, I, m, prm);
            const got = res.forecastImpliedOneOut[m];
            const err = Math.abs(got - want) / Math.max(1, Math.abs(want));
            worst = Math.max(worst, err);
            expect(err, `n=${n} rep=${rep} m=${m}: ${got} vs ${want}`).toBeLessThanOrEqual(1e-12);
          }
        }
      }
      expect(worst).toBeLessThanOrEqual(1e-12);
    });
  }
});
