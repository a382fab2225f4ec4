// The paired attack metrics (docs/attacks.md §4), as reporters found by key like the headline metrics
// (metrics.ts). Each reads the attack run's record of an epoch together with the record of the same epoch
// of the paired run — the same seed with the adversaries off, so the honest world is the same draw for draw
// (src/agents/rng.ts) — and, for a reputer sybil, of the run with its stake under one identity.
//
// The measurement window is every rewarded epoch i > warm-up with i ≥ the attack's start (the earliest
// join_at, or defect_at for defectors); shares are over the topic emission of the window.

import type { EpochRecord } from './record.js';
import { observer } from './metrics.js';

/** Roster indices (attack run) of the attacker's identities and what they are measured against. */
export interface AttackContext {
  warmup: number;
  epochs: number;
  /** First epoch of the attack (earliest join_at; defect_at for defectors). */
  start: number;
  /** Epoch of the event recovery is measured from (defect_at / an outlier's join_at), or null. */
  event: number | null;
  /** Attacker identities per role (attack-run roster indices), owned honest identities included. */
  attackers: { inferers: number[]; forecasters: number[]; reputers: number[] };
  /** Honest identities the attacker owns (its sources), as indices of the paired run's roster. */
  sources: { inferers: number[]; forecasters: number[] };
  /** The favoured inferer (roster index, the same in both runs), or null. */
  favoured: number | null;
  /** Cost per identity: registration (once) and per epoch present, in tokens; identities registered. */
  cost: { registration: number; perEpoch: number; registered: number };
  /** The reputer sybil's identity in the run with its stake under one identity (roster index), or []. */
  unsplitReputers: number[];
}

export interface PairedEpoch {
  attack: EpochRecord;
  paired: EpochRecord;
  /** The reputer-sybil run with the stake under one identity (null otherwise). */
  unsplit: EpochRecord | null;
}

export interface AttackMetricReporter<A = unknown> {
  key: string;
  definition: string;
  init(ctx: AttackContext): A;
  add(acc: A, e: PairedEpoch, ctx: AttackContext): void;
  finish(acc: A, ctx: AttackContext): number;
}

function metric<A>(m: AttackMetricReporter<A>): AttackMetricReporter {
  return m as unknown as AttackMetricReporter;
}

/** Whether epoch `rec` is in the measurement window. */
export const inWindow = (rec: EpochRecord, ctx: AttackContext): boolean => rec.epoch > ctx.warmup && rec.epoch >= ctx.start;

const sumAt = (xs: Float64Array, idx: readonly number[]): number => idx.reduce((a, i) => a + (Number.isFinite(xs[i]) ? xs[i] : 0), 0);

/** Σ rewards of the given identities of an epoch (all roles). */
function rewardOf(rec: EpochRecord, who: { inferers: readonly number[]; forecasters: readonly number[]; reputers?: readonly number[] }): number {
  const o = rec.rewards;
  if (!o) return 0;
  return sumAt(o.infererRewards, who.inferers) + sumAt(o.forecasterRewards, who.forecasters) + sumAt(o.reputerRewards, who.reputers ?? []);
}

const log10Net = (r: EpochRecord): number => r.trueLog10Loss[r.layout.network];

interface Sums {
  emission: number;
  attacker: number;
  sources: number;
  favAttack: number;
  favPaired: number;
  classAttack: number;
  classPaired: number;
  unsplit: number;
  identityEpochs: number;
  /** Honest identities' rewards in the roles the attacker has identities in, and their count. */
  honestSameRole: number;
}

function sums(): Sums {
  return { emission: 0, attacker: 0, sources: 0, favAttack: 0, favPaired: 0, classAttack: 0, classPaired: 0, unsplit: 0, identityEpochs: 0, honestSameRole: 0 };
}

function addSums(acc: Sums, e: PairedEpoch, ctx: AttackContext): void {
  const a = e.attack;
  if (!inWindow(a, ctx)) return;
  for (const list of [
    [ctx.attackers.inferers, a.present.inferers],
    [ctx.attackers.forecasters, a.present.forecasters],
    [ctx.attackers.reputers, a.present.reputers],
  ] as const)
    for (const i of list[0]) acc.identityEpochs += list[1][i];
  if (!a.rewards || a.emission === null) return;
  acc.emission += a.emission;
  acc.attacker += rewardOf(a, ctx.attackers);
  acc.honestSameRole += rewardOf(a, honestSameRole(a, ctx));
  acc.sources += rewardOf(e.paired, ctx.sources);
  acc.classAttack += a.rewards.infererClassReward;
  acc.classPaired += e.paired.rewards?.infererClassReward ?? 0;
  if (ctx.favoured !== null) {
    acc.favAttack += a.rewards.infererRewards[ctx.favoured];
    acc.favPaired += e.paired.rewards?.infererRewards[ctx.favoured] ?? 0;
  }
  if (e.unsplit) acc.unsplit += rewardOf(e.unsplit, { inferers: [], forecasters: [], reputers: ctx.unsplitReputers });
}

/** Honest identities of the roles in which the attacker has identities (attack-run roster indices). */
function honestSameRole(rec: EpochRecord, ctx: AttackContext): { inferers: number[]; forecasters: number[]; reputers: number[] } {
  const pick = (n: number, att: readonly number[]): number[] => (att.length ? Array.from({ length: n }, (_, i) => i).filter((i) => !att.includes(i)) : []);
  return {
    inferers: pick(rec.inferers.length, ctx.attackers.inferers),
    forecasters: pick(rec.forecasters.length, ctx.attackers.forecasters),
    reputers: pick(rec.reputers.length, ctx.attackers.reputers),
  };
}

const identities = (w: { inferers: readonly number[]; forecasters: readonly number[]; reputers: readonly number[] }): number =>
  w.inferers.length + w.forecasters.length + w.reputers.length;

const sumsMetric = (key: string, definition: string, finish: (s: Sums, ctx: AttackContext) => number): AttackMetricReporter =>
  metric<Sums>({ key, definition, init: sums, add: addSums, finish });

/** Class share of the favoured inferer in one run over the window. */
interface FavAcc {
  attack: number;
  attackClass: number;
  paired: number;
  pairedClass: number;
}

/** Mean listening coefficient of a set of reputers at the last rewarded epoch. */
interface LastAcc {
  a: Float64Array | null;
  n: number;
}
const meanAt = (xs: Float64Array, idx: readonly number[]): number => (idx.length ? sumAt(xs, idx) / idx.length : NaN);
const honestReputers = (rec: EpochRecord, ctx: AttackContext): number[] =>
  Array.from({ length: rec.reputers.length }, (_, m) => m).filter((m) => !ctx.attackers.reputers.includes(m));

/** Per-stake reward of attacker vs honest reputers over the window. */
interface StakeAcc {
  attR: number;
  attS: number;
  honR: number;
  honS: number;
  firstShare: number;
  lastShare: number;
}

/** Excess network log10 loss per epoch from the event on (for recovery). */
interface ExcessAcc {
  excess: number[];
}

export const RECOVERY_WINDOW = 10;
export const RECOVERY_TOLERANCE_DEX = 0.05;

export const ATTACK_METRICS: readonly AttackMetricReporter[] = [
  sumsMetric(
    'attacker_reward_share',
    "the attacker's rewards (every identity it owns, all tasks) summed over the measurement window, divided by the topic emission of the window",
    (s) => s.attacker / s.emission,
  ),
  sumsMetric(
    'attacker_reward_ratio',
    "the attacker's rewards over the window divided by what its source identities earned in the paired run (a sybil's or an owner's copies' source), or for a reputer sybil by what the same stake earned under one identity; empty when there is no source",
    (s, ctx) => (ctx.sources.inferers.length + ctx.sources.forecasters.length > 0 ? s.attacker / s.sources : s.unsplit > 0 ? s.attacker / s.unsplit : NaN),
  ),
  metric<Sums & { honestIds: number }>({
    key: 'attacker_reward_per_identity_ratio',
    definition:
      "the attacker's reward per identity divided by the honest participants' reward per identity in the same roles, over the window (1 = an attacker identity earns what an honest one does)",
    init: () => ({ ...sums(), honestIds: 0 }),
    add(acc, e, ctx) {
      addSums(acc, e, ctx);
      acc.honestIds = identities(honestSameRole(e.attack, ctx));
    },
    finish: (acc, ctx) => (identities(ctx.attackers) === 0 ? NaN : acc.attacker / identities(ctx.attackers) / (acc.honestSameRole / acc.honestIds)),
  }),
  metric<StakeAcc>({
    key: 'attacker_reward_per_stake_ratio',
    definition:
      "the attacker reputers' reward per unit of stake in force, divided by the honest reputers' (both summed over the window); empty without attacker reputers",
    init: () => ({ attR: 0, attS: 0, honR: 0, honS: 0, firstShare: NaN, lastShare: NaN }),
    add(acc, e, ctx) {
      const a = e.attack;
      if (!inWindow(a, ctx) || !a.rewards || ctx.attackers.reputers.length === 0) return;
      const hon = honestReputers(a, ctx);
      acc.attR += sumAt(a.rewards.reputerRewards, ctx.attackers.reputers);
      acc.attS += sumAt(a.stakes, ctx.attackers.reputers);
      acc.honR += sumAt(a.rewards.reputerRewards, hon);
      acc.honS += sumAt(a.stakes, hon);
    },
    finish: (acc, ctx) => (ctx.attackers.reputers.length === 0 ? NaN : acc.attR / acc.attS / (acc.honR / acc.honS)),
  }),
  metric<StakeAcc>({
    key: 'attacker_stake_share_ratio',
    definition: "the attacker reputers' share of the total stake after the last epoch (eq. 37) divided by their share in the first window epoch; empty without attacker reputers",
    init: () => ({ attR: 0, attS: 0, honR: 0, honS: 0, firstShare: NaN, lastShare: NaN }),
    add(acc, e, ctx) {
      const a = e.attack;
      if (!inWindow(a, ctx) || !a.rewards || ctx.attackers.reputers.length === 0) return;
      const total = (s: Float64Array): number => s.reduce((x, y) => x + y, 0);
      if (Number.isNaN(acc.firstShare)) acc.firstShare = sumAt(a.stakes, ctx.attackers.reputers) / total(a.stakes);
      acc.lastShare = sumAt(a.rewards.nextStakes, ctx.attackers.reputers) / total(a.rewards.nextStakes);
    },
    finish: (acc) => acc.lastShare / acc.firstShare,
  }),
  metric<FavAcc>({
    key: 'favoured_worker_gain',
    definition:
      "the favoured inferer's share of the inference-class reward over the window divided by its share in the paired run; empty when the attack favours no worker",
    init: () => ({ attack: 0, attackClass: 0, paired: 0, pairedClass: 0 }),
    add(acc, e, ctx) {
      if (ctx.favoured === null || !inWindow(e.attack, ctx) || !e.attack.rewards || !e.paired.rewards) return;
      acc.attack += e.attack.rewards.infererRewards[ctx.favoured];
      acc.attackClass += e.attack.rewards.infererClassReward;
      acc.paired += e.paired.rewards.infererRewards[ctx.favoured];
      acc.pairedClass += e.paired.rewards.infererClassReward;
    },
    finish: (acc, ctx) => (ctx.favoured === null ? NaN : acc.attack / acc.attackClass / (acc.paired / acc.pairedClass)),
  }),
  metric<LastAcc>({
    key: 'attacker_listening_coefficient',
    definition: "mean listening coefficient a_m (eq. 35) of the attacker's reputers after the last rewarded epoch; empty without attacker reputers",
    init: () => ({ a: null, n: 0 }),
    add(acc, e) {
      if (e.attack.rewards) acc.a = e.attack.rewards.listening;
    },
    finish: (acc, ctx) => (acc.a && ctx.attackers.reputers.length ? meanAt(acc.a, ctx.attackers.reputers) : NaN),
  }),
  metric<LastAcc>({
    key: 'honest_listening_coefficient',
    definition: 'mean listening coefficient a_m (eq. 35) of the honest reputers after the last rewarded epoch of the attack run',
    init: () => ({ a: null, n: 0 }),
    add(acc, e, ctx) {
      if (e.attack.rewards) {
        acc.a = e.attack.rewards.listening;
        acc.n = e.attack.reputers.length;
      }
      void ctx;
    },
    finish: (acc, ctx) => {
      if (!acc.a) return NaN;
      const hon = Array.from({ length: acc.n }, (_, m) => m).filter((m) => !ctx.attackers.reputers.includes(m));
      return meanAt(acc.a, hon);
    },
  }),
  metric<LastAcc & { h: number }>({
    key: 'consensus_captured',
    definition: "1 when the attacker reputers' mean listening coefficient exceeds the honest reputers' after the last rewarded epoch, else 0; empty without attacker reputers",
    init: () => ({ a: null, n: 0, h: 0 }),
    add(acc, e) {
      if (e.attack.rewards) {
        acc.a = e.attack.rewards.listening;
        acc.n = e.attack.reputers.length;
      }
    },
    finish: (acc, ctx) => {
      if (!acc.a || ctx.attackers.reputers.length === 0) return NaN;
      const hon = Array.from({ length: acc.n }, (_, m) => m).filter((m) => !ctx.attackers.reputers.includes(m));
      return meanAt(acc.a, ctx.attackers.reputers) > meanAt(acc.a, hon) ? 1 : 0;
    },
  }),
  metric<{ sum: number; n: number }>({
    key: 'network_log10_loss_delta',
    definition: "time average over the window (every epoch, rewarded or not) of log10 of the network inference's squared error, attack run minus paired run (dex; > 0 = the attack made the network worse)",
    init: () => ({ sum: 0, n: 0 }),
    add(acc, e, ctx) {
      if (!inWindow(e.attack, ctx)) return;
      const d = log10Net(e.attack) - log10Net(e.paired);
      if (Number.isNaN(d)) return;
      acc.sum += d;
      acc.n++;
    },
    finish: (acc) => (acc.n ? acc.sum / acc.n : NaN),
  }),
  sumsMetric(
    'inference_share_ratio',
    "the inference class's share of the topic emission over the window, attack run divided by paired run (1 = the attackers did not change the class allocation)",
    (s) => s.classAttack / s.emission / (s.classPaired / s.emission),
  ),
  sumsMetric(
    'attacker_net_profit',
    "what the attack earned the attacker over the window — its rewards, plus the favoured worker's extra reward over the paired run, minus what its source identities earned in the paired run, minus cost (registration fee per identity, cost per identity per epoch present) — as a share of the window's topic emission",
    (s, ctx) => (s.attacker + (s.favAttack - s.favPaired) - s.sources - ctx.cost.registration * ctx.cost.registered - ctx.cost.perEpoch * s.identityEpochs) / s.emission,
  ),
  metric<ExcessAcc>({
    key: 'recovery_epochs',
    definition: `epochs from the defection (defect_at) or the outlier's arrival (join_at) until the network log10 loss of the attack run first stays within ${RECOVERY_TOLERANCE_DEX} dex of the paired run on average over ${RECOVERY_WINDOW} epochs; epochs − event + 1 when it never does; empty without defectors or outliers`,
    init: () => ({ excess: [] }),
    add(acc, e, ctx) {
      if (ctx.event === null || e.attack.epoch < ctx.event) return;
      acc.excess.push(log10Net(e.attack) - log10Net(e.paired));
    },
    finish: (acc, ctx) => (ctx.event === null ? NaN : recoveryEpochs(acc.excess, ctx.epochs - ctx.event + 1)),
  }),
  metric<ExcessAcc>({
    key: 'peak_excess_dex',
    definition: `largest ${RECOVERY_WINDOW}-epoch mean of the network log10 loss, attack run minus paired run, from the defection or the outlier's arrival on; empty without defectors or outliers`,
    init: () => ({ excess: [] }),
    add(acc, e, ctx) {
      if (ctx.event === null || e.attack.epoch < ctx.event) return;
      acc.excess.push(log10Net(e.attack) - log10Net(e.paired));
    },
    finish: (acc, ctx) => {
      if (ctx.event === null) return NaN;
      let peak = -Infinity;
      for (let i = 0; i + RECOVERY_WINDOW <= acc.excess.length; i++) peak = Math.max(peak, windowMean(acc.excess, i));
      return Number.isFinite(peak) ? peak : NaN;
    },
  }),
  metric<{ sum: number; n: number }>({
    key: 'chi_mean',
    definition: 'time average over the window of χ, the forecasting utility (eq. 45), in the attack run',
    init: () => ({ sum: 0, n: 0 }),
    add(acc, e, ctx) {
      const o = e.attack.rewards;
      if (!o || !inWindow(e.attack, ctx) || Number.isNaN(o.chi)) return;
      acc.sum += o.chi;
      acc.n++;
    },
    finish: (acc) => (acc.n ? acc.sum / acc.n : NaN),
  }),
];

function windowMean(xs: readonly number[], i: number): number {
  let s = 0;
  let n = 0;
  for (let t = i; t < i + RECOVERY_WINDOW; t++) {
    if (Number.isNaN(xs[t])) continue;
    s += xs[t];
    n++;
  }
  return n ? s / n : NaN;
}

/** The first offset r such that the mean excess over [r, r + window) is below the tolerance; `censored` when none. */
export function recoveryEpochs(excess: readonly number[], censored: number): number {
  for (let r = 0; r + RECOVERY_WINDOW <= excess.length; r++) if (windowMean(excess, r) < RECOVERY_TOLERANCE_DEX) return r;
  return censored;
}

export function findAttackMetric(key: string): AttackMetricReporter | undefined {
  return ATTACK_METRICS.find((m) => m.key === key);
}

/** Observes paired epochs and finishes every attack metric (the headline metrics' observer). */
export const attackMetricsObserver = (ctx: AttackContext, metrics: readonly AttackMetricReporter[] = ATTACK_METRICS) =>
  observer<AttackContext, PairedEpoch>(ctx, metrics);
