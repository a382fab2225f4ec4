import { describe, expect, it } from 'vitest';
import {
  contextSensitivity,
  createPopulation,
  experienceFactor,
  objectKeys,
  type HonestForecaster,
  type HonestInferer,
  type HonestReputer,
  type Population,
} from '../../src/agents/index.js';
import { defaultScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/schema.js';

function scenario(set: string[] = []): Scenario {
  return defaultScenario({ set });
}
const mean = (a: ArrayLike<number>): number => Array.from(a).reduce((x, y) => x + y, 0) / a.length;
function std(a: ArrayLike<number>): number {
  const m = mean(a);
  return Math.sqrt(Array.from(a).reduce((s, x) => s + (x - m) ** 2, 0) / (a.length - 1));
}
function median(a: ArrayLike<number>): number {
  const s = Array.from(a).sort((x, y) => x - y);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
const inferers = (p: Population) => p.inferers.map((s) => s.participant as HonestInferer);
const forecasters = (p: Population) => p.forecasters.map((s) => s.participant as HonestForecaster);
const reputers = (p: Population) => p.reputers.map((s) => s.participant as HonestReputer);

/** One epoch of submissions, as the epoch loop makes them (src/sim/step.ts). */
function submit(p: Population, epoch: number, fcExpected = false) {
  const ids = p.inferers.map((s) => s.participant.id);
  const world = p.world.advance(epoch, ids);
  const view = { world, inferers: ids, previousNetworkInference: NaN };
  const inferences = Float64Array.from(p.inferers, ({ participant, streams }) => participant.submit(view, streams));
  const actualLog10Loss = Float64Array.from(inferences, (v, j) =>
    Math.log10(fcExpected ? inferers(p)[j].expectedSquaredError(world) : (v - world.target) ** 2),
  );
  const fView = { ...view, inferences, actualLog10Loss };
  const forecasts = p.forecasters.map(({ participant, streams }) => participant.forecast(fView, streams));
  return { world, inferences, actualLog10Loss, forecasts, outperformer: world.outperformer === null ? -1 : ids.indexOf(world.outperformer) };
}
function report(p: Population, epoch: number, trueLog10Loss: ArrayLike<number>, objects: string[]) {
  const view = { epoch, objects, trueLog10Loss: Float64Array.from(trueLog10Loss) };
  return p.reputers.map(({ participant, streams }) => participant.report(view, streams));
}

describe('determinism and identity streams', () => {
  it('same seed → identical draws; different seed → different', () => {
    const run = (seed: number) => {
      const p = createPopulation(scenario(), seed);
      return Array.from({ length: 20 }, (_, e) => submit(p, e + 1));
    };
    expect(run(7)).toEqual(run(7));
    expect(run(8)[0].inferences).not.toEqual(run(7)[0].inferences);
    expect(inferers(createPopulation(scenario(), 8)).map((i) => i.error)).not.toEqual(inferers(createPopulation(scenario(), 7)).map((i) => i.error));
  });

  it("adding identities never changes another identity's draws", () => {
    // outperform_factor = 1: which inferer outperforms (a world draw over the roster) then changes nothing.
    const a = createPopulation(scenario(['N_i=3', 'N_f=2', 'N_r=2', 'participants.inferers.outperform_factor=1']), 5);
    const b = createPopulation(scenario(['N_i=5', 'N_f=4', 'N_r=6', 'participants.inferers.outperform_factor=1']), 5);
    expect(inferers(b).slice(0, 3).map((i) => [i.error, i.bias])).toEqual(inferers(a).map((i) => [i.error, i.bias]));
    expect(forecasters(b).slice(0, 2).map((f) => [f.error, f.bias, f.x])).toEqual(forecasters(a).map((f) => [f.error, f.bias, f.x]));
    expect(reputers(b).slice(0, 2).map((r) => [r.error, r.bias, r.alpha, r.initialStake])).toEqual(
      reputers(a).map((r) => [r.error, r.bias, r.alpha, r.initialStake]),
    );
    for (let e = 1; e <= 5; e++) {
      const sa = submit(a, e);
      const sb = submit(b, e);
      expect(Array.from(sb.inferences.subarray(0, 3))).toEqual(Array.from(sa.inferences));
      for (let k = 0; k < 2; k++) expect(Array.from(sb.forecasts[k].subarray(0, 3))).toEqual(Array.from(sa.forecasts[k]));
    }
    // reputers: the shared objects get the same reports whatever other objects exist
    const ka = objectKeys(['0', '1', '2'], ['0', '1']);
    const kb = objectKeys(['0', '1', '2', '3', '4'], ['0', '1', '2', '3']);
    const t = (keys: string[]) => keys.map((k) => -1 - (k.length % 7) / 10);
    const ra = report(a, 2, t(ka), ka);
    const rb = report(b, 2, t(kb), kb);
    for (let m = 0; m < 2; m++) ka.forEach((k, o) => expect(rb[m][kb.indexOf(k)]).toBe(ra[m][o]));
  });

  it('switches do not change the draws (common random numbers)', () => {
    const a = submit(createPopulation(scenario(), 5), 1);
    const b = submit(createPopulation(scenario(['fc_expected=true', 'unaware_shared_noise=true']), 5), 1, true);
    expect(b.inferences).toEqual(a.inferences);
    expect(b.outperformer).toBe(a.outperformer);
  });

  it('the world rejects non-increasing epochs; emission is a function of the epoch', () => {
    const p = createPopulation(scenario(), 1);
    p.world.advance(1, ['0']);
    expect(() => p.world.advance(1, ['0'])).toThrow(RangeError);
    expect(() => p.world.emission(0)).toThrow(RangeError);
    const q = createPopulation(scenario(), 1);
    const e10 = q.world.emission(10);
    expect(createPopulation(scenario(), 1).world.emission(10)).toBe(e10);
    expect(q.world.emission(4)).toBe(createPopulation(scenario(), 1).world.emission(4));
  });
});

describe('shapes', () => {
  it('object keys follow the engine layout and carry identities', () => {
    const keys = objectKeys(['0', '1', '2', '3'], ['0', '1']);
    expect(keys.length).toBe(4 + 2 + 8 + 2 + 6 + 2);
    expect(keys.slice(2, 9)).toEqual([
      'inference_0',
      'inference_1',
      'inference_2',
      'inference_3',
      'forecast_implied_inference_0',
      'forecast_implied_inference_1',
      'forecast_implied_inference_0_oneout_0',
    ]);
    expect(keys.slice(0, 2)).toEqual(['network_inference', 'naive_network_inference']);
    expect(keys.slice(16, 22)).toEqual([
      'network_inference_oneout_0',
      'network_inference_oneout_1',
      'network_inference_oneout_2',
      'network_inference_oneout_3',
      'network_inference_oneout_f0',
      'network_inference_oneout_f1',
    ]);
  });

  it('emission: Ebar = 0.004 × initial total stake; the stochastic model has mean ≈ Ebar, lag-1 correlation ≈ ρ', () => {
    const p = createPopulation(scenario(), 2);
    const total = reputers(p).reduce((a, r) => a + r.initialStake, 0);
    expect(p.meanEmission).toBeCloseTo(0.004 * total, 15);
    const es = Array.from({ length: 20000 }, (_, i) => p.world.emission(i + 1));
    expect(mean(es) / p.meanEmission).toBeGreaterThan(0.97);
    expect(mean(es) / p.meanEmission).toBeLessThan(1.03);
    const logs = es.map((e) => Math.log(e / p.meanEmission));
    expect(std(logs)).toBeGreaterThan(0.18);
    expect(std(logs)).toBeLessThan(0.22);
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
    expect(c.world.emission(5)).toBe(c.meanEmission);
  });
});

describe('statistical sanity', () => {
  it('inferer errors: log10 median ≈ −0.7, log-dispersion ≈ 0.176; biases σ ≈ 0.05', () => {
    const inf = inferers(createPopulation(scenario(['N_i=20000', 'N_f=1']), 11));
    const logs = inf.map((i) => Math.log10(i.error));
    expect(median(logs)).toBeCloseTo(-0.7, 2);
    expect(std(logs)).toBeCloseTo(0.176, 2);
    expect(std(inf.map((i) => i.bias))).toBeCloseTo(0.05, 2);
    expect(Math.abs(mean(inf.map((i) => i.bias)))).toBeLessThan(0.002);
  });

  it('ln_reading reads the log-means as natural logs', () => {
    const p = createPopulation(scenario(['N_i=20000', 'N_f=1', 'N_r=20000', 'ln_reading=true']), 11);
    expect(median(inferers(p).map((i) => Math.log(i.error)))).toBeCloseTo(-0.7, 2);
    expect(median(reputers(p).map((r) => r.error))).toBeCloseTo(Math.exp(-1) / Math.LN10, 2);
    expect(median(reputers(p).map((r) => r.alpha))).toBeCloseTo(Math.exp(-1.523), 2);
  });

  it('forecaster and reputer traits', () => {
    const p = createPopulation(scenario(['N_f=20000', 'N_r=20000']), 12);
    const f = forecasters(p);
    expect(median(f.map((x) => Math.log10(x.error)))).toBeCloseTo(-0.222, 2);
    expect(std(f.map((x) => x.bias))).toBeCloseTo(0.3, 1);
    for (let k = 0; k < 100; k++) expect(f[k].context).toBeCloseTo(contextSensitivity(f[k].x), 15);
    expect(f.filter((x) => x.context < 0.1 || x.context > 0.9).length / f.length).toBeGreaterThan(0.5);
    const r = reputers(p);
    expect(median(r.map((x) => Math.log10(x.error)))).toBeCloseTo(-1, 2);
    expect(median(r.map((x) => Math.log10(x.alpha)))).toBeCloseTo(-1.523, 2);
    expect(Math.max(...r.map((x) => x.alpha))).toBeLessThanOrEqual(1);
    expect(std(r.map((x) => x.bias))).toBeCloseTo(0.05, 2);
    expect(median(r.map((x) => Math.log10(x.initialStake)))).toBeCloseTo(0, 2);
    expect(std(r.map((x) => Math.log10(x.initialStake)))).toBeCloseTo(0.1, 2);
  });

  it('the outperformer is uniform over the inferers', () => {
    const p = createPopulation(scenario(['N_i=4', 'N_f=0']), 13);
    const n = 40000;
    const counts = [0, 0, 0, 0];
    const ids = ['0', '1', '2', '3'];
    for (let e = 1; e <= n; e++) counts[Number(p.world.advance(e, ids).outperformer)]++;
    const chi2 = counts.reduce((s, c) => s + (c - n / 4) ** 2 / (n / 4), 0);
    expect(chi2).toBeLessThan(16.3); // χ²(3) 99.9th percentile
  });

  it('f_xp is eq. 20 and scales the inference scatter', () => {
    for (const i of [0, 1, 10, 33, 100, 1000]) expect(experienceFactor(i)).toBeCloseTo(0.5 * (1 + Math.exp(-0.03 * i)), 15);
    expect(experienceFactor(10, 0.1, 0.2)).toBeCloseTo(0.2 + 0.8 * Math.exp(-1), 15);
    const p = createPopulation(
      scenario(['N_i=2', 'N_f=0', 'participants.inferers.error_log_dispersion=0', 'participants.inferers.bias_dispersion=0']),
      14,
    );
    expect(inferers(p)[0].error).toBeCloseTo(10 ** -0.7, 15);
    const early: number[] = [];
    const late: number[] = [];
    for (let e = 1; e <= 4000; e++) {
      const sub = submit(p, e);
      for (let j = 0; j < 2; j++) {
        if (j === sub.outperformer) continue;
        (e <= 2000 ? early : late).push((sub.inferences[j] - sub.world.target) / (10 ** -0.7 * sub.world.fxp));
      }
      expect(sub.world.fxp).toBe(experienceFactor(e));
    }
    expect(std(early)).toBeCloseTo(1, 1);
    expect(std(late)).toBeCloseTo(1, 1);
  });

  it('reputer report scatter ≈ 0.1 dex (no EMA), bias as drawn', () => {
    const p = createPopulation(scenario(['N_r=200', 'rep_ema_none=true']), 15);
    const keys = ['a', 'b', 'c'];
    const resid: number[][] = Array.from({ length: 200 }, () => []);
    for (let e = 1; e <= 200; e++) {
      const t = [-1, -2, -0.5 + 0.01 * e];
      const r = report(p, e, t, keys);
      for (let m = 0; m < 200; m++) for (let o = 0; o < 3; o++) resid[m].push(r[m][o] - t[o]);
    }
    const scatter = resid.map(std);
    expect(median(scatter)).toBeCloseTo(0.1, 2);
    const rep = reputers(p);
    for (let m = 0; m < 200; m++) {
      expect(scatter[m] / rep[m].error).toBeGreaterThan(0.75);
      expect(scatter[m] / rep[m].error).toBeLessThan(1.25);
      expect(Math.abs(mean(resid[m]) - rep[m].bias)).toBeLessThan(0.05);
    }
  });

  it('reputer EMA: α_m on the log10 loss, seeded with the first report, per object key, missing objects kept', () => {
    const exact = ['participants.reputers.bias_dispersion=0', 'participants.reputers.error_log_mean=-300', 'participants.reputers.error_log_dispersion=0'];
    const p = createPopulation(scenario(['N_r=2', ...exact]), 16);
    const a = reputers(p).map((r) => r.alpha);
    let r = report(p, 1, [-1, -2], ['x', 'y']);
    expect(r.map((x) => Array.from(x))).toEqual([
      [-1, -2],
      [-1, -2],
    ]);
    r = report(p, 2, [-3, NaN], ['x', 'y']);
    expect(r[0][0]).toBeCloseTo(a[0] * -3 + (1 - a[0]) * -1, 12);
    expect(r[0][1]).toBeNaN();
    // order changed, object y back, new object z
    r = report(p, 3, [-4, -5, -6], ['z', 'y', 'x']);
    expect(r[0][0]).toBe(-4);
    expect(r[0][1]).toBeCloseTo(a[0] * -5 + (1 - a[0]) * -2, 12);
    const x2 = a[0] * -3 + (1 - a[0]) * -1;
    expect(r[0][2]).toBeCloseTo(a[0] * -6 + (1 - a[0]) * x2, 12);
    expect(r[1][1]).toBeCloseTo(a[1] * -5 + (1 - a[1]) * -2, 12);
    const q = createPopulation(scenario(['N_r=1', 'rep_ema_linear=true', ...exact]), 16);
    const al = reputers(q)[0].alpha;
    report(q, 1, [-1], ['x']);
    expect(report(q, 2, [-3], ['x'])[0][0]).toBeCloseTo(Math.log10(al * 1e-3 + (1 - al) * 0.1), 12);
  });

  it('forecasts: the outperformer is forecast lower by context-aware than by context-unaware forecasters', () => {
    const p = createPopulation(scenario(['N_i=3', 'N_f=400']), 17);
    const f = forecasters(p);
    const aware: number[] = [];
    const unaware: number[] = [];
    const awareOthers: number[] = [];
    const unawareOthers: number[] = [];
    for (let e = 1; e <= 300; e++) {
      const sub = submit(p, e);
      for (let k = 0; k < 400; k++) {
        for (let j = 0; j < 3; j++) {
          const d = sub.forecasts[k][j] - sub.actualLog10Loss[j] - sub.world.fxp * f[k].bias;
          if (f[k].context > 0.95) (j === sub.outperformer ? aware : awareOthers).push(d);
          else if (f[k].context < 0.05) (j === sub.outperformer ? unaware : unawareOthers).push(d);
        }
      }
    }
    expect(mean(aware)).toBeCloseTo(0, 1);
    expect(mean(unaware)).toBeCloseTo(-2 * Math.log10(0.3), 1);
    expect(mean(awareOthers)).toBeCloseTo(0, 1);
    expect(mean(unawareOthers)).toBeCloseTo(0, 1);
    expect(mean(unaware) - mean(aware)).toBeGreaterThan(0.9);
  });

  it("fc_expected: the outperformer's expected loss is ×0.09", () => {
    const p = createPopulation(scenario(['N_i=3', 'N_f=0', 'participants.inferers.bias_dispersion=0']), 18);
    for (let e = 1; e <= 50; e++) {
      const sub = submit(p, e, true);
      const o = sub.outperformer;
      expect(sub.actualLog10Loss[o] - Math.log10((sub.world.fxp * inferers(p)[o].error) ** 2)).toBeCloseTo(2 * Math.log10(0.3), 10);
    }
  });

  it('fc_outperf scales the outperforming worker’s own forecasting noise', () => {
    const s = ['N_i=3', 'N_f=3', 'participants.forecasters.context_a=0'];
    const base = submit(createPopulation(scenario(s), 19), 1);
    const scaled = submit(createPopulation(scenario([...s, 'fc_outperf=true']), 19), 1);
    const o = base.outperformer;
    for (let k = 0; k < 3; k++) {
      for (let j = 0; j < 3; j++) {
        if (k === o) {
          const shift = j === o ? -Math.log10(0.3) : 0;
          expect(scaled.forecasts[k][j] - base.actualLog10Loss[j] - shift).toBeCloseTo(0.3 * (base.forecasts[k][j] - base.actualLog10Loss[j] - shift), 10);
        } else expect(scaled.forecasts[k][j]).toBe(base.forecasts[k][j]);
      }
    }
  });
});

describe('streams', () => {
  it('draw bit for bit what seedrandom alea draws from the same seed', async () => {
    const seedrandom = (await import('seedrandom')).default;
    const { makeRng } = await import('../../src/agents/rng.js');
    for (const seed of ['1', 'allora-sim/rng/v2|7|reputer/3|noise/network_inference', '']) {
      const ours = makeRng(seed);
      const theirs = seedrandom.alea(seed);
      for (let i = 0; i < 5000; i++) expect(ours.uniform()).toBe(theirs.double());
    }
  });

  it('seed as seedrandom alea does for any seed string (unicode included)', async () => {
    const seedrandom = (await import('seedrandom')).default;
    const { makeRng } = await import('../../src/agents/rng.js');
    const seeds = ['a', ' ', '  ', 'ünïcødé σ 😀', 'x'.repeat(300), ...Array.from({ length: 200 }, (_, i) => `allora-sim/rng/v2|${i * 7919}|inferer/${i % 5}|noise/${i}`)];
    for (const seed of seeds) {
      const ours = makeRng(seed);
      const theirs = seedrandom.alea(seed);
      for (let i = 0; i < 20; i++) expect(ours.uniform()).toBe(theirs.double());
    }
  });

  it('normal() is Box–Muller on two of seedrandom alea\'s doubles, bit for bit, interleaved with uniform()', async () => {
    const seedrandom = (await import('seedrandom')).default;
    const { makeRng } = await import('../../src/agents/rng.js');
    for (const seed of ['1', 'allora-sim/rng/v2|7|reputer/3|noise/network_inference']) {
      const ours = makeRng(seed);
      const theirs = seedrandom.alea(seed);
      for (let i = 0; i < 5000; i++) {
        if (i % 3 === 0) expect(ours.uniform()).toBe(theirs.double());
        const u1 = 1 - theirs.double();
        const u2 = theirs.double();
        expect(ours.normal()).toBe(Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
      }
    }
  });
});
