// The reference rows 300–303 through `replay`: every column family at ≤ 1e-9 relative, at the epochs the rows
// allow (docs/rewards.md §6: the σ window, ũ and ṽ need earlier epochs than the file holds).
import { describe, expect, it } from 'vitest';
import { readReplayTable } from '../../src/scenario/replay-csv.js';
import { replay, type CarryMode } from '../../src/sim/replay.js';
import { profileParams } from '../../src/engine/params.js';
import { GOLDEN_SYNTHESIS, loadGoldenCsv, relErr } from '../helpers/golden.js';

const golden = loadGoldenCsv(GOLDEN_SYNTHESIS);

/** Column family: the name with every index replaced by N. */
const family = (c: string): string => c.replace(/\d+/g, 'N');

const SYNTHESIS_FAMILIES = [
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
];
/** Reward families reproducible from 301 on, in both carry modes (the listening, reputer, inferer, τ/χ chains). */
const REWARD_CHAINS = [
  'inferer_score_N',
  'forecaster_score_N',
  'forecaster_task_score',
  'inferer_reward_fraction_N',
  'inferer_reward_fraction_smooth_N',
  'inferers_entropy',
  'forecaster_score_ratio',
  'forecasters_utility',
  'reputer_listening_coefficient_N',
  'reputer_adjusted_stake_N',
  'reputer_score_N',
  'reputer_reward_fraction_N',
  'reputer_reward_fraction_smooth_N',
  'reputers_entropy',
];
/** Reproducible at 303 only: the forecaster σ window needs 10 samples (3⅓ epochs). */
const FORECASTER_FRACTIONS = ['forecaster_reward_fraction_N'];
/** Need ṽ of 302, so only with `--carry input`, at 303. */
const NEEDS_INPUT_CARRY = [
  'forecaster_reward_fraction_smooth_N',
  'forecasters_entropy',
  'inferers_reward_fraction',
  'forecasters_reward_fraction',
  'reputers_reward_fraction',
  'inferer_reward_N',
  'forecaster_reward_N',
  'reputer_reward_N',
];

function checked(carry: CarryMode): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const f of [...SYNTHESIS_FAMILIES, ...REWARD_CHAINS]) m.set(f, [301, 302, 303]);
  for (const f of FORECASTER_FRACTIONS) m.set(f, [303]);
  if (carry === 'input') for (const f of NEEDS_INPUT_CARRY) m.set(f, [303]);
  return m;
}

describe.each(['computed', 'input'] as const)('replay of the reference rows, carry %s', (carry) => {
  const t = readReplayTable(GOLDEN_SYNTHESIS);
  const out = replay(t, { carry, params: profileParams('reference') });
  const want = checked(carry);
  const worst = new Map<string, { err: number; where: string }>();
  for (let r = 1; r < out.rows.length; r++) {
    const epoch = golden.rows[r].epoch;
    out.columns.forEach((c, i) => {
      const f = family(c);
      if (!want.get(f)?.includes(epoch)) return;
      const g = golden.rows[r][c];
      const v = out.rows[r][i];
      const e = Number.isNaN(g) && Number.isNaN(v) ? 0 : Number.isNaN(v) ? Infinity : relErr(v, g);
      if (!worst.has(f) || e > worst.get(f)!.err) worst.set(f, { err: e, where: `${c} @${epoch}` });
    });
  }

  it('reproduces every family the rows allow at ≤ 1e-9 relative', () => {
    console.log(
      `carry ${carry}: max relative error per family\n  ` +
        [...worst].map(([f, v]) => `${f}: ${v.err.toExponential(2)} (${v.where})`).join('\n  '),
    );
    for (const [f, v] of worst) expect(v.err, `${f}: ${v.where}`).toBeLessThanOrEqual(1e-9);
  });
  it('checks every family it should', () => {
    expect([...worst.keys()].sort()).toEqual([...want.keys()].sort());
  });
  it('writes the reward columns in the reference order', () => {
    const goldenOrder = golden.columns.filter((c) => out.columns.includes(c));
    expect(out.columns).toEqual(goldenOrder);
    expect(out.columns.length).toBe(golden.columns.length);
  });
});
