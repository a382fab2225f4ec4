// A tokenomics scenario through the Monte Carlo runner with a grid (what `sweep` runs once the command routes
// tokenomics scenarios to src/sim/tokenomics-job.ts): the points' values reach the runs by symbol and by path.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { readScenarioFile } from '../../src/scenario/load.js';
import { tokenomicsFromObject } from '../../src/scenario/tokenomics.js';
import { buildSweep } from '../../src/runner/grid.js';
import { runMonteCarlo } from '../../src/runner/run.js';
import { tokenomicsApplyPoint } from '../../src/runner/tokenomics-run.js';
import { ROOT } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'allora-toksweep-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('sweep of a tokenomics scenario (runner level)', () => {
  it('alpha_e=0.05,0.2 × 2 seeds on figure4.yaml: per-point metrics move with the value; bad values fail up front', async () => {
    const file = join(ROOT, 'scenarios/figure4.yaml');
    const raw = readScenarioFile(file);
    const out = join(tmp, 'alpha');
    const res = await runMonteCarlo({
      scenario: tokenomicsFromObject(raw, file, { months: 48 }),
      out,
      seed: 4,
      replicates: 2,
      sweep: buildSweep({ grid: ['alpha_e=0.05,0.2'] }),
      applyPoint: tokenomicsApplyPoint(raw, file, { months: 48 }),
      kind: 'tokenomics',
      threads: 1,
      inline: true,
      progress: 'quiet',
      handleSignals: false,
    });
    expect(res.failures).toEqual([]);
    const summary = parse(readFileSync(join(out, 'summary.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(summary.map((r) => r.alpha_e)).toEqual(['0.05', '0.2']);
    const apy = summary.map((r) => Number(r['apy_at_unlock.smoothing_mean']));
    expect(apy[0]).not.toBe(apy[1]);
    // The no-smoothing setup sets α_e itself: the grid does not reach it.
    expect(summary[0]['final_apy.no-smoothing_mean']).toBe(summary[1]['final_apy.no-smoothing_mean']);
    // The network table of each point once (replicate 0), the topic rows of every run.
    const net = readFileSync(join(out, 'tokenomics.csv'), 'utf8').trim().split('\n').slice(1);
    expect(net).toHaveLength(2 * 3 * 48);
    const topics = parse(readFileSync(join(out, 'topics.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(new Set(topics.map((r) => `${r.point}/${r.replicate}`)).size).toBe(4);

    await expect(
      runMonteCarlo({
        scenario: tokenomicsFromObject(raw, file),
        out: join(tmp, 'bad'),
        seed: 4,
        replicates: 1,
        sweep: buildSweep({ grid: ['tokenomics.setups.nope.alpha_e=0.1'] }),
        applyPoint: tokenomicsApplyPoint(raw, file),
        kind: 'tokenomics',
        inline: true,
        progress: 'quiet',
        handleSignals: false,
      }),
    ).rejects.toThrow(/no setup named 'nope'/);
  });
});
