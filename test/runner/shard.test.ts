// Sharded sweeps without an engine: the fake job over GRID (6 points × 3 replicates = 18 runs) run as shards
// (1, 3 and 20 shards: the last has empty shards), one after another, concurrently into one directory and
// into separate directories; every merge must give the one-machine sweep's files byte for byte. Then the
// failure paths of merge and the shard's own bookkeeping (ownership, stamps, resuming, temporary files).
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../src/scenario/errors.js';
import { runMonteCarlo, SweepFailedError, type MonteCarloOptions } from '../../src/runner/run.js';
import { buildSweep } from '../../src/runner/grid.js';
import {
  MissingRunsError,
  ownsRun,
  parseShard,
  removeOwnTemps,
  shardHooks,
  shardOfRun,
  type ShardSpec,
  type ShardStamp,
} from '../../src/runner/shard.js';
import { mergeShards } from '../../src/commands/merge.js';
import { sweepManifestFields } from '../../src/commands/sweep.js';
import { JOB, csvFiles, opts, rejection, tempRoot } from '../helpers/runner-fixture.js';

const newDir = tempRoot('allora-shard-');
const R = 3;
const TOTAL = 6 * R;

const shardOpts = (out: string, spec: ShardSpec, extra: Partial<MonteCarloOptions> = {}): MonteCarloOptions =>
  opts(out, { shard: shardHooks(spec, TOTAL, R, {}), threads: 1, ...extra });
const runShard = (out: string, index: number, count: number, extra: Partial<MonteCarloOptions> = {}) =>
  runMonteCarlo(shardOpts(out, { index, count }, extra));
// The sweep pictures of a merge are compared with the one-machine sweep's in test/cli/merge.test.ts.
const merge = (dirs: string[], out?: string) => mergeShards({ dirs, out, runJobModule: JOB, handleSignals: false, figures: false });

/** The manifest without the fields that may differ (timing, threads, resumed count, the shards). */
function manifestCore(dir: string): unknown {
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown> & { counts: Record<string, unknown> };
  for (const k of ['started', 'finished', 'threads', 'shards']) delete m[k];
  delete m.counts.resumed;
  return m;
}

const parts = (dir: string) => readdirSync(join(dir, '.runs')).filter((n) => n.endsWith('.ndjson')).sort();

let reference: { csv: Record<string, string>; manifest: unknown } | undefined;
async function ref(): Promise<{ csv: Record<string, string>; manifest: unknown }> {
  if (!reference) {
    const dir = newDir('reference');
    // A one-machine sweep: the manifest fields and the swept-parameter columns the sweep command adds, which
    // merge repeats from the checkpoint.
    const o = opts(dir);
    await runMonteCarlo({ ...o, axisColumns: true, finish: async () => sweepManifestFields('agents', o.scenario, o.sweep!) });
    reference = { csv: csvFiles(dir), manifest: manifestCore(dir) };
  }
  return reference;
}

async function expectSameAsReference(dir: string): Promise<void> {
  const r = await ref();
  const csv = csvFiles(dir);
  expect(Object.keys(csv)).toEqual(Object.keys(r.csv));
  expect(Object.keys(csv).length).toBeGreaterThanOrEqual(3);
  for (const f of Object.keys(r.csv)) expect(Buffer.compare(Buffer.from(csv[f]), Buffer.from(r.csv[f])), f).toBe(0);
  expect(manifestCore(dir)).toEqual(r.manifest);
}

describe('--shard i/n', () => {
  it('parses i/n (1-based) and refuses 0/3, 4/3, a/b and 0 shards with one line (InputError)', () => {
    expect(parseShard('2/4', {})).toEqual({ index: 2, count: 4 });
    expect(parseShard('1/1', {})).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/3', '4/3', 'a/b', '1/0', '2', '/3', '1/3/4', '-1/3', '1.5/3']) {
      const e = (() => {
        try {
          parseShard(bad, {});
        } catch (err) {
          return err as Error;
        }
        throw new Error(`accepted ${bad}`);
      })();
      expect(e, bad).toBeInstanceOf(InputError);
      expect(e.message, bad).toContain(`--shard ${bad}`);
      expect(e.message).not.toContain('\n');
    }
  });

  it('auto/n reads the 0-based array index from Slurm, AWS Batch or Kubernetes, in that order', () => {
    expect(parseShard('auto/4', { SLURM_ARRAY_TASK_ID: '0' })).toEqual({ index: 1, count: 4, from: 'SLURM_ARRAY_TASK_ID' });
    expect(parseShard('auto/4', { AWS_BATCH_JOB_ARRAY_INDEX: '3' })).toEqual({ index: 4, count: 4, from: 'AWS_BATCH_JOB_ARRAY_INDEX' });
    expect(parseShard('auto/4', { JOB_COMPLETION_INDEX: '2' })).toEqual({ index: 3, count: 4, from: 'JOB_COMPLETION_INDEX' });
    expect(parseShard('auto/4', { SLURM_ARRAY_TASK_ID: '1', JOB_COMPLETION_INDEX: '2' }).index).toBe(2);
    expect(() => parseShard('auto/4', { SLURM_ARRAY_TASK_ID: '4' })).toThrow(/SLURM_ARRAY_TASK_ID=4 must be an integer 0…3/);
    expect(() => parseShard('auto/4', { JOB_COMPLETION_INDEX: 'x' })).toThrow(InputError);
    expect(() => parseShard('auto/4', {})).toThrow(/none of SLURM_ARRAY_TASK_ID, AWS_BATCH_JOB_ARRAY_INDEX, JOB_COMPLETION_INDEX is set/);
  });

  it('owns the runs round-robin: every run belongs to exactly one shard', () => {
    for (const n of [1, 3, 7, 20]) {
      for (let id = 0; id < TOTAL; id++) {
        const owners = Array.from({ length: n }, (_, i) => i + 1).filter((i) => ownsRun({ index: i, count: n }, id));
        expect(owners).toEqual([shardOfRun(id, n)]);
      }
    }
    expect([0, 1, 2, 3, 4].map((id) => shardOfRun(id, 3))).toEqual([1, 2, 3, 1, 2]);
  });
});

describe('sharded sweeps merge byte-identical to one machine', () => {
  for (const n of [1, 3, 20]) {
    it(`${n} shard(s), one after another, into one directory`, async () => {
      const dir = newDir(`seq${n}`);
      for (let i = 1; i <= n; i++) {
        const s = await runShard(dir, i, n);
        expect(s.outputs).toEqual([join('.runs', `shard-${i}-of-${n}.json`)]);
        expect(s.ran).toBe(Math.max(0, Math.ceil((TOTAL - (i - 1)) / n)));
        // a shard never assembles
        expect(existsSync(join(dir, 'manifest.json'))).toBe(false);
      }
      expect(parts(dir)).toHaveLength(TOTAL);
      const m = await merge([dir]);
      expect(m.shards).toBe(n);
      await expectSameAsReference(dir);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      expect(manifest.shards.count).toBe(n);
      expect(manifest.shards.stamps.map((s: ShardStamp) => s.index)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      // merge keeps the parts
      expect(parts(dir)).toHaveLength(TOTAL);
    });
  }

  it('3 shards concurrently into one directory', async () => {
    const dir = newDir('concurrent');
    await Promise.all([1, 2, 3].map((i) => runShard(dir, i, 3, { threads: 2 })));
    await merge([dir]);
    await expectSameAsReference(dir);
  });

  it('20 shards (two of them empty) into separate directories, merged with -o', async () => {
    const root = newDir('separate');
    const dirs = Array.from({ length: 20 }, (_, i) => join(root, `shard-${i + 1}`));
    await Promise.all(dirs.map((d, i) => runShard(d, i + 1, 20)));
    expect(parts(dirs[18])).toEqual([]);
    const stamp = JSON.parse(readFileSync(join(dirs[19], '.runs', 'shard-20-of-20.json'), 'utf8')) as ShardStamp;
    expect(stamp).toMatchObject({ status: 'ok', index: 20, count: 20, counts: { owned: 0, ran: 0, total: TOTAL } });
    const out = join(root, 'merged');
    const m = await merge(dirs, out);
    expect(m.stamps).toBe(20);
    await expectSameAsReference(out);
    // the inputs are unchanged: each still holds only its own parts
    expect(parts(dirs[0])).toEqual(['p0-r0.ndjson']);
  });

  it('an interrupted one-machine sweep can be finished by shards and merged', async () => {
    const dir = newDir('mixed');
    const abort = new AbortController();
    abort.abort();
    expect((await rejection(runMonteCarlo(opts(dir, { signal: abort.signal })))).name).toBe('SweepInterruptedError');
    expect(JSON.parse(readFileSync(join(dir, '.runs', 'sweep.json'), 'utf8')).node).toBeUndefined();
    await runShard(dir, 2, 3);
    await runShard(dir, 1, 3);
    await runShard(dir, 3, 3);
    await merge([dir]);
    await expectSameAsReference(dir);
  });
});

describe('a shard', () => {
  it('resumes: a lost part is run again, its own leftover temporary files go, other shards\' stay', async () => {
    const dir = newDir('resume');
    await runShard(dir, 1, 3);
    const runs = join(dir, '.runs');
    rmSync(join(runs, 'p1-r0.ndjson')); // id 3: shard 1's
    writeFileSync(join(runs, '.p1-r0.ndjson.999-1.tmp'), 'half'); // shard 1's leftover
    writeFileSync(join(runs, '.p0-r1.ndjson.999-1.tmp'), 'busy'); // id 1: shard 2 may be writing it
    writeFileSync(join(runs, '.p0-r1.0.999-1.spill'), 'busy');
    const s = await runShard(dir, 1, 3);
    expect(s.ran).toBe(1);
    expect(s.skipped).toBe(5);
    const left = readdirSync(runs);
    expect(left).not.toContain('.p1-r0.ndjson.999-1.tmp');
    expect(left).toContain('.p0-r1.ndjson.999-1.tmp');
    expect(left).toContain('.p0-r1.0.999-1.spill');
    const stamp = JSON.parse(readFileSync(join(runs, 'shard-1-of-3.json'), 'utf8')) as ShardStamp;
    expect(stamp).toMatchObject({ attempt: 2, status: 'ok', counts: { owned: 6, resumed: 5, ran: 1, failed: 0 } });
    expect(stamp.node).toBe(process.versions.node);
    expect(typeof stamp.host).toBe('string');
    expect(stamp.threads).toBe(1);
  });

  it('removeOwnTemps removes nothing of other shards', () => {
    const dir = newDir('temps');
    mkdirSync(dir, { recursive: true });
    const names = ['.p0-r0.ndjson.1-0.tmp', '.p0-r1.ndjson.1-0.tmp', '.p0-r2.3.1-0.spill', '.sweep.json.h-1-ab.tmp', 'p0-r0.ndjson'];
    for (const n of names) writeFileSync(join(dir, n), '');
    removeOwnTemps(dir, R, (id) => ownsRun({ index: 1, count: 2 }, id)); // ids 0 and 2
    expect(readdirSync(dir).sort()).toEqual(['.p0-r1.ndjson.1-0.tmp', '.sweep.json.h-1-ab.tmp', 'p0-r0.ndjson']);
  });

  it('with a failing run: exit 1 (SweepFailedError), a failed stamp, the other runs kept, no outputs', async () => {
    const dir = newDir('fail');
    const scenario = { fixture: { n: 6, throwOn: [{ point: 0, replicate: 0 }] } };
    const e = await rejection(runShard(dir, 1, 3, { scenario }));
    expect(e).toBeInstanceOf(SweepFailedError);
    expect(e.message).toMatch(/^shard 1\/3: 1 of its 6 runs failed/);
    const stamp = JSON.parse(readFileSync(join(dir, '.runs', 'shard-1-of-3.json'), 'utf8')) as ShardStamp;
    expect(stamp.status).toBe('failed');
    expect(stamp.failures?.[0]).toMatchObject({ point: 0, replicate: 0 });
    expect(parts(dir)).toHaveLength(5);
    expect(existsSync(join(dir, 'manifest.json'))).toBe(false);
  });

  it('refuses to join a directory whose checkpoint holds another sweep (exit 2), and wipes nothing', async () => {
    const dir = newDir('other');
    await runShard(dir, 1, 3);
    const e = await rejection(runShard(dir, 2, 3, { seed: 43 }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toMatch(/seed: 42 in the checkpoint, 43 now/);
    expect(parts(dir)).toHaveLength(6);
  });

  it('refuses a checkpoint written by another allora-sim or Node version', async () => {
    const dir = newDir('versions');
    await runShard(dir, 1, 3);
    const cp = join(dir, '.runs', 'sweep.json');
    const saved = JSON.parse(readFileSync(cp, 'utf8'));
    writeFileSync(cp, JSON.stringify({ ...saved, node: '0.0.1' }));
    expect((await rejection(runShard(dir, 2, 3))).message).toMatch(/written under Node 0\.0\.1/);
    writeFileSync(cp, JSON.stringify({ ...saved, version: '0.0.0-other' }));
    expect((await rejection(runShard(dir, 2, 3))).message).toMatch(/written by allora-sim 0\.0\.0-other/);
  });

  it('ignores the scenario\'s file path (checkouts differ across machines)', async () => {
    const dir = newDir('source');
    await runShard(dir, 1, 2, { scenario: { source: '/a/x.yaml', fixture: { n: 6 } } });
    const s = await runShard(dir, 2, 2, { scenario: { source: '/b/x.yaml', fixture: { n: 6 } } });
    expect(s.ran).toBe(9);
  });
});

describe('merge refuses', () => {
  it('missing runs: exit 1 (MissingRunsError) naming the shards to resubmit; never simulates; no manifest', async () => {
    const dir = newDir('missing');
    for (let i = 1; i <= 4; i++) await runShard(dir, i, 4);
    rmSync(join(dir, '.runs', 'p1-r2.ndjson')); // id 5 → shard 2
    rmSync(join(dir, '.runs', 'p2-r1.ndjson')); // id 7 → shard 4
    const e = await rejection(merge([dir]));
    expect(e).toBeInstanceOf(MissingRunsError);
    expect((e as MissingRunsError).exitCode).toBe(1);
    expect((e as MissingRunsError).shards).toEqual([2, 4]);
    expect(e.message).toContain('2 of 18 runs have no part file: (point 1, replicate 2), (point 2, replicate 1)');
    expect(e.message).toContain('resubmit shards 2, 4 of 4 (--shard 2/4, --shard 4/4; array indexes 1,3 with --shard auto/4)');
    expect(parts(dir)).toHaveLength(16);
    expect(existsSync(join(dir, 'manifest.json'))).toBe(false);
    // resubmit those two, merge again
    await runShard(dir, 2, 4);
    await runShard(dir, 4, 4);
    await merge([dir]);
    await expectSameAsReference(dir);
  });

  it('shards with different definitions (exit 2)', async () => {
    const root = newDir('defs');
    const a = join(root, 'a');
    const b = join(root, 'b');
    await runShard(a, 1, 2);
    await runShard(b, 2, 2, { sweep: buildSweep({ grid: ['fixture.mu=0,10', 'fixture.sigma=1:2:1'] }) });
    const e = await rejection(merge([a, b], join(root, 'out')));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toMatch(/its sweep differs from .*: grid fixture.sigma values: \[1,1\.5,2\] in the checkpoint, \[1,2\] now/);
  });

  it('mixed tool or Node versions in the stamps (exit 2)', async () => {
    const root = newDir('mixed-versions');
    const a = join(root, 'a');
    const b = join(root, 'b');
    await runShard(a, 1, 2);
    await runShard(b, 2, 2);
    const stamp = join(b, '.runs', 'shard-2-of-2.json');
    const s = JSON.parse(readFileSync(stamp, 'utf8'));
    writeFileSync(stamp, JSON.stringify({ ...s, node: '18.0.0' }));
    const e = await rejection(merge([a, b], join(root, 'out')));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toMatch(/different Node versions: Node .* \(.*\), Node 18\.0\.0 \(shard 2\/2\)/);
    writeFileSync(stamp, JSON.stringify({ ...s, version: '9.9.9' }));
    expect((await rejection(merge([a, b], join(root, 'out')))).message).toMatch(/different allora-sim versions: .*9\.9\.9 \(shard 2\/2\)/);
    expect(existsSync(join(root, 'out', 'manifest.json'))).toBe(false);
  });

  it('two different part files for one run, a directory without a checkpoint, several directories without -o (exit 2)', async () => {
    const root = newDir('bad');
    const a = join(root, 'a');
    const b = join(root, 'b');
    await runShard(a, 1, 1);
    await runShard(b, 1, 1);
    const p = join(b, '.runs', 'p0-r0.ndjson');
    const bytes = readFileSync(p);
    bytes[bytes.length - 2] ^= 1;
    writeFileSync(p, bytes);
    expect((await rejection(merge([a, b], join(root, 'out')))).message).toMatch(/differs from .*p0-r0\.ndjson \(two different results for one run\)/);
    const empty = join(root, 'empty');
    mkdirSync(empty);
    expect((await rejection(merge([empty]))).message).toMatch(/no \.runs\/sweep\.json/);
    expect((await rejection(merge([a, b]))).message).toMatch(/^-o: required when merging 2 directories/);
    expect((await rejection(merge([join(root, 'nope')]))).message).toMatch(/no such directory/);
  });
});
