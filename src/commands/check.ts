// `allora-sim check`: a CI regression check of a scenario's headline metrics against a committed baseline.
//
// A baseline (JSON, `format: allora-sim/baseline`, version 1) stores, per headline metric of summary.json,
// the mean, the sample standard deviation and the number of seeds of a reference run, and optionally a
// per-metric tolerance. `check` runs the scenario again over N seeds and compares each metric's mean with the
// baseline's.
//
// The statistics (agents scenarios). Under the null hypothesis "the mechanism did not change", the baseline's
// and the new run's per-seed values come from the same distribution, so their variances are equal and the
// pooled two-sample Student test is exact for normal data:
//     s_p² = ((n_b − 1)·s_b² + (n_n − 1)·s_n²) / (n_b + n_n − 2),   SE = s_p·√(1/n_b + 1/n_n)
//     PASS ⇔ |m_n − m_b| ≤ max(k·SE, floor),   floor = 1e−12 + 1e−9·|m_b|
// where k is the Student-t quantile with n_b + n_n − 2 degrees of freedom at the same one-sided tail
// probability as z standard deviations of a normal (z = 4 by default: two-sided 6.3e−5 per metric, ≤ 6.3e−4
// over the 10 metrics by Bonferroni). Pooling matters with few new seeds: with `--seeds 8` against the
// committed 128-seed baseline the degrees of freedom are 134 (k ≈ 4.13), while Welch's unpooled test would lean
// on the 8-seed spread alone (≈ 8 degrees of freedom: k ≈ 7.6 for the same false-alarm rate, or a 0.4 % false
// alarm per metric at k = 4). The floor only absorbs float noise of metrics with no spread.
//
// Seeds. By default `check` runs base seed = the baseline's base seed + 1: per-run seeds are hashes of (base,
// replicate), so the two sets share no seed and a pass is a statistical statement (the mechanism's
// distribution did not move beyond the Monte Carlo error), not an identity. The seeds are still fixed, so the
// check is deterministic: the same code gives the same verdict on every CI run. `--seed` chooses others.
//
// Mismatch. The baseline records a fingerprint of the experiment: the resolved scenario as loaded WITHOUT
// `--set` and `--profile`, leaving out what does not define the experiment (name, description, source, seed,
// runs) and the mechanism (profile and mechanism parameters) — a change of the mechanism, whether by `--set`,
// in the scenario file or in the code's profile defaults, is what the check exists to detect, so it must
// reach the comparison, not stop at "mismatched baseline". Participants, ground truth, emission model,
// epochs, warm-up and the docs/agents.md switches are in the fingerprint: a baseline made for another experiment is
// an InputError (exit 2). For tokenomics scenarios the experiment is the list of setups and the number of
// months (every parameter of the token model is mechanism); the ledger is deterministic for a given seed, so
// `check` reruns the baseline's seed once and the band is the float floor alone.

import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { InputError } from '../scenario/errors.js';
import { readScenarioFile, scenarioFromObject } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { tokenomicsFromObject, validateTokenomicsFile, type TokenomicsFile } from '../scenario/tokenomics.js';
import { isProfileName, type ProfileName } from '../engine/params.js';
import { METRICS } from '../sim/metrics.js';
import { distribution } from '../stats/summary.js';
import { writeFileAtomic as writeAtomic } from '../io/files.js';
import { runTokenomicsFile } from '../sim/tokenomics.js';
import { toolInfo } from '../output/run-dir.js';
import { runReplicates } from '../runner/agents-run.js';
import { baseSeed, canonicalJson } from '../runner/seeds.js';
import { setupRng } from '../runner/tokenomics-run.js';
import type { ProgressMode } from '../runner/progress.js';
import { BASELINE_FORMAT, BASELINE_VERSION, CHECK_SEED_OFFSET, DEFAULT_CHECK_SEEDS, DEFAULT_Z, FLOOR_ABS, FLOOR_REL, type Baseline, type CheckReport, type MetricBaseline, type MetricResult, type MetricStats, type ScenarioKindName, type Tolerance, type UpdateReport, type Verdict } from '../output/check-types.js';
import { incompleteBeta, normalUpperTail, studentMultiplier, studentUpperTail } from '../stats/student.js';
export { BASELINE_FORMAT, BASELINE_VERSION, incompleteBeta, normalUpperTail, studentMultiplier, studentUpperTail };
export type { Baseline, CheckReport, MetricBaseline, MetricResult, MetricStats, ScenarioKindName, Tolerance, UpdateReport, Verdict };


export { CHECK_SEED_OFFSET, DEFAULT_CHECK_SEEDS, DEFAULT_Z, FLOOR_ABS, FLOOR_REL };

// ---------------------------------------------------------------------------------------------------------
// Types.

export interface CheckOptions {
  baseline: string;
  /** Seeds of the run (agents scenarios); default DEFAULT_CHECK_SEEDS. */
  seeds?: number;
  /** Base seed; default: check → baseline's base seed + 1; --update → the scenario's seed. */
  seed?: string;
  profile?: string;
  set?: string[];
  threads?: number;
  progress?: ProgressMode;
}

// ---------------------------------------------------------------------------------------------------------
// Statistics.

/** Mean, sample std and count of the finite values (NaN mean and std when there are none). */
export function metricStats(values: number[]): MetricStats {
  const d = distribution(values);
  return { mean: d.mean, std: d.std, n: values.filter((x) => Number.isFinite(x)).length };
}

const isNum = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

function fmtShort(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e6 ? String(Number(x.toPrecision(3))) : x.toExponential(2);
}

/** Compares one metric of the new run with its baseline (see the top of this file). */
export function compareMetric(
  metric: string,
  definition: string,
  base: MetricBaseline | undefined,
  now: MetricStats,
  defaultZ = DEFAULT_Z,
): MetricResult {
  if (base === undefined) {
    return { metric, definition, baseline: null, now, delta: NaN, band: NaN, rule: 'not in the baseline', se: NaN, verdict: 'new' };
  }
  const b: MetricStats = { mean: isNum(base.mean) ? base.mean : NaN, std: isNum(base.std) ? base.std : NaN, n: base.n };
  const bDefined = Number.isFinite(b.mean);
  const nDefined = Number.isFinite(now.mean);
  if (!bDefined || !nDefined) {
    const same = bDefined === nDefined;
    return {
      metric,
      definition,
      baseline: b,
      now,
      delta: NaN,
      band: NaN,
      rule: same ? 'undefined in both' : bDefined ? 'undefined now, defined in the baseline' : 'defined now, undefined in the baseline',
      se: NaN,
      verdict: same ? 'pass' : 'fail',
    };
  }
  const delta = now.mean - b.mean;
  const df = b.n + now.n - 2;
  const sb = Number.isFinite(b.std) ? b.std : 0;
  const sn = Number.isFinite(now.std) ? now.std : 0;
  const pooledVar = df > 0 ? ((b.n - 1) * sb * sb + (now.n - 1) * sn * sn) / df : 0;
  const se = Math.sqrt(pooledVar * (1 / b.n + 1 / now.n));
  const floor = FLOOR_ABS + FLOOR_REL * Math.abs(b.mean);
  const tol = base.tolerance ?? {};
  const custom = tol.abs !== undefined || tol.rel !== undefined || tol.z !== undefined;
  const parts: { width: number; rule: string }[] = [];
  let multiplier: number | undefined;
  if (tol.abs !== undefined) parts.push({ width: tol.abs, rule: `abs ${fmtShort(tol.abs)}` });
  if (tol.rel !== undefined) parts.push({ width: tol.rel * Math.abs(b.mean), rule: `rel ${fmtShort(tol.rel)}` });
  if (!custom || tol.z !== undefined) {
    const z = tol.z ?? defaultZ;
    multiplier = studentMultiplier(z, df);
    parts.push({ width: multiplier * se, rule: `z=${fmtShort(z)} (t=${multiplier.toFixed(2)} × SE ${fmtShort(se)})` });
  }
  let band = floor;
  let rule = 'float floor';
  for (const p of parts) if (p.width >= band) [band, rule] = [p.width, p.rule];
  if (custom) rule = `tolerance: ${parts.map((p) => p.rule).join(', ')}${parts.length > 1 ? ' (widest)' : ''}`;
  else if (band === floor) rule = `float floor (no spread over seeds)`;
  return { metric, definition, baseline: b, now, delta, band, rule, multiplier, se, verdict: Math.abs(delta) <= band ? 'pass' : 'fail' };
}

// ---------------------------------------------------------------------------------------------------------
// The baseline file.

const num = { type: 'number' } as const;
const numOrNull = { type: ['number', 'null'] } as const;
const BASELINE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['format', 'version', 'scenario', 'kind', 'fingerprint', 'profile', 'set', 'tool', 'base_seed', 'seeds', 'z', 'metrics'],
  properties: {
    format: { const: BASELINE_FORMAT },
    version: { const: BASELINE_VERSION },
    scenario: { type: 'string' },
    kind: { enum: ['agents', 'tokenomics'] },
    fingerprint: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
    profile: { type: 'string' },
    set: { type: 'array', items: { type: 'string' } },
    tool: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'version', 'git_commit'],
      properties: { name: { type: 'string' }, version: { type: 'string' }, git_commit: { type: ['string', 'null'] } },
    },
    base_seed: { type: 'integer', minimum: 0 },
    seeds: { type: 'array', items: { type: 'integer', minimum: 0 } },
    z: { type: 'number', exclusiveMinimum: 0 },
    metrics: {
      type: 'object',
      minProperties: 1,
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['definition', 'mean', 'std', 'n'],
        properties: {
          definition: { type: 'string' },
          mean: numOrNull,
          std: { type: ['number', 'null'], minimum: 0 },
          n: { type: 'integer', minimum: 0 },
          tolerance: {
            type: 'object',
            additionalProperties: false,
            minProperties: 1,
            properties: {
              abs: { ...num, minimum: 0 },
              rel: { ...num, minimum: 0 },
              z: { ...num, exclusiveMinimum: 0 },
              note: { type: 'string' },
            },
          },
        },
      },
    },
  },
} as const;

let validateBaselineDoc: ReturnType<Ajv['compile']> | undefined;

function describeAjvError(e: ErrorObject): string {
  const path = e.instancePath
    .slice(1)
    .split('/')
    .filter((s) => s !== '')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
  const at = (p: string) => (p === '' ? 'the baseline' : p);
  switch (e.keyword) {
    case 'required':
      return `${at(path)}: missing field '${(e.params as { missingProperty: string }).missingProperty}'`;
    case 'additionalProperties': {
      const k = (e.params as { additionalProperty: string }).additionalProperty;
      return `${path === '' ? k : `${path}.${k}`}: unknown field${path.endsWith('tolerance') ? ' (a tolerance has abs, rel, z, note)' : ''}`;
    }
    case 'const':
      return `${at(path)}: must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    case 'enum':
      return `${at(path)}: must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${at(path)}: ${e.message ?? 'invalid'}`;
  }
}

/** Reads and validates a baseline file; every problem is one InputError line naming the file and the field. */
export function readBaseline(file: string): Baseline {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file; create it with --update' : code === 'EISDIR' ? 'is a directory' : (code ?? String(e));
    throw new InputError(`${file}: cannot read the baseline (${why})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: corrupt baseline: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  return validateBaseline(doc, file);
}

/** Validates a parsed baseline document (see `readBaseline`). */
export function validateBaseline(doc: unknown, file: string): Baseline {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new InputError(`${file}: corrupt baseline: expected a JSON object`);
  }
  const d = doc as Record<string, unknown>;
  if (d.format !== BASELINE_FORMAT) {
    throw new InputError(
      `${file}: not an allora-sim baseline (format: ${d.format === undefined ? 'missing' : JSON.stringify(d.format)}, expected "${BASELINE_FORMAT}"); create one with --update`,
    );
  }
  if (d.version !== BASELINE_VERSION) {
    throw new InputError(`${file}: version: unsupported baseline version ${JSON.stringify(d.version)} (this allora-sim reads version ${BASELINE_VERSION}); regenerate it with --update`);
  }
  if (!validateBaselineDoc) validateBaselineDoc = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(BASELINE_SCHEMA);
  if (!validateBaselineDoc(doc)) {
    const errs = validateBaselineDoc.errors ?? [];
    const e = errs.find((x) => x.keyword === 'required' || x.keyword === 'additionalProperties') ?? errs[0];
    throw new InputError(`${file}: corrupt baseline: ${describeAjvError(e)}`);
  }
  const b = doc as Baseline;
  for (const [k, m] of Object.entries(b.metrics)) {
    if (m.n >= 1 && (!isNum(m.mean) || !isNum(m.std))) {
      throw new InputError(`${file}: corrupt baseline: metrics.${k}: n is ${m.n} but mean or std is null`);
    }
  }
  return b;
}

/** Baseline JSON text (no NaN/Infinity: null). */
export function baselineText(b: Baseline): string {
  const text = JSON.stringify(b, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
  // The seed list on one line: it is there for the record, the metrics are what people read and edit.
  return text.replace(/"seeds": \[[^\]]*\]/, `"seeds": ${JSON.stringify(b.seeds)}`) + '\n';
}

/** Writes a file atomically (temporary name in the same folder, then rename); creates the folder. */
/** Writes a report or baseline file atomically; a failure is an InputError naming it (exit 2). */
export function writeFileAtomic(path: string, text: string): void {
  try {
    writeAtomic(path, text);
  } catch (e) {
    throw new InputError(e instanceof Error ? e.message : String(e));
  }
}

// ---------------------------------------------------------------------------------------------------------
// The scenario: load, fingerprint, measure.

export type Loaded =
  | { kind: 'agents'; name: string; fingerprint: string; scenario: Scenario; profile: string }
  | { kind: 'tokenomics'; name: string; fingerprint: string; file: TokenomicsFile; profile: ProfileName };

const sha256 = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/** The experiment of an agents scenario: the resolved scenario without its labels, seeds and mechanism. */
export function agentsExperiment(s: Scenario): Record<string, unknown> {
  const { source, name, description, seed, runs, profile, mechanism, overrides, ...experiment } = s;
  return experiment;
}

/** The experiment of a tokenomics scenario: its setups and months (every parameter is mechanism). */
export function tokenomicsExperiment(f: TokenomicsFile): Record<string, unknown> {
  return { kind: 'tokenomics', months: f.tokenomics.months, setups: f.tokenomics.setups.map((s) => s.name) };
}

/** Loads the scenario twice: as written (for the fingerprint) and with --profile / --set (to run). */
export function loadForCheck(file: string, profile: string | undefined, set: string[]): Loaded {
  if (profile !== undefined && !isProfileName(profile)) {
    throw new InputError(`--profile: must be one of reference, whitepaper (got '${profile}')`);
  }
  const raw = readScenarioFile(file);
  if (raw.kind === 'tokenomics') {
    const asWritten = validateTokenomicsFile(structuredClone(raw), file);
    const doc = set.length > 0 ? tokenomicsFromObject(raw, file, { set }) : asWritten;
    return {
      kind: 'tokenomics',
      name: doc.name,
      fingerprint: sha256(canonicalJson(tokenomicsExperiment(asWritten))),
      file: doc,
      profile: (profile as ProfileName | undefined) ?? doc.profile,
    };
  }
  const asWritten = scenarioFromObject(raw, file, {});
  const s = scenarioFromObject(raw, file, { profile, set });
  return { kind: 'agents', name: s.name, fingerprint: sha256(canonicalJson(agentsExperiment(asWritten))), scenario: s, profile: s.profile };
}

interface Measured {
  base: number;
  seeds: number[];
  metrics: Record<string, MetricStats & { definition: string }>;
}

async function measure(l: Loaded, base: number, seeds: number, o: CheckOptions): Promise<Measured> {
  if (l.kind === 'tokenomics') {
    const runs = runTokenomicsFile(l.file, (setup) => setupRng(l.file.seed, setup), l.profile);
    const metrics: Measured['metrics'] = {};
    for (const [setup, run] of Object.entries(runs)) {
      const last = run.network[run.network.length - 1];
      metrics[`final_apy.${setup}`] = {
        definition: `APY of staking ALLO holders in the last month (${last?.month ?? "?"}) of setup '${setup}'`,
        ...metricStats([last ? last.apy : NaN]),
      };
    }
    return { base, seeds: [base], metrics };
  }
  const tmp = mkdtempSync(join(tmpdir(), 'allora-sim-check-'));
  try {
    const r = await runReplicates(l.scenario, {
      outDir: tmp,
      baseSeed: base,
      replicates: seeds,
      threads: o.threads,
      progress: o.progress ?? 'auto',
      resumeHint: 're-run the check (it keeps nothing between runs)',
    });
    const metrics: Measured['metrics'] = {};
    for (const m of METRICS) metrics[m.key] = { definition: m.definition, ...metricStats(r.perSeed.map((x) => x[m.key])) };
    return { base, seeds: r.seeds, metrics };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function checkSeeds(n: number | undefined): number {
  const s = n ?? DEFAULT_CHECK_SEEDS;
  if (!Number.isInteger(s) || s < 1) throw new InputError(`--seeds: must be an integer ≥ 1 (got ${s})`);
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// The two commands.

/** Runs the scenario and compares it with the baseline. Throws InputError on bad input (exit 2). */
export async function runCheck(scenarioFile: string, o: CheckOptions): Promise<CheckReport> {
  const t0 = Date.now();
  const set = o.set ?? [];
  const nSeeds = checkSeeds(o.seeds);
  const baseline = readBaseline(o.baseline);
  const l = loadForCheck(scenarioFile, o.profile, set);
  if (baseline.kind === l.kind && baseline.fingerprint !== l.fingerprint && baseline.scenario === l.name) {
    throw new InputError(
      `${o.baseline}: mismatched baseline: made for another version of scenario '${l.name}' — the experiment in ${scenarioFile} ` +
        `(${l.kind === 'agents' ? 'participants, ground truth, emission, epochs, warm-up or switches' : 'setups or months'}) differs ` +
        `(baseline ${baseline.fingerprint.slice(7, 19)}, now ${l.fingerprint.slice(7, 19)}); regenerate it with --update`,
    );
  }
  if (baseline.kind !== l.kind || baseline.fingerprint !== l.fingerprint) {
    throw new InputError(
      `${o.baseline}: mismatched baseline: made for ${baseline.kind} scenario '${baseline.scenario}' (experiment ${baseline.fingerprint.slice(7, 19)}), ` +
        `but ${scenarioFile} is ${l.kind} scenario '${l.name}' (experiment ${l.fingerprint.slice(7, 19)}); ` +
        `use the baseline made for this scenario, or make one with --update`,
    );
  }
  const known = l.kind === 'agents' ? new Set(METRICS.map((m) => m.key)) : undefined;
  if (known) {
    const unknown = Object.keys(baseline.metrics).filter((k) => !known.has(k));
    if (unknown.length > 0) {
      throw new InputError(
        `${o.baseline}: mismatched baseline: metrics.${unknown[0]}: not a headline metric of this allora-sim (${[...known].join(', ')}); regenerate it with --update`,
      );
    }
  }
  const notes: string[] = [];
  let base: number;
  if (l.kind === 'tokenomics') {
    base = baseline.base_seed;
    if (o.seed !== undefined) notes.push('--seed ignored: a tokenomics scenario reruns its own seed (its ledger is deterministic)');
    if (o.seeds !== undefined) notes.push('--seeds ignored: a tokenomics scenario runs once (its ledger is deterministic)');
  } else {
    base = o.seed !== undefined ? baseSeed(o.seed, '--seed') : baseline.base_seed + CHECK_SEED_OFFSET;
  }
  const m = await measure(l, base, l.kind === 'tokenomics' ? 1 : nSeeds, o);
  const results: MetricResult[] = [];
  for (const [key, now] of Object.entries(m.metrics)) {
    results.push(compareMetric(key, now.definition, baseline.metrics[key], { mean: now.mean, std: now.std, n: now.n }, baseline.z));
  }
  if (l.kind === 'tokenomics') {
    for (const key of Object.keys(baseline.metrics).filter((k) => !(k in m.metrics))) {
      const b = baseline.metrics[key];
      results.push({
        metric: key,
        definition: b.definition,
        baseline: { mean: b.mean ?? NaN, std: b.std ?? NaN, n: b.n },
        now: { mean: NaN, std: NaN, n: 0 },
        delta: NaN,
        band: NaN,
        rule: 'missing now',
        se: NaN,
        verdict: 'fail',
      });
    }
  }
  const baseSet = new Set(baseline.seeds);
  const shared = l.kind === 'agents' ? m.seeds.filter((s) => baseSet.has(s)).length : 0;
  if (shared > 0) {
    notes.push(`${shared} of the ${m.seeds.length} seeds are the baseline's: for those the comparison is an identity, not a statistical test`);
  }
  const fresh = results.filter((r) => r.verdict === 'new').map((r) => r.metric);
  if (fresh.length > 0) notes.push(`not in the baseline, not checked: ${fresh.join(', ')} (add them with --update)`);
  if (baseline.profile !== l.profile) notes.push(`the baseline was made with profile ${baseline.profile}; this run uses ${l.profile}`);
  if (baseline.set.length > 0) notes.push(`the baseline was made with --set ${baseline.set.join(' --set ')}`);
  const failed = results.filter((r) => r.verdict === 'fail').map((r) => r.metric);
  return {
    scenario: l.name,
    kind: l.kind,
    scenario_file: scenarioFile,
    profile: l.profile,
    set,
    baseline_file: o.baseline,
    baseline: {
      scenario: baseline.scenario,
      profile: baseline.profile,
      set: baseline.set,
      base_seed: baseline.base_seed,
      n_seeds: baseline.seeds.length,
      version: baseline.tool.version,
      git_commit: baseline.tool.git_commit,
    },
    base_seed: m.base,
    seeds: m.seeds,
    shared_seeds: shared,
    z: baseline.z,
    metrics: results,
    failed,
    passed: failed.length === 0,
    notes,
    elapsed_s: (Date.now() - t0) / 1000,
  };
}

/** Runs the scenario and writes a new baseline (atomically). Tolerances and z of an existing valid baseline
 *  of the same experiment are kept. */
export async function updateBaseline(scenarioFile: string, o: CheckOptions): Promise<UpdateReport> {
  const set = o.set ?? [];
  const nSeeds = checkSeeds(o.seeds);
  const l = loadForCheck(scenarioFile, o.profile, set);
  if (l.kind === 'agents' && nSeeds < 2) throw new InputError(`--seeds: --update needs at least 2 seeds for the spread over seeds (got ${nSeeds})`);
  const notes: string[] = [];
  let previous: Baseline | undefined;
  if (existsSync(o.baseline)) {
    try {
      previous = readBaseline(o.baseline);
      if (previous.fingerprint !== l.fingerprint || previous.kind !== l.kind) {
        notes.push(`${o.baseline} was made for another experiment ('${previous.scenario}'); its tolerances are not kept`);
        previous = undefined;
      }
    } catch (e) {
      notes.push(`${o.baseline} was not a valid baseline (${(e as Error).message.replace(`${o.baseline}: `, '')}); replacing it`);
    }
  }
  const base =
    l.kind === 'tokenomics'
      ? baseSeed(l.file.seed, `${scenarioFile}: seed`)
      : o.seed !== undefined
        ? baseSeed(o.seed, '--seed')
        : baseSeed(l.scenario.seed, `${scenarioFile}: seed`);
  if (l.kind === 'tokenomics' && (o.seed !== undefined || o.seeds !== undefined)) {
    notes.push('--seed/--seeds ignored: a tokenomics scenario runs once with its own seed (its ledger is deterministic)');
  }
  const m = await measure(l, base, l.kind === 'tokenomics' ? 1 : nSeeds, o);
  const kept: string[] = [];
  const metrics: Record<string, MetricBaseline> = {};
  for (const [key, v] of Object.entries(m.metrics)) {
    const entry: MetricBaseline = {
      definition: v.definition,
      mean: Number.isFinite(v.mean) ? v.mean : null,
      std: Number.isFinite(v.std) ? v.std : null,
      n: v.n,
    };
    const tol = previous?.metrics[key]?.tolerance;
    if (tol) {
      entry.tolerance = tol;
      kept.push(key);
    }
    metrics[key] = entry;
  }
  const info = toolInfo();
  const baseline: Baseline = {
    format: BASELINE_FORMAT,
    version: BASELINE_VERSION,
    scenario: l.name,
    kind: l.kind,
    fingerprint: l.fingerprint,
    profile: l.profile,
    set,
    tool: { name: info.tool, version: info.version, git_commit: info.git_commit },
    base_seed: base,
    seeds: m.seeds,
    z: previous?.z ?? DEFAULT_Z,
    metrics,
  };
  writeFileAtomic(o.baseline, baselineText(baseline));
  return { file: o.baseline, baseline, kept_tolerances: kept, notes };
}
