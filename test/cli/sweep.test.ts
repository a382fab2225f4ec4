// `allora-sim sweep` end to end on the figure 2–3 scenario: grid × seeds, thread-count independence, and an
// interrupted sweep resumed to byte-identical files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT, runCli } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'allora-sweep-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIG23 = join(ROOT, 'scenarios/figure2-3.yaml');
const TABLES = ['losses.csv', 'rewards.csv', 'tasks.csv', 'reputers.csv', 'summary.csv'];
const args = (out: string, threads: number, epochs = 60) => [
  'sweep', FIG23, '--grid', 'p=2,3', '--grid', 'alpha=0.05,0.1', '--seeds', '2', '--epochs', String(epochs),
  '--set', 'warmup=5', '--threads', String(threads), '--quiet', '-o', out,
];

describe('sweep', () => {
  it('writes the grid × seeds with point and replicate columns, identically with 1 and 2 threads', () => {
    const a = join(dir, 't1');
    const b = join(dir, 't2');
    expect(runCli(args(a, 1)).code).toBe(0);
    expect(runCli(args(b, 2)).code).toBe(0);
    for (const f of TABLES) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    expect(readFileSync(join(a, 'losses.csv'), 'utf8').split('\n')[0]).toBe('point,replicate,p,alpha,seed,epoch,kind,index,loss');
    const summary = readFileSync(join(a, 'summary.csv'), 'utf8').trim().split('\n');
    expect(summary).toHaveLength(1 + 4); // 2 × 2 points
    expect(summary[0]).toMatch(
      /^point,p,alpha,network_log10_loss_n,network_log10_loss_mean,network_log10_loss_std,network_log10_loss_se,network_log10_loss_ci95_lo,network_log10_loss_ci95_hi,network_log10_loss_median,network_log10_loss_p10,network_log10_loss_p90,/,
    );
    const manifest = JSON.parse(readFileSync(join(a, 'manifest.json'), 'utf8'));
    expect(manifest.status).toBe('ok');
    expect(manifest.runs).toHaveLength(8);
  });

  it('an interrupted sweep keeps finished runs and --resume gives byte-identical files', async () => {
    const full = join(dir, 'full');
    const cut = join(dir, 'cut');
    expect(runCli(args(full, 2, 400)).code).toBe(0);
    const child = spawn(process.execPath, [CLI, ...args(cut, 1, 400)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // wait until at least one run is checkpointed, then interrupt
    const runs = join(cut, '.runs');
    for (let i = 0; i < 400; i++) {
      if (existsSync(runs) && readdirSync(runs).some((f) => f.endsWith('.ndjson'))) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code, stderr).toBe(143);
    expect(stderr).toMatch(/--resume/);
    const kept = readdirSync(runs).filter((f) => f.endsWith('.ndjson')).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(8);
    expect(existsSync(join(cut, 'manifest.json'))).toBe(false);
    const r = runCli([...args(cut, 2, 400), '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`${kept} resumed`));
    for (const f of TABLES) expect(readFileSync(join(cut, f)).equals(readFileSync(join(full, f))), f).toBe(true);
  });

  it('bad grid input is one line and exit 2', () => {
    const r = runCli(['sweep', FIG23, '--grid', 'p=2,3', '--grid', 'alpha=0.1', '--zip', '-o', join(dir, 'z')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--zip: every --grid list must have the same length/);
    const r2 = runCli(['sweep', FIG23, '--grid', 'p=-1,3', '--epochs', '10', '--set', 'warmup=1', '-o', join(dir, 'neg')]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/mechanism\.p: must be/);
  });
});
