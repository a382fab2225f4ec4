// A recorded run, replayed, reproduces the run's synthesis and reward quantities.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultScenario, loadScenario } from '../../src/scenario/load.js';
import { projectRoot } from '../../src/scenario/paths.js';
import { readReplayTable } from '../../src/scenario/replay-csv.js';
import { recordReplay } from '../../src/sim/record-replay.js';
import { replay } from '../../src/sim/replay.js';
import type { Scenario } from '../../src/scenario/schema.js';

const text = (x: number): string => (Number.isNaN(x) ? '' : String(x));

function roundTrip(s: Scenario, seed: number, carry: 'computed' | 'input') {
  const rec = recordReplay(s, seed);
  const file = join(mkdtempSync(join(tmpdir(), 'allora-record-')), 'run.csv');
  writeFileSync(file, [rec.columns.join(','), ...rec.rows.map((r) => Array.from(r, text).join(','))].join('\n') + '\n');
  const out = replay(readReplayTable(file), { carry, params: s.mechanism });
  return { rec, out };
}

/** Largest relative difference of every derived column the replay writes, against the recording. */
function worst(rec: ReturnType<typeof recordReplay>, out: ReturnType<typeof replay>) {
  const at = new Map(rec.columns.map((c, i) => [c, i]));
  let max = 0;
  let where = '';
  let compared = 0;
  out.rows.forEach((row, r) =>
    out.columns.forEach((c, i) => {
      const a = row[i];
      const b = rec.rows[r][at.get(c)!];
      if (Number.isNaN(a) && Number.isNaN(b)) return;
      compared++;
      const d = a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
      if (!(d <= max)) {
        max = d;
        where = `${c} @ epoch ${row[out.columns.indexOf('epoch')]}`;
      }
    }),
  );
  return { max, where, compared };
}

describe('run → replay format → replay', () => {
  it('the figure scenario (80 epochs): every synthesis and reward column reproduces, both carry modes', () => {
    const s = loadScenario(join(projectRoot(), 'scenarios/figure2-3.yaml'), { set: ['epochs=80', 'warmup=10'] });
    for (const carry of ['computed', 'input'] as const) {
      const { rec, out } = roundTrip(s, 7, carry);
      expect(rec.firstEpoch).toBeGreaterThan(1);
      expect(out.rows.length).toBe(80 - rec.firstEpoch + 1);
      const w = worst(rec, out);
      expect(w.compared).toBeGreaterThan(out.rows.length * 300);
      expect(w.max, `${carry}: ${w.where}`).toBeLessThanOrEqual(1e-12);
    }
  });

  it('a larger topic under the whitepaper profile reproduces too', () => {
    const s = defaultScenario({ set: ['epochs=40', 'N_i=5', 'N_f=4', 'N_r=6'], profile: 'whitepaper' });
    const { rec, out } = roundTrip(s, 3, 'computed');
    const w = worst(rec, out);
    expect(w.max, w.where).toBeLessThanOrEqual(1e-12);
  });
});

describe('run --record-replay', () => {
  it('writes replay.csv, and the replay CLI reproduces it byte for byte', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const dir = mkdtempSync(join(tmpdir(), 'allora-record-cli-'));
    const out = join(dir, 'run');
    const r = runCli(['run', join(projectRoot(), 'scenarios/figure2-3.yaml'), '--epochs', '60', '--set', 'warmup=5', '--record-replay', '--no-figures', '--quiet', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const back = runCli(['replay', join(out, 'replay.csv'), '-o', join(dir, 'again.csv')]);
    expect(back.code, back.stderr).toBe(0);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(join(dir, 'again.csv'), 'utf8')).toBe(readFileSync(join(out, 'replay.csv'), 'utf8'));
  });
});
