// The seed rules of a sweep (src/runner/seeds.ts): `common` gives replicate r the same seed at every point —
// the seed of replicate r of `run --seeds N` — and `independent` seeds from the point's values. The rule is in
// the checkpoint and the manifest; a resume with the other rule is refused with one line. Also the
// swept-parameter columns a sweep puts after `point,replicate` in every table (byte-copy path).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/scenario/errors.js';
import { runMonteCarlo } from '../../src/runner/run.js';
import { deriveSeed, runSeedOf } from '../../src/runner/seeds.js';
import { diffDefinitions, type SweepDefinition } from '../../src/runner/definition.js';
import { axisInserter } from '../../src/runner/assemble.js';
import { shardHooks } from '../../src/runner/shard.js';
import { mergeShards } from '../../src/commands/merge.js';
import { sweepManifestFields } from '../../src/commands/sweep.js';
import { JOB, csvFiles, opts, rejection, tempRoot } from '../helpers/runner-fixture.js';

const newDir = tempRoot('allora-seedrule-');
const rows = (text: string) => parse(text, { columns: false, relax_column_count: false }) as string[][];

describe('seed rules', () => {
  it('common: the seed of replicate r is deriveSeed(base, {}, r) whatever the values; independent: from the values', () => {
    const v = { 'mechanism.p': 2, 'mechanism.alpha': 0.05 };
    for (const r of [0, 1, 7]) {
      expect(runSeedOf('common', 1, v, r)).toBe(deriveSeed(1, {}, r));
      expect(runSeedOf('independent', 1, v, r)).toBe(deriveSeed(1, v, r));
    }
    expect(runSeedOf('common', 1, v, 0)).not.toBe(runSeedOf('independent', 1, v, 0));
  });

  it('a common-rule sweep runs every point with the seeds of the single point (run --seeds N); recorded in the manifest', async () => {
    const d = newDir('common');
    await runMonteCarlo(opts(d, { seedRule: 'common' }));
    const m = rows(readFileSync(join(d, 'metrics.csv'), 'utf8'));
    expect(m[0].slice(0, 3)).toEqual(['point', 'replicate', 'seed']);
    expect(m).toHaveLength(1 + 18);
    for (const row of m.slice(1)) expect(Number(row[2])).toBe(deriveSeed(42, {}, Number(row[1])));
    // The single point of `run --seeds 3` (no grid): the same seeds.
    const single = newDir('single');
    await runMonteCarlo(opts(single, { sweep: undefined, indexColumns: false }));
    const s = rows(readFileSync(join(single, 'metrics.csv'), 'utf8'));
    expect(s.slice(1).map((r) => r[1])).toEqual(m.slice(1, 4).map((r) => r[2]));
    const manifest = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8'));
    expect(manifest.sweep.seedRule).toBe('common');
    expect(manifest.seedRule).toMatch(/common random numbers/);
    expect(manifest.runs[5].seed).toBe(deriveSeed(42, {}, 2));
  });

  it('a resume with the other rule is refused with one line naming both rules', async () => {
    const d = newDir('resume');
    await runMonteCarlo(opts(d, { seedRule: 'common', keepParts: true }));
    const e = await rejection(runMonteCarlo(opts(d, { seedRule: 'independent', resume: true })));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message.split('\n')).toHaveLength(1);
    expect(e.message).toMatch(/cannot resume.*seed rule: common in the checkpoint, independent \(--independent\) now/);
    // The same rule resumes (already complete: nothing to do).
    const ok = await runMonteCarlo(opts(d, { seedRule: 'common', resume: true }));
    expect(ok.ran).toBe(0);
  });

  it('a checkpoint without a rule (written before rules were recorded) is the independent rule', () => {
    const def: SweepDefinition = { seed: 1, mode: 'grid', axes: [{ name: 'p', key: 'mechanism.p', values: [2, 3] }], points: 2, replicates: 2, scenario: {} };
    expect(diffDefinitions(def, { ...def, seedRule: 'independent' })).toEqual([]);
    expect(diffDefinitions(def, { ...def, seedRule: 'common' })).toEqual(['seed rule: independent (--independent) in the checkpoint, common now']);
    // A reference point is not part of the identity.
    expect(diffDefinitions({ ...def, seedRule: 'common', reference: { 'mechanism.p': 2 } }, { ...def, seedRule: 'common' })).toEqual([]);
    // Without a grid both rules give the same seeds.
    const single: SweepDefinition = { ...def, mode: 'single', axes: [], points: 1 };
    expect(diffDefinitions(single, { ...single, seedRule: 'common' })).toEqual([]);
  });
});

describe('shards of a common-rule sweep', () => {
  it('merge gives the one-machine files (seeds, paired differences to the recorded reference) byte for byte', async () => {
    const reference = { 'fixture.mu': 10, 'fixture.sigma': 1.5 };
    const one = newDir('one');
    const o = opts(one, { seedRule: 'common', axisColumns: true, summarize: { reference } });
    await runMonteCarlo({ ...o, finish: async () => sweepManifestFields('agents', o.scenario, o.sweep!, 'common') });
    const shared = newDir('shards');
    for (const index of [1, 2, 3]) {
      await runMonteCarlo(opts(shared, { seedRule: 'common', summarize: { reference }, threads: 1, shard: shardHooks({ index, count: 3 }, 18, 3, {}) }));
    }
    // A shard with the other rule does not join.
    const e = await rejection(runMonteCarlo(opts(shared, { seedRule: 'independent', threads: 1, shard: shardHooks({ index: 1, count: 3 }, 18, 3, {}) })));
    expect(e.message).toMatch(/seed rule: common in the checkpoint, independent \(--independent\) now/);
    await mergeShards({ dirs: [shared], runJobModule: JOB, handleSignals: false });
    const a = csvFiles(one);
    const b = csvFiles(shared);
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const f of Object.keys(a)) expect(b[f], f).toBe(a[f]);
    const summary = rows(a['summary.csv']);
    const col = summary[0].indexOf('mean_loss_diff_mean');
    expect(col).toBeGreaterThan(0);
    expect(summary[1 + 4][col]).toBe('0'); // point 4 = (10, 1.5), the reference
    const manifest = JSON.parse(readFileSync(join(shared, 'manifest.json'), 'utf8'));
    expect(manifest.seed_rule).toBe('common');
  });
});

describe('swept-parameter columns in the tables of a sweep', () => {
  it('put after point,replicate in every row, the rest of each row byte for byte (quoted commas, quotes, newlines)', async () => {
    const scenario = { fixture: { n: 6, newlineLabel: true } };
    const plain = newDir('plain');
    const withAxes = newDir('axes');
    await runMonteCarlo(opts(plain, { scenario }));
    await runMonteCarlo(opts(withAxes, { scenario, axisColumns: true }));
    const a = csvFiles(plain);
    const b = csvFiles(withAxes);
    for (const table of ['losses.csv', 'weights.csv']) {
      const ra = rows(a[table]);
      const rb = rows(b[table]);
      expect(rb[0]).toEqual([...ra[0].slice(0, 2), 'fixture.mu', 'fixture.sigma', ...ra[0].slice(2)]);
      expect(rb).toHaveLength(ra.length);
      const values = [
        ['0', '1'], ['0', '1.5'], ['0', '2'], ['10', '1'], ['10', '1.5'], ['10', '2'],
      ];
      for (let i = 1; i < ra.length; i++) {
        expect(rb[i]).toEqual([...ra[i].slice(0, 2), ...values[Number(ra[i][0])], ...ra[i].slice(2)]);
      }
    }
    expect(rows(b['losses.csv'])[2][6]).toBe('a,"quoted"\nlabel');
    // summary.csv and metrics.csv are the same with and without.
    expect(b['summary.csv']).toBe(a['summary.csv']);
    expect(b['metrics.csv']).toBe(a['metrics.csv']);
  });

  it('axisInserter: after the index cells of every row, never inside a quoted field, for any chunking', () => {
    const text = '0,1,1,0.5,"a,""q""\nb",x\n0,1,2,,"",y\n0,1,3,7,"""",z\n';
    const expected = '0,1,3,0.1,1,0.5,"a,""q""\nb",x\n0,1,3,0.1,2,,"",y\n0,1,3,0.1,3,7,"""",z\n';
    for (const chunk of [1, 2, 3, 5, 7, 64]) {
      for (const outSize of [1, 4, 1024]) {
        const got: Buffer[] = [];
        const x = axisInserter(4, Buffer.from('3,0.1,'), (buf, n) => got.push(Buffer.from(buf.subarray(0, n))), outSize);
        const src = Buffer.from(text);
        for (let i = 0; i < src.length; i += chunk) {
          const c = Buffer.from(src.subarray(i, i + chunk));
          x.push(c, c.length);
        }
        x.end();
        expect(Buffer.concat(got).toString(), `chunk ${chunk}, buffer ${outSize}`).toBe(expected);
      }
    }
  });
});
