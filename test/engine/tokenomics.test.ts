// Tokenomics (whitepaper §5, eq. 48 to eq. 58): the reference "smoothing" run of Figure 4 against the reference rows
// (months 0–47), hand-checked cases, the three setups, and the Figure 4 claims.
import { readFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import seedrandom from 'seedrandom';
import { GOLDEN_TOKENOMICS, loadGoldenCsv, relErr } from '../helpers/golden.js';
import {
  apyFromMonthlyYield,
  cadenceAlpha,
  cappedEmissionPerStakedToken,
  decayedFeeRevenue,
  genesisState,
  maxEmissionPerStakedToken,
  monthlyYieldCap,
  payEmission,
  smoothedEmissionPerStakedToken,
  stepMonth,
  targetEmissionPerStakedToken,
  topicRewards,
  topicTargetWeight,
  topicWeight,
  totalEmission,
  validatorRewards,
  vestedFraction,
  unlockedAmount,
} from '../../src/engine/tokenomics.js';
import { defaultTokenomics, validateTokenomicsFile, type TokenomicsFile } from '../../src/scenario/tokenomics.js';
import { figure4Claims, networkColumns, runTokenomicsFile, type TokenomicsRun } from '../../src/sim/tokenomics.js';

const here = dirname(fileURLToPath(import.meta.url));
const FIGURE4 = resolve(here, '../../scenarios/figure4.yaml');

const figure4Doc = parse(readFileSync(FIGURE4, 'utf8')) as Record<string, unknown>;

function loadFigure4(): TokenomicsFile {
  return validateTokenomicsFile(figure4Doc, 'scenarios/figure4.yaml');
}

function runFigure4(profile?: 'reference' | 'whitepaper'): Record<string, TokenomicsRun> {
  const file = loadFigure4();
  return runTokenomicsFile(file, (s) => seedrandom(`${String(file.seed)}:${s}`), profile);
}

const golden = loadGoldenCsv(GOLDEN_TOKENOMICS);
const runs = runFigure4();

describe('scenarios/figure4.yaml', () => {
  it('uses only the scenario-level keys and puts the token model in `tokenomics:`', () => {
    const topLevel = ['name', 'description', 'kind', 'seed', 'profile', 'mechanism', 'tokenomics'];
    for (const k of Object.keys(figure4Doc)) expect(topLevel).toContain(k);
    const f = loadFigure4();
    expect([f.name, f.kind, f.profile, f.seed]).toEqual(['figure4', 'tokenomics', 'reference', 4]);
    const t = f.tokenomics;
    expect(t.months).toBe(96);
    expect(t.setups.map((s) => s.name)).toEqual(['no-smoothing', 'smoothing', 'smoothing-fees']);
    // Genesis allocation = the defaults in every setup; the setups differ only in α_e and the fees.
    for (const s of t.setups) expect(s.params.classes).toEqual(defaultTokenomics().classes);
    expect(t.setups.map((s) => s.params.alpha_e)).toEqual([1, 0.1, 0.1]);
    expect(t.setups.map((s) => [s.params.fees.model, s.params.fees.rate])).toEqual([
      ['none', 0.02],
      ['none', 0.02],
      ['unstaked_fraction', 0.02],
    ]);
  });
});

describe('the "smoothing" setup, free-running from genesis, against the reference months 0–47', () => {
  const sm = runs.smoothing;
  // The reference table's month column is `epoch`; ours is `month` (a column rename, docs/tokenomics.md §11).
  const cols = networkColumns(defaultTokenomics()).filter((c) => c !== 'apy' && c !== 'month');

  it('has the reference column names (month first, then apy)', () => {
    for (const c of cols) expect(golden.columns).toContain(c);
    expect(golden.columns).toContain('epoch');
    expect(Object.keys(sm.network[0])).toEqual(['month', ...cols, 'apy']);
    expect(sm.network).toHaveLength(96);
  });

  it('reproduces every network, class and emission column to ≤ 1e-12 relative', () => {
    const families: Record<string, number> = {};
    const family = (c: string): string =>
      c.endsWith('_tokens_total') || c.endsWith('_tokens_emission') || c.endsWith('_tokens_circulating') || c.endsWith('_tokens_staked')
        ? c.replace(/_tokens_(total|emission|circulating|staked)$/, '_tokens_*')
        : c.startsWith('ehat') || c === 'e_i'
          ? 'emission per staked token (ehat_target_i, ehat_max_i, ehat_i, e_i)'
          : c === 'epoch'
            ? 'epoch'
            : 'split (validator_rewards, topics_rewards)';
    let worst = 0;
    expect(golden.rows).toHaveLength(48);
    for (const g of golden.rows) {
      const r = sm.network[g.epoch];
      expect(r.month).toBe(g.epoch);
      for (const c of cols) {
        const e = relErr(r[c], g[c]);
        const f = family(c);
        families[f] = Math.max(families[f] ?? 0, e);
        worst = Math.max(worst, e);
      }
    }
    console.log(
      'max relative error vs reference months 0–47, per column family:\n' +
        Object.entries(families)
          .map(([f, e]) => `  ${f.padEnd(70)} ${e.toExponential(2)}`)
          .join('\n'),
    );
    expect(worst).toBeLessThanOrEqual(1e-12);
  });

  it('APY of the three setups matches the reference model (docs/tokenomics.md §8) to 5e-6', () => {
    const table: [number, number, number, number][] = [
      [12, 0.11842, 0.10427, 0.11878],
      [13, 0.11672, 0.10163, 0.11748],
      [24, 0.09573, 0.08052, 0.10274],
      [36, 0.07405, 0.06292, 0.09066],
      [60, 0.04101, 0.03906, 0.07942],
      [95, 0.01447, 0.01782, 0.07413],
    ];
    for (const [m, s, n, f] of table) {
      expect(Math.abs(runs.smoothing.network[m].apy - s)).toBeLessThan(5e-6);
      expect(Math.abs(runs['no-smoothing'].network[m].apy - n)).toBeLessThan(5e-6);
      expect(Math.abs(runs['smoothing-fees'].network[m].apy - f)).toBeLessThan(5e-6);
    }
    for (let m = 1; m <= 11; m++) expect(Math.abs(runs.smoothing.network[m].apy - 0.12)).toBeLessThan(1e-14);
  });

  it('eq. 57 and eq. 58 and 56 on the reference topic columns (their stakes and fee revenues as inputs)', () => {
    let worstW = 0;
    let worstR = 0;
    let checked = 0;
    for (let i = 1; i < golden.rows.length; i++) {
      const g = golden.rows[i];
      const prev = golden.rows[i - 1];
      for (let k = 0; k < 3; k++) {
        const id = g[`topic_id_${k}`];
        const live = g[`topic_months_live_${k}`];
        let wPrev: number | null = null;
        if (live > 1) {
          const kp = [0, 1, 2].find((j) => prev[`topic_id_${j}`] === id);
          if (kp === undefined) continue; // its previous weight is not in the table
          wPrev = prev[`topic_weights_${kp}`];
        }
        const target = topicTargetWeight(g[`topic_total_stake_${k}`], g[`topic_total_fee_revenue_${k}`], 0.5, 0.5);
        const w = topicWeight(cadenceAlpha(0.5, 4, 1), target, wPrev);
        worstW = Math.max(worstW, relErr(w, g[`topic_weights_${k}`]));
        const E = g.validator_rewards + g.topics_rewards;
        const reward = ((1 - 0.25) * E * g[`topic_weights_${k}`]) / g.all_topic_weight_sum;
        worstR = Math.max(worstR, relErr(reward, g[`topic_rewards_${k}`]));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(130);
    expect(worstW).toBeLessThan(1e-12);
    expect(worstR).toBeLessThan(1e-12);
    // eq. 55 read literally is exact in month 1 (docs/tokenomics.md §6.2).
    const g1 = golden.rows[1];
    const stakes = [0, 1, 2].map((k) => g1[`validator_stake_${k}`]);
    const E1 = g1.validator_rewards + g1.topics_rewards;
    const rewards = validatorRewards(0.25, E1, stakes, g1.all_validator_stake_sum);
    rewards.forEach((r, k) => expect(relErr(r, g1[`validator_rewards_${k}`])).toBeLessThan(1e-12));
  });
});

describe('hand-checked cases', () => {
  it('the cap (eq. 50 to eq. 52), both profiles', () => {
    const xiRef = monthlyYieldCap('reference', 0.12, 0.0095);
    expect(xiRef).toBe(0.009488792934583046);
    expect(maxEmissionPerStakedToken(xiRef, 0.5)).toBe(0.01897758586916609);
    expect(monthlyYieldCap('whitepaper', 0.12, 0.0095)).toBe(0.0095);
    expect(maxEmissionPerStakedToken(0.0095, 0.5)).toBeCloseTo(0.019, 15);
    // With the cap binding, the APY is the cap: (1 + 0.5 · 0.01897758586916609)^12 − 1 = 0.12.
    expect(Math.abs(apyFromMonthlyYield(0.5 * 0.01897758586916609) - 0.12)).toBeLessThan(1e-15);
    // ... and 12.02 % with the text's 0.0095: 1.0095^12 − 1.
    let p = 1;
    for (let k = 0; k < 12; k++) p *= 1.0095;
    expect(apyFromMonthlyYield(0.0095)).toBeCloseTo(p - 1, 14);
    expect(cappedEmissionPerStakedToken(0.03, 0.019)).toBe(0.019);
    expect(cappedEmissionPerStakedToken(0.01, 0.019)).toBe(0.01);
  });

  it('the cadence conversion (eq. 54)', () => {
    expect(cadenceAlpha(0.5, 4, 1)).toBe(0.9375); // 1 − 0.5^4: weekly 0.5 at a 4-week month
    expect(cadenceAlpha(0.1, 1, 1)).toBeCloseTo(0.1, 15);
    expect(cadenceAlpha(0.1, 2, 1)).toBeCloseTo(1 - 0.9 * 0.9, 15); // two months at once: 0.19
    expect(cadenceAlpha(0.1, 1, 4)).toBeCloseTo(1 - Math.sqrt(Math.sqrt(0.9)), 15); // weekly from monthly
    expect(cadenceAlpha(1, 0.5, 1)).toBe(1);
  });

  it('a first month with no EMA prior: e_1 = ê_1', () => {
    expect(smoothedEmissionPerStakedToken(0.1, 0.02, null)).toBe(0.02);
    expect(smoothedEmissionPerStakedToken(0.1, 0.02, 0)).toBeCloseTo(0.002, 17); // 0 is not "no prior"
    expect(smoothedEmissionPerStakedToken(0.1, 0.02, 0.01)).toBeCloseTo(0.1 * 0.02 + 0.9 * 0.01, 17);
    // Month 1 of the reference: N_circ = 155 M, N_staked = 25 M + 22 M = 47 M, T = 359.5 M.
    const cfg = defaultTokenomics();
    const xi = Math.pow(1.12, 1 / 12) - 1;
    const g = genesisState(cfg, xi, 0.5);
    const { outcome } = stepMonth(cfg, g.state, xi, 0.5);
    const target = (0.025 * 359.5e6 * 155e6) / (47e6 * 1e9);
    expect(relErr(outcome.ehatTarget, target)).toBeLessThan(1e-15);
    expect(target).toBeCloseTo(0.029639627659574466, 16);
    expect(outcome.ehat).toBe(xi / 0.5); // the cap binds
    expect(outcome.e).toBe(outcome.ehat); // no prior
    expect(relErr(outcome.emission, (xi / 0.5) * 47e6)).toBeLessThan(1e-15);
    expect(relErr(outcome.validatorRewards, 0.25 * (xi / 0.5) * 47e6)).toBeLessThan(1e-15);
    expect(outcome.minted).toBe(outcome.emission); // no fees: everything is minted
    expect(relErr(targetEmissionPerStakedToken(0.025, 359.5e6, 155e6, 47e6, 1e9), target)).toBe(0);
    expect(totalEmission(0.02, 1000, 4)).toBe(5);
  });

  it('fees exceeding the emission: nothing is minted, the surplus stays in the treasury', () => {
    expect(payEmission({ balance: 10, unminted: 100 }, 4)).toEqual({ treasury: { balance: 6, unminted: 100 }, fromFees: 4, minted: 0 });
    expect(payEmission({ balance: 3, unminted: 100 }, 5)).toEqual({ treasury: { balance: 0, unminted: 98 }, fromFees: 3, minted: 2 });

    const cfg = { ...defaultTokenomics(), fees: { model: 'unstaked_fraction' as const, rate: 0.5, payers: 'holders' as const, timing: 'next_month' as const } };
    const xi = Math.pow(1.12, 1 / 12) - 1;
    const g = genesisState(cfg, xi, 0.5);
    const { state, outcome } = stepMonth(cfg, g.state, xi, 0.5);
    const F = 0.5 * (155e6 - 47e6); // 54 M: foundation 0.5·75 M + participants 0.5·33 M
    const E = (xi / 0.5) * 47e6; // 891,946.5…: the target uses T before the fees (reference timing)
    expect(outcome.fees).toBe(F);
    expect(outcome.feesByClass.foundation).toBe(37.5e6);
    expect(outcome.feesByClass.participants).toBe(16.5e6);
    expect(relErr(outcome.emission, E)).toBeLessThan(1e-15);
    expect(outcome.minted).toBe(0);
    expect(outcome.fromFees).toBe(outcome.emission);
    expect(state.treasury.unminted).toBe(359.5e6);
    expect(relErr(state.treasury.balance, F - E)).toBeLessThan(1e-15);
    expect(relErr(state.total.ecosystem, 359.5e6 + F - E)).toBeLessThan(1e-15);
    // Foundation: 100 M − 37.5 M of fees + its stakers' reward 0.5·E·25/47.
    expect(relErr(state.circulating.foundation, 100e6 - 37.5e6 + (0.5 * E * 25e6) / 47e6)).toBeLessThan(1e-15);
    // The network total is conserved: fees only move tokens from holders to the treasury.
    const total = Object.values(state.total).reduce((a, b) => a + b, 0);
    expect(relErr(total, 1e9)).toBeLessThan(1e-15);
    // Next month's target sees the higher treasury T = 359.5 M + F − E.
    const next = stepMonth(cfg, state, xi, 0.5).outcome;
    expect(relErr(next.treasuryForTarget, 359.5e6 + F - E)).toBeLessThan(1e-15);
    expect(next.minted).toBe(0);
  });

  it('vesting: 1/3 unlocks at month 12, then 1/36 a month, nothing after 36', () => {
    const seed = defaultTokenomics().classes[1];
    expect(vestedFraction(seed, 11)).toBe(0);
    expect(unlockedAmount(seed, 12)).toBeCloseTo(260.5e6 / 3, 6);
    expect(unlockedAmount(seed, 13)).toBeCloseTo(260.5e6 / 36, 6);
    expect(unlockedAmount(seed, 36)).toBeCloseTo(260.5e6 / 36, 6);
    expect(unlockedAmount(seed, 37)).toBe(0);
    const tr = { ...seed, vesting: { kind: 'tranches' as const, tranches: [{ month: 0, amount: 10 }, { month: 6, amount: 30 }] }, allocation: 100 };
    expect(unlockedAmount(tr, 0)).toBe(10);
    expect(unlockedAmount(tr, 6)).toBe(30);
    expect(vestedFraction(tr, 7)).toBe(0.4);
  });

  it('eq. 58 decay of fee revenue, eq. 55 to eq. 57', () => {
    // One epoch per week, 4 epochs a month: C keeps only the last epoch's fees.
    expect(decayedFeeRevenue(1000, 400, 1, 4)).toBe(100);
    // Two epochs per week, 2 epochs: C = 1000·0.5² + 50·(1 + 0.5) = 325.
    expect(decayedFeeRevenue(1000, 100, 2, 2)).toBe(325);
    expect(topicTargetWeight(400, 900, 0.5, 0.5)).toBe(600); // √400 · √900
    expect(topicWeight(0.9375, 600, null)).toBe(600);
    expect(topicWeight(0.9375, 600, 200)).toBe(0.9375 * 600 + 0.0625 * 200);
    expect(topicRewards(0.25, 1000, [1, 3])).toEqual([187.5, 562.5]);
    expect(validatorRewards(0.25, 1000, [1, 3])).toEqual([62.5, 187.5]);
    expect(validatorRewards(0.25, 1000, [1, 3], 2)).toEqual([125, 375]); // a stale normaliser over-pays
  });
});

describe('the three setups of Figure 4', () => {
  const names = ['no-smoothing', 'smoothing', 'smoothing-fees'] as const;

  it('agree before the unlock and differ after it', () => {
    for (let m = 0; m < 12; m++) {
      for (const n of names) {
        for (const c of ['apy', 'e_i', 'ehat_i', 'ehat_max_i']) {
          expect(relErr(runs[n].network[m][c], runs.smoothing.network[m][c])).toBeLessThan(1e-12);
        }
      }
      // Without fees the whole ledger is the same (the cap binds: α_e plays no part).
      for (const c of Object.keys(runs.smoothing.network[m])) {
        expect(relErr(runs['no-smoothing'].network[m][c], runs.smoothing.network[m][c])).toBeLessThan(1e-12);
      }
    }
    for (const m of [12, 24, 60, 95]) {
      const a = names.map((n) => runs[n].network[m].apy);
      expect(Math.abs(a[0] - a[1])).toBeGreaterThan(1e-4);
      expect(Math.abs(a[1] - a[2])).toBeGreaterThan(1e-4);
      expect(Math.abs(a[0] - a[2])).toBeGreaterThan(1e-4);
    }
  });

  it('the Figure 4 claims hold', () => {
    const claims = figure4Claims(runs);
    console.log(claims.map((c) => `${c.holds ? 'HOLDS' : 'FAILS'}: ${c.claim}\n  ${JSON.stringify(c.numbers)}`).join('\n'));
    expect(claims.length).toBeGreaterThanOrEqual(4);
    for (const c of claims) expect(c.holds, c.claim).toBe(true);
  });

  it('the whitepaper profile caps at ξ_max = 0.0095 (APY 12.02 %) and its claims are computed too', () => {
    const wp = runFigure4('whitepaper');
    expect(wp.smoothing.network[1].ehat_max_i).toBeCloseTo(0.019, 15);
    expect(wp.smoothing.network[1].apy).toBeCloseTo(Math.pow(1.0095, 12) - 1, 14);
    const cap = figure4Claims(wp)[0];
    expect(cap.holds).toBe(true);
  });
});
