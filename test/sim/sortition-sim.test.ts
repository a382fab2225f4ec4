// Merit sortition in the epoch loop: more candidates than active slots.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadScenario } from '../../src/scenario/load.js';
import { projectRoot } from '../../src/scenario/paths.js';
import { epochRecords } from '../../src/sim/simulate.js';

const file = join(projectRoot(), 'scenarios/chain/sortition.yaml');

describe('active sets in the simulation', () => {
  for (const rule of ['simulator', 'chain'] as const) {
    it(`20 inferers for 8 slots (${rule} rule): at most 8 take part, all 8 slots filled, the set changes, rewards run`, () => {
      const s = loadScenario(file, { set: ['epochs=300', 'warmup=10', `active_set=${rule}`, 'max_active_forecasters=2', 'max_active_reputers=4'] });
      const sets = new Set<string>();
      let rewarded = 0;
      for (const r of epochRecords(s, 3)) {
        const active = Array.from(r.inferences, (x, j) => (Number.isFinite(x) ? j : -1)).filter((j) => j >= 0);
        expect(active.length).toBe(8);
        sets.add(active.join(','));
        const fcActive = r.forecasters.filter((_, k) => r.forecasts.subarray(k * 20, (k + 1) * 20).some(Number.isFinite)).length;
        expect(fcActive).toBeLessThanOrEqual(2);
        // forecast elements only about active inferers
        for (let k = 0; k < r.forecasters.length; k++)
          for (let j = 0; j < 20; j++) if (!Number.isFinite(r.inferences[j])) expect(r.forecasts[k * 20 + j]).toBeNaN();
        if (r.reports) {
          const nObj = r.objects.length;
          const reporting = r.reputers.filter((_, m) => r.reports!.subarray(m * nObj, (m + 1) * nObj).some(Number.isFinite)).length;
          expect(reporting).toBeLessThanOrEqual(4);
        }
        if (r.rewards) rewarded++;
      }
      expect(sets.size).toBeGreaterThan(1);
      expect(rewarded).toBeGreaterThan(290);
    });
  }

  it('off by default: every inferer takes part', () => {
    const s = loadScenario(file, { set: ['epochs=20', 'warmup=2', 'active_set=off'] });
    for (const r of epochRecords(s, 3)) expect(Array.from(r.inferences).every(Number.isFinite)).toBe(true);
  });
});
