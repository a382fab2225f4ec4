// A `kind: tokenomics` scenario (Figure 4): every setup month by month, its tables, the Figure 4 plot and claims.

import seedrandom from 'seedrandom';
import type { TokenomicsFile } from '../scenario/tokenomics.js';
import type { ProfileName } from '../engine/params.js';
import {
  TOPIC_COLUMNS,
  TREASURY_COLUMNS,
  VALIDATOR_COLUMNS,
  figure4Claims,
  networkColumns,
  runTokenomicsFile,
  type Row,
  type TokenomicsRun,
} from '../sim/tokenomics.js';
import { writeCsv } from '../output/csv.js';
import { RunDirectory, toolInfo } from '../output/run-dir.js';
import { figure4Spec, writeFigure } from '../output/plot.js';

export interface TokenomicsRunOptions {
  outDir: string;
  seed?: number | string;
  profile?: ProfileName;
  figures?: boolean;
}

/** Seeded stream of one setup: the setups' stochastic parts (topics, validators, fees) do not share draws. */
export const setupRng = (seed: number | string, setup: string): (() => number) => seedrandom(`${seed}:${setup}`);

function tableRows(runs: TokenomicsRun[], pick: (r: TokenomicsRun) => Row[], columns: readonly string[]) {
  return runs.flatMap((run) => pick(run).map((row) => [run.setup, ...columns.map((c) => row[c])]));
}

export async function runTokenomicsScenario(file: TokenomicsFile, opts: TokenomicsRunOptions) {
  const seed = opts.seed ?? file.seed;
  const profile = opts.profile ?? file.profile;
  const runs = runTokenomicsFile(file, (setup) => setupRng(seed, setup), profile);
  const list = Object.values(runs);
  const dir = new RunDirectory(opts.outDir);
  try {
    const netCols = networkColumns(file.tokenomics.setups[0].params);
    await writeCsv(dir.path('tokenomics.csv'), ['setup', ...netCols], tableRows(list, (r) => r.network, netCols));
    await writeCsv(dir.path('topics.csv'), ['setup', ...TOPIC_COLUMNS], tableRows(list, (r) => r.topics, TOPIC_COLUMNS));
    await writeCsv(
      dir.path('validators.csv'),
      ['setup', ...VALIDATOR_COLUMNS],
      tableRows(list, (r) => r.validators, VALIDATOR_COLUMNS),
    );
    await writeCsv(dir.path('treasury.csv'), ['setup', ...TREASURY_COLUMNS], tableRows(list, (r) => r.treasury, TREASURY_COLUMNS));
    const claims = figure4Claims(runs);
    const cap = Math.max(...list.flatMap((r) => r.treasury.map((t) => t.apy_cap)).filter(Number.isFinite));
    if (opts.figures !== false) {
      const apy = list.flatMap((r) => r.network.filter((x) => x.epoch > 0).map((x) => ({ setup: r.setup, epoch: x.epoch, apy: x.apy })));
      await writeFigure(dir.staging, 'figure4', figure4Spec(apy, { cap, subtitle: `${file.name}, profile ${profile}` }));
    }
    dir.writeJson('summary.json', {
      scenario: file.name,
      profile,
      seed,
      setups: list.map((r) => r.setup),
      final_apy: Object.fromEntries(list.map((r) => [r.setup, r.network[r.network.length - 1].apy])),
      claims,
    });
    dir.writeJson('manifest.json', { ...toolInfo(), command: 'run', kind: 'tokenomics', seed, profile, scenario: file });
    return { dir: opts.outDir, files: dir.commit(), claims };
  } catch (e) {
    dir.abort();
    throw e;
  }
}
