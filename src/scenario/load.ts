// Loading a scenario: read YAML or JSON (by extension), validate with ajv against the generated JSON Schema,
// apply `--profile` and `--set key=value` overrides (re-validated), apply defaults, resolve the mechanism
// parameters (profile → the file's `mechanism:` keys → `--set`). Every failure is one InputError line naming
// the file (or the `--set` argument), the key path and what is allowed.

import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from 'ajv';
import type { parseDocument as ParseDocument } from 'yaml';
import { PROFILES, isProfileName, type MechanismParams, type ProfileName } from '../engine/params.js';
import { InputError, printable } from './errors.js';
import { takeSweepSection } from './sweep-section.js';
import { agentsValidator } from './validator.js';
import { aliasNames, closestKey, resolveKey } from './keys.js';
import {
  SCENARIO_SPEC,
  activeBehaviours,
  adversaryProblem,
  type ClaimConfig,
  describeAllowed,
  agentsJsonSchema,
  specAt,
  specDefaults,
  type NodeSpec,
  type Scenario,
  type ScenarioOverride,
  type SectionSpec,
} from './schema.js';

/** Validates (and resolves) a whole `kind: tokenomics` scenario document; throws InputError naming `file`.
 *  src/scenario/tokenomics.ts `validateTokenomicsFile` has this signature. */
export type TokenomicsValidator = (doc: unknown, file: string) => unknown;

let registeredTokenomicsValidator: TokenomicsValidator | undefined;

/** Registers the validator of `kind: tokenomics` documents (e.g. `validateTokenomicsFile`). */
export function registerTokenomicsValidator(fn: TokenomicsValidator | undefined): void {
  registeredTokenomicsValidator = fn;
}

export interface LoadOptions {
  /** `--profile`: replaces the file's `profile:` (applied before `--set`). */
  profile?: string;
  /** `--set key=value` arguments, applied in order (later wins). Keys may be aliases (see keys.ts). */
  set?: readonly string[];
  /** Validator of `kind: tokenomics` documents; default: the registered one; none → the document is kept raw. */
  validateTokenomics?: TokenomicsValidator;
  /** Receives one-line notes about adjustments the loader made (e.g. the warm-up rule). */
  onNote?: (line: string) => void;
}

/** A `kind: tokenomics` document: not validated here (its layout belongs to src/scenario/tokenomics.ts). */
export interface TokenomicsDocument {
  kind: 'tokenomics';
  source: string;
  /** The document as parsed. */
  raw: Record<string, unknown>;
  /** What the tokenomics validator returned (the raw document when none is registered). */
  resolved: unknown;
}

/** Either kind of scenario, discriminated by `kind`. */
export type LoadedScenario = Scenario | TokenomicsDocument;

type Doc = Record<string, unknown>;

// The YAML parser and the schema validator are loaded on first use (start-up of commands that need neither).
const require = createRequire(import.meta.url);
const yaml = (): { parseDocument: typeof ParseDocument } => require('yaml') as { parseDocument: typeof ParseDocument };

const isPlainObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------------------
// Reading.

/** Reads and parses a scenario file (.yaml / .yml / .json) into a raw mapping (not validated). */
export function readScenarioFile(file: string): Doc {
  const ext = extname(file).toLowerCase();
  if (ext !== '.yaml' && ext !== '.yml' && ext !== '.json') {
    throw new InputError(`${file}: unsupported file extension '${ext || '(none)'}' (use .yaml, .yml or .json)`);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : (err.code ?? err.message);
    throw new InputError(`${file}: cannot read the scenario file (${why})`);
  }
  return parseScenarioText(text, file);
}

/** Parses scenario text; the format follows the extension of `file` (.json → JSON, otherwise YAML). */
export function parseScenarioText(text: string, file: string): Doc {
  let value: unknown;
  if (text.includes('\u0000')) throw new InputError(`${file}: not a text file (it contains NUL bytes)`);
  if (extname(file).toLowerCase() === '.json') {
    try {
      value = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
    } catch (e) {
      throw new InputError(`${file}: invalid JSON (${firstLine((e as Error).message)})`);
    }
  } else {
    let doc: ReturnType<typeof ParseDocument>;
    try {
      doc = yaml().parseDocument(text, { logLevel: 'silent', prettyErrors: false, uniqueKeys: true });
    } catch (e) {
      throw new InputError(`${file}: invalid YAML (${firstLine((e as Error).message)})`);
    }
    if (doc.errors.length > 0) throw new InputError(`${file}: invalid YAML (${firstLine(doc.errors[0].message)})`);
    const tag = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
    if (tag) throw new InputError(`${file}: invalid YAML (${firstLine(tag.message)}; YAML tags are not supported)`);
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      throw new InputError(`${file}: invalid YAML (${firstLine((e as Error).message)})`);
    }
  }
  if (value === null || value === undefined) return {};
  if (!isPlainObject(value)) {
    throw new InputError(`${file}: the scenario must be a mapping of keys (got ${fmtValue(value)})`);
  }
  return value;
}

function firstLine(s: string): string {
  return printable(s.split('\n')[0].trim(), 200);
}

// ---------------------------------------------------------------------------------------------------------
// Validation.

function validator(): ValidateFunction {
  return agentsValidator(); // precompiled when current (validator.ts)
}

function fmtValue(v: unknown): string {
  if (typeof v === 'string') return `'${printable(v, 60)}'`;
  if (v === null) return 'an empty value';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

function pointerToPath(pointer: string): string {
  if (pointer === '') return '';
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function valueAt(doc: unknown, path: string): unknown {
  if (path === '') return doc;
  let v: unknown = doc;
  for (const seg of path.split('.')) {
    if (!isPlainObject(v)) return undefined;
    v = v[seg];
  }
  return v;
}

function allSectionAndLeafPaths(root: SectionSpec = SCENARIO_SPEC, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, n] of Object.entries(root.keys)) {
    const p = prefix ? `${prefix}.${k}` : k;
    out.push(p);
    if (n.kind === 'section') out.push(...allSectionAndLeafPaths(n, p));
  }
  return out;
}

/** "unknown key 'a.b' — did you mean 'a.c'?" for key `key` inside the section at `parentPath`. */
export function unknownKeyMessage(parentPath: string, key: string): string {
  const full = parentPath ? `${parentPath}.${key}` : key;
  const parent = specAt(parentPath);
  const siblings = parent && parent.kind === 'section' ? Object.keys(parent.keys) : [];
  let suggestion: string | undefined;
  const near = closestKey(key, siblings);
  if (near !== undefined) suggestion = parentPath ? `${parentPath}.${near}` : near;
  if (suggestion === undefined) {
    // A key in the wrong place (`p:` at the top level → mechanism.p) or an alias written as a key.
    const resolved = resolveKey(key);
    if (resolved !== key && specAt(resolved)) suggestion = resolved;
  }
  if (suggestion === undefined && parentPath === '') {
    // A misspelt alias (`N_I` → N_i → participants.inferers.count).
    const alias = closestKey(key, aliasNames());
    if (alias !== undefined) suggestion = resolveKey(alias);
  }
  if (suggestion === undefined) {
    const paths = allSectionAndLeafPaths();
    const lastSegs = paths.map((p) => p.slice(p.lastIndexOf('.') + 1));
    const exact = paths.find((_, i) => lastSegs[i] === key);
    if (exact !== undefined) suggestion = exact;
    else {
      const nearLast = closestKey(key, lastSegs);
      if (nearLast !== undefined) suggestion = paths[lastSegs.indexOf(nearLast)];
    }
  }
  if (suggestion !== undefined) return `unknown key '${full}' — did you mean '${suggestion}'?`;
  return `unknown key '${full}' (allowed${parentPath ? ` in '${parentPath}'` : ''}: ${siblings.join(', ')})`;
}

function rangeMessage(path: string, value: unknown): string {
  const spec = specAt(path);
  const allowed = spec ? describeAllowed(spec) : 'valid';
  return `${path || 'the scenario'}: must be ${allowed} (got ${fmtValue(value)})`;
}

/** Labels errors by where the offending key came from: a `--set` argument or the file. */
class Attribution {
  private readonly sets = new Map<string, string>();
  constructor(private readonly source: string) {}
  noteSet(path: string, arg: string): void {
    this.sets.set(path, arg);
  }
  label(path: string): string {
    for (const [p, arg] of [...this.sets].reverse()) {
      if (path === p || path.startsWith(`${p}.`) || p.startsWith(`${path}.`)) return `${this.source}: --set ${arg}`;
    }
    return this.source;
  }
}

function pickError(errors: ErrorObject[]): ErrorObject {
  const unknown = errors.find((e) => e.keyword === 'additionalProperties');
  return unknown ?? errors[0];
}

function validateDoc(doc: Doc, attr: Attribution): void {
  const validate = validator();
  if (validate(doc)) return;
  const err = pickError(validate.errors ?? []);
  const path = pointerToPath(err.instancePath);
  if (err.keyword === 'additionalProperties') {
    const key = (err.params as { additionalProperty: string }).additionalProperty;
    const full = path ? `${path}.${key}` : key;
    throw new InputError(`${attr.label(full)}: ${unknownKeyMessage(path, key)}`);
  }
  throw new InputError(`${attr.label(path)}: ${rangeMessage(path, valueAt(doc, path))}`);
}

// ---------------------------------------------------------------------------------------------------------
// --set.

/** Splits `key=value`. */
export function parseSetArg(arg: string): { key: string; value: string } {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new InputError(`--set ${printable(arg)}: expected key=value (e.g. --set mechanism.p=2 or --set p=2)`);
  return { key: arg.slice(0, eq).trim(), value: arg.slice(eq + 1).trim() };
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a `--set` value. Guided by the spec of the target key when given: numbers for numeric keys,
 * true/false for booleans, the text itself for strings and enums; an integer or a string for the seed.
 * Without a spec (free-form sections): number, true/false, null, else the string. A value of the wrong
 * kind is returned as the string, so that validation reports it with the allowed range.
 */
export function parseValue(raw: string, spec?: NodeSpec): unknown {
  const s = raw.trim();
  const asNumber = NUMERIC.test(s) ? Number(s) : undefined;
  const lower = s.toLowerCase();
  const asBool = lower === 'true' ? true : lower === 'false' ? false : undefined;
  switch (spec?.kind) {
    case 'number':
      return asNumber ?? s;
    case 'boolean':
      return asBool ?? s;
    case 'enum':
    case 'string':
      return s;
    case 'seed':
      return /^[+-]?\d+$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : s;
    case 'section':
      return s;
    default:
      if (asNumber !== undefined) return asNumber;
      if (asBool !== undefined) return asBool;
      if (s === 'null') return null;
      return s;
  }
}

/** Key names that would reach an object's prototype: never set. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

/** The segments of a `--set` key path; InputError for an empty or prototype-reaching segment. */
function pathSegments(path: string, label: string): string[] {
  const segs = path.split('.');
  for (const seg of segs) {
    if (seg === '') throw new InputError(`${label}: empty key segment in '${path}'`);
    if (FORBIDDEN_SEGMENTS.has(seg)) throw new InputError(`${label}: '${seg}' is not allowed as a key`);
  }
  return segs;
}

function setAt(doc: Doc, path: string, value: unknown, label: string): void {
  const segs = pathSegments(path, label);
  let o: Doc = doc;
  for (let i = 0; i < segs.length - 1; i++) {
    const seg = segs[i];
    const next = o[seg];
    if (next === undefined || next === null) {
      o[seg] = {};
    } else if (!isPlainObject(next)) {
      throw new InputError(`${label}: '${segs.slice(0, i + 1).join('.')}' is not a mapping (got ${fmtValue(next)})`);
    }
    o = o[seg] as Doc;
  }
  o[segs[segs.length - 1]] = value;
}

/**
 * Applies `--set a.b=v` to a raw mapping whose layout the agents loader does not know (a tokenomics
 * document, validated after by its own validator): the key is a dotted path (no aliases), the value is
 * parsed by `parseValue` without a spec. Prototype-reaching keys are an InputError.
 */
export function setRawPath(doc: Doc, arg: string, source = '--set'): void {
  const { key, value } = parseSetArg(arg);
  setAt(doc, key, parseValue(value), `${source}: --set ${printable(arg)}`);
}

function applySet(doc: Doc, arg: string, source: string, attr: Attribution): ScenarioOverride {
  const { key, value: raw } = parseSetArg(arg);
  const label = `${source}: --set ${printable(arg)}`;
  const path = resolveKey(key);
  const spec = specAt(path);
  if (!spec) {
    // Find the first segment that does not exist, for the message.
    const segs = path.split('.');
    for (let i = 0; i < segs.length; i++) {
      const parent = segs.slice(0, i).join('.');
      if (!specAt(segs.slice(0, i + 1).join('.'))) throw new InputError(`${label}: ${unknownKeyMessage(parent, segs[i])}`);
    }
  }
  if (spec && spec.kind === 'section') {
    throw new InputError(`${label}: '${path}' is a section; set one of its keys (${Object.keys(spec.keys).join(', ')})`);
  }
  const value = parseValue(raw, spec);
  setAt(doc, path, value, label);
  attr.noteSet(path, arg);
  return { key, path, value };
}

// ---------------------------------------------------------------------------------------------------------
// Defaults, cross-field checks, assembly.

function mergeDefaults(defaults: unknown, given: unknown): unknown {
  if (isPlainObject(defaults) && isPlainObject(given)) {
    const out: Doc = { ...defaults };
    for (const [k, v] of Object.entries(given)) out[k] = mergeDefaults(defaults[k], v);
    return out;
  }
  return given === undefined ? defaults : given;
}

/** Size limits, checked before any work starts (larger values hang or exhaust memory rather than run). */
export const LIMITS = { epochs: 1_000_000_000, participants: 100_000 } as const;

function crossChecks(s: Scenario, attr: Attribution): void {
  if (s.epochs > LIMITS.epochs) {
    throw new InputError(`${attr.label('epochs')}: epochs: at most ${LIMITS.epochs} (the size limit; got ${s.epochs})`);
  }
  for (const role of ['inferers', 'forecasters', 'reputers'] as const) {
    const n = s.participants[role].count;
    if (n > LIMITS.participants) {
      throw new InputError(
        `${attr.label(`participants.${role}.count`)}: participants.${role}.count: at most ${LIMITS.participants} (the size limit; got ${n})`,
      );
    }
  }
  if (s.warmup >= s.epochs) {
    throw new InputError(
      `${attr.label('warmup')}: warmup: must be an integer in [0, epochs − 1] = [0, ${s.epochs - 1}] (got ${s.warmup})`,
    );
  }
  if (s.switches.rep_ema_none && s.switches.rep_ema_linear) {
    throw new InputError(
      `${attr.label('switches.rep_ema_linear')}: switches.rep_ema_linear: cannot be true together with switches.rep_ema_none (choose one reputer EMA variant)`,
    );
  }
}

/**
 * The warm-up rule, one for every command: when the command line sets the number of epochs (`--epochs N`,
 * `--set epochs=N` / `N_e=N`, a `--grid` over epochs) to N ≤ the scenario's warm-up and does not set the
 * warm-up itself, the warm-up becomes ⌊N/10⌋ (with a note). A warm-up set on the command line, or in a file
 * that also sets the epochs, is never changed: warm-up ≥ epochs there is an InputError.
 */
function adjustWarmup(doc: Doc, overrides: readonly ScenarioOverride[], onNote?: (line: string) => void): void {
  if (!overrides.some((o) => o.path === 'epochs') || overrides.some((o) => o.path === 'warmup')) return;
  const epochs = doc.epochs;
  const defaults = specDefaults() as Doc;
  const warmup = doc.warmup ?? defaults.warmup;
  if (typeof epochs !== 'number' || typeof warmup !== 'number' || warmup < epochs) return;
  doc.warmup = Math.floor(epochs / 10);
  onNote?.(`note: warmup ${warmup} ≥ epochs ${epochs}; using warmup ${doc.warmup as number} (set it with --set warmup=N)`);
}

/** A section written with no keys (`mechanism:` with every line below commented out) reads as null in
 *  YAML; treat it as an empty mapping. */
function emptySectionsToMappings(doc: Doc, spec: SectionSpec): void {
  for (const [k, n] of Object.entries(spec.keys)) {
    if (n.kind !== 'section') continue;
    if (doc[k] === null) doc[k] = {};
    if (isPlainObject(doc[k])) emptySectionsToMappings(doc[k], n);
  }
}

/** Validates a raw `kind: agents` scenario mapping (from a file or built in code) and resolves it. */
export function scenarioFromObject(raw: unknown, source: string, opts: LoadOptions = {}): Scenario {
  if (raw === null || raw === undefined) raw = {};
  if (!isPlainObject(raw)) throw new InputError(`${source}: the scenario must be a mapping of keys (got ${fmtValue(raw)})`);
  if (raw.kind === 'tokenomics') {
    throw new InputError(`${source}: kind: this needs an agents scenario (got 'tokenomics'; load it with loadAnyScenario)`);
  }
  const doc = structuredClone(raw);
  takeSweepSection(doc, source); // validated here, used by `allora-sim sweep` only
  emptySectionsToMappings(doc, SCENARIO_SPEC);
  const attr = new Attribution(source);
  // 1. The file as written.
  validateDoc(doc, attr);
  // 2. --profile, then --set on top; re-validate.
  if (opts.profile !== undefined) {
    if (!isProfileName(opts.profile)) {
      throw new InputError(`--profile ${opts.profile}: must be one of 'reference', 'whitepaper'`);
    }
    doc.profile = opts.profile;
  }
  const overrides: ScenarioOverride[] = [];
  for (const arg of opts.set ?? []) overrides.push(applySet(doc, arg, source, attr));
  if (overrides.length > 0) validateDoc(doc, attr);
  adjustWarmup(doc, overrides, opts.onNote);
  // 3. Defaults and the mechanism parameters.
  const merged = mergeDefaults(specDefaults(), doc) as Doc;
  const profile = merged.profile as ProfileName;
  const mechanism: MechanismParams = { ...PROFILES[profile], ...((doc.mechanism as Partial<MechanismParams>) ?? {}) };
  const scenario: Scenario = {
    source,
    name: typeof merged.name === 'string' ? merged.name : basename(source, extname(source)),
    description: merged.description as string,
    kind: 'agents',
    seed: merged.seed as number | string,
    epochs: merged.epochs as number,
    warmup: merged.warmup as number,
    runs: merged.runs as number,
    profile,
    mechanism,
    participants: merged.participants as Scenario['participants'],
    ground_truth: merged.ground_truth as Scenario['ground_truth'],
    emission: merged.emission as Scenario['emission'],
    switches: merged.switches as Scenario['switches'],
    // Only when used, so that a scenario without attackers or claim resolves exactly as before they existed.
    ...(activeBehaviours(merged.adversaries as Scenario['adversaries']).length ? { adversaries: merged.adversaries as Scenario['adversaries'] } : {}),
    ...((merged.claim as ClaimConfig).id !== '' ? { claim: merged.claim as Scenario['claim'] } : {}),
    overrides,
  };
  crossChecks(scenario, attr);
  const adv = adversaryProblem({ ...scenario, adversaries: merged.adversaries as Scenario['adversaries'], claim: merged.claim as ClaimConfig });
  if (adv) throw new InputError(`${attr.label(adv.path)}: ${adv.path}: ${adv.message}`);
  return scenario;
}

/** Reads, validates and resolves a `kind: agents` scenario file (a tokenomics file is an InputError). */
export function loadScenario(file: string, opts: LoadOptions = {}): Scenario {
  return scenarioFromObject(readScenarioFile(file), file, opts);
}

/**
 * Either kind from a raw mapping: `kind: tokenomics` documents go whole to the tokenomics validator
 * (`opts.validateTokenomics`, else the registered one; `--profile`/`--set` are not applied to them here),
 * everything else through `scenarioFromObject`.
 */
export function anyScenarioFromObject(raw: unknown, source: string, opts: LoadOptions = {}): LoadedScenario {
  if (isPlainObject(raw) && raw.kind === 'tokenomics') {
    const validate = opts.validateTokenomics ?? registeredTokenomicsValidator;
    return { kind: 'tokenomics', source, raw, resolved: validate ? validate(raw, source) : raw };
  }
  return scenarioFromObject(raw, source, opts);
}

/** Reads a scenario file of either kind (see `anyScenarioFromObject`). */
export function loadAnyScenario(file: string, opts: LoadOptions = {}): LoadedScenario {
  return anyScenarioFromObject(readScenarioFile(file), file, opts);
}

/** A scenario of all defaults (the paper's fiducial values, reference profile), e.g. for tests. */
export function defaultScenario(opts: LoadOptions = {}): Scenario {
  return scenarioFromObject({}, '<defaults>', opts);
}
