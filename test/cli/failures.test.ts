// The failure contract end to end (README "Exit codes and errors"): every bad input is one line and exit 2,
// a usage error adds one line pointing to --help, nothing that looks like a finished run is left behind,
// overwrites are deliberate, one writer per output directory, write failures name the path.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, runCli } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'allora-fail-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIG23 = join(ROOT, 'scenarios/figure2-3.yaml');
const FIG4 = join(ROOT, 'scenarios/figure4.yaml');
const quick = ['--epochs', '30', '--set', 'warmup=3', '--no-figures', '--quiet'];
const lines = (s: string) => s.trim().split('\n').filter((l) => l !== '');
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

describe('usage errors: one line with the hint, one pointing to --help, exit 2', () => {
  const cases: [string, string[], RegExp][] = [
    ['no arguments', [], /no command given/],
    ['an unknown command', ['bogus'], /unknown command 'bogus'/],
    ['an unknown option, with the suggestion', ['run', FIG23, '--sed', '1'], /unknown option '--sed' \(Did you mean one of --seed, --set\?\)/],
    ['a missing argument', ['run'], /missing required argument 'scenario'/],
    ['an extra argument', ['run', FIG23, 'extra'], /too many arguments for 'run'/],
    ['a missing option value', ['sweep', FIG23, '--grid'], /option '--grid <key=values>' argument missing/],
    ['an unknown check option', ['check', FIG23, '--baselin', 'x'], /unknown option '--baselin'/],
  ];
  it.each(cases)('%s', (_n, args, first) => {
    const r = runCli(args);
    expect(r.code, r.stderr).toBe(2);
    const l = lines(r.stderr);
    expect(l, r.stderr).toHaveLength(2);
    expect(l[0]).toMatch(first);
    expect(l[1]).toMatch(/--help/);
  });
  it('--help and --version exit 0', () => {
    expect(runCli(['--version']).code).toBe(0);
    expect(runCli(['run', '--help']).code).toBe(0);
  });
});

describe('bad input: one line, exit 2, nothing written', () => {
  const q = ['--epochs', '30', '--set', 'warmup=3', '--no-figures'];
  // [name, arguments (the test adds -o DIR unless they have -o, and --quiet), message]
  const cases: [string, () => string[], RegExp][] = [
    ['-o ""', () => ['run', FIG23, '-o', '', ...q], /-o: the output directory is empty/],
    ['a scenario name that leaves the output root', () => ['run', file('up.yaml', 'name: ../../escaped\nepochs: 20\n'), '-o'], /name: "\.\.\/\.\.\/escaped" cannot be the output folder's name/],
    ['-o under /proc', () => ['run', FIG23, '-o', '/proc/allora-x', ...q], /cannot write a run under \/proc/],
    ['an unknown YAML tag', () => ['run', file('tag.yaml', 'epochs: !custom 3\n')], /invalid YAML \(Unresolved tag: !custom; YAML tags are not supported\)/],
    ['a !!js/function tag', () => ['run', file('js.yaml', 'epochs: !!js/function "function () {}"\n')], /YAML tags are not supported/],
    ['a binary file', () => ['run', file('bin.yaml', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0x1b, 0x5b, 0x33, 0x31, 0x6d]))], /not a text file/],
    ['__proto__ in --set', () => ['run', FIG23, '--set', '__proto__.x=1', ...q], /__proto__/],
    // Tokenomics keys go through the tokenomics loader, which knows every key: these are not among them.
    ['__proto__ in --set of a tokenomics scenario', () => ['run', FIG4, '--set', '__proto__.x=1'], /'__proto__\.x' is not a key of a tokenomics scenario/],
    ['constructor in --set of a tokenomics scenario', () => ['run', FIG4, '--set', 'constructor.prototype.x=1'], /'constructor\.prototype\.x' is not a key of a tokenomics scenario/],
    ['__proto__ in a tokenomics sweep grid', () => ['sweep', FIG4, '--grid', '__proto__.x=1,2'], /'__proto__\.x' is not a key of a tokenomics scenario/],
    ['epochs: 1e12', () => ['run', file('big.yaml', 'epochs: 1e12\n')], /epochs: at most 1000000000 \(the size limit; got 1000000000000\)/],
    ['N_i = 1e6', () => ['run', FIG23, '--set', 'N_i=1000000', ...q], /participants\.inferers\.count: at most 100000 \(the size limit/],
    ['--seeds beyond the run limit', () => ['run', FIG23, '--seeds', '2000000', ...q], /2000000 replicates = 2000000 runs: at most 1000000 runs/],
    ['a 9-million-point grid', () => ['sweep', FIG23, '--grid', 'p=1:3000:1', '--grid', 'alpha=0.0001:0.3:0.0001'], /the sweep has \d+ points \(at most 100000\)/],
    ['a 1e6-value range', () => ['sweep', FIG23, '--grid', 'p=1:1000000:1'], /range has 1000000 values \(at most 100000\)/],
    ['a 1e18-value range', () => ['sweep', FIG23, '--grid', 'p=1:1e9:1e-9'], /range has \d+ values \(at most 100000\)/],
    ['an unknown table', () => ['run', FIG23, '--tables', 'losses,reward', ...q], /--tables: unknown table "reward" \(did you mean rewards\?\)/],
    ['--run-seed out of range', () => ['run', FIG23, '--run-seed', '4294967296', ...q], /--run-seed: must be an integer/],
    ['--set with control bytes', () => ['run', FIG23, '--set', 'p=\u001b[31m', ...q], /\\x1b\[31m/],
  ];
  it.each(cases)('%s', (_n, args, message) => {
    const out = join(dir, `out-${_n.replace(/\W+/g, '-')}`);
    let a = args();
    if (a.at(-1) === '-o') a = a.slice(0, -1); // no -o: the default output folder
    else if (!a.includes('-o')) a = [...a, '-o', out];
    const r = runCli([...a, '--quiet']);
    expect(r.code, r.stderr).toBe(2);
    expect(lines(r.stderr), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    // eslint-disable-next-line no-control-regex
    expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    expect(existsSync(join(ROOT, 'escaped'))).toBe(false);
    expect(existsSync(join(ROOT, '..', 'escaped'))).toBe(false);
  });

  it('a JSON scenario with a UTF-8 byte-order mark loads', () => {
    const p = file('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"epochs": 30, "warmup": 3}')]));
    const r = runCli(['run', p, '-o', join(dir, 'bom'), '--no-figures', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('--threads beyond the cores is clamped with a note', () => {
    const r = runCli(['run', FIG23, '-o', join(dir, 'threads'), '--threads', '1000', '--seeds', '2', ...quick]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/note: --threads 1000: using \d+ \(the cores available\)/);
  });

  it('figures that cannot be drawn (N_i = 1) are one line; the runs are kept for --resume --no-figures', () => {
    const out = join(dir, 'ni1');
    const r = runCli(['run', FIG23, '-o', out, '--set', 'N_i=1', '--epochs', '30', '--set', 'warmup=3', '--quiet']);
    expect(r.code, r.stderr).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/figures: cannot draw Figures 2–3 .*--no-figures --resume/);
    expect(readdirSync(out).filter((f) => !f.startsWith('.'))).toEqual([]);
    const again = runCli(['run', FIG23, '-o', out, '--set', 'N_i=1', '--epochs', '30', '--set', 'warmup=3', '--quiet', '--no-figures', '--resume']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).status).toBe('ok');
  });
});

describe('the warm-up rule is the same for run, sweep and --set epochs=', () => {
  it('epochs ≤ warmup without a warm-up on the command line: warm-up ⌊N/10⌋ with a note', () => {
    for (const args of [
      ['run', FIG23, '--epochs', '40'],
      ['run', FIG23, '--set', 'N_e=40'],
      ['sweep', FIG23, '--epochs', '40', '--grid', 'p=2,3'],
    ]) {
      const out = join(dir, `warm-${args.join('-').replace(/\W+/g, '')}`);
      const r = runCli([...args, '-o', out, '--no-figures', '--quiet'].filter((a) => !(args[0] === 'sweep' && a === '--no-figures')));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/note: warmup 100 ≥ epochs 40; using warmup 4/);
    }
    const r = runCli(['run', FIG23, '--epochs', '40', '--set', 'warmup=50', '-o', join(dir, 'warm-x'), '--no-figures', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/warmup: must be an integer in \[0, epochs − 1\] = \[0, 39\]/);
  });
});

describe('overwrites are deliberate', () => {
  it('refuses another run without --force, replaces it with --force, and removes the stale files of the earlier run', () => {
    const out = join(dir, 'overwrite');
    expect(runCli(['run', FIG23, '-o', out, '--epochs', '30', '--set', 'warmup=3', '--quiet']).code).toBe(0);
    expect(existsSync(join(out, 'figure2.svg'))).toBe(true);
    // The same run again: fine (a re-run of the same definition).
    writeFileSync(join(out, '.losses.csv.999999.partial'), 'left by a killed process');
    const same = runCli(['run', FIG23, '-o', out, ...quick]);
    expect(same.code, same.stderr).toBe(0);
    // Figures of the earlier run are not left beside the new CSVs; leftovers are cleaned.
    expect(existsSync(join(out, 'figure2.svg'))).toBe(false);
    expect(existsSync(join(out, '.losses.csv.999999.partial'))).toBe(false);
    const other = runCli(['run', FIG23, '-o', out, ...quick, '--set', 'p=2']);
    expect(other.code).toBe(2);
    expect(lines(other.stderr)).toHaveLength(1);
    expect(other.stderr).toMatch(/holds another run .*--force.*another -o/);
    const forced = runCli(['run', FIG23, '-o', out, ...quick, '--set', 'p=2', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).scenario.mechanism.p).toBe(2);
  });

  it('refuses a directory of other files without --force', () => {
    const out = join(dir, 'foreign');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const r = runCli(['run', FIG23, '-o', out, ...quick]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not empty and holds no allora-sim run \(notes\.txt\)/);
    expect(runCli(['run', FIG23, '-o', out, ...quick, '--force']).code).toBe(0);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('an interrupted sweep is not restarted without --resume', () => {
    const out = join(dir, 'interrupted');
    mkdirSync(join(out, '.runs'), { recursive: true });
    writeFileSync(join(out, '.runs', 'p0-r0.ndjson'), '{}\n');
    const r = runCli(['sweep', FIG23, '--grid', 'p=2,3', '-o', out, '--epochs', '30', '--set', 'warmup=3', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds an interrupted run \(1 finished runs in \.runs\/\); continue it with --resume, or pass --force/);
    expect(existsSync(join(out, '.runs', 'p0-r0.ndjson'))).toBe(true);
  });
});

describe('one writer per output directory', () => {
  it('a second concurrent writer is refused with exit 2 naming the holder', async () => {
    const out = join(dir, 'concurrent');
    const first = spawn(process.execPath, [CLI, 'run', FIG23, '-o', out, '--epochs', '3000', '--seeds', '2', '--no-figures', '--quiet'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const lock = join(out, '.allora-sim.lock');
    for (let i = 0; i < 400 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 25));
    expect(existsSync(lock)).toBe(true);
    const second = runCli(['run', FIG23, '-o', out, '--epochs', '3000', '--seeds', '2', '--no-figures', '--quiet']);
    const code = await new Promise<number | null>((r) => first.on('close', r));
    expect(second.code).toBe(2);
    expect(lines(second.stderr)).toHaveLength(1);
    expect(second.stderr).toMatch(new RegExp(`in use by another allora-sim \\(pid ${first.pid} on host ${hostname()}`));
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).status).toBe('ok');
    expect(existsSync(lock)).toBe(false);
  });

  it('the lock of a dead process is taken over', () => {
    const out = join(dir, 'stale-lock');
    mkdirSync(out);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(join(out, '.allora-sim.lock'), JSON.stringify({ pid: Number(dead), host: hostname(), started: 'then' }));
    const r = runCli(['run', FIG23, '-o', out, ...quick]);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('--tables', () => {
  it('writes the tables asked for and metrics.csv; none writes metrics.csv alone', () => {
    const a = join(dir, 'tables-a');
    expect(runCli(['run', FIG23, '-o', a, '--tables', 'losses,tasks', ...quick]).code).toBe(0);
    expect(readdirSync(a).filter((f) => f.endsWith('.csv')).sort()).toEqual(['losses.csv', 'metrics.csv', 'tasks.csv']);
    const b = join(dir, 'tables-b');
    expect(runCli(['run', FIG23, '-o', b, '--tables', 'none', ...quick]).code).toBe(0);
    expect(readdirSync(b).filter((f) => f.endsWith('.csv'))).toEqual(['metrics.csv']);
    expect(readFileSync(join(a, 'metrics.csv'), 'utf8')).toBe(readFileSync(join(b, 'metrics.csv'), 'utf8'));
  });
});

describe('a failed run can be reproduced from what the tool prints', () => {
  it('--run-seed S runs exactly the run of seed S', () => {
    const a = join(dir, 'seeds');
    expect(runCli(['run', FIG23, '-o', a, '--seeds', '2', ...quick]).code).toBe(0);
    const seeds: number[] = JSON.parse(readFileSync(join(a, 'manifest.json'), 'utf8')).seeds;
    const b = join(dir, 'one');
    const r = runCli(['run', FIG23, '-o', b, '--run-seed', String(seeds[1]), ...quick]);
    expect(r.code, r.stderr).toBe(0);
    const rows = (d: string) => readFileSync(join(d, 'losses.csv'), 'utf8').trim().split('\n').slice(1);
    expect(rows(b)).toEqual(rows(a).filter((l) => l.startsWith(`${seeds[1]},`)));
    expect(JSON.parse(readFileSync(join(b, 'manifest.json'), 'utf8')).seeds).toEqual([seeds[1]]);
  });
});

describe('write failures are one line with the path (full disk on a small tmpfs)', () => {
  const mnt = join(tmpdir(), `allora-tmpfs-${process.pid}`);
  let mounted = false;
  let reason = '';
  beforeAll(() => {
    mkdirSync(mnt, { recursive: true });
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt], { encoding: 'utf8' });
    mounted = m.status === 0;
    reason = mounted ? '' : `cannot mount a tmpfs here (${(m.stderr || m.error?.message || 'not permitted').trim()})`;
  });
  afterAll(() => {
    if (mounted) spawnSync('umount', [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });

  it('run (agents, tokenomics) and sweep on a full disk: one line naming the path, exit 1, no "ok" manifest', (ctx) => {
    if (!mounted) {
      console.warn(`skipped: ${reason}`);
      ctx.skip();
    }
    const cases: [string[], string][] = [
      [['run', FIG23, '--epochs', '4000', '--set', 'warmup=3', '--no-figures', '--quiet'], 'agents'],
      [['run', FIG4, '--quiet'], 'tokenomics'],
      [['sweep', FIG23, '--grid', 'p=2,3', '--epochs', '4000', '--set', 'warmup=3', '--quiet'], 'sweep'],
    ];
    for (const [args, name] of cases) {
      const out = join(mnt, name);
      // Fill the disk but for a few KiB.
      const filler = join(mnt, 'filler');
      rmSync(filler, { force: true });
      const r = runCli([...args, '-o', out], { timeout: 120_000 });
      expect(r.code, `${name}: ${r.stderr}`).toBe(1);
      expect(lines(r.stderr), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`${mnt}/${name}\\S*: cannot write.*ENOSPC`));
      const manifest = join(out, 'manifest.json');
      if (existsSync(manifest)) expect(JSON.parse(readFileSync(manifest, 'utf8')).status).not.toBe('ok');
      expect(existsSync(join(out, '.allora-sim.lock'))).toBe(false);
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('a read-only output place is one line, exit 2', (ctx) => {
    if (!mounted) {
      console.warn(`skipped: ${reason}`);
      ctx.skip();
    }
    const ro = join(mnt, 'ro');
    mkdirSync(ro, { recursive: true });
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=16k', 'tmpfs', ro], { encoding: 'utf8' });
    if (m.status !== 0) ctx.skip();
    try {
      const r = runCli(['run', FIG23, '-o', join(ro, 'out'), ...quick]);
      expect(r.code).toBe(2);
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr).toMatch(/ro\/out: cannot create the output directory \((EROFS|ENOENT)\)/);
    } finally {
      spawnSync('umount', [ro]);
    }
  });
});
