// `replay --profile chain | chain-latest` end to end through the built CLI: it runs, and it differs from the
// reference profile exactly where the chain's switches say (docs/chain.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runCli } from '../helpers/cli.js';
import { GOLDEN_SYNTHESIS } from '../helpers/golden.js';
import { PROFILES, PROFILE_SWITCHES } from '../../src/engine/params.js';
import { mechanismFromCommandLine } from '../../src/scenario/mechanism.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'allora-replay-chain-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function replay(name: string, ...args: string[]): { columns: string[]; rows: string[][]; text: string } {
  const out = join(dir, `${name}.csv`);
  const r = runCli(['replay', GOLDEN_SYNTHESIS, '-o', out, ...args]);
  expect(r.code, r.stderr).toBe(0);
  const text = readFileSync(out, 'utf8');
  const [columns, ...rows] = parse(text) as string[][];
  return { columns, rows, text };
}

/** Columns whose text differs in some row. */
function changed(a: { columns: string[]; rows: string[][] }, b: { columns: string[]; rows: string[][] }): string[] {
  expect(b.columns).toEqual(a.columns);
  return a.columns.filter((_, i) => a.rows.some((row, r) => row[i] !== b.rows[r][i]));
}

describe('replay --profile chain', () => {
  it('runs; synthesis is unchanged on these rows, rewards move (reward exponents 1 / 3 / 3)', () => {
    const ref = replay('reference');
    const chain = replay('chain', '--profile', 'chain');
    const moved = changed(ref, chain);
    for (const c of ['network_inference', 'network_loss', 'inference_regret_worker_0', 'forecast_implied_inference_0', 'forecaster_score_ratio'])
      expect(moved, c).not.toContain(c);
    for (const c of ['inferer_reward_fraction_0', 'reputer_reward_fraction_0', 'inferer_reward_0', 'reputer_reward_0', 'reputers_reward_fraction'])
      expect(moved, c).toContain(c);
    // the forecasters' fractions keep p = 3 in both profiles
    expect(moved).not.toContain('forecaster_reward_fraction_0');
  });
  it('with the reward exponents and N_eff rule set back by --set, the output is the reference output byte for byte', () => {
    // The other chain switches cannot act on these rows: every worker has a regret (initial regret), at most 10
    // scores per epoch (σ window overflow), max_j T_ij > 0 (tau_max); active sets are not part of replay.
    const ref = replay('reference2');
    const back = replay(
      'chain-back',
      '--profile',
      'chain',
      '--set',
      'p_reward_inference=3',
      '--set',
      'p_reward_forecast=3',
      '--set',
      'p_reward_reputer=1',
      '--set',
      'n_eff_source=normalised',
    );
    expect(back.text).toBe(ref.text);
  });
  it('chain-latest moves synthesis (MAD scale, no guard rails) and keeps the reference reward exponents', () => {
    const ref = replay('reference3');
    const latest = replay('latest', '--profile', 'chain-latest');
    const moved = changed(ref, latest);
    for (const c of ['network_inference', 'forecast_implied_inference_0', 'network_inference_oneout_0']) expect(moved, c).toContain(c);
    // regrets and scores come from the reported losses, which are inputs: unchanged
    for (const c of ['inference_regret_worker_0', 'inferer_score_0', 'inferer_reward_fraction_0']) expect(moved, c).not.toContain(c);
    const mad = replay('mad-only', '--set', 'regret_scale=mad');
    expect(changed(ref, mad)).toContain('network_inference');
  });
  it('replay --set accepts every switch in which a profile differs from reference, at each profile value', () => {
    for (const k of PROFILE_SWITCHES)
      for (const name of ['whitepaper', 'chain', 'chain-latest'] as const) {
        const v = PROFILES[name][k];
        expect(mechanismFromCommandLine('reference', [`${k}=${String(v)}`], 'replay')[k], `${k}=${v}`).toBe(v);
      }
  });
  it('a bad value of a new switch is one line and exit 2', () => {
    const r = runCli(['replay', GOLDEN_SYNTHESIS, '-o', join(dir, 'bad.csv'), '--profile', 'chain', '--set', 'regret_scale=iqr']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('regret_scale');
  });
});
