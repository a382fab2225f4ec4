// `allora-sim attacks` end to end, and the figure scenario with an all-off adversaries: section.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, ROOT } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'allora-attacks-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('attacks', () => {
  it('--list shows the shipped studies with their claims', () => {
    const r = runCli(['attacks', '--list']);
    expect(r.code, r.stderr).toBe(0);
    const names = r.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0]);
    expect(names.length).toBeGreaterThanOrEqual(12);
    expect(names).toContain('reputer-cabal');
    expect(r.stdout).toMatch(/reputer-cabal\s+C2/);
  });

  it('runs a study: summary.json with the verdict, the per-run metrics, actors.csv and the curve', () => {
    const out = join(dir, 'suite');
    const r = runCli(['attacks', 'reputer-dilution', '--seeds', '2', '--set', 'epochs=60', '--set', 'warmup=10', '--threads', '2', '--quiet', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\| C4 \| reputer-dilution \|/);
    const d = join(out, 'reputer-dilution');
    for (const f of ['summary.json', 'attack-metrics.csv', 'actors.csv', 'attack-curve.svg', 'attack-curve.png', 'manifest.json'])
      expect(existsSync(join(d, f)), f).toBe(true);
    expect(existsSync(join(d, 'attack-map.svg'))).toBe(false); // one grid axis
    const s = JSON.parse(readFileSync(join(d, 'summary.json'), 'utf8'));
    expect(s.points).toHaveLength(4);
    const v = s.verdicts[0];
    expect(v).toMatchObject({ id: 'C4', attack: 'reputer-dilution', metric: 'attacker_stake_share_ratio', seeds: 2 });
    expect(typeof v.holds).toBe('boolean');
    expect(v.points).toHaveLength(4);
    const rows = readFileSync(join(d, 'attack-metrics.csv'), 'utf8').trim().split('\n');
    expect(rows).toHaveLength(1 + 4 * 2);
    expect(rows[0]).toMatch(/^point,replicate,seed,network_log10_loss,.*attacker_stake_share_ratio/);
    const all = JSON.parse(readFileSync(join(out, 'verdicts.json'), 'utf8'));
    expect(all.verdicts[0].id).toBe('C4');
    // the same study on one thread: byte-identical outputs
    const one = join(dir, 'suite-1');
    const r1 = runCli(['attacks', 'reputer-dilution', '--seeds', '2', '--set', 'epochs=60', '--set', 'warmup=10', '--threads', '1', '--quiet', '-o', one]);
    expect(r1.code, r1.stderr).toBe(0);
    for (const f of ['summary.json', 'attack-metrics.csv', 'actors.csv', 'summary.csv', 'attack-curve.svg', 'attack-curve.png'])
      expect(readFileSync(join(one, 'reputer-dilution', f)).equals(readFileSync(join(d, f))), f).toBe(true);
    expect(readFileSync(join(one, 'verdicts.json')).equals(readFileSync(join(out, 'verdicts.json')))).toBe(true);
  });

  it('refuses an unknown study (closest name) and a bad override before anything runs', () => {
    const out = join(dir, 'bad');
    const a = runCli(['attacks', 'reputer-cabl', '-o', out]);
    expect(a.code).toBe(2);
    expect(a.stderr.trim().split('\n')).toHaveLength(1);
    expect(a.stderr).toMatch(/did you mean 'reputer-cabal'/);
    const b = runCli(['attacks', 'reputer-cabal', 'defector', '--set', 'adversaries.defecting_inferers.defect_at=100000', '-o', out]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/defect_at: must be an integer in \[join_at, epochs\]/);
    expect(existsSync(join(out, 'reputer-cabal'))).toBe(false);
  });
});

describe('the figure scenario with every adversary off', () => {
  it('writes byte-identical outputs to the same file without the adversaries: section', () => {
    const fig = readFileSync(join(ROOT, 'scenarios/figure2-3.yaml'), 'utf8');
    const off = `${fig}\nadversaries:\n  visibility: { current_submissions: false, current_reports: false }\n  biased_reputers: { count: 0, stake_share: 0.1 }\n  outlier_inferers: { count: 0 }\n  sybil_inferers: { identities: 1 }\n`;
    const outs: string[] = [];
    for (const [name, text] of [
      ['plain', fig],
      ['off', off],
    ]) {
      const cwd = join(dir, `fig-${name}`);
      mkdirSync(cwd, { recursive: true });
      writeFileSync(join(cwd, 'figure2-3.yaml'), text);
      const r = runCli(['run', 'figure2-3.yaml', '-o', 'out', '--epochs', '60', '--seeds', '2', '--quiet', '--threads', '1'], { cwd });
      expect(r.code, r.stderr).toBe(0);
      outs.push(join(cwd, 'out'));
    }
    const files = readdirSync(outs[0]).sort();
    expect(readdirSync(outs[1]).sort()).toEqual(files);
    expect(files).not.toContain('actors.csv');
    // the manifest records when the run happened; everything else in it must agree too
    const strip = (t: string) => JSON.stringify(JSON.parse(t), (k, v) => (/time|started|finished|elapsed|date/i.test(k) ? undefined : v));
    for (const f of files) {
      const [a, b] = outs.map((o) => readFileSync(join(o, f)));
      if (f === 'manifest.json') expect(strip(b.toString()), f).toBe(strip(a.toString()));
      else expect(a.equals(b), f).toBe(true);
    }
  });
});
