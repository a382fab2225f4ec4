// Merit-based sortition against the reference rows (test/fixtures/golden/sortition_epochs_300-349.csv,
// docs/sortition.md): chained from row 300's EMAs (only each later row's inputs are read), and row by row.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { sortitionEpoch, type SortitionState } from '../../src/engine/sortition.js';
import { GOLDEN_SORTITION, relErr } from '../helpers/golden.js';

const records = parse(readFileSync(GOLDEN_SORTITION, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
const IDS = ['0', '1', '2', '3', '4', '5', '6', '7'];

interface Tally {
  maxRel: number;
  floats: number;
  bitExact: number;
  exact: number;
}

/** Runs rows[from..] and compares every derived column; `carry` chooses where each row's EMAs come from. */
function run(carry: 'chained' | 'row'): Tally {
  const t: Tally = { maxRel: 0, floats: 0, bitExact: 0, exact: 0 };
  const float = (got: number, cell: string, what: string) => {
    const want = Number(cell);
    expect(cell, what).not.toBe('');
    const e = relErr(got, want);
    expect(e, `${what}: ${got} vs ${cell}`).toBeLessThanOrEqual(1e-12);
    t.maxRel = Math.max(t.maxRel, e);
    t.floats++;
    if (Object.is(got, want)) t.bitExact++;
  };
  const same = (got: string, cell: string, what: string) => {
    expect(got, what).toBe(cell);
    t.exact++;
  };
  let state: SortitionState = { ema: new Map(IDS.map((i) => [i, Number(records[0][`${i}_quality_ema`])])), savedQuantile: 0 };
  for (const row of records.slice(1)) {
    const ep = row.epoch;
    if (carry === 'row') state = { ema: new Map(IDS.map((i) => [i, Number(row[`${i}_prev_quality_ema`])])), savedQuantile: 0 };
    for (const i of IDS) float(state.ema.get(i)!, row[`${i}_prev_quality_ema`], `${ep} ${i}_prev_quality_ema`);
    const res = sortitionEpoch(
      state,
      IDS,
      (i) => row[`${i}_prev_participated`] === 'true',
      (i) => {
        const cell = row[`${i}_quality_metric`];
        if (cell === '') throw new Error(`epoch ${ep}: participant ${i} drawn but the row has no metric for it`);
        return Number(cell);
      },
      { cap: Number(row.n_participants_max), quantile: Number(row.percentile) / 100, alpha: Number(row.alpha_quality) },
    );
    same(String(res.nDrawn), row.n_participants_drawn, `${ep} n_participants_drawn`);
    float(res.cutoff, row.quality_cutoff, `${ep} quality_cutoff`);
    float(res.quantile, row.quality_percentile, `${ep} quality_percentile`);
    const active = new Set(res.draw.active);
    for (const i of IDS) {
      same(String(res.draw.rank.get(i)), row[`${i}_sort_position_previous_quality_ema`], `${ep} ${i}_sort_position_previous_quality_ema`);
      same(active.has(i) ? 'true' : '', row[`${i}_active`], `${ep} ${i}_active`);
      const mr = res.metricRank.get(i);
      same(mr === undefined ? '' : String(mr), row[`${i}_sort_position_quality_metrics`], `${ep} ${i}_sort_position_quality_metrics`);
      if (!active.has(i)) same('', row[`${i}_quality_metric`], `${ep} ${i}_quality_metric blank`);
      float(res.state.ema.get(i)!, row[`${i}_quality_ema`], `${ep} ${i}_quality_ema`);
    }
    state = res.state;
  }
  return t;
}

describe('merit-based sortition reproduces the reference rows 301–349', () => {
  it('chained from row 300: every float ≤ 1e-12 relative, every integer / boolean / blank exactly', () => {
    const t = run('chained');
    console.log(`sortition chained: ${t.floats} floats, max rel err ${t.maxRel.toExponential(2)}, bit-exact ${t.bitExact}; ${t.exact} exact cells`);
    expect(t.floats).toBe(49 * 18); // cutoff, percentile, 8 carried EMAs, 8 new EMAs per row
    expect(t.bitExact).toBe(t.floats);
    expect(t.exact).toBeGreaterThan(49 * 8 * 3);
  });
  it('row by row (each row carries the table EMAs of the row before)', () => {
    const t = run('row');
    expect(t.maxRel).toBeLessThanOrEqual(1e-12);
  });
  it('the active set changes over the rows (the test is not vacuous)', () => {
    const sets = new Set(records.map((r) => IDS.filter((i) => r[`${i}_active`] === 'true').join('')));
    expect(sets.size).toBeGreaterThan(3);
  });
});
