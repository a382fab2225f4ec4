// `sweep --shard` and `merge` end to end with the real engine (the built CLI, in child processes): three
// shard processes at once into one directory, a shard killed mid-way and resumed, a lost shard named by
// merge; every merge byte-identical to the one-machine sweep. Bad --shard values exit 2 with one line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT, runCli } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'allora-merge-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIG23 = join(ROOT, 'scenarios/figure2-3.yaml');
const FILES = ['losses.csv', 'manifest.json', 'metrics.csv', 'reputers.csv', 'rewards.csv', 'summary.csv', 'sweep.png', 'sweep.svg', 'tasks.csv'];
const sweepArgs = (out: string, ...extra: string[]) => [
  'sweep', FIG23, '--grid', 'p=2,3', '--seeds', '3', '--epochs', '400', '--set', 'warmup=5', '--threads', '1', '--quiet', '-o', out, ...extra,
];
// Array-job variables of a surrounding job (CI inside Slurm) must not change what the tests run.
const ENV = { SLURM_ARRAY_TASK_ID: '', AWS_BATCH_JOB_ARRAY_INDEX: '', JOB_COMPLETION_INDEX: '' };

function manifestCore(d: string): unknown {
  const m = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8'));
  for (const k of ['started', 'finished', 'threads', 'shards']) delete m[k];
  delete m.counts.resumed;
  return m;
}

function expectSame(a: string, b: string): void {
  expect(readdirSync(b).filter((f) => !f.startsWith('.')).sort()).toEqual(FILES);
  for (const f of FILES.filter((x) => x !== 'manifest.json')) expect(Buffer.compare(readFileSync(join(a, f)), readFileSync(join(b, f))), f).toBe(0);
  expect(manifestCore(b)).toEqual(manifestCore(a));
}

function start(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const done = new Promise<{ code: number | null; out: string }>((r) => child.on('close', (code) => r({ code, out })));
  return { child, done };
}

describe('sweep --shard / merge (CLI, real engine)', () => {
  let reference = '';
  beforeAll(() => {
    reference = join(dir, 'reference');
    const r = runCli(sweepArgs(reference), { env: ENV });
    expect(r.code, r.stderr).toBe(0);
  });

  it('--shard 0/3, 4/3, a/b: exit 2 with one line, nothing written', () => {
    for (const bad of ['0/3', '4/3', 'a/b']) {
      const out = join(dir, `bad-${bad.replace('/', '-')}`);
      const r = runCli(sweepArgs(out, '--shard', bad), { env: ENV });
      expect(r.code, bad).toBe(2);
      expect(r.stderr.trim().split('\n'), bad).toHaveLength(1);
      expect(r.stderr).toContain(`--shard ${bad}`);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('three shard processes at once into one directory (one via --shard auto/3), then merge: byte-identical', async () => {
    const out = join(dir, 'concurrent');
    const runs = [
      start(sweepArgs(out, '--shard', '1/3')),
      start(sweepArgs(out, '--shard', 'auto/3'), { SLURM_ARRAY_TASK_ID: '1' }),
      start(sweepArgs(out, '--shard', '3/3')),
    ];
    for (const r of await Promise.all(runs.map((x) => x.done))) expect(r.code, r.out).toBe(0);
    expect(JSON.parse(readFileSync(join(out, '.runs', 'shard-2-of-3.json'), 'utf8'))).toMatchObject({ indexFrom: 'SLURM_ARRAY_TASK_ID', status: 'ok' });
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    const m = runCli(['merge', out]);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toMatch(/^merge: 2 point\(s\) × 3 replicate\(s\) = 6 runs from 3 shard\(s\)/);
    expectSame(reference, out);
  });

  it('a shard killed mid-way resumes; a lost shard makes merge exit 1 and name it; shard directories merge with -o', async () => {
    const a = join(dir, 'shard-a');
    const b = join(dir, 'shard-b');
    const killed = start(sweepArgs(a, '--shard', '1/2'));
    const runsDir = join(a, '.runs');
    for (let i = 0; i < 1200; i++) {
      if (existsSync(runsDir) && readdirSync(runsDir).some((f) => f.endsWith('.ndjson'))) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    killed.child.kill('SIGTERM');
    const k = await killed.done;
    expect(k.code, k.out).toBe(143);
    const kept = readdirSync(runsDir).filter((f) => f.endsWith('.ndjson')).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(3);
    const again = runCli(sweepArgs(a, '--shard', '1/2'), { env: ENV });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`${3 - kept} run now, ${kept} resumed`);
    expect(JSON.parse(readFileSync(join(runsDir, 'shard-1-of-2.json'), 'utf8'))).toMatchObject({ attempt: 2, status: 'ok' });

    // shard 2 never ran: merge names it
    const out = join(dir, 'merged');
    const missing = runCli(['merge', '-o', out, a]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/3 of 6 runs have no part file: .*resubmit shard 2 of 2 \(--shard 2\/2; array index 1 with --shard auto\/2\)/);
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);

    const second = runCli(sweepArgs(b, '--shard', '2/2'), { env: ENV });
    expect(second.code, second.stderr).toBe(0);
    const m = runCli(['merge', '-o', out, a, b]);
    expect(m.code, m.stderr).toBe(0);
    expectSame(reference, out);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.shards.count).toBe(2);
    expect(manifest.shards.stamps.map((s: { shard: string }) => s.shard)).toEqual(['1/2', '2/2']);
  });

  it('merge of a directory without a checkpoint: exit 2 with one line', () => {
    const r = runCli(['merge', reference]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no \.runs\/sweep\.json/);
  });
});
