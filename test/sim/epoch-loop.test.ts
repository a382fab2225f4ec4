// Pins the first epochs of the figure scenario at a fixed seed, exactly (every float as its shortest
// round-trip text): a change in the draw order, the stream rule or a small bias anywhere in the loop fails
// here, beside the golden engine tests and the statistical `check`. After an intended change, regenerate
// with `npx vitest run test/sim/epoch-loop.test.ts -u` and say why in the commit.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadScenario } from '../../src/scenario/load.js';
import { epochRecords } from '../../src/sim/simulate.js';
import type { EpochRecord } from '../../src/sim/record.js';
import { projectRoot } from '../../src/scenario/paths.js';

const text = (x: number | null): string => (x === null ? 'null' : String(x));
const list = (a: ArrayLike<number> | null): string[] | null => (a === null ? null : Array.from(a, text));

function pin(r: EpochRecord) {
  return {
    epoch: r.epoch,
    target: text(r.world.target),
    fxp: text(r.world.fxp),
    outperformer: r.world.outperformer,
    inferences: list(r.inferences),
    forecasts: list(r.forecasts),
    network: text(r.synthesis.network),
    naive: text(r.synthesis.naive),
    forecastImplied: list(r.synthesis.forecastImplied),
    trueLog10Loss: list(r.trueLog10Loss),
    reports_first_reputer: r.reports === null ? null : list(r.reports.subarray(0, r.objects.length)),
    networkLosses: list(r.networkLosses),
    stakes: list(r.stakes),
    emission: text(r.emission),
    rewards:
      r.rewards === null
        ? null
        : {
            inferer: list(r.rewards.infererRewards),
            forecaster: list(r.rewards.forecasterRewards),
            reputer: list(r.rewards.reputerRewards),
            listening: list(r.rewards.listening),
            FGH: list([r.rewards.infererEntropy, r.rewards.forecasterEntropy, r.rewards.reputerEntropy]),
          },
  };
}

describe('the epoch loop, pinned', () => {
  it('figure2-3.yaml, seed 1: the first 6 epochs, exactly', async () => {
    const s = loadScenario(join(projectRoot(), 'scenarios/figure2-3.yaml'));
    const out = [];
    for (const r of epochRecords(s, 1)) {
      out.push(pin(r));
      if (out.length === 6) break;
    }
    await expect(JSON.stringify(out, null, 1) + '\n').toMatchFileSnapshot('__snapshots__/figure2-3-seed1-epochs1-6.json');
  });
});
