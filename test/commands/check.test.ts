// `check`'s logic: the band statistics, the baseline file (validation, fingerprint, atomic update) and one
// small in-process round trip.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_Z,
  compareMetric,
  loadForCheck,
  normalUpperTail,
  readBaseline,
  runCheck,
  studentMultiplier,
  studentUpperTail,
  updateBaseline,
  validateBaseline,
  type Baseline,
  type MetricBaseline,
} from '../../src/commands/check.js';
import { METRICS } from '../../src/sim/metrics.js';
import { InputError } from '../../src/scenario/errors.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIG23 = join(ROOT, 'scenarios/figure2-3.yaml');
const FIG4 = join(ROOT, 'scenarios/figure4.yaml');
const BASE23 = join(ROOT, 'baselines/figure2-3.json');
const BASE4 = join(ROOT, 'baselines/figure4.json');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'allora-check-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('statistics', () => {
  it('normal tail and Student t quantiles match known values', () => {
    expect(normalUpperTail(4)).toBeCloseTo(3.16712e-5, 9);
    expect(normalUpperTail(1.959964)).toBeCloseTo(0.025, 7);
    expect(studentUpperTail(2.228139, 10)).toBeCloseTo(0.025, 6); // t_{0.975, 10}
    expect(studentUpperTail(12.7062, 1)).toBeCloseTo(0.025, 5); // t_{0.975, 1}
    // Cauchy (df = 1): the quantile is 1/tan(π q)
    expect(studentMultiplier(4, 1) / (1 / Math.tan(Math.PI * normalUpperTail(4)))).toBeCloseTo(1, 6);
    // z = 4 at the degrees of freedom of the check: wider with fewer seeds, → 4 with many
    expect(studentMultiplier(4, 70)).toBeGreaterThan(4.2);
    expect(studentMultiplier(4, 70)).toBeLessThan(4.3);
    expect(studentMultiplier(4, 134)).toBeLessThan(studentMultiplier(4, 70));
    expect(studentMultiplier(4, 1e7)).toBeCloseTo(4, 4);
  });
});

describe('compareMetric', () => {
  const base: MetricBaseline = { definition: 'd', mean: 1, std: 0.2, n: 64 };

  it('pools the variances of both runs and uses the Student quantile of z = 4', () => {
    const now = { mean: 1.1, std: 0.3, n: 8 };
    const r = compareMetric('m', 'd', base, now);
    const pooled = Math.sqrt((63 * 0.04 + 7 * 0.09) / 70);
    expect(r.se).toBeCloseTo(pooled * Math.sqrt(1 / 64 + 1 / 8), 12);
    expect(r.multiplier).toBeCloseTo(studentMultiplier(DEFAULT_Z, 70), 12);
    expect(r.band).toBeCloseTo(r.multiplier! * r.se, 12);
    expect(r.delta).toBeCloseTo(0.1, 12);
    expect(r.verdict).toBe('pass');
    const far = compareMetric('m', 'd', base, { mean: 1 + 1.01 * r.band, std: 0.3, n: 8 });
    expect(far.verdict).toBe('fail');
    expect(compareMetric('m', 'd', base, { mean: 1 - 0.99 * r.band, std: 0.3, n: 8 }).verdict).toBe('pass');
  });

  it('a metric without spread passes on float noise and fails on a real change', () => {
    const det: MetricBaseline = { definition: 'd', mean: 0.0178, std: 0, n: 1 };
    expect(compareMetric('m', 'd', det, { mean: 0.0178 * (1 + 1e-13), std: 0, n: 1 }).verdict).toBe('pass');
    const moved = compareMetric('m', 'd', det, { mean: 0.0178 * (1 + 1e-6), std: 0, n: 1 });
    expect(moved.verdict).toBe('fail');
    expect(moved.rule).toMatch(/float floor/);
  });

  it('a per-metric tolerance replaces the band; with several components the widest counts', () => {
    const now = { mean: 1.34, std: 0.2, n: 8 };
    expect(compareMetric('m', 'd', base, now).verdict).toBe('fail');
    const abs = compareMetric('m', 'd', { ...base, tolerance: { abs: 0.35 } }, now);
    expect(abs.band).toBe(0.35);
    expect(abs.verdict).toBe('pass');
    expect(abs.rule).toMatch(/tolerance: abs 0\.35/);
    expect(compareMetric('m', 'd', { ...base, tolerance: { rel: 0.25 } }, now).verdict).toBe('fail');
    const both = compareMetric('m', 'd', { ...base, tolerance: { rel: 0.25, abs: 0.5 } }, now);
    expect(both.band).toBe(0.5);
    expect(both.verdict).toBe('pass');
    // a looser z for this metric only
    const z = compareMetric('m', 'd', { ...base, tolerance: { z: 8 } }, now);
    expect(z.multiplier).toBeCloseTo(studentMultiplier(8, 70), 12);
    expect(z.verdict).toBe('pass');
    // the baseline-wide z
    expect(compareMetric('m', 'd', base, now, 8).verdict).toBe('pass');
  });

  it('undefined means: both undefined pass, one undefined fails; a metric missing from the baseline is new', () => {
    const nan = { mean: NaN, std: NaN, n: 0 };
    expect(compareMetric('m', 'd', { definition: 'd', mean: null, std: null, n: 0 }, nan).verdict).toBe('pass');
    expect(compareMetric('m', 'd', base, nan).verdict).toBe('fail');
    expect(compareMetric('m', 'd', undefined, { mean: 1, std: 0, n: 3 }).verdict).toBe('new');
  });
});

describe('the baseline file', () => {
  const committed = (): Baseline => JSON.parse(readFileSync(BASE23, 'utf8')) as Baseline;
  const invalid = (doc: unknown): string => {
    try {
      validateBaseline(doc, 'b.json');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as Error).message;
    }
    throw new Error('expected an InputError');
  };

  it('the committed baselines are valid, made for the shipped scenarios, with every headline metric', () => {
    const b23 = readBaseline(BASE23);
    expect(b23.kind).toBe('agents');
    expect(b23.fingerprint).toBe(loadForCheck(FIG23, undefined, []).fingerprint);
    expect(Object.keys(b23.metrics).sort()).toEqual(METRICS.map((m) => m.key).sort());
    expect(b23.seeds.length).toBeGreaterThanOrEqual(32);
    for (const m of Object.values(b23.metrics)) expect(m.n).toBe(b23.seeds.length);
    const b4 = readBaseline(BASE4);
    expect(b4.kind).toBe('tokenomics');
    expect(b4.fingerprint).toBe(loadForCheck(FIG4, undefined, []).fingerprint);
    expect(Object.keys(b4.metrics)).toEqual(['final_apy.no-smoothing', 'final_apy.smoothing', 'final_apy.smoothing-fees']);
  });

  it('the fingerprint ignores --set, --profile and the mechanism, not the experiment', () => {
    const plain = loadForCheck(FIG23, undefined, []);
    expect(loadForCheck(FIG23, 'whitepaper', ['p=1', 'participants.forecasters.context_b=100']).fingerprint).toBe(plain.fingerprint);
    // the same experiment under another name, with another mechanism and seed: same fingerprint
    const text = readFileSync(FIG23, 'utf8');
    const renamed = join(dir, 'renamed.yaml');
    writeFileSync(renamed, text.replace('name: figure2-3', 'name: other').replace('seed: 1', 'seed: 9').replace('no_previous_loss: regret_weights', 'p: 2'));
    expect(loadForCheck(renamed, undefined, []).fingerprint).toBe(plain.fingerprint);
    // another experiment: fewer epochs, or other forecasters
    const shorter = join(dir, 'shorter.yaml');
    writeFileSync(shorter, text.replace('epochs: 1000', 'epochs: 500'));
    expect(loadForCheck(shorter, undefined, []).fingerprint).not.toBe(plain.fingerprint);
    const others = join(dir, 'others.yaml');
    writeFileSync(others, text.replace('context_b: 0.5', 'context_b: 0.6'));
    expect(loadForCheck(others, undefined, []).fingerprint).not.toBe(plain.fingerprint);
    expect(loadForCheck(FIG4, undefined, []).fingerprint).not.toBe(plain.fingerprint);
  });

  it('a corrupt baseline gets one line naming the file and the field', () => {
    const bad = join(dir, 'corrupt.json');
    writeFileSync(bad, '{"format": "allora-sim/baseline", ');
    expect(() => readBaseline(bad)).toThrow(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: corrupt baseline: not valid JSON`));
    expect(() => readBaseline(join(dir, 'nope.json'))).toThrow(/nope\.json: cannot read the baseline \(no such file; create it with --update\)/);
    expect(invalid([1, 2])).toMatch(/^b\.json: corrupt baseline: expected a JSON object/);
    expect(invalid({ ...committed(), format: 'x' })).toMatch(/^b\.json: not an allora-sim baseline \(format: "x"/);
    expect(invalid({ ...committed(), version: 2 })).toMatch(/^b\.json: version: unsupported baseline version 2/);
    const { fingerprint: _f, ...noFingerprint } = committed();
    expect(invalid(noFingerprint)).toBe("b.json: corrupt baseline: the baseline: missing field 'fingerprint'");
    const wrongType = committed();
    (wrongType.metrics.network_log10_loss as unknown as Record<string, unknown>).mean = 'high';
    expect(invalid(wrongType)).toBe('b.json: corrupt baseline: metrics.network_log10_loss.mean: must be number,null');
    const noStd = committed();
    delete (noStd.metrics.forecast_reward_share as Partial<MetricBaseline>).std;
    expect(invalid(noStd)).toBe("b.json: corrupt baseline: metrics.forecast_reward_share: missing field 'std'");
    const typo = committed();
    (typo.metrics.reputer_reward_share as unknown as Record<string, unknown>).tolerance = { abs: 0.1, relative: 0.2 };
    expect(invalid(typo)).toMatch(/^b\.json: corrupt baseline: metrics\.reputer_reward_share\.tolerance\.relative: unknown field/);
    const negative = committed();
    negative.metrics.reputer_reward_share.tolerance = { abs: -1 };
    expect(invalid(negative)).toBe('b.json: corrupt baseline: metrics.reputer_reward_share.tolerance.abs: must be >= 0');
    const nullMean = committed();
    nullMean.metrics.network_log10_loss.mean = null;
    expect(invalid(nullMean)).toMatch(/metrics\.network_log10_loss: n is 128 but mean or std is null/);
  });
});

describe('update and check in process (short runs)', () => {
  // A short experiment (its own baseline, made with the same --set: --set is not part of the match).
  const set = ['epochs=200', 'warmup=40'];

  it('--update writes a valid baseline atomically and keeps hand-set tolerances; the check passes and names moved metrics', async () => {
    const file = join(dir, 'short.json');
    const u = await updateBaseline(FIG23, { baseline: file, seeds: 12, set, threads: 2, progress: 'quiet' });
    expect(u.baseline.seeds.length).toBe(12);
    expect(u.baseline.set).toEqual(set);
    const b = readBaseline(file);
    expect(b.base_seed).toBe(1);
    expect(b.metrics.network_log10_loss.n).toBe(12);
    expect(readdirSync(dir).filter((f) => f.includes('.partial'))).toEqual([]);

    // hand-edit a tolerance; a re-update keeps it
    b.metrics.reputer_reward_share.tolerance = { abs: 0.5, note: 'reviewed' };
    writeFileSync(file, JSON.stringify(b));
    const u2 = await updateBaseline(FIG23, { baseline: file, seeds: 12, set, threads: 2, progress: 'quiet' });
    expect(u2.kept_tolerances).toEqual(['reputer_reward_share']);
    expect(readBaseline(file).metrics.reputer_reward_share.tolerance).toEqual({ abs: 0.5, note: 'reviewed' });

    const ok = await runCheck(FIG23, { baseline: file, seeds: 8, set, threads: 2, progress: 'quiet' });
    expect(ok.passed).toBe(true);
    expect(ok.base_seed).toBe(2); // the baseline's base seed + 1: no seed in common
    expect(ok.shared_seeds).toBe(0);
    expect(ok.metrics.map((m) => m.metric)).toEqual(METRICS.map((m) => m.key));
    expect(ok.metrics.find((m) => m.metric === 'reputer_reward_share')!.band).toBe(0.5);

    // the baseline's own seeds: an identity, said so
    const same = await runCheck(FIG23, { baseline: file, seeds: 2, seed: '1', set, threads: 2, progress: 'quiet' });
    expect(same.shared_seeds).toBe(2);
    expect(same.notes.join(' ')).toMatch(/identity/);

    // a change that matters
    const p1 = await runCheck(FIG23, { baseline: file, seeds: 8, set: [...set, 'p=1'], threads: 2, progress: 'quiet' });
    expect(p1.passed).toBe(false);
    expect(p1.failed).toContain('improvement_over_naive_dex');
    expect(p1.failed).not.toContain('mean_inferer_log10_loss'); // the inferers do not depend on the mechanism
  });

  it('bad input: mismatched baseline, too few seeds for a baseline, a bad --profile', async () => {
    await expect(runCheck(FIG23, { baseline: BASE4, seeds: 2, progress: 'quiet' })).rejects.toThrow(
      /baselines\/figure4\.json: mismatched baseline: made for tokenomics scenario 'figure4'/,
    );
    await expect(updateBaseline(FIG23, { baseline: join(dir, 'x.json'), seeds: 1, progress: 'quiet' })).rejects.toThrow(/at least 2 seeds/);
    await expect(runCheck(FIG23, { baseline: BASE23, profile: 'fancy', progress: 'quiet' })).rejects.toThrow(/--profile: must be one of/);
    const extra = JSON.parse(readFileSync(BASE23, 'utf8')) as Baseline;
    extra.metrics.old_metric = { definition: 'gone', mean: 1, std: 0, n: 128 };
    const f = join(dir, 'extra.json');
    writeFileSync(f, JSON.stringify(extra));
    await expect(runCheck(FIG23, { baseline: f, progress: 'quiet' })).rejects.toThrow(/mismatched baseline: metrics\.old_metric: not a headline metric/);
  });
});
