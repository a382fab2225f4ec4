// The stochastic topic and validator populations of the tokenomics run (eq. 55 to eq. 58) and the treasury flows.
import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { relErr } from '../helpers/golden.js';
import { validateTokenomics, type TokenomicsParams } from '../../src/scenario/tokenomics.js';
import { runTokenomics, type Row } from '../../src/sim/tokenomics.js';

const REF = { yield_cap: 'reference', f_stakers: 'constant' } as const;
const FILE = 'test.yaml';

function byMonth(rows: Row[], m: number): Row[] {
  return rows.filter((r) => r.month === m);
}

describe('runTokenomics: topics, validators, treasury', () => {
  const cfg = validateTokenomics({}, FILE);
  const a = runTokenomics(cfg, REF, 60, seedrandom('a'), 'smoothing');

  it('is deterministic given the seed; the network table does not depend on it', () => {
    const again = runTokenomics(cfg, REF, 60, seedrandom('a'), 'smoothing');
    expect(again).toEqual(a);
    const b = runTokenomics(cfg, REF, 60, seedrandom('b'), 'smoothing');
    expect(b.network).toEqual(a.network);
    expect(b.topics).not.toEqual(a.topics);
  });

  it('topic weights follow eq. 57 and eq. 58 and the topic rewards sum to (1 − f_v) E_i (eq. 56)', () => {
    const prevWeight = new Map<number, number>();
    for (let m = 1; m < 60; m++) {
      const rows = byMonth(a.topics, m);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.length).toBeLessThanOrEqual(cfg.topics.max_active);
      for (const t of rows) {
        expect(relErr(t.topic_target_weight, Math.sqrt(t.topic_total_stake) * Math.sqrt(t.topic_total_fee_revenue))).toBeLessThan(1e-14);
        const w = t.topic_months_live === 1 ? t.topic_target_weight : 0.9375 * t.topic_target_weight + 0.0625 * prevWeight.get(t.topic_id)!;
        expect(relErr(t.topic_weights, w)).toBeLessThan(1e-14);
        expect(relErr(t.topic_reputer_rewards, t.topic_rewards / 3)).toBeLessThan(1e-14);
      }
      for (const t of rows) prevWeight.set(t.topic_id, t.topic_weights);
      const paid = rows.reduce((s, t) => s + t.topic_rewards, 0);
      expect(relErr(paid, a.network[m].topics_rewards)).toBeLessThan(1e-12);
      expect(relErr(a.treasury[m].all_topic_weight_sum, rows.reduce((s, t) => s + t.topic_weights, 0))).toBeLessThan(1e-14);
    }
  });

  it('validator rewards are pro rata to stake and sum to f_v E_i (eq. 55, consistent normaliser)', () => {
    for (let m = 1; m < 60; m++) {
      const rows = byMonth(a.validators, m);
      expect(rows.length).toBeGreaterThan(0);
      const S = rows.reduce((s, v) => s + v.validator_stake, 0);
      for (const v of rows) expect(relErr(v.validator_rewards, (a.network[m].validator_rewards * v.validator_stake) / S)).toBeLessThan(1e-12);
      expect(relErr(rows.reduce((s, v) => s + v.validator_rewards, 0), a.network[m].validator_rewards)).toBeLessThan(1e-12);
    }
  });

  it('stakes restake their rewards (no churn): S_{i+1} = S_i + E_i (validators), + reputer share · E_t (topics)', () => {
    const quiet: TokenomicsParams = validateTokenomics(
      {
        topics: { new_per_month: 0, deactivation_probability: 0, reputers: { join_probability: 0, leave_probability: 0 } },
        validators: { new_per_month: 0, leave_probability: 0 },
      },
      FILE,
    );
    const r = runTokenomics(quiet, REF, 24, seedrandom('q'));
    for (let m = 1; m < 23; m++) {
      const t0 = byMonth(r.topics, m);
      const t1 = byMonth(r.topics, m + 1);
      expect(t1.map((t) => t.topic_id)).toEqual(t0.map((t) => t.topic_id));
      t0.forEach((t, k) => expect(relErr(t1[k].topic_total_stake, t.topic_total_stake + t.topic_rewards / 3)).toBeLessThan(1e-13));
      const v0 = byMonth(r.validators, m);
      const v1 = byMonth(r.validators, m + 1);
      v0.forEach((v, k) => expect(relErr(v1[k].validator_stake, v.validator_stake + v.validator_rewards)).toBeLessThan(1e-13));
    }
  });

  it("the reference's stale validator normaliser over-pays validators (docs/tokenomics.md §6.2)", () => {
    const stale = validateTokenomics({ validators: { normaliser: 'stale' } }, FILE);
    const r = runTokenomics(stale, REF, 36, seedrandom('a'));
    expect(relErr(r.treasury[1].validator_rewards_paid, r.network[1].validator_rewards)).toBeLessThan(1e-12);
    for (let m = 2; m < 36; m++) expect(r.treasury[m].validator_rewards_paid).toBeGreaterThan(r.network[m].validator_rewards);
    // Under f_stakers = 'actual' that excess raises f_stakers above 0.5 and lowers ê_max.
    const act = runTokenomics(stale, { yield_cap: 'reference', f_stakers: 'actual' }, 36, seedrandom('a'));
    expect(act.treasury[1].f_stakers).toBe(0.5);
    expect(act.treasury[5].f_stakers).toBeGreaterThan(0.5);
    expect(act.network[5].ehat_max_i).toBeLessThan(r.network[5].ehat_max_i);
    // With the consistent normaliser the actual share is the constant 0.5: same network table.
    const actC = runTokenomics(cfg, { yield_cap: 'reference', f_stakers: 'actual' }, 60, seedrandom('a'));
    for (let m = 0; m < 60; m++) expect(relErr(actC.network[m].e_i, a.network[m].e_i)).toBeLessThan(1e-12);
  });

  it('fees: the topics share F_i, the treasury pays the emission from them first and mints only the shortfall', () => {
    const f = validateTokenomics({ fees: { model: 'unstaked_fraction', rate: 0.02 } }, FILE);
    const r = runTokenomics(f, REF, 96, seedrandom('f'));
    let minted0 = 0;
    let mintedSome = 0;
    for (let m = 1; m < 96; m++) {
      const t = r.treasury[m];
      const prev = r.treasury[m - 1];
      const n = r.network[m];
      const E = n.validator_rewards + n.topics_rewards;
      const topicFees = byMonth(r.topics, m).reduce((s, x) => s + x.topic_fees_paid, 0);
      expect(relErr(topicFees, t.fees)).toBeLessThan(1e-12);
      expect(relErr(t.treasury_total, prev.treasury_total + t.fees - E)).toBeLessThan(1e-12);
      expect(relErr(n.ecosystem_tokens_total, t.treasury_total)).toBeLessThan(1e-15);
      const available = prev.treasury_balance + t.fees;
      expect(Math.abs(t.minted - Math.max(0, E - available))).toBeLessThan(1e-6);
      if (t.minted === 0) minted0++;
      else mintedSome++;
      expect(relErr(n.network_tokens_total, 1e9)).toBeLessThan(1e-12); // fees move tokens, they do not create them
    }
    expect(minted0).toBeGreaterThan(10); // year 1: fees exceed the emission
    expect(mintedSome).toBeGreaterThan(10);
  });
});
