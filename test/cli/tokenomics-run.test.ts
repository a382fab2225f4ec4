// `allora-sim run` on tokenomics scenarios, end to end (the built CLI): free-named setups, --seeds, --epochs /
// --months, --set by path and symbol, the fee-cabal verdict, and bad input (exit 2, one line).
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'allora-tok-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const FIG4 = join(ROOT, 'scenarios/figure4.yaml');
const read = (dir: string, f: string): string => readFileSync(join(dir, f), 'utf8');

describe('run: kind tokenomics', () => {
  it('--set tokenomics.fees.rate=0.03 changes tokenomics.csv (the fee setup only); --epochs sets the horizon in months', () => {
    const a = join(tmp, 'a');
    const b = join(tmp, 'b');
    expect(runCli(['run', FIG4, '-o', a, '--quiet', '--no-figures', '--epochs', '48']).code).toBe(0);
    const r = runCli(['run', FIG4, '-o', b, '--quiet', '--no-figures', '--months', '48', '--set', 'tokenomics.fees.rate=0.03']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('48 months (rows 0–47)');
    const rows = (dir: string, setup: string) => read(dir, 'tokenomics.csv').split('\n').filter((l) => l.startsWith(`${setup},`));
    expect(rows(a, 'smoothing')).toHaveLength(48);
    expect(rows(b, 'smoothing')).toEqual(rows(a, 'smoothing'));
    expect(rows(b, 'smoothing-fees')).not.toEqual(rows(a, 'smoothing-fees'));
    expect(read(a, 'tokenomics.csv').split('\n')[0].startsWith('setup,month,network_tokens_total')).toBe(true);
  });

  it('--seeds N: per-seed topic rows, the deterministic network table once, and the summary says so', () => {
    const dir = join(tmp, 'seeds');
    const r = runCli(['run', FIG4, '-o', dir, '--quiet', '--no-figures', '--seeds', '3', '--epochs', '30', '--set', 'alpha_e=0.2']);
    expect(r.code).toBe(0);
    const s = JSON.parse(read(dir, 'summary.json')) as {
      seeds: number[];
      network_table: string;
      metrics: Record<string, { values: number[]; p10: number; p90: number }>;
      claims: { id: string }[];
    };
    expect(s.seeds).toHaveLength(3);
    expect(new Set(s.seeds).size).toBe(3);
    expect(s.network_table).toContain('written once');
    expect(read(dir, 'tokenomics.csv').split('\n').filter((l) => l.startsWith('smoothing,'))).toHaveLength(30);
    const topicSeeds = new Set(read(dir, 'topics.csv').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0])));
    expect([...topicSeeds].sort()).toEqual([...s.seeds].sort());
    expect(new Set(s.metrics['top_topic_share_final.smoothing'].values).size).toBeGreaterThan(1);
    expect(s.claims.map((c) => c.id)).toContain('fig4-sharp-drop');
  });

  it('a bare kind: tokenomics file runs the defaults; free-named setups skip the Figure 4 claims and say why', () => {
    const bare = join(tmp, 'bare.yaml');
    writeFileSync(bare, 'kind: tokenomics\n');
    const r = runCli(['run', bare, '-o', join(tmp, 'bare'), '--quiet', '--no-figures']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('setups default');
    expect(r.stdout).toMatch(/skipped .*no setup named 'no-smoothing'/);
    const s = JSON.parse(read(join(tmp, 'bare'), 'summary.json')) as { skipped_claims: unknown[]; claims: unknown[] };
    expect(s.claims).toEqual([]);
    expect(s.skipped_claims).toHaveLength(1);
  });

  it('bad input: one line naming the file and the key, exit 2, no finished-looking output', () => {
    const out = join(tmp, 'bad');
    for (const [args, msg] of [
      [['--set', 'tokenomics.setups.smoothng.alpha_e=0.2'], "no setup named 'smoothng' — did you mean 'smoothing'?"],
      [['--set', 'apy_cap=-1'], 'tokenomics.apy_cap: -1 is out of range'],
      [['--set', 'tokenomics.classes.0.allocation=5'], 'tokenomics.classes: allocations sum to'],
      [['--epochs', '10'], 'tokenomics.classes[0].vesting.cliff_months: month 12 is beyond the horizon of 10 months'],
    ] as const) {
      const r = runCli(['run', FIG4, '-o', out, '--quiet', ...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(msg);
      expect(r.stderr).toContain('figure4.yaml');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    }
  });

  it('the fee-cabal study writes its verdict (honestly, whichever way it comes out)', () => {
    const dir = join(tmp, 'cabal');
    const r = runCli(['run', join(ROOT, 'scenarios/attacks/fee-cabal.yaml'), '-o', dir, '--quiet', '--seeds', '3', '--epochs', '36']);
    expect(r.code).toBe(0);
    // Figure 4 of its setups, and the topic bands over the seeds; the hidden series is not an output file.
    for (const f of ['figure4.svg', 'figure4.png', 'topic-bands.svg', 'topic-bands.png']) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(existsSync(join(dir, '_topic_series'))).toBe(false);
    expect(read(dir, 'topic-bands.svg')).toContain('3 seeds');
    const s = JSON.parse(read(dir, 'summary.json')) as { verdicts: { id: string; verdict: string; median: number; holds_in_share_of_seeds: number }[] };
    expect(s.verdicts).toHaveLength(1);
    expect(s.verdicts[0].id).toBe('C15');
    expect(['holds', 'does NOT hold']).toContain(s.verdicts[0].verdict);
    expect(r.stdout).toMatch(new RegExp(`${s.verdicts[0].verdict}\\s+C15: cabal_net_gain\\.honest-fees <= 0`));
  });

  it('--help lists the tokenomics symbols', () => {
    const h = runCli(['run', '--help']);
    for (const a of ['alpha_e', 'xi_max', 'f_v', 'mu', 'nu', 'wash_fee', '--months']) expect(h.stdout).toContain(a);
  });
});

describe('Figure 4 and its claims from the first run (no second simulation)', () => {
  it("the first run's hidden _figure4 table reads back to the same claims and APY rows as the run itself", async () => {
    const { parse } = await import('yaml');
    const { tokenomicsFromObject } = await import('../../src/scenario/tokenomics.js');
    const { runJob, figure4Runs, populationRng, FIGURE4_TABLE, FIGURE4_COLUMNS } = await import('../../src/sim/tokenomics-job.js');
    const { runTokenomicsFile, judgeFigure4 } = await import('../../src/sim/tokenomics.js');
    const { cellText } = await import('../../src/io/csv.js');
    const file = tokenomicsFromObject(parse(readFileSync(FIG4, 'utf8')), FIG4, { months: 40 });
    const written = (replicate: number) => {
      const tables = new Map<string, { columns: readonly string[]; rows: string[][] }>();
      runJob({ scenario: file, seed: 7, point: 0, replicate }, {
        table(name, columns) {
          const t = { columns, rows: [] as string[][] };
          tables.set(name, t);
          return (row) => void t.rows.push(row.map((c) => cellText(c)));
        },
      });
      return tables;
    };
    const first = written(0).get(FIGURE4_TABLE);
    expect(first?.columns).toEqual(FIGURE4_COLUMNS);
    expect(written(1).has(FIGURE4_TABLE)).toBe(false);
    const kept = figure4Runs(file, first!.rows);
    const again = runTokenomicsFile(file, () => populationRng(7));
    expect(judgeFigure4(kept)).toEqual(judgeFigure4(again));
    expect(judgeFigure4(kept).claims).toHaveLength(5);
    for (const [name, run] of Object.entries(again)) {
      expect(kept[name].network.map((r) => [r.month, r.apy])).toEqual(run.network.map((r) => [r.month, r.apy]));
      expect(kept[name].treasury.map((r) => r.apy_cap)).toEqual(run.treasury.map((r) => r.apy_cap));
    }
  });
});
