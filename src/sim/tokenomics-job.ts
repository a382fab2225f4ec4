// One Monte Carlo run of a `kind: tokenomics` scenario as a job (src/sim/contract.ts): the resolved scenario (a
// TokenomicsFile, from tokenomicsFromObject) and a seed in, its tables streamed to the caller's TableWriter, its
// per-run metrics out.
//
// Tables (docs/tokenomics.md §11):
//   tokenomics.csv  setup, month, the reference table's columns, apy — the network table. It does not depend on the
//                   seed when every setup has f_stakers = constant: it is then written by replicate 0 only (once
//                   per grid point); otherwise by every run, with a `seed` column in front.
//   topics.csv, validators.csv, treasury.csv   seed, setup, month, … — every run (they depend on the seed).
//   _topic_series   hidden (kept with the run for the topic figure, never assembled): setup, month, n_topics,
//                   top_topic_share, cabal_reward_share.
//   _figure4        hidden, replicate 0 only: setup, month and the network and treasury values Figure 4 and its
//                   claims read (so they are drawn from the run, not a second one).
// Metrics: `<metric>.<setup>` for every setup (SETUP_METRICS, and CABAL_METRICS with a strategic topic).
// The setups share the seed's population draws (common random numbers): setup differences are the mechanism's.

import seedrandom from 'seedrandom';
import { setupSwitches, type TokenomicsFile } from '../scenario/tokenomics.js';
import type { RunCell, RunJob, RunResult, TableWriter } from './contract.js';
import {
  TOPIC_COLUMNS,
  TREASURY_COLUMNS,
  VALIDATOR_COLUMNS,
  networkColumns,
  runTokenomicsFile,
  setupMetrics,
  type Row,
  type Rng,
  type TokenomicsRun,
} from './tokenomics.js';

export type { RunJob, RunResult, TableWriter };

export const TOKENOMICS_TABLES = ['tokenomics.csv', 'topics.csv', 'validators.csv', 'treasury.csv'] as const;

/** The population stream of a run: every setup starts a fresh copy of it. */
export const populationRng = (seed: number | string): Rng => seedrandom(`allora-sim/tokenomics/${seed}`);

/** Is the network table the same for every seed (every setup's f_stakers is `constant`)? */
export function networkIsDeterministic(file: TokenomicsFile): boolean {
  return file.tokenomics.setups.every((s) => setupSwitches(file, s).f_stakers === 'constant');
}

/** The union of the setups' network columns (setups may differ in their holder classes), in first-seen order. */
export function networkColumnsOf(file: TokenomicsFile): string[] {
  const cols: string[] = [];
  for (const s of file.tokenomics.setups) for (const c of networkColumns(s.params)) if (!cols.includes(c)) cols.push(c);
  return cols;
}

/** The hidden table of the topic figure (src/output/tokenomics-figures.ts). */
export const TOPIC_SERIES_TABLE = '_topic_series';
export const TOPIC_SERIES_COLUMNS = ['setup', 'month', 'n_topics', 'top_topic_share', 'cabal_reward_share'] as const;

/** Per month ≥ 1: active topics, the largest topic weight ÷ Σ weights, the strategic topic's share of the topic
 *  rewards paid (absent without one). */
export function topicSeries(run: TokenomicsRun): Row[] {
  const byMonth = new Map<number, Row[]>();
  for (const r of run.topics) {
    let l = byMonth.get(r.month);
    if (!l) byMonth.set(r.month, (l = []));
    l.push(r);
  }
  const out: Row[] = [];
  for (const t of run.treasury) {
    if (t.month < 1) continue;
    const rows = byMonth.get(t.month) ?? [];
    let sum = 0;
    let max = 0;
    for (const r of rows) {
      sum += r.topic_weights;
      max = Math.max(max, r.topic_weights);
    }
    const row: Row = { month: t.month, n_topics: t.n_active_topics, top_topic_share: sum > 0 ? max / sum : 0 };
    const cabal = rows.find((r) => r.topic_strategic === 1);
    if (cabal) row.cabal_reward_share = t.topic_rewards_paid > 0 ? cabal.topic_rewards / t.topic_rewards_paid : 0;
    out.push(row);
  }
  return out;
}

/** The hidden table of Figure 4 and its claims (`figure4Claims`, the APY figure): per setup and month, the network
 *  row's and the treasury row's values they read. Written by replicate 0 (the first seed) only. */
export const FIGURE4_TABLE = '_figure4';
const FIGURE4_NETWORK = ['apy', 'network_tokens_emission', 'validator_rewards', 'topics_rewards'] as const;
const FIGURE4_TREASURY = ['apy_cap'] as const;
export const FIGURE4_COLUMNS = ['setup', 'month', ...FIGURE4_NETWORK, ...FIGURE4_TREASURY] as const;

/**
 * The runs' parts Figure 4 and its claims read, back from the rows of `FIGURE4_TABLE` (cell texts in
 * `FIGURE4_COLUMNS` order; numbers written as String(x) read back to the same float64): per setup, in the
 * scenario's setup order, network rows (month and `FIGURE4_NETWORK`) and treasury rows (month, apy_cap) month by
 * month; no topics or validators.
 */
export function figure4Runs(file: TokenomicsFile, rows: readonly (readonly string[])[]): Record<string, TokenomicsRun> {
  const num = (t: string): number => (t === '' ? NaN : Number(t));
  const bySetup = new Map<string, TokenomicsRun>();
  for (const s of file.tokenomics.setups) bySetup.set(s.name, { setup: s.name, network: [], topics: [], validators: [], treasury: [] });
  for (const r of rows) {
    const run = bySetup.get(r[0]);
    if (!run) throw new Error(`${FIGURE4_TABLE}: setup '${r[0]}' is not in the scenario`);
    const month = num(r[1]);
    const network: Row = { month };
    FIGURE4_NETWORK.forEach((c, i) => (network[c] = num(r[2 + i])));
    const treasury: Row = { month };
    FIGURE4_TREASURY.forEach((c, i) => (treasury[c] = num(r[2 + FIGURE4_NETWORK.length + i])));
    run.network.push(network);
    run.treasury.push(treasury);
  }
  return Object.fromEntries(bySetup);
}

const cells = (row: Row, columns: readonly string[]): RunCell[] => columns.map((c) => (c in row ? row[c] : null));

export function runJob(job: RunJob, out: TableWriter): RunResult {
  const file = job.scenario as TokenomicsFile;
  const want = (name: string): boolean => job.tables === undefined || job.tables.includes(name);
  const runs = runTokenomicsFile(file, () => populationRng(job.seed));
  const setups = file.tokenomics.setups;

  const deterministic = networkIsDeterministic(file);
  if (want('tokenomics.csv') && (!deterministic || job.replicate === 0)) {
    const cols = networkColumnsOf(file);
    const write = out.table('tokenomics.csv', deterministic ? ['setup', ...cols] : ['seed', 'setup', ...cols]);
    for (const s of setups) {
      for (const row of runs[s.name].network) write(deterministic ? [s.name, ...cells(row, cols)] : [job.seed, s.name, ...cells(row, cols)]);
    }
  }
  const perRun: [string, readonly string[], (name: string) => Row[]][] = [
    ['topics.csv', TOPIC_COLUMNS, (n) => runs[n].topics],
    ['validators.csv', VALIDATOR_COLUMNS, (n) => runs[n].validators],
    ['treasury.csv', TREASURY_COLUMNS, (n) => runs[n].treasury],
  ];
  for (const [name, cols, rows] of perRun) {
    if (!want(name)) continue;
    const write = out.table(name, ['seed', 'setup', ...cols]);
    for (const s of setups) for (const row of rows(s.name)) write([job.seed, s.name, ...cells(row, cols)]);
  }

  // Hidden: per setup and month, what the topic figure draws over the seeds (never assembled into a file).
  if (want(TOPIC_SERIES_TABLE)) {
    const write = out.table(TOPIC_SERIES_TABLE, TOPIC_SERIES_COLUMNS);
    for (const s of setups) for (const r of topicSeries(runs[s.name])) write([s.name, ...TOPIC_SERIES_COLUMNS.slice(1).map((c) => r[c] ?? null)]);
  }

  // Hidden, first run only: what Figure 4 and its claims read.
  if (job.replicate === 0 && want(FIGURE4_TABLE)) {
    const write = out.table(FIGURE4_TABLE, FIGURE4_COLUMNS);
    for (const s of setups) {
      const { network, treasury } = runs[s.name];
      network.forEach((row, i) => write([s.name, row.month, ...FIGURE4_NETWORK.map((c) => row[c]), ...FIGURE4_TREASURY.map((c) => treasury[i][c])]));
    }
  }

  const metrics: Record<string, number> = {};
  for (const s of setups) {
    const m = setupMetrics(runs[s.name], s.params, setupSwitches(file, s));
    for (const [k, v] of Object.entries(m)) metrics[`${k}.${s.name}`] = v;
  }
  return { metrics };
}
