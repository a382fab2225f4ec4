// `allora-sim check` end to end against the committed baselines, on a reduced number of seeds: the unchanged
// scenario passes, mechanism changes that matter fail naming the metrics they move, bad input exits 2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, ROOT } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'allora-check-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIG23 = join(ROOT, 'scenarios/figure2-3.yaml');
const FIG4 = join(ROOT, 'scenarios/figure4.yaml');
const BASE23 = join(ROOT, 'baselines/figure2-3.json');
const BASE4 = join(ROOT, 'baselines/figure4.json');

const check = (...args: string[]) => runCli(['check', ...args, '--quiet']);

/** The verdict column of the text table, by metric. */
function verdicts(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^(\S+)\s.*\s(PASS|FAIL|NEW)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

describe('check: the committed figure 2–3 baseline, 8 seeds', () => {
  it('the unchanged scenario passes (text on the terminal, JSON report to a file)', () => {
    const report = join(dir, 'report.json');
    const r = check(FIG23, '--baseline', BASE23, '--seeds', '8', '--format', 'json', '-o', report);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^allora-sim check: figure2-3 \(profile reference\) against /);
    expect(r.stdout).toMatch(/metric\s+baseline\s+now\s+Δ\s+band ±\s+verdict/);
    expect(r.stdout).toMatch(/PASS: 10 of 10 metrics within their bands/);
    const v = verdicts(r.stdout);
    expect(Object.keys(v)).toHaveLength(10);
    expect(Object.values(v).every((x) => x === 'PASS')).toBe(true);
    const j = JSON.parse(readFileSync(report, 'utf8'));
    expect(j.format).toBe('allora-sim/check-report');
    expect(j.verdict).toBe('pass');
    expect(j.failed).toEqual([]);
    expect(j.seeds).toHaveLength(8);
    expect(j.base_seed).toBe(2); // the baseline's base seed + 1
    expect(j.shared_seeds).toBe(0);
    expect(j.metrics.map((m: { verdict: string }) => m.verdict)).toEqual(Array(10).fill('pass'));
    for (const m of j.metrics) expect(Math.abs(m.delta)).toBeLessThanOrEqual(m.band);
  });

  it('--set p=1 fails (exit 1) on the metrics it moves and names them; JUnit XML on stdout', () => {
    const r = check(FIG23, '--baseline', BASE23, '--seeds', '8', '--set', 'p=1', '--format', 'junit');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.trim()).toBe(
      "allora-sim: regression in figure2-3: network_log10_loss, best_forecast_implied_log10_loss, mean_forecast_implied_log10_loss, improvement_over_naive_dex, forecast_reward_share moved beyond the baseline's band",
    );
    expect(r.stdout).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="allora-sim check" tests="10" failures="5"/);
    const cases = [...r.stdout.matchAll(/<testcase classname="allora-sim\.check\.figure2-3" name="([^"]+)" time="0">\n\s+<(failure|system-out)/g)];
    expect(cases).toHaveLength(10);
    const failed = cases.filter((c) => c[2] === 'failure').map((c) => c[1]);
    expect(failed).toEqual([
      'network_log10_loss',
      'best_forecast_implied_log10_loss',
      'mean_forecast_implied_log10_loss',
      'improvement_over_naive_dex',
      'forecast_reward_share',
    ]);
    expect(r.stdout).toMatch(/<failure type="regression" message="improvement_over_naive_dex moved -0\.\d+ \(-\d+\.\d SE\) from 0\.92\d+ to 0\.2\d+/);
  });
});

describe('check: forecasters without context awareness', () => {
  it('fails on the improvement over the naive inference (16 seeds: the shift is ~1.4 seed-to-seed std)', () => {
    // f_context = σ[10(x − 100)] ≈ 0 for every forecaster: nobody knows which inferer outperforms this epoch.
    const r = check(FIG23, '--baseline', BASE23, '--seeds', '16', '--set', 'participants.forecasters.context_b=100');
    expect(r.code, r.stderr).toBe(1);
    const v = verdicts(r.stdout);
    expect(v.improvement_over_naive_dex).toBe('FAIL');
    // what the forecasters do not touch does not move
    for (const k of ['naive_log10_loss', 'best_inferer_log10_loss', 'mean_inferer_log10_loss']) expect(v[k]).toBe('PASS');
    expect(r.stdout).toMatch(/FAIL: \d+ of 10 metrics moved beyond their bands: .*improvement_over_naive_dex/);
    expect(r.stderr).toMatch(/regression in figure2-3: .*improvement_over_naive_dex/);
  });
});

describe('check: the figure 4 tokenomics baseline (deterministic)', () => {
  it('passes unchanged and fails on a changed emission parameter', () => {
    const ok = check(FIG4, '--baseline', BASE4);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/1 deterministic run \(seed 4\)/);
    expect(ok.stdout).toMatch(/PASS: 3 of 3 metrics/);
    const moved = check(FIG4, '--baseline', BASE4, '--set', 'tokenomics.f_e=0.02');
    expect(moved.code).toBe(1);
    expect(verdicts(moved.stdout)['final_apy.smoothing']).toBe('FAIL');
  });

  it('--update writes a baseline the check then passes', () => {
    const f = join(dir, 'sub', 'f4.json');
    const u = check(FIG4, '--baseline', f, '--update');
    expect(u.code, u.stderr).toBe(0);
    expect(u.stdout).toMatch(/^wrote .*f4\.json: figure4 \(tokenomics, profile reference\), 1 deterministic run \(seed 4\), 3 metrics/);
    expect(JSON.parse(readFileSync(f, 'utf8')).format).toBe('allora-sim/baseline');
    expect(check(FIG4, '--baseline', f).code).toBe(0);
  });
});

describe('check: bad input exits 2 with one line', () => {
  const corrupt = () => join(dir, 'corrupt.json');
  const missing = () => join(dir, 'missing-field.json');
  beforeAll(() => {
    writeFileSync(corrupt(), '{"format": "allora-sim/baseline", "version": 1, "metr');
    const b = JSON.parse(readFileSync(BASE23, 'utf8'));
    delete b.metrics.improvement_over_naive_dex.mean;
    writeFileSync(missing(), JSON.stringify(b));
  });

  const cases: [string, () => string[], RegExp][] = [
    ['a corrupt (not JSON) baseline', () => [FIG23, '--baseline', corrupt()], /corrupt\.json: corrupt baseline: not valid JSON/],
    [
      'a baseline with a missing field',
      () => [FIG23, '--baseline', missing()],
      /missing-field\.json: corrupt baseline: metrics\.improvement_over_naive_dex: missing field 'mean'/,
    ],
    [
      'a baseline of another scenario',
      () => [FIG23, '--baseline', BASE4],
      /figure4\.json: mismatched baseline: made for tokenomics scenario 'figure4' .*but .*figure2-3\.yaml is agents scenario 'figure2-3'/,
    ],
    ['a baseline file that does not exist', () => [FIG23, '--baseline', join(dir, 'none.json')], /none\.json: cannot read the baseline \(no such file; create it with --update\)/],
    ['no --baseline', () => [FIG23], /--baseline <file> is required/],
    ['an unknown --format', () => [FIG23, '--baseline', BASE23, '--format', 'xml'], /--format: must be one of text, json, junit \(got 'xml'\)/],
    ['an unknown --set key', () => [FIG23, '--baseline', BASE23, '--set', 'q=1'], /--set q=1: unknown key/],
    ['--seeds 0', () => [FIG23, '--baseline', BASE23, '--seeds', '0'], /--seeds: must be an integer ≥ 1/],
  ];
  it.each(cases)('%s', (_name, args, message) => {
    const r = check(...args());
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^allora-sim: /);
    expect(lines[0]).toMatch(message);
  });

  it('an unknown option is bad input too (2, not 1 = regression)', () => {
    const r = check(FIG23, '--baseline', BASE23, '--bogus');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--bogus'/);
  });
});
