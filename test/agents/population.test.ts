import { describe, expect, it } from 'vitest';
import { contextSensitivity, createPopulation, experienceFactor, objectKeys, runSeed, type Population } from '../../src/agents/index.js';
import { defaultScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/schema.js';

function scenario(set: string[] = []): Scenario {
  return defaultScenario({ set });
}

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}
function std(a: ArrayLike<number>): number {
  const m = mean(a);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - m) ** 2;
  return Math.sqrt(s / (a.length - 1));
}
function median(a: ArrayLike<number>): number {
  const s = Array.from(a).sort((x, y) => x - y);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Runs `epochs` epochs with reports on the inferences' own true losses; returns everything. */
function run(pop: Population, epochs: number) {
  const out = [];
  for (let e = 1; e <= epochs; e++) {
    const sub = pop.step(e);
    const trueLoss = Float64Array.from(sub.inferences, (v) => Math.log10((v - sub.target) ** 2));
    const reports = pop.report(e, trueLoss, objectKeys(pop.nInferers, 0).slice(0, pop.nInferers));
    out.push({ sub, reports, emission: pop.emission(e) });
  }
  return out;
}

describe('determinism', () => {
  it('same seed → identical draws; different seed → different', () => {
    const s = scenario();
    const a = run(createPopulation(s, 7), 30);
    const b = run(createPopulation(s, 7), 30);
    const c = run(createPopulation(s, 8), 30);
    expect(b).toEqual(a);
    expect(createPopulation(s, 7).traits).toEqual(createPopulation(s, 7).traits);
    expect(createPopulation(s, 7).initialStakes).toEqual(createPopulation(s, 7).initialStakes);
    expect(c[0].sub.inferences).not.toEqual(a[0].sub.inferences);
    expect(createPopulation(s, 8).traits.inferers.error).not.toEqual(createPopulation(s, 7).traits.inferers.error);
    expect(c[5].reports).not.toEqual(a[5].reports);
    expect(c[5].emission).not.toBe(a[5].emission);
  });

  it('uses the scenario seed by default; runSeed(seed, 0) is the seed', () => {
    const s = scenario(['seed=99']);
    expect(run(createPopulation(s), 3)).toEqual(run(createPopulation(s, runSeed(99, 0)), 3));
    expect(runSeed(99, 2)).toBe('99#2');
  });

  it('streams are independent of call interleaving and emission is a function of the epoch', () => {
    const s = scenario();
    const p = createPopulation(s, 3);
    const q = createPopulation(s, 3);
    const e10 = p.emission(10);
    for (let e = 1; e <= 10; e++) q.step(e);
    expect(q.emission(10)).toBe(e10);
    expect(p.emission(4)).toBe(q.emission(4));
    expect(p.step(1)).toEqual(createPopulation(s, 3).step(1));
  });

  it('the traits of one class do not depend on the size of another', () => {
    const a = createPopulation(scenario(['N_r=2']), 5);
    const b = createPopulation(scenario(['N_r=9', 'N_f=1']), 5);
    expect(b.traits.inferers).toEqual(a.traits.inferers);
  });

  it('switches do not change the draws (common random numbers)', () => {
    const a = createPopulation(scenario(), 5).step(1);
    const b = createPopulation(scenario(['fc_expected=true', 'unaware_shared_noise=true']), 5).step(1);
    expect(b.inferences).toEqual(a.inferences);
    expect(b.outperformer).toBe(a.outperformer);
  });

  it('rejects non-increasing or invalid epochs', () => {
    const p = createPopulation(scenario(), 1);
    p.step(1);
    expect(() => p.step(1)).toThrow(RangeError);
    expect(() => p.step(0)).toThrow(RangeError);
    expect(() => p.emission(0)).toThrow(RangeError);
    expect(() => p.report(1, new Float64Array(2), ['a'])).toThrow(RangeError);
  });
});

describe('shapes', () => {
  it('step and report sizes and layout', () => {
    const p = createPopulation(scenario(['N_i=4', 'N_f=2', 'N_r=3']), 1);
    expect([p.nInferers, p.nForecasters, p.nReputers]).toEqual([4, 2, 3]);
    expect(p.initialStakes.length).toBe(3);
    const sub = p.step(1);
    expect(sub.inferences.length).toBe(4);
    expect(sub.forecasts.length).toBe(8);
    const keys = objectKeys(4, 2);
    expect(keys.length).toBe(4 + 2 + 8 + 2 + 6 + 2);
    expect(keys.slice(0, 7)).toEqual([
      'inference_0',
      'inference_1',
      'inference_2',
      'inference_3',
      'forecast_implied_inference_0',
      'forecast_implied_inference_1',
      'forecast_implied_inference_0_oneout_0',
    ]);
    const loss = Float64Array.from(keys, (_, i) => -1 - i / 10);
    const r = p.report(2, loss, keys);
    expect(r.length).toBe(3 * keys.length);
    // row-major: reputer m's report for object o is r[m·N_obj + o], close to the true loss
    for (let m = 0; m < 3; m++) for (let o = 0; o < keys.length; o++) expect(Math.abs(r[m * keys.length + o] - loss[o])).toBeLessThan(1);
  });

  it('emission: Ebar = 0.004 × initial total stake; the stochastic model has mean ≈ Ebar', () => {
    const p = createPopulation(scenario(), 2);
    const total = p.initialStakes.reduce((a, b) => a + b, 0);
    expect(p.meanEmission).toBeCloseTo(0.004 * total, 15);
    const es = Array.from({ length: 20000 }, (_, i) => p.emission(i + 1));
    expect(mean(es) / p.meanEmission).toBeGreaterThan(0.97);
    expect(mean(es) / p.meanEmission).toBeLessThan(1.03);
    const logs = es.map((e) => Math.log(e / p.meanEmission));
    expect(std(logs)).toBeGreaterThan(0.18);
    expect(std(logs)).toBeLessThan(0.22);
    // lag-1 autocorrelation ≈ 0.9
    const lm = mean(logs);
    let num = 0;
    let den = 0;
    for (let i = 0; i < logs.length; i++) {
      den += (logs[i] - lm) ** 2;
      if (i > 0) num += (logs[i] - lm) * (logs[i - 1] - lm);
    }
    expect(num / den).toBeGreaterThan(0.87);
    expect(num / den).toBeLessThan(0.93);
    const c = createPopulation(scenario(['emission.model=constant']), 2);
    expect(c.emission(5)).toBe(c.meanEmission);
  });
});

describe('statistical sanity', () => {
  it('inferer errors: log10 median ≈ −0.7, log-dispersion ≈ 0.176; biases σ ≈ 0.05', () => {
    const p = createPopulation(scenario(['N_i=20000']), 11);
    const logs = Array.from(p.traits.inferers.error, Math.log10);
    expect(median(logs)).toBeCloseTo(-0.7, 2);
    expect(std(logs)).toBeCloseTo(0.176, 2);
    expect(std(p.traits.inferers.bias)).toBeCloseTo(0.05, 2);
    expect(Math.abs(mean(p.traits.inferers.bias))).toBeLessThan(0.002);
  });

  it('ln_reading reads the log-means as natural logs', () => {
    const p = createPopulation(scenario(['N_i=20000', 'N_r=20000', 'ln_reading=true']), 11);
    expect(median(Array.from(p.traits.inferers.error, Math.log))).toBeCloseTo(-0.7, 2);
    // reputer error e^−1 nats = 0.160 dex
    expect(median(p.traits.reputers.error)).toBeCloseTo(Math.exp(-1) / Math.LN10, 2);
    expect(median(p.traits.reputers.alpha)).toBeCloseTo(Math.exp(-1.523), 2);
  });

  it('forecaster and reputer traits', () => {
    const p = createPopulation(scenario(['N_f=20000', 'N_r=20000']), 12);
    const f = p.traits.forecasters;
    expect(median(Array.from(f.error, Math.log10))).toBeCloseTo(-0.222, 2);
    expect(std(f.bias)).toBeCloseTo(0.3, 1);
    for (let k = 0; k < 100; k++) expect(f.context[k]).toBeCloseTo(contextSensitivity(f.x[k]), 15);
    // the sigmoid pushes f_context towards 0 and 1
    const extreme = Array.from(f.context).filter((c) => c < 0.1 || c > 0.9).length / f.context.length;
    expect(extreme).toBeGreaterThan(0.5);
    const r = p.traits.reputers;
    expect(median(Array.from(r.error, Math.log10))).toBeCloseTo(-1, 2);
    expect(median(Array.from(r.alpha, Math.log10))).toBeCloseTo(-1.523, 2);
    expect(Math.max(...r.alpha)).toBeLessThanOrEqual(1);
    expect(std(r.bias)).toBeCloseTo(0.05, 2);
    expect(median(Array.from(p.initialStakes, Math.log10))).toBeCloseTo(0, 2);
    expect(std(Array.from(p.initialStakes, Math.log10))).toBeCloseTo(0.1, 2);
  });

  it('the outperformer is uniform over the inferers', () => {
    const p = createPopulation(scenario(['N_i=4', 'N_f=0']), 13);
    const n = 40000;
    const counts = [0, 0, 0, 0];
    for (let e = 1; e <= n; e++) counts[p.step(e).outperformer]++;
    const chi2 = counts.reduce((s, c) => s + (c - n / 4) ** 2 / (n / 4), 0);
    expect(chi2).toBeLessThan(16.3); // χ²(3) 99.9th percentile
  });

  it('f_xp is eq 20 and scales the inference scatter', () => {
    for (const i of [0, 1, 10, 33, 100, 1000]) expect(experienceFactor(i)).toBeCloseTo(0.5 * (1 + Math.exp(-0.03 * i)), 15);
    expect(experienceFactor(10, 0.1, 0.2)).toBeCloseTo(0.2 + 0.8 * Math.exp(-1), 15);
    // Fixed traits (zero dispersions): error 0.2, bias 0; the residual scatter is 0.2·f_xp (×0.3 for the outperformer).
    const p = createPopulation(
      scenario(['N_i=2', 'N_f=0', 'participants.inferers.error_log_dispersion=0', 'participants.inferers.bias_dispersion=0']),
      14,
    );
    expect(p.traits.inferers.error[0]).toBeCloseTo(10 ** -0.7, 15);
    const early: number[] = [];
    const late: number[] = [];
    for (let e = 1; e <= 4000; e++) {
      const sub = p.step(e);
      for (let j = 0; j < 2; j++) {
        if (j === sub.outperformer) continue;
        const r = (sub.inferences[j] - sub.target) / (10 ** -0.7 * sub.fxp);
        (e <= 2000 ? early : late).push(r);
      }
      expect(sub.fxp).toBe(experienceFactor(e));
    }
    expect(std(early)).toBeCloseTo(1, 1);
    expect(std(late)).toBeCloseTo(1, 1);
  });

  it('reputer report scatter ≈ 0.1 dex (no EMA), and the EMA follows each object', () => {
    const p = createPopulation(scenario(['N_r=200', 'rep_ema_none=true']), 15);
    const keys = ['a', 'b', 'c'];
    const resid: number[][] = Array.from({ length: 200 }, () => []);
    for (let e = 1; e <= 200; e++) {
      const t = Float64Array.from([-1, -2, -0.5 + 0.01 * e]);
      const r = p.report(e, t, keys);
      for (let m = 0; m < 200; m++) for (let o = 0; o < 3; o++) resid[m].push(r[m * 3 + o] - t[o]);
    }
    const scatter = resid.map(std);
    expect(median(scatter)).toBeCloseTo(0.1, 2);
    for (let m = 0; m < 200; m++) {
      expect(scatter[m] / p.traits.reputers.error[m]).toBeGreaterThan(0.75);
      expect(scatter[m] / p.traits.reputers.error[m]).toBeLessThan(1.25);
      expect(Math.abs(mean(resid[m]) - p.traits.reputers.bias[m])).toBeLessThan(0.05);
    }
    expect(std(Array.from(p.traits.reputers.bias))).toBeCloseTo(0.05, 1);
  });

  it('reputer EMA: α_m on the log10 loss, seeded with the first report, per object key, missing objects kept', () => {
    // zero error and bias: the noisy report equals the true loss
    const p = createPopulation(
      scenario(['N_r=2', 'participants.reputers.bias_dispersion=0', 'participants.reputers.error_log_mean=-300', 'participants.reputers.error_log_dispersion=0']),
      16,
    );
    const a = p.traits.reputers.alpha;
    let r = p.report(1, [-1, -2], ['x', 'y']);
    expect(Array.from(r)).toEqual([-1, -2, -1, -2]);
    r = p.report(2, [-3, NaN], ['x', 'y']);
    expect(r[0]).toBeCloseTo(a[0] * -3 + (1 - a[0]) * -1, 12);
    expect(r[1]).toBeNaN();
    // order changed, object y back, new object z
    r = p.report(3, [-4, -5, -6], ['z', 'y', 'x']);
    expect(r[0]).toBe(-4);
    expect(r[1]).toBeCloseTo(a[0] * -5 + (1 - a[0]) * -2, 12);
    const x2 = a[0] * -3 + (1 - a[0]) * -1;
    expect(r[2]).toBeCloseTo(a[0] * -6 + (1 - a[0]) * x2, 12);
    expect(r[3 + 1]).toBeCloseTo(a[1] * -5 + (1 - a[1]) * -2, 12);
    // linear EMA
    const q = createPopulation(
      scenario(['N_r=1', 'rep_ema_linear=true', 'participants.reputers.bias_dispersion=0', 'participants.reputers.error_log_mean=-300', 'participants.reputers.error_log_dispersion=0']),
      16,
    );
    const al = q.traits.reputers.alpha[0];
    q.report(1, [-1]);
    expect(q.report(2, [-3])[0]).toBeCloseTo(Math.log10(al * 1e-3 + (1 - al) * 0.1), 12);
  });

  it('forecasts: the outperformer is forecast lower by context-aware than by context-unaware forecasters', () => {
    const p = createPopulation(scenario(['N_i=3', 'N_f=400']), 17);
    const ctx = p.traits.forecasters.context;
    const aware: number[] = [];
    const unaware: number[] = [];
    const awareOthers: number[] = [];
    const unawareOthers: number[] = [];
    for (let e = 1; e <= 300; e++) {
      const sub = p.step(e);
      for (let k = 0; k < 400; k++) {
        for (let j = 0; j < 3; j++) {
          const d = sub.forecasts[k * 3 + j] - sub.actualLog10Loss[j] - sub.fxp * p.traits.forecasters.bias[k];
          if (ctx[k] > 0.95) (j === sub.outperformer ? aware : awareOthers).push(d);
          else if (ctx[k] < 0.05) (j === sub.outperformer ? unaware : unawareOthers).push(d);
        }
      }
    }
    // context-aware: no shift; context-unaware: +log10(1/0.3²) = +1.046 dex for the outperformer only
    expect(mean(aware)).toBeCloseTo(0, 1);
    expect(mean(unaware)).toBeCloseTo(-2 * Math.log10(0.3), 1);
    expect(mean(awareOthers)).toBeCloseTo(0, 1);
    expect(mean(unawareOthers)).toBeCloseTo(0, 1);
    expect(mean(unaware) - mean(aware)).toBeGreaterThan(0.9);
  });

  it('the outperformer has a lower actual loss (×0.09 on average)', () => {
    const p = createPopulation(scenario(['N_i=3', 'N_f=0', 'participants.inferers.bias_dispersion=0', 'fc_expected=true']), 18);
    const diffs: number[] = [];
    for (let e = 1; e <= 50; e++) {
      const sub = p.step(e);
      const o = sub.outperformer;
      // expected loss σ²: log10 of (f_xp·0.3·e_o)² vs (f_xp·e_o)²
      diffs.push(sub.actualLog10Loss[o] - Math.log10((sub.fxp * p.traits.inferers.error[o]) ** 2));
    }
    for (const d of diffs) expect(d).toBeCloseTo(2 * Math.log10(0.3), 10);
  });

  it('fc_outperf scales the outperforming worker’s own forecasting noise; unaware_shared_noise uses one draw', () => {
    const s = ['N_i=3', 'N_f=3', 'participants.forecasters.context_a=0'];
    // context_a = 0 → f_ctx = ½ for everyone
    const base = createPopulation(scenario(s), 19).step(1);
    const scaled = createPopulation(scenario([...s, 'fc_outperf=true']), 19).step(1);
    const o = base.outperformer;
    for (let k = 0; k < 3; k++) {
      for (let j = 0; j < 3; j++) {
        const i = k * 3 + j;
        if (k === o) {
          const shift = j === o ? -Math.log10(0.3) : 0; // ½·1.046
          expect(scaled.forecasts[i] - base.actualLog10Loss[j] - shift).toBeCloseTo(0.3 * (base.forecasts[i] - base.actualLog10Loss[j] - shift), 10);
        } else expect(scaled.forecasts[i]).toBe(base.forecasts[i]);
      }
    }
  });
});
