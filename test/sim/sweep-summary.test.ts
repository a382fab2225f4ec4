// Per-point summaries of a sweep: the interval arithmetic against a known Student-t quantile, claim shares,
// and the paired difference to a reference point (sign, n over shared replicates, paired interval).
import { describe, expect, it } from 'vitest';
import { metricStats, summarizePoints, type SummaryRun } from '../../src/sim/sweep-summary.js';
import { studentQuantile } from '../../src/stats/student.js';
import { fmt4, formatSweepTable } from '../../src/output/sweep-table.js';

/** t(0.975, 7), the two-sided 95 % quantile for n = 8 (R: qt(0.975, 7)). */
const T7 = 2.364624251592785;

describe('Student-t quantile', () => {
  it('matches tabulated quantiles (R qt) to 1e-12 relative', () => {
    for (const [df, t] of [
      [1, 12.706204736174698],
      [2, 4.302652729749464],
      [7, T7],
      [30, 2.042272456301238],
    ] as const) {
      expect(Math.abs(studentQuantile(0.975, df) - t) / t).toBeLessThan(1e-12);
    }
    expect(studentQuantile(0.025, 7)).toBeCloseTo(-T7, 12);
    expect(studentQuantile(0.5, 7)).toBe(0);
  });
});

describe('metricStats', () => {
  it('n = 8: mean, sample std, se = std/√n and mean ∓ t(0.975, 7)·se, by hand', () => {
    const s = metricStats([1, 2, 3, 4, 5, 6, 7, 8]);
    // mean 4.5; sample variance Σ(x − 4.5)²/7 = 42/7 = 6; se = √6/√8 = √0.75
    expect(s.n).toBe(8);
    expect(s.mean).toBe(4.5);
    expect(s.std).toBeCloseTo(Math.sqrt(6), 14);
    expect(s.se).toBeCloseTo(Math.sqrt(0.75), 14);
    expect(s.ci95_lo).toBeCloseTo(4.5 - T7 * Math.sqrt(0.75), 11);
    expect(s.ci95_hi).toBeCloseTo(4.5 + T7 * Math.sqrt(0.75), 11);
    expect(s.ci95_lo).toBeCloseTo(2.4521753277158824, 11); // 4.5 − 2.364624… × 0.866025…
    expect(s.ci95_hi).toBeCloseTo(6.547824672284118, 11);
    expect(s.median).toBe(4.5);
  });

  it('leaves out values that are not numbers; one value has std 0 but no se or interval; none is NaN', () => {
    const s = metricStats([2, NaN, Infinity, 4]);
    expect(s.n).toBe(2);
    expect(s.mean).toBe(3);
    // n = 2: t(0.975, 1) · √2/√2
    expect(s.ci95_hi).toBeCloseTo(3 + 12.706204736174698 * 1, 10);
    const one = metricStats([5]);
    expect(one).toMatchObject({ n: 1, mean: 5, std: 0, median: 5 });
    expect(one.se).toBeNaN();
    expect(one.ci95_lo).toBeNaN();
    const none = metricStats([]);
    expect(none.n).toBe(0);
    expect(none.mean).toBeNaN();
  });
});

describe('summarizePoints', () => {
  // Point 0 is the reference; point 1 = reference + d_r with d = 0.1, 0.2, …, 0.8 (replicate r = 0…7).
  const ref = [-4.6, -3.4, -4.9, -3.8, -3.2, -4.4, -4.05, -3.7];
  const d = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
  const runs: SummaryRun[] = [
    ...ref.map((x, r) => ({ point: 0, replicate: r, metrics: { loss: x, share: r / 10 } })),
    ...ref.map((x, r) => ({ point: 1, replicate: r, metrics: { loss: x + d[r], share: r / 10 } })),
  ];
  const points = [
    { point: 0, values: { p: 3 } },
    { point: 1, values: { p: 2 } },
  ];

  it('paired difference: this − reference, replicate by replicate, with the paired t-interval', () => {
    const [p0, p1] = summarizePoints(points, runs, { reference: 0 });
    expect(p0.diff!.loss).toMatchObject({ n: 8, mean: 0, std: 0, se: 0, ci95_lo: 0, ci95_hi: 0 });
    const dl = p1.diff!.loss;
    expect(dl.n).toBe(8);
    expect(dl.mean).toBeCloseTo(0.45, 12); // positive: point 1's loss is higher
    // d has the sample std of 1…8 scaled by 0.1: 0.1·√6; se = 0.1·√0.75
    expect(dl.std).toBeCloseTo(0.1 * Math.sqrt(6), 12);
    expect(dl.se).toBeCloseTo(0.1 * Math.sqrt(0.75), 12);
    expect(dl.ci95_lo).toBeCloseTo(0.45 - T7 * 0.1 * Math.sqrt(0.75), 11);
    expect(dl.ci95_hi).toBeCloseTo(0.45 + T7 * 0.1 * Math.sqrt(0.75), 11);
    // The paired interval excludes 0 although the two points' own intervals overlap.
    expect(dl.ci95_lo).toBeGreaterThan(0);
    expect(p1.metrics.loss.ci95_lo).toBeLessThan(p0.metrics.loss.ci95_hi);
    // Unpaired metrics: each point's own distribution.
    expect(p1.metrics.loss.mean).toBeCloseTo(ref.reduce((a, b) => a + b, 0) / 8 + 0.45, 12);
    expect(p1.diff!.share.mean).toBe(0);
  });

  it('differences use only the replicates both points have as numbers', () => {
    const gappy = runs.map((r) => (r.point === 1 && r.replicate === 2 ? { ...r, metrics: { loss: NaN, share: 0 } } : r)).filter((r) => !(r.point === 0 && r.replicate === 5));
    const [, p1] = summarizePoints(points, gappy, { reference: 0 });
    expect(p1.diff!.loss.n).toBe(6);
    const kept = [0, 1, 3, 4, 6, 7].map((r) => d[r]);
    expect(p1.diff!.loss.mean).toBeCloseTo(kept.reduce((a, b) => a + b, 0) / 6, 12);
  });

  it('no reference: no differences', () => {
    const [p0] = summarizePoints(points, runs);
    expect(p0.diff).toBeUndefined();
    expect(summarizePoints(points, runs, { reference: null })[0].diff).toBeUndefined();
  });

  it('claim shares: the fraction of a point’s runs in which each claim holds', () => {
    const claims = (m: Readonly<Record<string, number>>) => [
      { id: 'low_loss', holds: m.loss < -4 },
      { id: 'big_share', holds: m.share >= 0.4 },
    ];
    const [p0, p1] = summarizePoints(points, runs, { claims });
    expect(p0.claims).toEqual({ low_loss: 4 / 8, big_share: 4 / 8 }); // −4.6, −4.9, −4.4, −4.05
    expect(p1.claims.low_loss).toBe(2 / 8); // −4.5, −4.6
    expect(p1.values).toEqual({ p: 2 });
  });

  it('the terminal table: swept values, median [interval], the paired difference, claim shares', () => {
    const claims = (m: Readonly<Record<string, number>>) => [{ id: 'low_loss', holds: m.loss < -4 }];
    const pts = summarizePoints(points, runs, { reference: 0, claims });
    const lines = formatSweepTable(pts, { axes: ['p'], metrics: ['loss', 'absent'], reference: 0, title: 'demo' });
    expect(lines[0]).toBe('demo');
    const head = lines.find((l) => l.startsWith('p '))!;
    expect(head).toMatch(/^p\s+loss\s+Δ loss$/);
    const row1 = lines[lines.indexOf(head) + 2];
    expect(row1).toBe(`2  -3.375 [${fmt4(pts[1].metrics.loss.ci95_lo)}, ${fmt4(pts[1].metrics.loss.ci95_hi)}]  0.45 [0.2452, 0.6548]`);
    expect(lines[lines.indexOf(head) + 1]).toMatch(/reference$/);
    expect(lines).toContain('  C1 low_loss');
    expect(lines.some((l) => /^3\s+50%$/.test(l))).toBe(true);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(100);
  });
});
