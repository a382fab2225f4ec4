// Adversaries through the epoch loop: they never change an honest participant's draws; the paired attack
// metrics; actors.csv; the verdict function.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scenarioFromObject } from '../../src/scenario/load.js';
import type { ClaimConfig } from '../../src/scenario/schema.js';
import { epochRecords } from '../../src/sim/simulate.js';
import { runJob } from '../../src/sim/job.js';
import { pairedScenario } from '../../src/sim/attack-job.js';
import { judgeClaim, seedPasses } from '../../src/sim/attack-verdicts.js';
import { recoveryEpochs, RECOVERY_WINDOW } from '../../src/sim/attack-metrics.js';

const scenario = (set: string[], epochs = 60) => scenarioFromObject({ epochs, warmup: 10 }, 'a.yaml', { set });

function collect(s: ReturnType<typeof scenario>, seed: number) {
  const tables: Record<string, (string | number | null)[][]> = {};
  const r = runJob({ scenario: s, seed, point: 0, replicate: 0 }, {
    table: (name) => {
      const rows: (string | number | null)[][] = (tables[name] = []);
      return (row) => rows.push([...row]);
    },
  });
  return { metrics: r.metrics, tables };
}

const ATTACKS: Record<string, string[]> = {
  biased: ['adversaries.biased_reputers.count=2', 'adversaries.biased_reputers.stake_share=0.3'],
  lazy: ['adversaries.lazy_reputers.count=1'],
  sybilReputers: ['adversaries.sybil_reputers.identities=3'],
  sybilInferers: ['adversaries.sybil_inferers.identities=3'],
  copycat: ['adversaries.copycat_inferers.count=1', 'adversaries.copycat_inferers.copy=current_best', 'adversaries.visibility.current_submissions=true'],
  farm: ['adversaries.farm_inferers.count=2'],
  colluding: ['adversaries.colluding_forecasters.count=2'],
  forecasterCopies: ['adversaries.copycat_forecasters.count=2'],
  defector: ['adversaries.defecting_inferers.count=1', 'adversaries.defecting_inferers.defect_at=30'],
  outlier: ['adversaries.outlier_inferers.count=1', 'adversaries.outlier_inferers.join_at=30'],
};

describe('adversaries in the epoch loop', () => {
  it.each(Object.entries(ATTACKS))('%s: the honest participants draw exactly what they draw without attackers', (_name, set) => {
    const s = scenario(set, 40);
    const att = [...epochRecords(s, 5)];
    const honest = [...epochRecords(pairedScenario(s), 5)];
    const nI = honest[0].inferers.length;
    for (let e = 0; e < att.length; e++) {
      expect(att[e].world).toEqual(honest[e].world); // ground truth, f_xp, the outperformer
      // honest inferences (they are drawn before anything an attacker does)
      expect(Array.from(att[e].inferences.subarray(0, nI))).toEqual(Array.from(honest[e].inferences));
    }
    // the honest reputers' initial stakes are unchanged
    expect(Array.from(att[0].stakes.subarray(0, honest[0].reputers.length))).toEqual(Array.from(honest[0].stakes));
  });

  it('absent attackers do not hold rewards back; an outlier that joins later is present from join_at', () => {
    const s = scenario(ATTACKS.outlier, 40);
    const recs = [...epochRecords(s, 3)];
    const honest = [...epochRecords(pairedScenario(s), 3)];
    const first = (rs: typeof recs) => rs.find((r) => r.rewards)!.epoch;
    expect(first(recs)).toBe(first(honest));
    const j = recs[0].inferers.indexOf('outlier_inferers:0');
    expect(recs[28].present.inferers[j]).toBe(0);
    expect(recs[29].present.inferers[j]).toBe(1);
    expect(recs[29].inferences[j]).toBeCloseTo(recs[29].world.target + 100, 9);
  });

  it('a biased cabal reports −Δ on the favoured worker\'s inference loss and +Δ on its one-out loss', () => {
    const s = scenario(['adversaries.biased_reputers.count=1', 'adversaries.biased_reputers.base=truth', 'adversaries.biased_reputers.target=1', 'adversaries.biased_reputers.bias_dex=2'], 12);
    const recs = [...epochRecords(s, 9)];
    const r = recs[3];
    const m = r.reputers.indexOf('biased_reputers:0');
    const nObj = r.objects.length;
    const L = r.layout;
    const prevTrue = recs[2].trueLog10Loss;
    const rep = (o: number) => r.reports![m * nObj + o];
    expect(rep(L.inference + 1)).toBeCloseTo(prevTrue[L.inference + 1] - 2, 9);
    expect(rep(L.networkOneOut + 1)).toBeCloseTo(prevTrue[L.networkOneOut + 1] + 2, 9);
    expect(rep(L.inference + 0)).toBeCloseTo(prevTrue[L.inference + 0], 9);
    expect(rep(L.network)).toBeCloseTo(prevTrue[L.network], 9);
  });
});

describe('the attack job', () => {
  it('writes actors.csv and the paired metrics; the sybil source belongs to the attacker', () => {
    const { metrics, tables } = collect(scenario(ATTACKS.sybilInferers), 2);
    const actors = tables['actors.csv'];
    const groups = actors.filter((r) => r[1] === 'inference').map((r) => `${r[3]}:${r[4]}:${r[5]}`);
    expect(groups.filter((g) => g.includes('sybil_inferers'))).toHaveLength(3); // the source and two extra identities
    expect(actors.filter((r) => r[4] === 'honest')).toHaveLength(3 - 1 + 3 + 5);
    for (const k of ['attacker_reward_share', 'attacker_reward_ratio', 'attacker_reward_per_identity_ratio', 'network_log10_loss_delta', 'attacker_net_profit'])
      expect(Number.isFinite(metrics[k]), k).toBe(true);
    expect(Number.isNaN(metrics.attacker_listening_coefficient)).toBe(true); // no attacker reputers
    expect(tables['attack-metrics.csv']).toHaveLength(1);
  });

  it('a registration fee lowers the net profit and leaves the rewards unchanged', () => {
    const a = collect(scenario(ATTACKS.farm), 4).metrics;
    const b = collect(scenario([...ATTACKS.farm, 'adversaries.cost.registration_fee=3']), 4).metrics;
    expect(b.attacker_reward_share).toBe(a.attacker_reward_share);
    expect(a.attacker_net_profit - b.attacker_net_profit).toBeGreaterThan(0);
  });

  it('the reputer metrics: cabal listening coefficient, capture, stake share', () => {
    const { metrics } = collect(scenario(ATTACKS.biased, 80), 1);
    for (const k of ['attacker_listening_coefficient', 'honest_listening_coefficient', 'consensus_captured', 'attacker_reward_per_stake_ratio', 'attacker_stake_share_ratio', 'favoured_worker_gain'])
      expect(Number.isFinite(metrics[k]), k).toBe(true);
    expect([0, 1]).toContain(metrics.consensus_captured);
  });

  it('recovery: a defector and an outlier get a recovery time; others none', () => {
    expect(Number.isFinite(collect(scenario(ATTACKS.defector), 1).metrics.recovery_epochs)).toBe(true);
    expect(Number.isNaN(collect(scenario(ATTACKS.farm), 1).metrics.recovery_epochs)).toBe(true);
    expect(recoveryEpochs([1, 1, 1, ...Array(RECOVERY_WINDOW).fill(0)], 99)).toBe(3);
    expect(recoveryEpochs(Array(RECOVERY_WINDOW + 3).fill(1), 99)).toBe(99);
  });
});

describe('verdicts', () => {
  const claim: ClaimConfig = { id: 'C0', quote: 'q', section: '§0', metric: 'm', op: '<=', threshold: 1, and: 'n < 0.5', min_share: 0.75, scope: 'k < 3' };
  const seeds = (ms: number[], n = 0) => ms.map((m) => ({ m, n }));

  it('a seed passes when every condition holds; NaN fails', () => {
    expect(seedPasses(claim, { m: 1, n: 0.4 })).toBe(true);
    expect(seedPasses(claim, { m: 1.01, n: 0.4 })).toBe(false);
    expect(seedPasses(claim, { m: 0, n: 0.5 })).toBe(false);
    expect(seedPasses(claim, { m: NaN, n: 0 })).toBe(false);
  });

  it('holds only when every point in scope holds; reports the worst point in scope', () => {
    const v = judgeClaim(claim, 'x', [
      { point: 0, values: { k: 1 }, perSeed: seeds([0.5, 0.6, 0.7, 2]) }, // 75%: holds
      { point: 1, values: { k: 2 }, perSeed: seeds([0.5, 2, 3, 4]) }, // 25%: fails
      { point: 2, values: { k: 5 }, perSeed: seeds([9, 9, 9, 9]) }, // out of scope
    ]);
    expect(v.holds).toBe(false);
    expect(v.worst_point?.point).toBe(1);
    expect(v.holds_in_share_of_seeds).toBe(0.25);
    expect(v.points.map((p) => [p.in_scope, p.holds])).toEqual([[true, true], [true, false], [false, false]]);
    const ok = judgeClaim(claim, 'x', [{ point: 0, values: { k: 1 }, perSeed: seeds([0.5, 0.6, 0.7, 2]) }]);
    expect(ok.holds).toBe(true);
    expect(ok.median).toBeCloseTo(0.65, 12);
  });

  it('property: the verdict holds iff every in-scope point has a passing share ≥ min_share', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.double({ min: 0, max: 2, noNaN: true }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }), (pts) => {
        const v = judgeClaim({ ...claim, and: '', scope: '' }, 'x', pts.map((ms, i) => ({ point: i, values: {}, perSeed: seeds(ms) })));
        const expected = pts.every((ms) => ms.filter((m) => m <= 1).length / ms.length >= 0.75);
        return v.holds === expected;
      }),
    );
  });
});
