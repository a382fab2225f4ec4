// Replay with partial participation: a worker that skips an epoch and workers that join mid-file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readReplayTable } from '../../src/scenario/replay-csv.js';
import { replay } from '../../src/sim/replay.js';
import { profileParams } from '../../src/engine/params.js';
import { GOLDEN_SYNTHESIS } from '../helpers/golden.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'allora-partial-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const [header, ...lines] = readFileSync(GOLDEN_SYNTHESIS, 'utf8').trim().split('\n');
const cols = header.split(',');

/** The reference rows with the cells of `blank(column, row)` emptied. */
function variant(name: string, blank: (c: string, row: number) => boolean): string {
  const rows = lines.map((l, r) => l.split(',').map((v, i) => (blank(cols[i], r) ? '' : v)));
  const p = join(dir, name);
  writeFileSync(p, [header, ...rows.map((r) => r.join(','))].join('\n') + '\n');
  return p;
}

const out = (file: string) => {
  const res = replay(readReplayTable(file), { carry: 'computed', params: profileParams('reference') });
  return (row: number, c: string) => res.rows[row][res.columns.indexOf(c)];
};

describe('replay with partial participation', () => {
  it('an inferer that skips an epoch is left out of that epoch and keeps its regrets', () => {
    // inferer 4 submits nothing at 302
    const f = variant('skip.csv', (c, r) => r === 2 && (c === 'inference_4' || /^forecasted_loss_\d+_for_4$/.test(c)));
    const v = out(f);
    const full = out(GOLDEN_SYNTHESIS);
    expect(Number.isNaN(v(2, 'network_inference_oneout_4'))).toBe(true);
    expect(Number.isNaN(v(2, 'forecast_implied_inference_0_oneout_4'))).toBe(true);
    expect(v(2, 'network_inference')).not.toBe(full(2, 'network_inference'));
    for (const c of ['network_inference', 'network_naive_inference', 'forecast_implied_inference_1', 'network_inference_errorbar_2'])
      expect(Number.isFinite(v(2, c)), c).toBe(true);
    // Its regrets are updated from the losses of row 301's objects, which it took part in.
    expect(v(2, 'inference_regret_worker_4')).toBe(full(2, 'inference_regret_worker_4'));
  });

  it('forecasters that join mid-file read the topic initial regret and produce every quantity from then on', () => {
    // the three forecasters have no regrets in the carried row 300 (they are new at 301)
    const f = variant('new.csv', (c, r) => r === 0 && /^inference_regret_worker_[5-7](_|$)|^inference_regret_worker_\d+_oneout_[5-7]$|_onein_\d+$/.test(c));
    const v = out(f);
    for (let r = 1; r < 4; r++)
      for (const c of ['network_inference', 'network_inference_oneout_6', 'network_naive_inference_onein_2', 'inference_regret_worker_7', 'inference_regret_worker_5_onein_0'])
        expect(Number.isFinite(v(r, c)), `${c} @${r}`).toBe(true);
    // and the known workers are unaffected where they do not depend on the forecasters
    const full = out(GOLDEN_SYNTHESIS);
    expect(v(1, 'network_naive_inference')).toBe(full(1, 'network_naive_inference'));
    expect(v(1, 'network_inference')).not.toBe(full(1, 'network_inference'));
  });
});
