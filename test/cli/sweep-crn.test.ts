// `sweep` with common random numbers (the default): the point equal to the scenario's own values is `run
// --seeds N`'s runs byte for byte; points that change the population share the draws of the identities they
// share; summary.csv's intervals, claim shares and paired differences; the reference point; the terminal
// table; `--independent`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ROOT, runCli } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'allora-sweep-crn-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIG23 = join(ROOT, 'scenarios/figure2-3.yaml');
const FIG4 = join(ROOT, 'scenarios/figure4.yaml');
const rows = (path: string) => parse(readFileSync(path, 'utf8'), { columns: false }) as string[][];
const records = (path: string) => parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];

describe('sweep: common random numbers', () => {
  let sweepDir: string;
  let runDir: string;
  let stdout: string;
  beforeAll(() => {
    sweepDir = join(dir, 'sweep');
    runDir = join(dir, 'run');
    const s = runCli(['sweep', FIG23, '--grid', 'p=2,3,4', '--grid', 'alpha=0.05,0.1', '--seeds', '3', '--epochs', '60', '--threads', '2', '-o', sweepDir]);
    expect(s.code, s.stderr).toBe(0);
    stdout = s.stdout;
    const r = runCli(['run', FIG23, '--seeds', '3', '--epochs', '60', '--threads', '2', '--no-figures', '--quiet', '-o', runDir]);
    expect(r.code, r.stderr).toBe(0);
  });

  it("the point p=3, alpha=0.1 (the scenario's own values) is run --seeds 3: metrics and every table, cell for cell", () => {
    const m = rows(join(sweepDir, 'metrics.csv'));
    expect(m[0].slice(0, 5)).toEqual(['point', 'replicate', 'seed', 'p', 'alpha']);
    const at = m.slice(1).filter((r) => r[3] === '3' && r[4] === '0.1');
    expect(at).toHaveLength(3);
    const drop = (r: string[]) => [r[1], r[2], ...r.slice(5)]; // replicate, seed, metrics
    expect([['replicate', 'seed', ...m[0].slice(5)], ...at.map(drop)]).toEqual(rows(join(runDir, 'metrics.csv')));
    // Every point has the same seeds.
    for (const r of m.slice(1)) expect(r[2]).toBe(at[Number(r[1])][2]);
    for (const table of ['losses.csv', 'rewards.csv', 'tasks.csv', 'reputers.csv']) {
      const t = rows(join(sweepDir, table));
      expect(t[0].slice(0, 4)).toEqual(['point', 'replicate', 'p', 'alpha']);
      const point = t.slice(1).filter((r) => r[0] === '3');
      expect(point.every((r) => r[2] === '3' && r[3] === '0.1')).toBe(true);
      expect([t[0].slice(4), ...point.map((r) => r.slice(4))], table).toEqual(rows(join(runDir, table)));
    }
  });

  it('summary.csv: n, se, 95 % interval, claim shares, and the paired difference to the reference (the scenario values)', () => {
    const s = records(join(sweepDir, 'summary.csv'));
    expect(s).toHaveLength(6);
    const ref = s.find((r) => r.p === '3' && r.alpha === '0.1')!;
    expect(ref.network_log10_loss_n).toBe('3');
    const lo = Number(ref.network_log10_loss_ci95_lo);
    const hi = Number(ref.network_log10_loss_ci95_hi);
    const mean = Number(ref.network_log10_loss_mean);
    expect(lo).toBeLessThan(mean);
    expect((hi - mean) / Number(ref.network_log10_loss_se)).toBeCloseTo(4.302652729749464, 9); // t(0.975, 2)
    expect(Number(ref.claim_forecast_implied_beats_naive_share)).toBeGreaterThanOrEqual(0);
    expect(ref.network_log10_loss_diff_mean).toBe('0');
    // The difference of another point is its mean minus the reference's (the same replicates on both sides).
    const other = s.find((r) => r.p === '2' && r.alpha === '0.05')!;
    expect(Number(other.network_log10_loss_diff_mean)).toBeCloseTo(Number(other.network_log10_loss_mean) - mean, 12);
    // Inferers do not depend on p or alpha: with the same seeds their losses are identical at every point.
    expect(new Set(s.map((r) => r.best_inferer_log10_loss_mean)).size).toBe(1);
    expect(other.best_inferer_log10_loss_diff_mean).toBe('0');
    const manifest = JSON.parse(readFileSync(join(sweepDir, 'manifest.json'), 'utf8'));
    expect(manifest.seed_rule).toBe('common');
    expect(manifest.sweep.reference).toEqual({ 'mechanism.p': 3, 'mechanism.alpha': 0.1 });
  });

  it('prints the summary table (not with --quiet)', () => {
    expect(stdout).toMatch(/figure2-3: 6 point\(s\) × 3 seed\(s\), common random numbers; reference point 3 \(p=3, alpha=0\.1\)/);
    expect(stdout).toMatch(/^p\s+alpha\s+network_log10_loss\s+best_inferer_log10_loss\s+Δ network_log10_loss$/m);
    expect(stdout).toMatch(/^3\s+0\.1\s+.*reference$/m);
    expect(stdout).toMatch(/C1 naive_beats_best_inference/);
    const q = runCli(['sweep', FIG23, '--grid', 'p=2,3', '--seeds', '1', '--epochs', '20', '--threads', '2', '--quiet', '-o', join(dir, 'quiet')]);
    expect(q.code, q.stderr).toBe(0);
    expect(q.stdout.trim().split('\n')).toHaveLength(2);
  });
});

describe('sweep: populations that change share the identities they share', () => {
  // A reputer's initial stake is drawn once from its own stream; it is the stake of the first epoch
  // reputers.csv reports (the first rewarded one, epoch 4). N_i changes the inferers only.
  const stakes = (out: string) => {
    const all = records(join(out, 'reputers.csv'));
    const first = String(Math.min(...all.map((r) => Number(r.epoch))));
    const t = all.filter((r) => r.epoch === first);
    return new Map(t.map((r) => [`${r.N_i}/${r.replicate}/${r.index}`, r.stake]));
  };
  it('common: reputer r of replicate k has the same draws at N_i = 3 and 4; independent: not', () => {
    const common = join(dir, 'ni-common');
    const indep = join(dir, 'ni-independent');
    const args = ['--grid', 'N_i=3,4', '--seeds', '2', '--epochs', '20', '--tables', 'reputers', '--threads', '2', '--quiet'];
    expect(runCli(['sweep', FIG23, ...args, '-o', common]).code).toBe(0);
    const r = runCli(['sweep', FIG23, ...args, '--independent', '-o', indep]);
    expect(r.code, r.stderr).toBe(0);
    const c = stakes(common);
    const i = stakes(indep);
    expect(c.size).toBe(2 * 2 * 5);
    for (const k of [0, 1]) {
      for (const m of [0, 1, 2, 3, 4]) {
        expect(c.get(`3/${k}/${m}`)).toBe(c.get(`4/${k}/${m}`));
        expect(i.get(`3/${k}/${m}`)).not.toBe(i.get(`4/${k}/${m}`));
      }
    }
    const manifest = JSON.parse(readFileSync(join(indep, 'manifest.json'), 'utf8'));
    expect(manifest.seed_rule).toBe('independent');
    expect(manifest.sweep.seedRule).toBe('independent');
    // Independent seeds: no paired differences.
    expect(readFileSync(join(indep, 'summary.csv'), 'utf8').split('\n')[0]).not.toMatch(/_diff_/);
    expect(readFileSync(join(common, 'summary.csv'), 'utf8').split('\n')[0]).toMatch(/network_log10_loss_diff_mean/);
  });
});

describe('sweep --reference', () => {
  const base = ['sweep', FIG23, '--grid', 'p=2,3', '--grid', 'alpha=0.05,0.1', '--seeds', '2', '--epochs', '20', '--threads', '2', '--quiet'];
  it.each([
    ['an unknown key', ['--reference', 'p=2,c=0.5'], /^allora-sim: --reference p=2,c=0\.5: 'c' is not a swept key \(swept: p, alpha\)$/],
    ['a missing key', ['--reference', 'p=2'], /^allora-sim: --reference p=2: give a value for every swept key \(missing: alpha\)$/],
    ['a value off the grid', ['--reference', 'p=5,alpha=0.1'], /^allora-sim: --reference p=5,alpha=0\.1: p=5 is not on the grid \(values: 2, 3\)$/],
    ['no key=value', ['--reference', 'p'], /^allora-sim: --reference p: expected key=value/],
    ['--independent', ['--reference', 'p=2,alpha=0.1', '--independent'], /^allora-sim: --reference: paired differences need common random numbers; leave out --independent$/],
  ])('refuses %s with one line, exit 2, before any run', (_label, extra, message) => {
    const r = runCli([...base, ...extra, '-o', join(dir, 'bad-ref')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
  });

  it('takes the differences to the point given (full key paths or symbols)', () => {
    const out = join(dir, 'ref');
    const r = runCli([...base, '--reference', 'mechanism.p=2,alpha=0.05', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const s = records(join(out, 'summary.csv'));
    expect(s[0].network_log10_loss_diff_mean).toBe('0');
    expect(Number(s[3].network_log10_loss_diff_mean)).toBeCloseTo(Number(s[3].network_log10_loss_mean) - Number(s[0].network_log10_loss_mean), 12);
  });
});

describe('sweep of a tokenomics scenario', () => {
  it('summary.csv has the same statistics (n, se, interval) per metric', () => {
    const out = join(dir, 'tok');
    const r = runCli(['sweep', FIG4, '--grid', 'alpha_e=0.05,0.2', '--seeds', '2', '--epochs', '24', '--threads', '2', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const head = readFileSync(join(out, 'summary.csv'), 'utf8').split('\n')[0].split(',');
    expect(head.slice(0, 2)).toEqual(['point', 'alpha_e']);
    const m = head[2].replace(/_n$/, '');
    expect(head.slice(2, 11)).toEqual(['n', 'mean', 'std', 'se', 'ci95_lo', 'ci95_hi', 'median', 'p10', 'p90'].map((s) => `${m}_${s}`));
    expect(r.stdout).toMatch(/figure4: 2 point\(s\) × 2 seed\(s\), common random numbers/);
  });
});
