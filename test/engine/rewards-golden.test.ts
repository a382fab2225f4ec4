// The reference rows (epochs 300–303) reproduced by the reward engine, stepwise (docs/rewards.md §6): the state of row t
// is carried from golden row t−1, the σ score history is computed from the rows' own losses. Tolerance 1e-9 relative.
import { describe, expect, test } from 'vitest';
import { PROFILES } from '../../src/engine/params.js';
import {
  classRewards,
  computeEpochRewards,
  individualRewards,
  modifiedEntropy,
  normalizationFactor,
  normalizedFractions,
  reputerRewardFractions,
  smoothedFractions,
  stakeGrowth,
  type EpochRewardOutputs,
} from '../../src/engine/rewards.js';
import { networkLossColumnNames, rewardInputFromRow, rewardOutputColumns, rewardStateFromRow, rowScoreSamples } from '../../src/sim/replay-rewards.js';
import { stakeWeightedLosses } from '../../src/engine/synthesis.js';
import { GOLDEN_SYNTHESIS, loadGoldenCsv, relErr, type GoldenRow } from '../helpers/golden.js';

const NI = 5;
const NF = 3;
const NR = 5;
const TOL = 1e-9;
const REF = PROFILES.reference;
const { rows } = loadGoldenCsv(GOLDEN_SYNTHESIS);

/** Reward column families and the first epoch (row index) from which each is reproducible (docs/rewards.md §6). */
const FAMILIES: { name: string; from: number; match: (c: string) => boolean }[] = [
  { name: 'worker scores, 𝒯', from: 0, match: (c) => /^(inferer_score_|forecaster_score_\d)/.test(c) || c === 'forecaster_task_score' },
  {
    name: 'inferer u, ũ, F; τ, χ',
    from: 1,
    match: (c) =>
      /^inferer_reward_fraction_(smooth_)?\d+$/.test(c) || ['inferers_entropy', 'forecaster_score_ratio', 'forecasters_utility'].includes(c),
  },
  {
    name: 'listening a, Ŝ, T_m, w, w̃, H',
    from: 1,
    match: (c) =>
      /^reputer_(listening_coefficient|adjusted_stake|score|reward_fraction|reward_fraction_smooth)_\d+$/.test(c) || c === 'reputers_entropy',
  },
  {
    name: 'forecaster v, ṽ, G',
    from: 3,
    match: (c) => /^forecaster_reward_fraction_(smooth_)?\d+$/.test(c) || c === 'forecasters_entropy',
  },
  { name: 'class fractions U/E, V/E, W/E', from: 3, match: (c) => /^(inferers|forecasters|reputers)_reward_fraction$/.test(c) },
  { name: 'individual rewards', from: 3, match: (c) => /^(inferer|forecaster|reputer)_reward_\d+$/.test(c) },
];

function stepwise(t: number, profile = REF, method: 'fast' | 'naive' = 'fast'): EpochRewardOutputs {
  const hist = { inferer: [] as Float64Array[], forecaster: [] as Float64Array[] };
  for (let s = t - 1; s >= 0; s--) {
    const x = rowScoreSamples(rows[s], NI, NF, NR, profile);
    hist.inferer.push(x.inferer);
    hist.forecaster.push(x.forecaster);
  }
  const state = rewardStateFromRow(rows[t - 1] ?? rows[t], NI, NF, NR, profile, hist);
  return computeEpochRewards(rewardInputFromRow(rows[t], NI, NF, NR), state, profile, { method }).outputs;
}

describe('reference rows, stepwise', () => {
  test('every reproducible reward column at ≤ 1e-9 relative', () => {
    const maxErr = new Map<string, { err: number; where: string; n: number }>();
    for (const f of FAMILIES) maxErr.set(f.name, { err: 0, where: '', n: 0 });
    for (let t = 0; t < rows.length; t++) {
      const cols = rewardOutputColumns(stepwise(t));
      for (const [c, v] of Object.entries(cols)) {
        const fam = FAMILIES.find((f) => f.match(c));
        if (!fam || t < fam.from) continue;
        const g = rows[t][c];
        expect(Number.isFinite(g), `${c} in golden`).toBe(true);
        const e = relErr(v, g);
        const m = maxErr.get(fam.name)!;
        m.n++;
        if (e > m.err) Object.assign(m, { err: e, where: `${c}@${rows[t].epoch}` });
      }
    }
    const lines = [...maxErr].map(([k, v]) => `  ${k.padEnd(32)} ${v.err.toExponential(2)}  (${v.n} values; worst ${v.where || '—'})`);
    console.log(`rewards vs reference rows, stepwise, max relative error per family:\n${lines.join('\n')}`);
    for (const [k, v] of maxErr) {
      expect(v.n, k).toBeGreaterThan(0);
      expect(v.err, `${k}: ${v.where}`).toBeLessThanOrEqual(TOL);
    }
  });

  test('the reference ascent runs 10 iterations in every epoch; naive and fast evaluations agree', () => {
    for (let t = 1; t < rows.length; t++) {
      const fast = stepwise(t);
      const naive = stepwise(t, REF, 'naive');
      expect(fast.listeningIterations).toBe(10);
      for (let m = 0; m < NR; m++) {
        expect(relErr(fast.listening[m], naive.listening[m])).toBeLessThan(1e-12);
        expect(relErr(fast.reputerScores[m], naive.reputerScores[m])).toBeLessThan(1e-13);
      }
    }
  });

  test('eq 14 network losses recomputed from the reports match the rows', () => {
    let worst = 0;
    const names = networkLossColumnNames(NI, NF);
    for (const row of rows) {
      const inp = rewardInputFromRow(row, NI, NF, NR);
      const ell = stakeWeightedLosses(inp.losses, inp.stakes, names.length);
      names.forEach((c, i) => (worst = Math.max(worst, relErr(ell[i], row[c]))));
    }
    expect(worst).toBeLessThan(1e-14);
  });

  test('forecaster fractions are NOT reproducible before 303 (σ needs forecaster scores from before 300)', () => {
    expect(relErr(stepwise(1).forecasterFractions[0], rows[1].forecaster_reward_fraction_0)).toBeGreaterThan(1e-3);
  });
});

describe('reference rows, formula level (golden upstream values of the same epoch, all rows)', () => {
  const arr = (row: GoldenRow, p: string, n: number) => Float64Array.from({ length: n }, (_, i) => row[`${p}${i}`]);
  test('eqs 36, 38–42, 46, 47 and 37 hold on every row', () => {
    let worst = 0;
    const upd = (a: number, b: number) => (worst = Math.max(worst, relErr(a, b)));
    rows.forEach((row, t) => {
      const S = arr(row, 'reputer_stake_', NR);
      const w = reputerRewardFractions(S, arr(row, 'reputer_score_', NR), 1); // eq 36
      w.forEach((x, m) => upd(x, row[`reputer_reward_fraction_${m}`]));
      const ent = (p: string, n: number) => modifiedEntropy(normalizedFractions(arr(row, p, n)), 0.25, REF.single_participant_entropy);
      const F = ent('inferer_reward_fraction_smooth_', NI);
      const G = ent('forecaster_reward_fraction_smooth_', NF);
      const H = ent('reputer_reward_fraction_smooth_', NR);
      upd(F, row.inferers_entropy);
      upd(G, row.forecasters_entropy);
      upd(H, row.reputers_entropy);
      const chi = row.forecasters_utility;
      const { U, V, W } = classRewards(F, G, H, chi, normalizationFactor(F, G, chi), row.topic_rewards);
      upd(U / row.topic_rewards, row.inferers_reward_fraction);
      upd(V / row.topic_rewards, row.forecasters_reward_fraction);
      upd(W / row.topic_rewards, row.reputers_reward_fraction);
      individualRewards(arr(row, 'inferer_reward_fraction_', NI), U).forEach((x, j) => upd(x, row[`inferer_reward_${j}`]));
      individualRewards(arr(row, 'forecaster_reward_fraction_', NF), V).forEach((x, k) => upd(x, row[`forecaster_reward_${k}`]));
      individualRewards(w, W).forEach((x, m) => upd(x, row[`reputer_reward_${m}`]));
      if (t > 0) {
        const prev = rows[t - 1];
        // eq 40 with the golden raw fractions of this row and the smoothed ones of the previous row
        for (const [p, n] of [
          ['inferer_reward_fraction_', NI],
          ['forecaster_reward_fraction_', NF],
          ['reputer_reward_fraction_', NR],
        ] as const) {
          smoothedFractions(arr(row, p, n), arr(prev, `${p}smooth_`, n), 0.1).forEach((x, i) => upd(x, row[`${p}smooth_${i}`]));
        }
        // eq 37: S_t = S_{t−1} + W_{t−1,m}
        stakeGrowth(arr(prev, 'reputer_stake_', NR), arr(prev, 'reputer_reward_', NR)).forEach((x, m) => upd(x, row[`reputer_stake_${m}`]));
      }
    });
    console.log(`rewards, formula-level checks on all rows: max relative error ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-12);
  });
});
