// Resolving the mechanism parameters: a profile preset, then overrides (a scenario's `mechanism:` section or
// `--set key=value`), each checked against PARAM_SPECS with one clear line on failure.

import {
  PARAM_SPECS,
  isProfileName,
  profileParams,
  type MechanismParams,
  type ParamSpec,
  type ProfileName,
} from '../engine/params.js';
import { InputError } from './errors.js';
import { closestKey } from './keys.js';

export const MECHANISM_KEYS = Object.keys(PARAM_SPECS) as (keyof MechanismParams)[];

export function describeParamRange(spec: ParamSpec): string {
  switch (spec.kind) {
    case 'boolean':
      return 'true or false';
    case 'enum':
      return `one of ${spec.values.join(', ')}`;
    case 'number': {
      const parts: string[] = [];
      if (spec.min !== undefined) parts.push(`${spec.minExclusive ? '>' : '≥'} ${spec.min}`);
      if (spec.max !== undefined) parts.push(`${spec.maxExclusive ? '<' : '≤'} ${spec.max}`);
      const kind = spec.integer ? 'an integer' : 'a number';
      return parts.length ? `${kind} ${parts.join(' and ')}` : `a finite ${spec.integer ? 'integer' : 'number'}`;
    }
  }
}

/** Parses a raw value (string from the command line, or a YAML/JSON value) and checks its range. */
export function checkMechanismValue(key: string, raw: unknown, where: string): number | boolean | string {
  if (!(key in PARAM_SPECS)) {
    const near = closestKey(key, MECHANISM_KEYS);
    throw new InputError(`${where}: unknown mechanism parameter '${key}'${near ? ` — did you mean '${near}'?` : ''}`);
  }
  const spec = PARAM_SPECS[key as keyof MechanismParams];
  const bad = (): never => {
    throw new InputError(`${where}: ${key}: must be ${describeParamRange(spec)} (got ${JSON.stringify(raw)})`);
  };
  switch (spec.kind) {
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      return bad();
    case 'enum':
      if (typeof raw === 'string' && spec.values.includes(raw)) return raw;
      return bad();
    case 'number': {
      const x = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(x)) return bad();
      if (spec.integer && !Number.isInteger(x)) return bad();
      if (spec.min !== undefined && (spec.minExclusive ? x <= spec.min : x < spec.min)) return bad();
      if (spec.max !== undefined && (spec.maxExclusive ? x >= spec.max : x > spec.max)) return bad();
      return x;
    }
  }
}

/** Splits `key=value` pairs of `--set`; `mechanism.` prefixes are accepted. */
export function parseSetPairs(pairs: readonly string[]): [string, string][] {
  return pairs.map((p) => {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new InputError(`--set ${p}: expected key=value`);
    return [p.slice(0, eq).trim(), p.slice(eq + 1).trim()];
  });
}

/** Profile preset + overrides → full mechanism parameters. */
export function resolveMechanism(
  profile: string,
  overrides: Iterable<[string, unknown]>,
  where: string,
): MechanismParams {
  if (!isProfileName(profile))
    throw new InputError(`${where}: profile: must be one of reference, whitepaper (got '${profile}')`);
  const prm = profileParams(profile as ProfileName) as unknown as Record<string, unknown>;
  for (const [rawKey, value] of overrides) {
    const key = rawKey.startsWith('mechanism.') ? rawKey.slice('mechanism.'.length) : rawKey;
    prm[key] = checkMechanismValue(key, value, where);
  }
  return prm as unknown as MechanismParams;
}
