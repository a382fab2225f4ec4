// One run of an attack scenario (docs/attacks.md §4): the scenario with its adversaries, and in lockstep
// the same seed with the adversaries off (the paired run: the honest world draw for draw, src/agents/rng.ts)
// — and for a reputer sybil, the same stake under one identity. The attack run's tables are written as in
// any run, plus actors.csv; its metrics are the headline metrics and the paired attack metrics.

import { createPopulation, type Population } from '../agents/index.js';
import { activeBehaviours, type AdversariesConfig, type Scenario } from '../scenario/schema.js';
import type { RunResult, TableWriter } from './contract.js';
import { attackMetricsObserver, type AttackContext } from './attack-metrics.js';
import { metricsObserver } from './metrics.js';
import type { EpochRecord } from './record.js';
import { epochRecords } from './simulate.js';
import type { TableReporter } from './tables.js';

/** Whether a scenario runs as an attack (adversaries on, or a claim to judge). */
export function isAttackScenario(s: Scenario): boolean {
  return activeBehaviours(s.adversaries).length > 0 || (s.claim?.id ?? '') !== '';
}

export const ACTORS_TABLE = {
  name: 'actors.csv',
  description: 'Every identity of the roster: its role, its index in rewards.csv / reputers.csv, its group (honest or the adversary behaviour) and its owner (sybil identities share one).',
  filled: 'one row per identity, written once per run (attack scenarios only)',
  columns: [
    { name: 'seed', unit: '—', meaning: 'the run seed' },
    { name: 'role', unit: '—', meaning: '`inference`, `forecast` or `reputer` (as the task column of rewards.csv)' },
    { name: 'index', unit: '—', meaning: 'the participant index within its task, 0-based' },
    { name: 'identity', unit: '—', meaning: 'the identity: `0, 1, …` for honest participants, `<behaviour>:<i>` for adversaries' },
    { name: 'group', unit: '—', meaning: '`honest` or the adversary behaviour the identity belongs to' },
    { name: 'owner', unit: '—', meaning: 'who controls it: `<role>/<identity>` for an honest participant, the behaviour for an attacker' },
    { name: 'join_at', unit: 'epoch', meaning: 'first epoch it takes part' },
    { name: 'leave_at', unit: 'epoch', meaning: 'first epoch it no longer takes part (empty = stays)' },
  ],
} as const;

/** One row per run with every metric of the run (headline and attack metrics): what verdicts are computed from. */
export const RUN_METRICS_TABLE = {
  name: 'attack-metrics.csv',
  description: 'Every metric of each run of an attack scenario (the headline metrics of summary.json, then the attack metrics of docs/attacks.md §4), one row per run.',
  filled: 'one row per run (attack scenarios only); a metric that does not apply to the attack is empty',
};

/** The roster's actor rows. */
export function actorRows(pop: Population, seed: number): (string | number | null)[][] {
  const rows: (string | number | null)[][] = [];
  const roles = [
    ['inference', 'inferer', pop.inferers],
    ['forecast', 'forecaster', pop.forecasters],
    ['reputer', 'reputer', pop.reputers],
  ] as const;
  for (const [task, role, list] of roles)
    list.forEach((s, i) => {
      const a = s.actor;
      rows.push([seed, task, i, s.participant.id, a?.group ?? 'honest', a?.owner ?? `${role}/${s.participant.id}`, a?.joinAt ?? 1, a && a.leaveAt > 0 ? a.leaveAt : null]);
    });
  return rows;
}

const off = (a: AdversariesConfig): AdversariesConfig => ({
  ...a,
  biased_reputers: { ...a.biased_reputers, count: 0 },
  lazy_reputers: { ...a.lazy_reputers, count: 0 },
  sybil_reputers: { ...a.sybil_reputers, identities: 0 },
  sybil_inferers: { ...a.sybil_inferers, identities: 1 },
  copycat_inferers: { ...a.copycat_inferers, count: 0 },
  farm_inferers: { ...a.farm_inferers, count: 0 },
  colluding_forecasters: { ...a.colluding_forecasters, count: 0 },
  copycat_forecasters: { ...a.copycat_forecasters, count: 0 },
  defecting_inferers: { ...a.defecting_inferers, count: 0 },
  outlier_inferers: { ...a.outlier_inferers, count: 0 },
});

/** The paired scenario: the same scenario with every adversary off. */
export const pairedScenario = (s: Scenario): Scenario => ({ ...s, adversaries: s.adversaries ? off(s.adversaries) : undefined });

/** Where the attacker sits in the rosters and what its identities cost (docs/attacks.md §4). */
export function attackContext(s: Scenario, pop: Population, paired: Population, unsplit: Population | null): AttackContext {
  const a = s.adversaries;
  const behaviours = activeBehaviours(a);
  const mark = <P>(list: { actor?: { group: string } ; participant: P }[]): number[] =>
    list.map((x, i) => (x.actor && x.actor.group !== 'honest' ? i : -1)).filter((i) => i >= 0);
  const attackers = { inferers: mark(pop.inferers), forecasters: mark(pop.forecasters), reputers: mark(pop.reputers) };
  const owned = <P extends { id: string }>(list: { actor?: { adversary: boolean }; participant: P }[], ids: string[]): number[] =>
    ids.map((id) => list.findIndex((x) => x.participant.id === id)).filter((i) => i >= 0);
  const ownedIds = (list: { actor?: { adversary: boolean; group: string }; participant: { id: string } }[]): string[] =>
    list.filter((x) => x.actor && !x.actor.adversary).map((x) => x.participant.id);
  const sources = { inferers: owned(paired.inferers, ownedIds(pop.inferers)), forecasters: owned(paired.forecasters, ownedIds(pop.forecasters)) };
  let favoured: number | null = null;
  let start = Infinity;
  let event: number | null = null;
  for (const b of behaviours) start = Math.min(start, a![b].join_at);
  if (a && behaviours.includes('defecting_inferers')) {
    start = Math.max(start, a.defecting_inferers.defect_at);
    event = a.defecting_inferers.defect_at;
  } else if (a && behaviours.includes('outlier_inferers')) event = a.outlier_inferers.join_at;
  if (!Number.isFinite(start)) start = 1;
  const favouredId =
    a && behaviours.includes('biased_reputers')
      ? biasedTargetId(s, pop)
      : a && behaviours.includes('colluding_forecasters')
        ? colludingTargetId(s, pop)
        : null;
  if (typeof favouredId === 'string') favoured = pop.inferers.findIndex((x) => x.participant.id === favouredId);
  const registered = attackers.inferers.length + attackers.forecasters.length + attackers.reputers.length - sources.inferers.length - sources.forecasters.length;
  const ebar = pop.meanEmission;
  return {
    warmup: s.warmup,
    epochs: s.epochs,
    start,
    event,
    attackers,
    sources,
    favoured,
    cost: { registration: (a?.cost.registration_fee ?? 0) * ebar, perEpoch: (a?.cost.per_identity_per_epoch ?? 0) * ebar, registered },
    unsplitReputers: unsplit ? mark(unsplit.reputers) : [],
  };
}

/** The honest inferer a behaviour's `target`/`favour` names (best / worst by error trait, or an index). */
function refId(ref: 'best' | 'worst' | number, pop: Population): string {
  const honest = pop.inferers.filter((x) => !x.actor || !x.actor.adversary) as { participant: { id: string; error?: number } }[];
  if (typeof ref === 'number') return honest[ref].participant.id;
  let pick = honest[0];
  for (const h of honest) {
    const e = h.participant.error ?? NaN;
    if (ref === 'best' ? e < (pick.participant.error ?? NaN) : e > (pick.participant.error ?? NaN)) pick = h;
  }
  return pick.participant.id;
}
const biasedTargetId = (s: Scenario, pop: Population): string => refId(s.adversaries!.biased_reputers.target, pop);
const colludingTargetId = (s: Scenario, pop: Population): string => refId(s.adversaries!.colluding_forecasters.favour, pop);

/** Runs the attack scenario, its paired run (and unsplit run) in lockstep; streams the attack run's tables. */
export function runAttackJob(
  s: Scenario,
  seed: number,
  writers: { t: TableReporter; emit: (row: (string | number | null)[]) => void }[],
  out: TableWriter,
  writeActors: boolean,
  writeMetrics = writeActors,
): RunResult {
  const pop = createPopulation(s, seed);
  const pairedS = pairedScenario(s);
  const pairedPop = createPopulation(pairedS, seed);
  const a = s.adversaries;
  const unsplitS: Scenario | null =
    a && a.sybil_reputers.identities > 1 ? { ...s, adversaries: { ...off(a), sybil_reputers: { ...a.sybil_reputers, identities: 1 } } } : null;
  const unsplitPop = unsplitS ? createPopulation(unsplitS, seed) : null;
  if (writeActors) {
    const emit = out.table(ACTORS_TABLE.name, ACTORS_TABLE.columns.map((c) => c.name));
    for (const r of actorRows(pop, seed)) emit(r);
  }
  const ctx = attackContext(s, pop, pairedPop, unsplitPop);
  // Without attackers (a claim on an honest-world study) the paired run is the run itself.
  const solo = activeBehaviours(a).length === 0;
  const headline = metricsObserver({ warmup: s.warmup });
  const paired = attackMetricsObserver(ctx);
  const att = epochRecords(s, seed, pop);
  const base = solo ? null : epochRecords(pairedS, seed, pairedPop);
  const uns = unsplitS && unsplitPop ? epochRecords(unsplitS, seed, unsplitPop) : null;
  for (;;) {
    const x = att.next();
    const y = base ? base.next() : null;
    const z = uns ? uns.next() : null;
    if (x.done || (y && y.done)) break;
    const rec: EpochRecord = x.value;
    for (const w of writers) w.t.rows(rec, seed, w.emit);
    headline.add(rec);
    paired.add({ attack: rec, paired: y ? (y.value as EpochRecord) : rec, unsplit: z && !z.done ? z.value : null });
  }
  const metrics = { ...headline.finish(), ...paired.finish() };
  if (writeMetrics) {
    const keys = Object.keys(metrics);
    out.table(RUN_METRICS_TABLE.name, ['seed', ...keys])([seed, ...keys.map((k) => (Number.isFinite(metrics[k]) ? metrics[k] : null))]);
  }
  return { metrics };
}
