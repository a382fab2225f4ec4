// The scenario file: one spec tree (below) from which the TypeScript defaults, the JSON Schema that ajv
// validates against, the committed `schema/scenario.schema.json` and the range texts of the error messages
// are all generated. The mechanism section is generated from `PARAM_SPECS` (src/engine/params.ts); its
// defaults are the selected profile (`profile:` / `--profile`), not fixed values.

import { SWEEP_JSON_SCHEMA } from './sweep-section.js';
import { projectRoot } from './paths.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PARAM_SPECS, type MechanismParams, type ParamSpec, type ProfileName } from '../engine/params.js';

// ---------------------------------------------------------------------------------------------------------
// The resolved scenario (what `loadScenario` returns).

/** `kind:` of a scenario file. 'tokenomics' files have their own layout (src/scenario/tokenomics.ts). */
export type ScenarioKind = 'agents' | 'tokenomics';
export type GroundTruthModel = 'ar1' | 'zero' | 'randomwalk';
export type EmissionModel = 'stochastic' | 'constant';

export interface InferersConfig {
  /** N_i. */
  count: number;
  /** Error e_j = base^N(error_log_mean, error_log_dispersion), in target units (base 10; e with ln_reading). */
  error_log_mean: number;
  error_log_dispersion: number;
  /** Bias b_j ~ N(0, bias_dispersion), in target units. */
  bias_dispersion: number;
  /** Factor on error and bias of the one worker drawn each epoch (context-dependent outperformance). */
  outperform_factor: number;
}

export interface ForecastersConfig {
  /** N_f (0 = no forecasting task). */
  count: number;
  /** Logarithmic error err_k = base^N(error_log_mean, error_log_dispersion) (dex; nats with ln_reading). */
  error_log_mean: number;
  error_log_dispersion: number;
  /** Logarithmic bias β_k ~ N(0, bias_dispersion) (dex; nats with ln_reading). */
  bias_dispersion: number;
  /** f_context = σ[a(x − b)], x ~ U[0, 1) (eq 21). */
  context_a: number;
  context_b: number;
}

export interface ReputersConfig {
  /** N_r. */
  count: number;
  /** Logarithmic error e_m = base^N(error_log_mean, error_log_dispersion) (dex; nats with ln_reading). */
  error_log_mean: number;
  error_log_dispersion: number;
  /** Logarithmic bias b_m ~ N(0, bias_dispersion) (dex; nats with ln_reading). */
  bias_dispersion: number;
  /** EMA weight α_m = min(1, base^N(alpha_log_mean, alpha_log_dispersion)). */
  alpha_log_mean: number;
  alpha_log_dispersion: number;
  /** Initial stake S_m = 10^N(stake_log_mean, stake_log_dispersion) (always base 10, docs/agents.md #12). */
  stake_log_mean: number;
  stake_log_dispersion: number;
}

export interface ExperienceConfig {
  /** f_xp(i) = floor + (1 − floor)·e^(−rate·i); the paper's eq 20 is rate 0.03, floor ½. */
  rate: number;
  floor: number;
}

export interface ParticipantsConfig {
  inferers: InferersConfig;
  forecasters: ForecastersConfig;
  reputers: ReputersConfig;
  experience: ExperienceConfig;
}

export interface GroundTruthConfig {
  /** ar1: Y_i = rho·Y_{i−1} + sigma·N(0,1); randomwalk: Y_i = Y_{i−1} + sigma·N(0,1); zero: Y_i = 0. */
  model: GroundTruthModel;
  rho: number;
  sigma: number;
  /** Y_0 (the value before the first epoch). */
  initial: number;
}

export interface EmissionConfig {
  /** stochastic: E_t = Ebar·exp(x_t − s²/2), x_t stationary AR(1); constant: E_t = Ebar. */
  model: EmissionModel;
  /** Ebar = per_stake × the initial total reputer stake (per epoch). */
  per_stake: number;
  rho: number;
  s: number;
}

/** The docs/agents.md alternatives, each off by default (the base choice). */
export interface AgentSwitches {
  /** #1: read the §3.3 log-means/dispersions as natural logs (default: base 10). */
  ln_reading: boolean;
  /** #4: forecasts perturb log10 of the expected loss σ² + μ² (default: the realized loss). */
  fc_expected: boolean;
  /** #5: the epoch's outperforming worker's forecasting error and bias are also × outperform_factor. */
  fc_outperf: boolean;
  /** #6: one noise draw for both the context-aware and -unaware terms (default: independent). */
  unaware_shared_noise: boolean;
  /** #7: reputers report without EMA (α_m = 1, as in the golden rows). */
  rep_ema_none: boolean;
  /** #7: the reputer EMA runs on the linear loss instead of its log10. */
  rep_ema_linear: boolean;
  /** #8/#9: read by the epoch loop (src/sim), not by the agents. */
  bootstrap_surrogate_first: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Adversaries (docs/attacks.md §2): one fixed subsection per behaviour, each off by default.

/** Which honest inferer a behaviour aims at: by error trait (`best` = smallest, `worst` = largest) or by
 *  index 0 … N_i − 1. */
export type InfererRef = 'best' | 'worst' | number;

export interface AdversaryPresence {
  /** First epoch the identities take part (1 = from the start). */
  join_at: number;
  /** First epoch they no longer take part (0 = they stay to the end). */
  leave_at: number;
}

export interface BiasedReputersConfig extends AdversaryPresence {
  /** Identities of the cabal (0 = off). */
  count: number;
  /** The cabal's share of the total initial stake (honest + cabal), split equally. */
  stake_share: number;
  /** The favoured worker. */
  target: InfererRef;
  /** Δ: its inference loss is reported Δ dex low, its one-out network loss Δ dex high. */
  bias_dex: number;
  /** What the cabal reports for every other object: honest = the reading of one honest-quality reputer
   *  model the cabal runs (noise and EMA drawn like an honest reputer's); truth = the exact loss against the
   *  revealed ground truth; consensus = the stake-weighted mean of the current honest reports (needs
   *  visibility.current_reports). */
  base: 'honest' | 'truth' | 'consensus';
}

export interface LazyReputersConfig extends AdversaryPresence {
  count: number;
  /** Share of the total initial stake per identity; 0 = the mean initial honest stake. */
  stake_share: number;
  /** stale_consensus: the previous epoch's published losses (eq. 14) of the same objects;
   *  current_mean: the mean of the current honest reports (needs visibility.current_reports). */
  copy: 'stale_consensus' | 'current_mean';
}

export interface SybilReputersConfig extends AdversaryPresence {
  /** Identities one stake is split over (0 = off; 1 = the same stake under one identity). */
  identities: number;
  /** The attacker's share of the total initial stake. */
  stake_share: number;
  /** Every identity reports the attacker's one honest-quality reading + N(0, noise_dex). */
  noise_dex: number;
}

export interface SybilInferersConfig extends AdversaryPresence {
  /** The honest inferer whose model is submitted under several identities. */
  source: InfererRef;
  /** Identities in all, the source's own included (1 = off). */
  identities: number;
  /** Each extra identity submits the source's inference + N(0, (noise·σ_j)²), σ_j the source's error. */
  noise: number;
}

export interface CopycatInferersConfig extends AdversaryPresence {
  count: number;
  /** previous_network: I_{i−1}; current_best / current_median: this epoch's submission of the best honest
   *  inferer / the median honest submission (both need visibility.current_submissions). */
  copy: 'previous_network' | 'current_best' | 'current_median';
  /** Added N(0, noise²), target units. */
  noise: number;
}

export interface FarmInferersConfig extends AdversaryPresence {
  /** Independent inference-only models of the honest quality distribution, one owner (0 = off). */
  count: number;
}

export interface ColludingForecastersConfig extends AdversaryPresence {
  count: number;
  /** The inferer they forecast as best. */
  favour: InfererRef;
  /** log10 loss forecast for the favoured inferer and for every other one. */
  favoured_log_loss: number;
  others_log_loss: number;
}

export interface CopycatForecastersConfig extends AdversaryPresence {
  count: number;
  /** The honest forecaster copied: the most context-aware one, or an index 0 … N_f − 1. */
  source: 'most_context_aware' | number;
  /** source: extra identities of the source's own worker (no visibility needed); third_party: someone
   *  else front-running its forecasts (needs visibility.current_submissions). */
  owner: 'source' | 'third_party';
  /** Added N(0, noise_dex²) to each copied log10 forecast. */
  noise_dex: number;
}

export interface DefectingInferersConfig extends AdversaryPresence {
  count: number;
  /** Error before defecting, × the best honest inferer's error trait. */
  quality: number;
  /** First epoch with the bias. */
  defect_at: number;
  /** Bias added from defect_at on, target units. */
  bias: number;
}

export interface OutlierInferersConfig extends AdversaryPresence {
  count: number;
  /** They submit truth + offset, target units. */
  offset: number;
}

export interface AdversariesConfig {
  visibility: { current_submissions: boolean; current_reports: boolean };
  /** In units of Ebar (the mean topic emission per epoch); enters attacker_net_profit. */
  cost: { registration_fee: number; per_identity_per_epoch: number };
  biased_reputers: BiasedReputersConfig;
  lazy_reputers: LazyReputersConfig;
  sybil_reputers: SybilReputersConfig;
  sybil_inferers: SybilInferersConfig;
  copycat_inferers: CopycatInferersConfig;
  farm_inferers: FarmInferersConfig;
  colluding_forecasters: ColludingForecastersConfig;
  copycat_forecasters: CopycatForecastersConfig;
  defecting_inferers: DefectingInferersConfig;
  outlier_inferers: OutlierInferersConfig;
}

/** The behaviours, in the order their identities join the roster. */
export const ADVERSARY_BEHAVIOURS = [
  'biased_reputers',
  'lazy_reputers',
  'sybil_reputers',
  'sybil_inferers',
  'copycat_inferers',
  'farm_inferers',
  'colluding_forecasters',
  'copycat_forecasters',
  'defecting_inferers',
  'outlier_inferers',
] as const;
export type AdversaryBehaviour = (typeof ADVERSARY_BEHAVIOURS)[number];

/** Identities a behaviour adds to the roster (0 = the behaviour is off). */
export function extraIdentities(a: AdversariesConfig, b: AdversaryBehaviour): number {
  switch (b) {
    case 'sybil_inferers':
      return a.sybil_inferers.identities - 1;
    case 'sybil_reputers':
      return a.sybil_reputers.identities;
    default:
      return a[b].count;
  }
}

/** The behaviours that are on. */
export function activeBehaviours(a: AdversariesConfig | undefined): AdversaryBehaviour[] {
  return a ? ADVERSARY_BEHAVIOURS.filter((b) => extraIdentities(a, b) > 0) : [];
}

/** The claim an attack scenario tests (docs/attacks.md §3); `id: ''` = none. */
export interface ClaimConfig {
  id: string;
  quote: string;
  section: string;
  /** The metric the verdict reports (median [p10, p90]) and tests. */
  metric: string;
  op: '<' | '<=' | '>' | '>=';
  threshold: number;
  /** Further conditions every seed must meet, `metric op number [and …]` ('' = none). */
  and: string;
  /** A grid point holds when the test holds in at least this share of its seeds. */
  min_share: number;
  /** The grid points the claim speaks about, `key op number [and …]` ('' = every point). */
  scope: string;
}

export interface ScenarioOverride {
  /** As typed (`p`, `mechanism.p`). */
  key: string;
  /** Full dotted path. */
  path: string;
  value: unknown;
}

/** A resolved `kind: agents` scenario (the §3.3 experiment). */
export interface Scenario {
  /** The file the scenario came from (or a label such as `<object>`). */
  source: string;
  name: string;
  description: string;
  kind: 'agents';
  seed: number | string;
  epochs: number;
  warmup: number;
  runs: number;
  profile: ProfileName;
  /** The profile's parameters, then the file's `mechanism:` keys, then `--set`. */
  mechanism: MechanismParams;
  participants: ParticipantsConfig;
  ground_truth: GroundTruthConfig;
  emission: EmissionConfig;
  switches: AgentSwitches;
  /** Attackers (docs/attacks.md); absent or all off = the honest world. */
  adversaries?: AdversariesConfig;
  /** The claim an attack scenario tests (docs/attacks.md §3). */
  claim?: ClaimConfig;
  /** The `--set` overrides that were applied, in order. */
  overrides: ScenarioOverride[];
}

/** The parts of a scenario the synthetic participants read. */
export type AgentsConfig = Pick<Scenario, 'participants' | 'ground_truth' | 'emission' | 'switches'>;

// ---------------------------------------------------------------------------------------------------------
// The spec tree.

export type LeafSpec =
  | (ParamSpec & { default?: number | boolean | string })
  | { kind: 'string'; doc: string; default?: string }
  | { kind: 'seed'; doc: string; default: number }
  | { kind: 'any'; doc: string; default?: unknown; schema?: Record<string, unknown>; allowed?: string };

export interface SectionSpec {
  kind: 'section';
  doc: string;
  keys: Record<string, NodeSpec>;
}

export type NodeSpec = LeafSpec | SectionSpec;

const num = (
  def: number,
  doc: string,
  range: { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean; integer?: boolean } = {},
): LeafSpec => ({ kind: 'number', ...range, default: def, doc });
const bool = (def: boolean, doc: string): LeafSpec => ({ kind: 'boolean', default: def, doc });
const oneOf = (values: readonly string[], def: string, doc: string): LeafSpec => ({ kind: 'enum', values, default: def, doc });
const section = (doc: string, keys: Record<string, NodeSpec>): SectionSpec => ({ kind: 'section', doc, keys });

function mechanismSection(): SectionSpec {
  const keys: Record<string, NodeSpec> = {};
  for (const [k, spec] of Object.entries(PARAM_SPECS) as [keyof MechanismParams, ParamSpec][]) {
    keys[k] = { ...spec, doc: `${spec.doc} (default: the profile's value)` };
  }
  return section(
    'Mechanism parameters (whitepaper §3–§5). Every key is optional: the base is the profile (`profile:` or --profile), these keys replace single values of it.',
    keys,
  );
}

/** best | worst | an index (an inferer or forecaster reference). */
const inferRef = (def: string, doc: string, names: readonly string[] = ['best', 'worst']): LeafSpec => ({
  kind: 'any',
  doc,
  default: def,
  schema: { anyOf: [{ type: 'string', enum: [...names] }, { type: 'integer', minimum: 0 }] },
  allowed: `${names.map((n) => `'${n}'`).join(', ')} or an index ≥ 0`,
});

const presence = (join: number): Record<string, NodeSpec> => ({
  join_at: num(join, 'First epoch the identities take part (1 = from the start).', { min: 1, integer: true }),
  leave_at: num(0, 'First epoch they no longer take part (0 = they stay to the end).', { min: 0, integer: true }),
});
const count = (what: string): LeafSpec => num(0, `Number of ${what} (0 = off).`, { min: 0, integer: true });
const share = (def: number, doc: string): LeafSpec => num(def, doc, { min: 0, max: 1, maxExclusive: true });

function adversariesSection(): SectionSpec {
  return section('Attackers (docs/attacks.md). Every behaviour is off by default; with all of them off the run is the honest world.', {
    visibility: section('What attackers can see before the submission window of an epoch closes (false = commit–reveal).', {
      current_submissions: bool(false, "This epoch's inferences and forecasts of the honest workers."),
      current_reports: bool(false, "This epoch's reports of the honest reputers."),
    }),
    cost: section('What identities cost the attacker, in units of Ebar (the mean topic emission per epoch); enters attacker_net_profit.', {
      registration_fee: num(0, 'Paid once per identity the attacker registers.', { min: 0 }),
      per_identity_per_epoch: num(0, 'Paid per identity per epoch it takes part (running costs).', { min: 0 }),
    }),
    biased_reputers: section('A reputer cabal reporting the losses truthfully except a bias in favour of one worker (A1, A2, A4).', {
      count: count('cabal identities'),
      stake_share: share(0.1, "The cabal's share of the total initial stake, split equally over its identities."),
      target: inferRef('worst', 'The favoured inferer.'),
      bias_dex: num(1, "Δ: the favoured worker's inference loss is reported Δ dex low and its one-out network loss Δ dex high.", { min: 0 }),
      base: oneOf(['honest', 'truth', 'consensus'], 'honest', "What the cabal reports before the bias: honest = one honest-quality reputer model's reading (its noise and EMA drawn like an honest reputer's); truth = the exact loss against the revealed ground truth; consensus = the stake-weighted mean of this epoch's honest reports (needs visibility.current_reports)."),
      ...presence(1),
    }),
    lazy_reputers: section('Reputers that copy instead of evaluating (A3).', {
      count: count('lazy reputers'),
      stake_share: share(0, 'Share of the total initial stake per identity; 0 = the mean initial honest stake.'),
      copy: oneOf(['stale_consensus', 'current_mean'], 'stale_consensus', "stale_consensus: the previous epoch's published losses (eq. 14) of the same objects; current_mean: the mean of the current honest reports (needs visibility.current_reports)."),
      ...presence(1),
    }),
    sybil_reputers: section('One honest-quality reputer stake split over several identities (reputer sybil).', {
      identities: num(0, 'Identities the stake is split over (0 = off; 1 = the same stake under one identity).', { min: 0, integer: true }),
      stake_share: share(0.2, "The attacker's share of the total initial stake."),
      noise_dex: num(0, "Each identity reports the attacker's one reading + N(0, noise_dex²).", { min: 0 }),
      ...presence(1),
    }),
    sybil_inferers: section('One inferer model submitted under several identities (A5, A6).', {
      source: inferRef('best', 'The honest inferer whose model is multiplied.'),
      identities: num(1, "Identities in all, the source's own included (1 = off).", { min: 1, integer: true }),
      noise: num(0.05, "Each extra identity submits the source's inference + N(0, (noise·σ_j)²), σ_j the source's error.", { min: 0 }),
      ...presence(1),
    }),
    copycat_inferers: section('Inferers that copy instead of modelling (A6, A11).', {
      count: count('copycats'),
      copy: oneOf(['previous_network', 'current_best', 'current_median'], 'previous_network', "previous_network: I_{i−1}; current_best / current_median: this epoch's submission of the best honest inferer / the median honest submission (both need visibility.current_submissions)."),
      noise: num(0, 'Added N(0, noise²), target units.', { min: 0 }),
      ...presence(1),
    }),
    farm_inferers: section('An identity farm: independent inference-only models of the honest quality distribution under one owner (A7).', {
      count: count('farm identities'),
      ...presence(1),
    }),
    colluding_forecasters: section('Forecasters that forecast a favoured inferer as best (A9).', {
      count: count('colluding forecasters'),
      favour: inferRef('worst', 'The favoured inferer.'),
      favoured_log_loss: num(-6, 'log10 loss forecast for the favoured inferer.'),
      others_log_loss: num(0, 'log10 loss forecast for every other inferer.'),
      ...presence(1),
    }),
    copycat_forecasters: section("Copies of an honest forecaster's forecasts (A8).", {
      count: count('copies'),
      source: inferRef('most_context_aware', 'The honest forecaster copied.', ['most_context_aware']),
      owner: oneOf(['source', 'third_party'], 'source', "source: extra identities of the source's own worker; third_party: someone else front-running its forecasts (needs visibility.current_submissions)."),
      noise_dex: num(0.05, 'Added N(0, noise_dex²) to each copied log10 forecast.', { min: 0 }),
      ...presence(1),
    }),
    defecting_inferers: section('Good inferers that turn biased from an epoch on (A12).', {
      count: count('defectors'),
      quality: num(0.3, "Error before and after defecting, × the best honest inferer's error trait.", { min: 0 }),
      defect_at: num(500, 'First epoch with the bias.', { min: 1, integer: true }),
      bias: num(1, 'Bias added from defect_at on, target units.'),
      ...presence(1),
    }),
    outlier_inferers: section('Inferers submitting truth + offset (A13).', {
      count: count('outliers'),
      offset: num(100, 'Offset from the truth, target units.'),
      ...presence(1),
    }),
  });
}

const CONDITION_DOC = '`metric op number`, several joined by `and`; op one of <, <=, >, >=';

function claimSection(): SectionSpec {
  return section('The claim an attack scenario tests and how its verdict is computed (docs/attacks.md §3). id empty = no claim.', {
    id: { kind: 'string', default: '', doc: 'Claim id (C1 … C18 of docs/attacks.md).' },
    quote: { kind: 'string', default: '', doc: 'The claim, quoted.' },
    section: { kind: 'string', default: '', doc: 'Where it is made (e.g. §4.1, eq. 30).' },
    metric: { kind: 'string', default: '', doc: 'The run metric the verdict tests and reports (median [p10, p90]).' },
    op: oneOf(['<', '<=', '>', '>='], '<=', 'The comparison metric op threshold.'),
    threshold: num(0, 'The threshold.'),
    and: { kind: 'string', default: '', doc: `Further conditions each seed must meet: ${CONDITION_DOC} ('' = none).` },
    min_share: num(0.9, 'A grid point holds when the test holds in at least this share of its seeds.', { min: 0, max: 1 }),
    scope: { kind: 'string', default: '', doc: `The grid points the claim speaks about: key op number, several joined by and ('' = every point).` },
  });
}

/** One `a op b` condition of a claim test or scope. */
export interface Condition {
  key: string;
  op: ClaimConfig['op'];
  value: number;
}

const COND = /^\s*([A-Za-z_][\w.]*)\s*(<=|>=|<|>)\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*$/;

/** Parses `key op number [and …]` ('' = no condition); null when the text is malformed. */
export function parseConditions(text: string): Condition[] | null {
  if (text.trim() === '') return [];
  const out: Condition[] = [];
  for (const part of text.split(/\band\b/)) {
    const m = COND.exec(part);
    if (!m) return null;
    out.push({ key: m[1], op: m[2] as Condition['op'], value: Number(m[3]) });
  }
  return out;
}

export function compare(x: number, op: Condition['op'], v: number): boolean {
  switch (op) {
    case '<':
      return x < v;
    case '<=':
      return x <= v;
    case '>':
      return x > v;
    case '>=':
      return x >= v;
  }
}

/** A problem with a resolved scenario's adversaries or claim: the key and a one-line message. */
export interface ScenarioProblem {
  path: string;
  message: string;
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/**
 * The impossible combinations of a resolved scenario's `adversaries:` and `claim:` (docs/attacks.md §2):
 * the first problem found, or null. The loader reports it as one input-error line before anything runs.
 */
export function adversaryProblem(s: Pick<Scenario, 'epochs' | 'warmup' | 'participants' | 'adversaries' | 'claim'>): ScenarioProblem | null {
  const c = s.claim;
  if (c) {
    for (const key of ['and', 'scope'] as const) {
      if (parseConditions(c[key]) === null)
        return { path: `claim.${key}`, message: `must be ${CONDITION_DOC} (got '${c[key]}')` };
    }
    if (c.id !== '' && c.metric === '') return { path: 'claim.metric', message: 'must name a metric when claim.id is set' };
  }
  const a = s.adversaries;
  if (!a) return null;
  const nI = s.participants.inferers.count;
  const nF = s.participants.forecasters.count;
  const active = activeBehaviours(a);
  for (const b of active) {
    const cfg = a[b] as AdversaryPresence;
    const at = (k: string): string => `adversaries.${b}.${k}`;
    if (cfg.join_at > s.epochs)
      return { path: at('join_at'), message: `must be an integer in [1, epochs] = [1, ${s.epochs}] (got ${cfg.join_at})` };
    if (cfg.leave_at !== 0 && cfg.leave_at <= cfg.join_at)
      return { path: at('leave_at'), message: `must be 0 (stay) or an epoch after join_at = ${cfg.join_at} (got ${cfg.leave_at})` };
  }
  const refCheck = (b: string, key: string, v: InfererRef | string, n: number, what: string): ScenarioProblem | null => {
    if (typeof v === 'number' && (!isIndex(v) || v >= n)) {
      const spec = specAt(`adversaries.${b}.${key}`);
      const names = spec && spec.kind === 'any' && spec.allowed ? spec.allowed.replace(/ or an index ≥ 0$/, '') : "'best', 'worst'";
      return { path: `adversaries.${b}.${key}`, message: `must be ${names} or an ${what} index in [0, ${n - 1}] (got ${v}; there are ${n})` };
    }
    return null;
  };
  const on = (b: AdversaryBehaviour): boolean => active.includes(b);
  if (on('biased_reputers')) {
    const p = refCheck('biased_reputers', 'target', a.biased_reputers.target, nI, 'inferer');
    if (p) return p;
    if (a.biased_reputers.base === 'consensus' && !a.visibility.current_reports)
      return { path: 'adversaries.biased_reputers.base', message: "'consensus' needs adversaries.visibility.current_reports: true (the cabal must see this epoch's honest reports)" };
  }
  if (on('sybil_inferers')) {
    const p = refCheck('sybil_inferers', 'source', a.sybil_inferers.source, nI, 'inferer');
    if (p) return p;
  }
  if (on('colluding_forecasters')) {
    const p = refCheck('colluding_forecasters', 'favour', a.colluding_forecasters.favour, nI, 'inferer');
    if (p) return p;
  }
  if (on('copycat_forecasters')) {
    if (nF === 0) return { path: 'adversaries.copycat_forecasters.count', message: 'must be 0 when there are no honest forecasters to copy (participants.forecasters.count = 0)' };
    const p = refCheck('copycat_forecasters', 'source', a.copycat_forecasters.source, nF, 'forecaster');
    if (p) return p;
    if (a.copycat_forecasters.owner === 'third_party' && !a.visibility.current_submissions)
      return { path: 'adversaries.copycat_forecasters.owner', message: "'third_party' needs adversaries.visibility.current_submissions: true (a front-runner must see this epoch's forecasts)" };
  }
  if (on('copycat_inferers') && a.copycat_inferers.copy !== 'previous_network' && !a.visibility.current_submissions)
    return { path: 'adversaries.copycat_inferers.copy', message: `'${a.copycat_inferers.copy}' needs adversaries.visibility.current_submissions: true (use previous_network under commit–reveal)` };
  if (on('lazy_reputers') && a.lazy_reputers.copy === 'current_mean' && !a.visibility.current_reports)
    return { path: 'adversaries.lazy_reputers.copy', message: "'current_mean' needs adversaries.visibility.current_reports: true (use stale_consensus under commit–reveal)" };
  if (on('defecting_inferers')) {
    const d = a.defecting_inferers;
    if (d.defect_at < d.join_at || d.defect_at > s.epochs)
      return { path: 'adversaries.defecting_inferers.defect_at', message: `must be an integer in [join_at, epochs] = [${d.join_at}, ${s.epochs}] (got ${d.defect_at})` };
  }
  const stake =
    (on('biased_reputers') ? a.biased_reputers.stake_share : 0) +
    (on('lazy_reputers') ? a.lazy_reputers.count * a.lazy_reputers.stake_share : 0) +
    (on('sybil_reputers') ? a.sybil_reputers.stake_share : 0);
  if (stake >= 1)
    return { path: 'adversaries', message: `the attackers' stake shares add up to ${stake} of the total stake; they must add up to less than 1` };
  if (on('biased_reputers') && a.biased_reputers.stake_share <= 0)
    return { path: 'adversaries.biased_reputers.stake_share', message: 'must be a number in (0, 1) when count > 0 (got 0)' };
  if (on('sybil_reputers') && a.sybil_reputers.stake_share <= 0)
    return { path: 'adversaries.sybil_reputers.stake_share', message: 'must be a number in (0, 1) when identities > 0 (got 0)' };
  return null;
}

export const SCENARIO_SPEC: SectionSpec = section('An allora-sim scenario.', {
  name: { kind: 'string', doc: 'Short name of the scenario (default: the file name without extension).' },
  description: { kind: 'string', default: '', doc: 'Free text.' },
  kind: oneOf(
    ['agents', 'tokenomics'],
    'agents',
    "What is simulated: 'agents' = the §3.3 experiment (synthesis + rewards with synthetic participants; this layout); 'tokenomics' = the §5 token model (its own layout, validated by src/scenario/tokenomics.ts).",
  ),
  seed: {
    kind: 'seed',
    default: 1,
    doc: 'Seed of every random draw (integer or string). Run r of a Monte Carlo set uses runSeed(seed, r).',
  },
  epochs: num(1000, 'Number of epochs N_e.', { min: 1, integer: true }),
  warmup: num(0, 'Epochs left out of the summary metrics (must be < epochs).', { min: 0, integer: true }),
  runs: num(1, 'Number of independent Monte Carlo realisations.', { min: 1, integer: true }),
  profile: oneOf(['reference', 'whitepaper', 'chain', 'chain-latest'], 'reference', 'Mechanism profile: the base of `mechanism:` (docs/mechanism.md). --profile overrides it.'),
  mechanism: mechanismSection(),
  participants: section('The synthetic participants of §3.3 (docs/agents.md).', {
    inferers: section('Workers doing the inference task.', {
      count: num(3, 'N_i.', { min: 1, integer: true }),
      error_log_mean: num(-0.7, 'Log-mean of the inference error (error = 10^N(μ, σ); 10^−0.7 = 0.2).'),
      error_log_dispersion: num(0.176, 'Log-dispersion of the inference error.', { min: 0 }),
      bias_dispersion: num(0.05, 'Dispersion of the inference bias (normal, mean 0, target units).', { min: 0 }),
      outperform_factor: num(0.3, 'Factor on the error and bias of the one worker drawn each epoch (1 = no outperformance).', {
        min: 0,
        minExclusive: true,
      }),
    }),
    forecasters: section('Workers doing the forecasting task (forecaster k is worker k).', {
      count: num(3, 'N_f (0 = no forecasting task).', { min: 0, integer: true }),
      error_log_mean: num(-0.222, 'Log-mean of the logarithmic forecasting error (10^−0.222 = 0.6 dex).'),
      error_log_dispersion: num(0.176, 'Log-dispersion of the logarithmic forecasting error.', { min: 0 }),
      bias_dispersion: num(0.3, 'Dispersion of the logarithmic forecasting bias (normal, mean 0).', { min: 0 }),
      context_a: num(10, 'a of f_context = σ[a(x − b)], eq 21.'),
      context_b: num(0.5, 'b of f_context = σ[a(x − b)], eq 21.'),
    }),
    reputers: section('Reputers reporting the losses of every object.', {
      count: num(5, 'N_r.', { min: 1, integer: true }),
      error_log_mean: num(-1.0, 'Log-mean of the logarithmic reporting error (10^−1 = 0.1 dex).'),
      error_log_dispersion: num(0.097, 'Log-dispersion of the logarithmic reporting error.', { min: 0 }),
      bias_dispersion: num(0.05, 'Dispersion of the logarithmic reporting bias (normal, mean 0).', { min: 0 }),
      alpha_log_mean: num(-1.523, 'Log-mean of the reputer EMA weight α_m (10^−1.523 = 0.03; capped at 1).'),
      alpha_log_dispersion: num(0.301, 'Log-dispersion of α_m.', { min: 0 }),
      stake_log_mean: num(0, 'Initial stake = 10^N(stake_log_mean, stake_log_dispersion) (docs/agents.md #12).'),
      stake_log_dispersion: num(0.1, 'Log-dispersion of the initial stakes.', { min: 0 }),
    }),
    experience: section('Experience factor f_xp(i) = floor + (1 − floor)·e^(−rate·i), eq 20.', {
      rate: num(0.03, 'Decay rate per epoch.', { min: 0 }),
      floor: num(0.5, 'Asymptotic value.', { min: 0, max: 1 }),
    }),
  }),
  ground_truth: section('The ground-truth stream (docs/agents.md #2; every loss is independent of it).', {
    model: oneOf(['ar1', 'zero', 'randomwalk'], 'ar1', 'ar1: Y = rho·Y₋₁ + sigma·N(0,1); randomwalk: Y = Y₋₁ + sigma·N(0,1); zero: Y = 0.'),
    rho: num(0.8, 'AR(1) coefficient.', { min: -1, max: 1 }),
    sigma: num(0.1, 'Innovation dispersion.', { min: 0 }),
    initial: num(0, 'Y before the first epoch.'),
  }),
  emission: section('Topic emission per epoch (Figure 3, docs/agents.md #11).', {
    model: oneOf(['stochastic', 'constant'], 'stochastic', 'stochastic: E = Ebar·exp(x − s²/2) with x a stationary AR(1); constant: E = Ebar.'),
    per_stake: num(0.004, 'Ebar as a fraction of the initial total reputer stake.', { min: 0 }),
    rho: num(0.9, 'AR(1) coefficient of x.', { min: -1, max: 1, minExclusive: true, maxExclusive: true }),
    s: num(0.2, 'Stationary dispersion of x.', { min: 0 }),
  }),
  switches: section('The alternatives of docs/agents.md, each off by default.', {
    ln_reading: bool(false, '#1: natural-log reading of the §3.3 log-means/dispersions.'),
    fc_expected: bool(false, '#4: forecasts perturb the expected loss σ² + μ² instead of the realized one.'),
    fc_outperf: bool(false, "#5: the outperforming worker's forecasting error and bias are also scaled."),
    unaware_shared_noise: bool(false, '#6: same noise for the context-aware and context-unaware terms.'),
    rep_ema_none: bool(false, '#7: no reputer EMA (α_m = 1).'),
    rep_ema_linear: bool(false, '#7: reputer EMA on the linear loss.'),
    bootstrap_surrogate_first: bool(false, '#8/#9: bootstrap regrets and the first network loss from the first values.'),
  }),
  adversaries: adversariesSection(),
  claim: claimSection(),
});

// ---------------------------------------------------------------------------------------------------------
// Walking the tree.

/** The spec node at a dotted path (`participants.inferers.count`), or undefined. Paths under an `any`
 *  node resolve to that node. */
export function specAt(path: string, root: SectionSpec = SCENARIO_SPEC): NodeSpec | undefined {
  if (path === '') return root;
  let node: NodeSpec = root;
  for (const seg of path.split('.')) {
    if (node.kind === 'any') return node;
    if (node.kind !== 'section') return undefined;
    if (!Object.prototype.hasOwnProperty.call(node.keys, seg)) return undefined;
    node = node.keys[seg];
  }
  return node;
}

/** Every leaf path of the tree (sections excluded), e.g. for suggestions. */
export function leafPaths(root: SectionSpec = SCENARIO_SPEC, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, n] of Object.entries(root.keys)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (n.kind === 'section') out.push(...leafPaths(n, p));
    else out.push(p);
  }
  return out;
}

/** The default values of the tree (sections become objects; leaves without a default are left out). */
export function specDefaults(root: SectionSpec = SCENARIO_SPEC): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, n] of Object.entries(root.keys)) {
    if (n.kind === 'section') out[k] = specDefaults(n);
    else if ('default' in n && n.default !== undefined) out[k] = n.default;
  }
  return out;
}

function fmtNum(x: number): string {
  return String(x);
}

/** "an integer ≥ 1", "a number in (0, 1]", "one of 'ar1', 'zero', 'randomwalk'", … */
export function describeAllowed(n: NodeSpec): string {
  switch (n.kind) {
    case 'section':
    {
      const keys = Object.keys(n.keys);
      return keys.length <= 8 ? `a mapping with keys ${keys.join(', ')}` : `a mapping with keys ${keys.slice(0, 4).join(', ')}, … (${keys.length} in all)`;
    }
    case 'any':
      return n.allowed ?? 'any value';
    case 'string':
      return 'a string';
    case 'seed':
      return 'an integer or a string';
    case 'boolean':
      return 'true or false';
    case 'enum':
      return `one of ${n.values.map((v) => `'${v}'`).join(', ')}`;
    case 'number': {
      const what = n.integer ? 'an integer' : 'a number';
      const hasMin = n.min !== undefined;
      const hasMax = n.max !== undefined;
      if (hasMin && hasMax) {
        return `${what} in ${n.minExclusive ? '(' : '['}${fmtNum(n.min!)}, ${fmtNum(n.max!)}${n.maxExclusive ? ')' : ']'}`;
      }
      if (hasMin) return `${what} ${n.minExclusive ? '>' : '≥'} ${fmtNum(n.min!)}`;
      if (hasMax) return `${what} ${n.maxExclusive ? '<' : '≤'} ${fmtNum(n.max!)}`;
      return what;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// JSON Schema.

type Json = Record<string, unknown>;

function nodeSchema(n: NodeSpec): Json {
  switch (n.kind) {
    case 'section': {
      const properties: Json = {};
      for (const [k, c] of Object.entries(n.keys)) properties[k] = nodeSchema(c);
      return { type: 'object', description: n.doc, additionalProperties: false, properties };
    }
    case 'any':
      return { description: n.doc, ...(n.schema ?? {}), ...(n.default !== undefined ? { default: n.default } : {}) };
    case 'string':
      return { type: 'string', description: n.doc, ...(n.default !== undefined ? { default: n.default } : {}) };
    case 'seed':
      return { type: ['integer', 'string'], description: n.doc, default: n.default };
    case 'boolean':
      return { type: 'boolean', description: n.doc, ...('default' in n && n.default !== undefined ? { default: n.default } : {}) };
    case 'enum':
      return {
        type: 'string',
        enum: [...n.values],
        description: n.doc,
        ...('default' in n && n.default !== undefined ? { default: n.default } : {}),
      };
    case 'number': {
      const s: Json = { type: n.integer ? 'integer' : 'number', description: n.doc };
      if (n.min !== undefined) s[n.minExclusive ? 'exclusiveMinimum' : 'minimum'] = n.min;
      if (n.max !== undefined) s[n.maxExclusive ? 'exclusiveMaximum' : 'maximum'] = n.max;
      if ('default' in n && n.default !== undefined) s.default = n.default;
      return s;
    }
  }
}

/** The JSON Schema (draft-07) of a `kind: agents` scenario; the loader validates against it. */
export function agentsJsonSchema(): Json {
  const root = nodeSchema(SCENARIO_SPEC) as Json & { properties: Json };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'allora-sim scenario (kind: agents)',
    ...root,
    properties: {
      $schema: { type: 'string', description: 'Path or URL of this schema (for editors).' },
      ...root.properties,
      sweep: SWEEP_JSON_SCHEMA,
    },
  };
}

/** The JSON Schema of any scenario file (the committed schema/scenario.schema.json): a `kind: tokenomics`
 *  file is left to the tokenomics module (only `kind` is constrained); anything else is an agents scenario. */
export function scenarioJsonSchema(): Json {
  const { $schema, title: _title, ...agents } = agentsJsonSchema();
  return {
    $schema,
    title: 'allora-sim scenario',
    description: "An allora-sim scenario. 'kind: tokenomics' files follow src/scenario/tokenomics.ts; all others are agents scenarios.",
    if: { type: 'object', properties: { kind: { const: 'tokenomics' } }, required: ['kind'] },
    then: { type: 'object', description: 'A tokenomics scenario (validated by src/scenario/tokenomics.ts).' },
    else: agents,
  };
}

/** `schema/scenario.schema.json` at the package root. */
export const SCHEMA_FILE = resolve(projectRoot(), 'schema', 'scenario.schema.json');

/** The text of the committed schema file. */
export function schemaFileText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

/** Writes `schema/scenario.schema.json` (run `UPDATE_SCHEMA=1 npx vitest run test/scenario/schema.test.ts`). */
export function writeSchemaFile(path: string = SCHEMA_FILE): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, schemaFileText());
}
