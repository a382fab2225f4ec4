// `allora-sim run` end to end: determinism, the files it writes, and bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, ROOT } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'allora-run-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIG23 = join(ROOT, 'scenarios/figure2-3.yaml');

describe('run: the figure 2–3 scenario', () => {
  it('writes the contract files, and the same scenario, seed and profile give byte-identical files', () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    for (const out of [a, b]) {
      const r = runCli(['run', FIG23, '-o', out, '--epochs', '80', '--seeds', '2', '--seed', '7', '--quiet', '--threads', out === a ? '1' : '2']);
      expect(r.code, r.stderr).toBe(0);
    }
    const files = readdirSync(a).sort();
    expect(files).toEqual(
      [
        'figure2.png',
        'figure2.svg',
        'figure3.png',
        'figure3.svg',
        'losses.csv',
        'manifest.json',
        'metrics.csv',
        'reputers.csv',
        'rewards.csv',
        'summary.json',
        'tasks.csv',
      ].sort(),
    );
    // every output but the manifest (which records when the run happened) is byte-identical
    for (const f of files.filter((x) => x !== 'manifest.json'))
      expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    expect(existsSync(join(a, '.runs'))).toBe(false);
    const head = (f: string) => readFileSync(join(a, f), 'utf8').split('\n')[0];
    expect(head('losses.csv')).toBe('seed,epoch,kind,index,loss');
    expect(head('rewards.csv')).toBe('seed,epoch,task,index,reward');
    expect(head('tasks.csv')).toBe('seed,epoch,emission,inference,forecast,reputer,chi,gamma,F,G,H');
    expect(head('reputers.csv')).toBe('seed,epoch,index,stake,listening_coefficient,score');
    const summary = JSON.parse(readFileSync(join(a, 'summary.json'), 'utf8'));
    expect(summary.seeds.length).toBe(2);
    expect(summary.metrics.network_log10_loss.definition).toMatch(/log10/);
    expect(summary.claims.map((c: { id: string }) => c.id)).toContain('order_of_magnitude_improvement');
    const manifest = JSON.parse(readFileSync(join(a, 'manifest.json'), 'utf8'));
    expect(manifest.scenario.epochs).toBe(80);
    expect(manifest.seeds).toEqual(summary.seeds);
    expect(manifest.status).toBe('ok');
    expect(manifest.profile).toBe('reference');
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+/);
    // every seed × epoch × (network, naive, 3 inferences, 3 forecast-implied) loss row
    expect(readFileSync(join(a, 'losses.csv'), 'utf8').trim().split('\n').length).toBe(1 + 2 * 80 * 8);
  });

  it('a different seed or profile changes the results', () => {
    const c = join(dir, 'c');
    const d = join(dir, 'd');
    expect(runCli(['run', FIG23, '-o', c, '--epochs', '40', '--seed', '1', '--no-figures']).code).toBe(0);
    expect(runCli(['run', FIG23, '-o', d, '--epochs', '40', '--seed', '2', '--no-figures']).code).toBe(0);
    expect(readFileSync(join(c, 'losses.csv')).equals(readFileSync(join(d, 'losses.csv')))).toBe(false);
  });
});

describe('run: bad input gets one line naming the file and key, exit 2, no finished-looking output', () => {
  const bad = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const cases: [string, () => string[], RegExp][] = [
    ['an unknown key', () => [bad('typo.yaml', 'epochs: 10\nparticipants:\n  inferes:\n    count: 3\n')], /typo\.yaml: .*participants\.inferes.*did you mean 'participants\.inferers'/],
    ['a wrong type', () => [bad('type.yaml', 'epochs: many\n')], /type\.yaml: epochs: /],
    ['p ≤ 0', () => [FIG23, '--set', 'p=0'], /mechanism\.p: must be/],
    ['α outside (0, 1]', () => [FIG23, '--set', 'alpha=1.5'], /mechanism\.alpha: must be/],
    ['a count < 1', () => [FIG23, '--set', 'participants.inferers.count=0'], /participants\.inferers\.count: must be/],
    ['epochs < 1', () => [bad('ep.yaml', 'epochs: 0\n')], /ep\.yaml: epochs: must be/],
    ['a negative dispersion', () => [bad('disp.yaml', 'participants:\n  reputers:\n    error_log_dispersion: -1\n')], /disp\.yaml: participants\.reputers\.error_log_dispersion: must be/],
    ['an unreadable file', () => [join(dir, 'nope.yaml')], /nope\.yaml/],
  ];
  it.each(cases)('%s', (_n, args, message) => {
    const out = join(dir, `out-${_n.replace(/\W+/g, '-')}`);
    const r = runCli(['run', ...args(), '-o', out, '--epochs', '20']);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines.length, r.stderr).toBe(1);
    expect(lines[0]).toMatch(message);
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
  });
  it('an unwritable output directory', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const r = runCli(['run', FIG23, '-o', join(file, 'sub'), '--epochs', '20']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/a-file\/sub: cannot create the output directory/);
  });
});
