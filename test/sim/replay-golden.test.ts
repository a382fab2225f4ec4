import { describe, expect, it } from 'vitest';
import { readReplayTable } from '../../src/scenario/replay-csv.js';
import { replay, type CarryMode } from '../../src/sim/replay.js';
import { profileParams } from '../../src/engine/params.js';
import { GOLDEN_SYNTHESIS, loadGoldenCsv, relErr } from '../helpers/golden.js';

const golden = loadGoldenCsv(GOLDEN_SYNTHESIS);

/** Column family: the name with every index replaced by N. */
const family = (c: string): string => c.replace(/\d+/g, 'N');

function maxErrByFamily(carry: CarryMode): Map<string, { err: number; col: string; epoch: number }> {
  const t = readReplayTable(GOLDEN_SYNTHESIS);
  const out = replay(t, { carry, params: profileParams('reference') });
  const fam = new Map<string, { err: number; col: string; epoch: number }>();
  for (let r = 1; r < out.rows.length; r++) {
    out.columns.forEach((c, i) => {
      const want = golden.rows[r][c];
      const got = out.rows[r][i];
      const e = Number.isNaN(want) && Number.isNaN(got) ? 0 : relErr(got, want);
      const f = family(c);
      const prev = fam.get(f);
      if (!prev || e > prev.err || Number.isNaN(e)) fam.set(f, { err: Number.isNaN(e) ? Infinity : e, col: c, epoch: golden.rows[r].epoch });
    });
  }
  return fam;
}

describe.each(['computed', 'input'] as const)('replay of the reference rows 301–303, carry %s', (carry) => {
  const fam = maxErrByFamily(carry);
  it('reproduces every synthesis column family at ≤ 1e-9 relative', () => {
    const report = [...fam].map(([f, v]) => `${f}: ${v.err.toExponential(2)} (${v.col} @${v.epoch})`);
    console.log(`carry ${carry}\n  ` + report.join('\n  '));
    for (const [f, v] of fam) expect(v.err, `${f} (${v.col} at epoch ${v.epoch})`).toBeLessThanOrEqual(1e-9);
  });
  it('covers every synthesis family of the format', () => {
    for (const f of [
      'forecast_implied_inference_N',
      'forecast_implied_inference_N_oneout_N',
      'network_inference',
      'network_inference_errorbar_N',
      'network_naive_inference',
      'network_inference_oneout_N',
      'network_naive_inference_onein_N',
      'network_loss',
      'inference_loss_N',
      'forecast_implied_inference_loss_N',
      'forecast_implied_inference_loss_N_oneout_N',
      'network_naive_loss',
      'network_loss_oneout_N',
      'network_naive_loss_onein_N',
      'forecasted_regret_N_inferer_N',
      'inference_regret_worker_N',
      'naive_inference_regret_worker_N',
      'inference_regret_worker_N_oneout_N',
      'inference_regret_worker_N_onein_N',
    ])
      expect(fam.has(f), f).toBe(true);
  });
});
