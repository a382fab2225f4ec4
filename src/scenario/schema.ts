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
  | { kind: 'any'; doc: string };

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
      return 'any value';
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
      return { description: n.doc };
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
