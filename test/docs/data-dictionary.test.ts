// docs/data-dictionary.md is generated from the reporter registries — the agents tables (src/sim/tables.ts, the
// attack tables of src/sim/attack-job.ts), the metrics (src/sim/metrics.ts, src/sim/attack-metrics.ts, the
// tokenomics SETUP_METRICS / CABAL_METRICS), the statistics of summary.csv (STAT_DEFINITIONS next to MetricStats)
// and the tokenomics columns (src/sim/tokenomics-dictionary.ts) — so it cannot drift from what the tool writes;
// the tests below check the registries against the headers the code writes. Regenerate with `npm run docs`
// (UPDATE_DOCS=1).
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/scenario/paths.js';
import { readScenarioFile } from '../../src/scenario/load.js';
import { tokenomicsFromObject, type TokenomicsFile } from '../../src/scenario/tokenomics.js';
import { TABLES, type ColumnDoc } from '../../src/sim/tables.js';
import { METRICS } from '../../src/sim/metrics.js';
import { ATTACK_METRICS } from '../../src/sim/attack-metrics.js';
import { ACTORS_TABLE, RUN_METRICS_TABLE } from '../../src/sim/attack-job.js';
import { CABAL_METRICS, SETUP_METRICS } from '../../src/sim/tokenomics.js';
import { runJob as runTokenomicsJob } from '../../src/sim/tokenomics-job.js';
import { CLASS_PLACEHOLDER, TOKENOMICS_TABLE_DOCS, tokenomicsColumnDoc, type TokenomicsColumnDoc } from '../../src/sim/tokenomics-dictionary.js';
import { STAT_DEFINITIONS, summarizePoints, type MetricStats } from '../../src/sim/sweep-summary.js';
import { summarizeRuns, type MetricSummary, type RunSummary } from '../../src/sim/summary.js';
import { DIFF_STATS, METRIC_STATS, summaryTable } from '../../src/runner/assemble.js';
import { buildSweep } from '../../src/runner/grid.js';
import type { TokenomicsSummary } from '../../src/runner/tokenomics-run.js';
import type { TableWriter } from '../../src/sim/contract.js';

const cell = (s: string): string => s.replaceAll('|', '\\|');
const row = (...cells: string[]): string => `| ${cells.map(cell).join(' | ')} |`;

/** The definition of a statistic; a statistic of summary.csv without one fails the generator. */
function statDefinition(stat: string): string {
  const d = (STAT_DEFINITIONS as Record<string, string | undefined>)[stat];
  if (d === undefined) throw new Error(`summary.csv statistic '${stat}' has no entry in STAT_DEFINITIONS (src/sim/sweep-summary.ts)`);
  return d;
}

/** Index columns of metrics.csv (and, for sweeps, of every table and of summary.csv). */
const INDEX_COLUMNS: ColumnDoc[] = [
  { name: 'point', unit: '—', meaning: 'sweeps only: the grid point, 0-based, in the sweep’s canonical order (the same number in every table, metrics.csv and summary.csv)' },
  { name: 'replicate', unit: '—', meaning: 'the replicate within the point, 0-based; under common random numbers (the sweep default) replicate r has the same seed at every point' },
  { name: 'seed', unit: '—', meaning: 'the run seed (agents scenarios: what `--run-seed` takes to repeat this run)' },
  { name: '<swept parameter>', unit: 'as the parameter', meaning: 'sweeps only: one column per `--grid` key, named as typed (`p`, `alpha`, `tokenomics.fees.rate`, …), holding the point’s value' },
];

/** summary.json of `run` (agents scenarios), field by field; a field added to RunSummary fails the typecheck. */
const RUN_SUMMARY_FIELDS: Record<keyof RunSummary, string> = {
  scenario: 'the scenario’s name',
  profile: 'the mechanism profile',
  warmup: 'epochs of warm-up (the metrics average over the epochs after it)',
  epochs: 'epochs per run',
  seeds: 'the run seeds, in replicate order',
  metrics: 'per metric (headline, and the attack metrics for an attack scenario): a `definition`, the statistics below over the seeds and the per-seed `values`',
  claims: 'the whitepaper’s claims: `id`, `paper` (the claim), `test` (its quantitative test on the median over seeds), `holds`, `holds_in_share_of_seeds`, `numbers` (what the test was computed from)',
  verdicts: 'attack scenarios only: the verdict on the scenario’s `claim:` (docs/attacks.md §3)',
};

/** summary.json of `run` (tokenomics scenarios); a field added to TokenomicsSummary fails the typecheck. */
const TOKENOMICS_SUMMARY_FIELDS: Record<keyof TokenomicsSummary, string> = {
  scenario: 'the scenario’s name',
  profile: 'the mechanism profile',
  months: 'months per run (rows 0 … months − 1)',
  seeds: 'the run seeds, in replicate order',
  setups: 'the setups’ names',
  network_table: 'how tokenomics.csv was written (once, or per seed) and why',
  metrics: 'per `<metric>.<setup>`: a `definition`, the statistics below over the seeds and the per-seed `values`',
  claims: 'Figure 4’s claims (when its three setups are present): `id`, `claim`, `holds`, `numbers`',
  skipped_claims: 'claims that were not judged and why',
  verdicts: 'the verdicts of the file’s `claims:` (a study’s thresholds, judged on the median over seeds)',
};

/** A metric's entry in summary.json → metrics besides the statistics (STAT_DEFINITIONS). */
const METRIC_SUMMARY_FIELDS: Record<Exclude<keyof MetricSummary, keyof MetricStats>, string> = {
  definition: 'one-line definition of the metric',
  values: 'the per-seed values, in seed order (null where a run has no number)',
};

const eqText = (c: TokenomicsColumnDoc): string => c.eqs.map((n) => `eq. ${n}`).join(', ') || '—';

export function dataDictionary(): string {
  const out: string[] = [
    '# Data dictionary',
    '',
    'Generated by `npm run docs` (test/docs/data-dictionary.test.ts) from the reporter registries: `src/sim/tables.ts` and',
    '`src/sim/attack-job.ts` (agents tables), `src/sim/metrics.ts`, `src/sim/attack-metrics.ts` and `src/sim/tokenomics.ts`',
    '(metrics), `src/sim/sweep-summary.ts` (the statistics of `summary.csv`) and `src/sim/tokenomics-dictionary.ts` (tokenomics',
    'tables); do not edit by hand.',
    '',
    'Empty cells are missing values (NaN): a participant absent that epoch, a quantity that does not exist yet, a metric',
    'that does not apply to a run, a statistic that needs more runs. In `summary.json` they are `null`.',
    'Sweeps add `point`, `replicate` and one column per swept parameter (named as typed in `--grid`) in front of every',
    'table’s columns. With `--format parquet` every CSV below is `<name>.parquet` with the same columns.',
    '',
    '| file | written by | section |',
    '|---|---|---|',
    ...TABLES.map((t) => row(`\`${t.name}\``, '`run`, `sweep` of an agents scenario (choose with `--tables`)', 'Tables of an agents run')),
    row(`\`${ACTORS_TABLE.name}\`, \`${RUN_METRICS_TABLE.name}\``, 'attack scenarios (`run`, `sweep`, `attacks`)', 'Tables of an attack scenario'),
    row('`metrics.csv`', 'every `run`, `sweep` and `merge`', '`metrics.csv`'),
    row('`summary.csv`', '`sweep`, `merge`', '`summary.csv`'),
    row('`summary.json`', '`run`', '`summary.json`'),
    ...TOKENOMICS_TABLE_DOCS.map((t) => row(`\`${t.name}\``, '`run`, `sweep` of a tokenomics scenario', 'Tables of a tokenomics run')),
    row('`replay.csv`, `replay` output', '`run --record-replay`, `replay`', '[docs/replay-format.md](replay-format.md)'),
    '',
    '## Tables of an agents run',
    '',
    'Choose them with `--tables` (names without `.csv`); `metrics.csv` and `summary.json` are always written.',
    '',
  ];
  const table = (name: string, description: string, filled: string, columns: readonly ColumnDoc[]): void => {
    out.push(`### \`${name}\``, '', description, '', `Filled: ${filled}.`, '', '| column | unit | meaning |', '|---|---|---|');
    for (const c of columns) out.push(row(`\`${c.name}\``, c.unit, c.meaning));
    out.push('');
  };
  for (const t of TABLES) table(t.name, t.description, t.filled, t.columns);

  out.push('## Tables of an attack scenario', '', 'A scenario with adversaries (or a `claim:`) also writes these (docs/attacks.md).', '');
  table(ACTORS_TABLE.name, ACTORS_TABLE.description, ACTORS_TABLE.filled, ACTORS_TABLE.columns);
  table(RUN_METRICS_TABLE.name, RUN_METRICS_TABLE.description, RUN_METRICS_TABLE.filled, [
    INDEX_COLUMNS[2],
    { name: '<metric>', unit: 'as the metric', meaning: 'every headline metric, then every attack metric (below)' },
  ]);

  out.push(
    '## `metrics.csv`',
    '',
    'One row per run, in canonical (point, replicate) order: the index columns, then every metric of the run (the union over',
    'the runs, in order of first appearance; a metric a run does not have is an empty cell). `run` writes `replicate, seed`;',
    '`sweep` and `merge` write `point, replicate, seed` and the swept parameters.',
    '',
    '| column | unit | meaning |',
    '|---|---|---|',
  );
  for (const c of INDEX_COLUMNS) out.push(row(`\`${c.name}\``, c.unit, c.meaning));
  out.push(
    '',
    '### Headline metrics (agents scenarios; also `summary.json`, `check`)',
    '',
    'One value per run; `summary.json` and `summary.csv` summarise them over seeds.',
    '',
    '| metric | definition |',
    '|---|---|',
  );
  for (const m of METRICS) out.push(row(`\`${m.key}\``, m.definition));
  out.push(
    '',
    '### Attack metrics (attack scenarios, after the headline metrics)',
    '',
    'Each compares the attack run with the paired run (the same seed with the adversaries off) over the measurement window:',
    'every rewarded epoch after the warm-up from the attack’s start (docs/attacks.md §4). Empty where the metric does not',
    'apply to the attack.',
    '',
    '| metric | definition |',
    '|---|---|',
  );
  for (const m of ATTACK_METRICS) out.push(row(`\`${m.key}\``, m.definition));
  out.push(
    '',
    '### Tokenomics metrics (tokenomics scenarios)',
    '',
    'One column `<metric>.<setup>` per metric and setup (e.g. `final_apy.smoothing-fees`), setups in the file’s order. A',
    'metric that does not exist for a run (no unlock after month 1, no month after the unlock) is empty; the `cabal_…`',
    'metrics exist only with a strategic topic (`topics.strategic.enabled`). ALLO amounts are summed over the months.',
    '',
    '| metric | definition |',
    '|---|---|',
  );
  for (const m of [...SETUP_METRICS, ...CABAL_METRICS]) out.push(row(`\`${m.key}.<setup>\``, m.definition));

  out.push(
    '',
    '## `summary.csv`',
    '',
    'Sweeps (`sweep`, `merge`): one row per grid point. The columns, in this order: `point`, the swept parameters (named as',
    'typed), then per metric `m` of `metrics.csv` (same order) its statistics over the point’s replicates, then the claims’',
    'shares, then — when the sweep has a reference point (the scenario’s own values on the grid under common random numbers,',
    'or `--reference key=value`) — per metric the statistics of the paired differences to it: this point − the reference',
    'point, replicate by replicate, over the replicates where both are numbers, so `<m>_diff_ci95_lo`/`_hi` are the paired',
    't-interval. Every statistic of `<m>` is over the point’s replicates.',
    '',
    '| column | meaning |',
    '|---|---|',
    row('`point`', INDEX_COLUMNS[0].meaning),
    row('`<swept parameter>`', INDEX_COLUMNS[3].meaning),
  );
  for (const s of METRIC_STATS) out.push(row(`\`<m>_${s}\``, statDefinition(s)));
  out.push(
    row(
      '`claim_<id>_share`',
      'share of the point’s runs in which claim `id` holds, 0 … 1: the whitepaper’s claims (agents; those about metrics the run has), the scenario’s `claim:` (attack scenarios, its per-seed test), a tokenomics study’s `claims:`',
    ),
  );
  for (const s of DIFF_STATS) {
    out.push(row(`\`<m>_diff_${s}\``, `of the paired differences: ${statDefinition(s)}`));
  }

  out.push(
    '',
    '## `summary.json`',
    '',
    'Written by `run` (`attacks` writes its own, with per-point verdicts: docs/attacks.md). Agents scenarios:',
    '',
    '| field | meaning |',
    '|---|---|',
  );
  for (const [k, v] of Object.entries(RUN_SUMMARY_FIELDS)) out.push(row(`\`${k}\``, v));
  out.push('', 'Tokenomics scenarios:', '', '| field | meaning |', '|---|---|');
  for (const [k, v] of Object.entries(TOKENOMICS_SUMMARY_FIELDS)) out.push(row(`\`${k}\``, v));
  out.push('', 'Each entry of `metrics` (statistics over the seeds; `null` where the text above says empty):', '', '| field | meaning |', '|---|---|');
  for (const [k, v] of Object.entries(METRIC_SUMMARY_FIELDS)) out.push(row(`\`${k}\``, v));
  for (const s of METRIC_STATS) out.push(row(`\`${s}\``, statDefinition(s)));

  out.push(
    '',
    '## Tables of a tokenomics run',
    '',
    'A `kind: tokenomics` scenario (`scenarios/figure4.yaml`, whitepaper §5; the model is docs/tokenomics.md). Amounts are',
    'ALLO (float64). The `eq.` column names the whitepaper equations a quantity comes from. In `tokenomics.csv` the four',
    `\`${CLASS_PLACEHOLDER}_tokens_…\` columns repeat for every holder class of the setups (\`tokenomics.classes\`, in their order;`,
    'the defaults: investors_preseed, investors_seed, team, ecosystem — the treasury —, foundation, participants).',
    '',
  );
  for (const t of TOKENOMICS_TABLE_DOCS) {
    out.push(`### \`${t.name}\``, '', t.description, '', `Filled: ${t.filled}.`, '', '| column | unit | meaning | eq. |', '|---|---|---|---|');
    for (const c of t.columns) out.push(row(`\`${c.name}\``, c.unit, c.meaning, eqText(c)));
    out.push('');
  }

  out.push(
    '## Replay output',
    '',
    '`run --record-replay` writes `replay.csv` and `replay` writes the recomputed rows, both with the reference rows’ column',
    'names and order: see [docs/replay-format.md](replay-format.md).',
    '',
  );
  return out.join('\n');
}

/** Headers of every table a tokenomics job writes (hidden `_…` tables left out), and its metric keys. */
function tokenomicsHeaders(file: TokenomicsFile): { tables: Record<string, string[]>; metrics: string[] } {
  const tables: Record<string, string[]> = {};
  const writer: TableWriter = {
    table(name, columns) {
      if (!name.startsWith('_')) tables[name] = [...columns];
      return () => {};
    },
  };
  const { metrics } = runTokenomicsJob({ scenario: file, seed: 11, point: 0, replicate: 0 }, writer) as { metrics: Record<string, number> };
  return { tables, metrics: Object.keys(metrics) };
}

const tokenomicsScenario = (path: string, set: string[] = []): TokenomicsFile =>
  tokenomicsFromObject(readScenarioFile(join(projectRoot(), path)), path, { set, months: 30 });

describe('docs/data-dictionary.md', () => {
  it('is what the registries generate', () => {
    const file = join(projectRoot(), 'docs/data-dictionary.md');
    const want = dataDictionary();
    if (process.env.UPDATE_DOCS) writeFileSync(file, want);
    expect(readFileSync(file, 'utf8')).toBe(want);
  });

  it('documents every column of every agents and attack table and every metric', () => {
    const text = dataDictionary();
    for (const t of [...TABLES, ACTORS_TABLE]) for (const c of t.columns) expect(text).toContain(`| \`${c.name}\` |`);
    for (const m of [...METRICS, ...ATTACK_METRICS]) expect(text).toContain(`| \`${m.key}\` |`);
    for (const m of [...SETUP_METRICS, ...CABAL_METRICS]) expect(text).toContain(`| \`${m.key}.<setup>\` |`);
  });

  it('defines every statistic of summary.csv, and documents every column summary.csv writes', () => {
    for (const s of [...METRIC_STATS, ...DIFF_STATS]) expect(STAT_DEFINITIONS[s], s).toMatch(/\S/);
    const text = dataDictionary();
    const sweep = buildSweep({ grid: ['p=2,3'] });
    const runs = [0, 1].flatMap((point) => [0, 1].map((replicate) => ({ point, replicate, metrics: { m: point + replicate } })));
    const points = summarizePoints(
      [0, 1].map((point) => ({ point, values: { p: point + 2 } })),
      runs,
      { claims: (m) => [{ id: 'c', holds: m.m > 0 }], reference: 0 },
    );
    const [header] = summaryTable(points, sweep, true);
    const documented = (col: string): boolean => {
      if (col === 'point') return text.includes('| `point` |');
      if (col === 'p') return text.includes('| `<swept parameter>` |');
      if (col === 'claim_c_share') return text.includes('| `claim_<id>_share` |');
      const diff = /^m_diff_(.+)$/.exec(col);
      if (diff) return text.includes(`| \`<m>_diff_${diff[1]}\` |`);
      const stat = /^m_(.+)$/.exec(col);
      return !!stat && text.includes(`| \`<m>_${stat[1]}\` |`);
    };
    expect(header.filter((c) => !documented(c))).toEqual([]);
    expect(header.some((c) => c.startsWith('m_diff_'))).toBe(true);
  });

  it('documents every field of summary.json', () => {
    const key = METRICS[0].key;
    const s = summarizeRuns({ scenario: 'x', profile: 'reference', warmup: 1, epochs: 2 }, [1, 2], [{ [key]: 1 }, { [key]: 2 }]);
    for (const k of Object.keys(s)) expect(RUN_SUMMARY_FIELDS, k).toHaveProperty(k);
    const documentedMetricFields = [...Object.keys(METRIC_SUMMARY_FIELDS), ...METRIC_STATS];
    expect(Object.keys(s.metrics[key]).sort()).toEqual([...documentedMetricFields].sort());
  });

  it('documents every column a tokenomics run writes, in the order it writes them', () => {
    const files = [
      tokenomicsScenario('scenarios/figure4.yaml'),
      // f_stakers = actual: the network table depends on the seed and gets a seed column.
      tokenomicsScenario('scenarios/figure4.yaml', ['mechanism.f_stakers=actual']),
      // A strategic topic: the cabal metrics.
      tokenomicsScenario('scenarios/attacks/fee-cabal.yaml'),
    ];
    const seen = new Set<string>();
    for (const f of files) {
      const classes = [...new Set(f.tokenomics.setups.flatMap((s) => s.params.classes.map((c) => c.name)))];
      const { tables, metrics } = tokenomicsHeaders(f);
      expect(Object.keys(tables).sort()).toEqual(TOKENOMICS_TABLE_DOCS.map((t) => t.name).sort());
      for (const [name, cols] of Object.entries(tables)) {
        const missing = cols.filter((c) => tokenomicsColumnDoc(name, c, classes) === undefined);
        expect(missing, `${name}: columns without an entry in src/sim/tokenomics-dictionary.ts`).toEqual([]);
        for (const c of cols) seen.add(`${name}:${tokenomicsColumnDoc(name, c, classes)!.name}`);
        // The registry lists the columns in the order the run writes them (the class pattern once per class).
        const doc = TOKENOMICS_TABLE_DOCS.find((t) => t.name === name)!;
        const expanded = doc.columns.flatMap((c) =>
          c.name.includes(CLASS_PLACEHOLDER) ? [] : c.name === 'seed' && !cols.includes('seed') ? [] : [c.name],
        );
        expect(cols.filter((c) => tokenomicsColumnDoc(name, c, classes)!.name === c)).toEqual(expanded);
      }
      for (const k of metrics) {
        const base = k.slice(0, k.indexOf('.'));
        expect([...SETUP_METRICS, ...CABAL_METRICS].some((m) => m.key === base), k).toBe(true);
      }
      expect(metrics.some((k) => k.startsWith('cabal_'))).toBe(f.tokenomics.setups.some((s) => s.params.topics.strategic.enabled));
    }
    // No entry is stale: every documented column was written by one of the runs.
    for (const t of TOKENOMICS_TABLE_DOCS) for (const c of t.columns) expect(seen, `${t.name}: ${c.name}`).toContain(`${t.name}:${c.name}`);
  });
});
