// The tables a run can write, as reporters found by name: each turns an epoch record into rows. The data
// dictionary (docs/data-dictionary.md) is generated from this registry, so the two cannot drift.

import type { RunCell } from './contract.js';
import type { EpochRecord } from './record.js';

export interface ColumnDoc {
  name: string;
  unit: string;
  meaning: string;
}

export interface TableReporter {
  /** File name, e.g. `losses.csv`; `--tables` takes it without `.csv`. */
  name: string;
  description: string;
  /** From which epoch rows appear, and why a cell can be empty. */
  filled: string;
  columns: readonly ColumnDoc[];
  /** Hands this record's rows to `emit`, cells in column order. */
  rows(rec: EpochRecord, seed: number, emit: (row: RunCell[]) => void): void;
}

const col = (name: string, unit: string, meaning: string): ColumnDoc => ({ name, unit, meaning });
const SEED = col('seed', '—', 'the run seed (what `--run-seed` takes to repeat this run)');
const EPOCH = col('epoch', 'epoch', 'epoch number i, from 1');
const num = (x: number): number | null => (Number.isNaN(x) ? null : x);
/** The true squared error of object o (null when the object is missing). */
const mse = (rec: EpochRecord, o: number): number | null => (Number.isNaN(rec.trueLog10Loss[o]) ? null : 10 ** rec.trueLog10Loss[o]);

export const losses: TableReporter = {
  name: 'losses.csv',
  description: 'The true squared error, against the ground truth, of the network inference, the naive network inference, every inference and every forecast-implied inference.',
  filled: 'every epoch from 1; `loss` is empty when the object is missing that epoch (a participant absent); `index` is empty for network and naive',
  columns: [
    SEED,
    EPOCH,
    col('kind', '—', '`network`, `naive`, `inference` or `forecast_implied`'),
    col('index', '—', 'the inferer (inference) or forecaster (forecast_implied) index, 0-based'),
    col('loss', 'target units²', 'squared error (I − Y)² of that inference against the ground truth Y of the epoch'),
  ],
  rows(rec, seed, emit) {
    const L = rec.layout;
    emit([seed, rec.epoch, 'network', null, mse(rec, L.network)]);
    emit([seed, rec.epoch, 'naive', null, mse(rec, L.naive)]);
    for (let j = 0; j < L.nI; j++) emit([seed, rec.epoch, 'inference', j, mse(rec, L.inference + j)]);
    for (let k = 0; k < L.nF; k++) emit([seed, rec.epoch, 'forecast_implied', k, mse(rec, L.forecastImplied + k)]);
  },
};

export const rewards: TableReporter = {
  name: 'rewards.csv',
  description: 'The reward of every participant in every rewarded epoch (eq. 47 for workers, eq. 42 × w_m for reputers).',
  filled: 'from the first epoch whose reports cover every object (epoch 4 in the figure scenario: forecast-implied inferences exist once there is a previous network loss, from epoch 3, and are reported one epoch later)',
  columns: [
    SEED,
    EPOCH,
    col('task', '—', '`inference`, `forecast` or `reputer`'),
    col('index', '—', 'the participant index within its task, 0-based'),
    col('reward', 'tokens', 'reward paid to that participant this epoch'),
  ],
  rows(rec, seed, emit) {
    const o = rec.rewards;
    if (!o) return;
    o.infererRewards.forEach((v, j) => emit([seed, rec.epoch, 'inference', j, v]));
    o.forecasterRewards.forEach((v, k) => emit([seed, rec.epoch, 'forecast', k, v]));
    o.reputerRewards.forEach((v, m) => emit([seed, rec.epoch, 'reputer', m, v]));
  },
};

export const tasks: TableReporter = {
  name: 'tasks.csv',
  description: 'The topic emission and its split over the three tasks (eqs. 38–46).',
  filled: 'rewarded epochs only (as rewards.csv); chi, gamma, F, G, H are empty when undefined (e.g. no forecasters)',
  columns: [
    SEED,
    EPOCH,
    col('emission', 'tokens', 'topic emission E of the epoch'),
    col('inference', 'tokens', 'inference-class reward U (eq. 42)'),
    col('forecast', 'tokens', 'forecast-class reward V (eq. 42)'),
    col('reputer', 'tokens', 'reputer-class reward W (eq. 42)'),
    col('chi', '—', 'χ, the forecasting utility (eq. 45)'),
    col('gamma', '—', 'γ, the normalisation factor (eq. 46)'),
    col('F', 'nats', 'modified entropy of the inferers (eq. 38)'),
    col('G', 'nats', 'modified entropy of the forecasters (eq. 38)'),
    col('H', 'nats', 'modified entropy of the reputers (eq. 38)'),
  ],
  rows(rec, seed, emit) {
    const o = rec.rewards;
    if (!o) return;
    emit([
      seed,
      rec.epoch,
      o.topicReward,
      o.infererClassReward,
      o.forecasterClassReward,
      o.reputerClassReward,
      num(o.chi),
      num(o.gamma),
      num(o.infererEntropy),
      num(o.forecasterEntropy),
      num(o.reputerEntropy),
    ]);
  },
};

export const reputers: TableReporter = {
  name: 'reputers.csv',
  description: 'Every reputer\'s stake, listening coefficient and score in every rewarded epoch.',
  filled: 'rewarded epochs only (as rewards.csv); listening_coefficient and score are empty for a reputer that did not report',
  columns: [
    SEED,
    EPOCH,
    col('index', '—', 'reputer index, 0-based'),
    col('stake', 'tokens', 'stake S_m in force during the epoch (before this epoch\'s growth, eq. 37)'),
    col('listening_coefficient', '—', 'a_m after this epoch\'s ascent (eq. 35)'),
    col('score', '—', 'reputer score T_m (eq. 33)'),
  ],
  rows(rec, seed, emit) {
    const o = rec.rewards;
    if (!o) return;
    for (let m = 0; m < rec.stakes.length; m++) emit([seed, rec.epoch, m, rec.stakes[m], num(o.listening[m]), num(o.reputerScores[m])]);
  },
};

/** The tables users choose from (`--tables`), in output order. */
export const TABLES: readonly TableReporter[] = [losses, rewards, tasks, reputers];

/** Hidden tables (kept with the run, never assembled): what Figures 2 and 3 are drawn from. */
export const FIGURE_TABLES: readonly TableReporter[] = [losses, rewards, tasks].map((t) => ({ ...t, name: `_${t.name}` }));

export function findTable(name: string): TableReporter | undefined {
  return TABLES.find((t) => t.name === name) ?? FIGURE_TABLES.find((t) => t.name === name);
}
