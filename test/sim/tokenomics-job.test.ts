// The tokenomics job (src/sim/tokenomics-job.ts) called directly with a collecting TableWriter: its tables, the
// seed's role, the metrics, the strategic topic's counterfactual and break-even.
import { describe, expect, it } from 'vitest';
import { tokenomicsFromObject, setupSwitches, type TokenomicsFile } from '../../src/scenario/tokenomics.js';
import { runJob, populationRng, TOKENOMICS_TABLES, TOPIC_SERIES_TABLE, FIGURE4_TABLE } from '../../src/sim/tokenomics-job.js';
import { cabalOutcome, cabalRewardsAt, runTokenomicsFile, judgeFigure4, judgeStudyClaims } from '../../src/sim/tokenomics.js';
import type { RunCell, TableWriter } from '../../src/sim/contract.js';

interface Collected {
  tables: Record<string, { columns: string[]; rows: RunCell[][] }>;
  metrics: Record<string, number>;
}

function collect(file: TokenomicsFile, seed: number, replicate = 0, tables?: string[]): Collected {
  const out: Collected['tables'] = {};
  const writer: TableWriter = {
    table(name, columns) {
      const t = (out[name] = { columns: [...columns], rows: [] as RunCell[][] });
      return (row) => t.rows.push([...row]);
    },
  };
  const { metrics } = runJob({ scenario: file, seed, point: 0, replicate, tables }, writer) as { metrics: Record<string, number> };
  return { tables: out, metrics };
}

const load = (doc: Record<string, unknown>, set: string[] = []): TokenomicsFile => tokenomicsFromObject(doc, 'job.yaml', { set });

describe('runJob (kind: tokenomics)', () => {
  const bare = load({ kind: 'tokenomics', tokenomics: { months: 40 } });

  it('a bare kind: tokenomics document runs the defaults as one setup named default', () => {
    const f = load({ kind: 'tokenomics' });
    expect(f.tokenomics.months).toBe(96);
    expect(f.tokenomics.setups.map((s) => s.name)).toEqual(['default']);
    const c = collect(f, 7);
    expect(Object.keys(c.tables).sort()).toEqual([...TOKENOMICS_TABLES, TOPIC_SERIES_TABLE, FIGURE4_TABLE].sort());
    // The hidden series of the topic figure: one row per month ≥ 1.
    expect(c.tables[TOPIC_SERIES_TABLE].rows).toHaveLength(95);
    expect(c.tables['tokenomics.csv'].rows).toHaveLength(96);
    expect(c.metrics['final_apy.default']).toBeGreaterThan(0);
  });

  it('names the month column `month`; topic, validator and treasury rows carry the seed', () => {
    const c = collect(bare, 11);
    expect(c.tables['tokenomics.csv'].columns.slice(0, 2)).toEqual(['setup', 'month']);
    for (const t of ['topics.csv', 'validators.csv', 'treasury.csv']) {
      expect(c.tables[t].columns.slice(0, 3)).toEqual(['seed', 'setup', 'month']);
      expect(c.tables[t].rows.every((r) => r[0] === 11)).toBe(true);
    }
  });

  it('the seed moves the topic and validator populations, never the (deterministic) network table', () => {
    const a = collect(bare, 1);
    const b = collect(bare, 2);
    expect(JSON.stringify(b.tables['tokenomics.csv'])).toBe(JSON.stringify(a.tables['tokenomics.csv']));
    const strip = (rows: RunCell[][]) => JSON.stringify(rows.map((r) => r.slice(1)));
    expect(strip(b.tables['topics.csv'].rows)).not.toBe(strip(a.tables['topics.csv'].rows));
    expect(strip(b.tables['validators.csv'].rows)).not.toBe(strip(a.tables['validators.csv'].rows));
    expect(b.metrics['top_topic_share_final.default']).not.toBe(a.metrics['top_topic_share_final.default']);
    // Same seed, same bytes.
    expect(JSON.stringify(collect(bare, 1))).toBe(JSON.stringify(a));
  });

  it('writes the deterministic network table by replicate 0 only; with f_stakers actual by every run, with a seed column', () => {
    expect(collect(bare, 3, 1).tables['tokenomics.csv']).toBeUndefined();
    const actual = load({ kind: 'tokenomics', mechanism: { f_stakers: 'actual' }, tokenomics: { months: 30 } });
    const t = collect(actual, 3, 1).tables['tokenomics.csv'];
    expect(t.columns.slice(0, 3)).toEqual(['seed', 'setup', 'month']);
    expect(t.rows[0][0]).toBe(3);
  });

  it('writes only the tables asked for', () => {
    expect(Object.keys(collect(bare, 1, 0, ['topics.csv']).tables)).toEqual(['topics.csv']);
  });

  it('gives every metric per setup as <metric>.<setup>, and the setups share the seed’s population draws', () => {
    const f = load({
      kind: 'tokenomics',
      tokenomics: { months: 40, setups: [{ name: 'fee-1pct', fees: { model: 'unstaked_fraction', rate: 0.01 } }, { name: 'fee-3pct', fees: { model: 'unstaked_fraction', rate: 0.03 } }] },
    });
    const c = collect(f, 5);
    for (const k of ['final_apy', 'apy_at_unlock', 'max_monthly_change_after_unlock', 'total_emission', 'treasury_final']) {
      expect(Number.isFinite(c.metrics[`${k}.fee-1pct`])).toBe(true);
      expect(Number.isFinite(c.metrics[`${k}.fee-3pct`])).toBe(true);
    }
    expect(c.metrics['final_apy.fee-3pct']).toBeGreaterThan(c.metrics['final_apy.fee-1pct']);
    expect(c.metrics['unlock_month.fee-1pct']).toBe(12);
    // Common random numbers: the same topics are created in both setups (ids, reputers, consumers).
    const topics = c.tables['topics.csv'];
    const key = (setup: string) => topics.rows.filter((r) => r[1] === setup && r[2] === 1).map((r) => [r[3], r[8]]);
    expect(key('fee-3pct')).toEqual(key('fee-1pct'));
  });

  it('judges the Figure 4 claims only when its three setups are present, and says why otherwise', () => {
    const f = load({ kind: 'tokenomics', tokenomics: { months: 40, setups: [{ name: 'fee-1pct' }, { name: 'x' }] } });
    const j = judgeFigure4(runTokenomicsFile(f, () => populationRng(1)));
    expect(j.claims).toEqual([]);
    expect(j.skipped[0].reason).toContain("no setup named 'no-smoothing', 'smoothing', 'smoothing-fees'");
  });
});

describe('the strategic wash-fee topic (§5.3)', () => {
  const doc = {
    kind: 'tokenomics',
    tokenomics: { months: 48, topics: { strategic: { enabled: true, wash_fee: 5000, stake: 1e6 } } },
  };

  for (const rules of [
    [],
    ['mechanism.topic_rewards=per_block'],
    ['topic_rewards=per_block', 'topic_weight_fee=per_epoch'],
    ['nu=1', 'alpha_t=1'],
  ]) {
    it(`its counterfactual at the wash fee it paid reproduces the run (${rules.join(', ') || 'reference rules'})`, () => {
      const f = load(doc, rules);
      const s = f.tokenomics.setups[0];
      const run = runTokenomicsFile(f, () => populationRng(9))[s.name];
      const sw = setupSwitches(f, s);
      const again = cabalRewardsAt(5000, run.cabal!, s.params, sw);
      const paid = run.topics.filter((r) => r.topic_strategic === 1).map((r) => r.topic_rewards);
      expect(paid).toHaveLength(47);
      for (let k = 0; k < paid.length; k++) expect(Math.abs(again[k] - paid[k])).toBeLessThanOrEqual(1e-12 * Math.max(1, paid[k]));
      // Without wash fees it has no fee revenue, hence no weight and no reward.
      expect(cabalRewardsAt(0, run.cabal!, s.params, sw).every((x) => x === 0)).toBe(true);
    });
  }

  it('net gain = emission captured − fees paid; at the break-even fee the gain is 0; the honest topics are unchanged', () => {
    const f = load(doc);
    const s = f.tokenomics.setups[0];
    const run = runTokenomicsFile(f, () => populationRng(9))[s.name];
    const o = cabalOutcome(run, s.params, setupSwitches(f, s))!;
    expect(o.fees).toBe(5000 * 47);
    expect(o.net_gain).toBeCloseTo(o.reward - o.fees, 6);
    expect(o.break_even_fee).toBeGreaterThan(0);
    const atBreakEven = cabalRewardsAt(o.break_even_fee, run.cabal!, s.params, setupSwitches(f, s)).reduce((a, b) => a + b, 0) - o.break_even_fee * 47;
    expect(Math.abs(atBreakEven)).toBeLessThan(1e-6 * o.break_even_fee * 47);
    expect(o.best_net_gain).toBeGreaterThanOrEqual(o.net_gain);
    // The honest population's draws are the same with the strategic topic and without it (their stakes differ only
    // by the restaked rewards the strategic topic takes from them).
    const off = load(doc, ['tokenomics.topics.strategic.enabled=false']);
    const draws = (rows: Record<string, number>[]) => rows.map((r) => [r.month, r.topic_id, r.topic_n_workers, r.topic_n_reputers, r.topic_fees_paid, r.topic_total_fee_revenue]);
    const honest = draws(runTokenomicsFile(off, () => populationRng(9)).default.topics);
    expect(draws(run.topics.filter((r) => r.topic_strategic === 0))).toEqual(honest);
    // The counterfactual at another fee holds the honest weights as they were: within 1 % of a re-run at 4× the fee.
    const again = runTokenomicsFile(load(doc, ['wash_fee=20000']), () => populationRng(9)).default;
    const real = again.topics.filter((r) => r.topic_strategic === 1).reduce((a, r) => a + r.topic_rewards, 0);
    const cf = cabalRewardsAt(20000, run.cabal!, s.params, setupSwitches(f, s)).reduce((a, b) => a + b, 0);
    expect(Math.abs(cf - real) / real).toBeLessThan(0.01);
    expect(cf).not.toBe(real);
  });

  it("in a world where no other topic's consumers pay, any wash fee captures every topic reward", () => {
    const f = load(doc, ['tokenomics.topics.consumers_per_week.min=0', 'tokenomics.topics.consumers_per_week.max=0']);
    const c = collect(f, 2);
    expect(c.metrics['cabal_reward_share.default']).toBe(1);
  });

  it('verdicts: median [p10, p90] over seeds, the share of seeds where the claim holds, honestly either way', () => {
    const claim = { id: 'C15', quote: 'q', section: '§5.3', metric: 'm.x', threshold: '<= 0' };
    const v = judgeStudyClaims([claim], [{ 'm.x': -1 }, { 'm.x': 2 }, { 'm.x': 3 }]);
    expect(v[0]).toMatchObject({ median: 2, holds: false, verdict: 'does NOT hold', holds_in_share_of_seeds: 1 / 3 });
    const w = judgeStudyClaims([{ ...claim, threshold: '< 2.5' }], [{ 'm.x': -1 }, { 'm.x': 2 }, { 'm.x': 3 }]);
    expect(w[0]).toMatchObject({ holds: true, verdict: 'holds', holds_in_share_of_seeds: 2 / 3 });
    expect(judgeStudyClaims([claim], [{}])[0].verdict).toBe('not measured');
  });
});
