// The definition of a sweep — what must match for a resume (seed, grid, replicates, resolved scenario,
// tables, run seed) — what differs between two definitions, and the default way to apply a grid point.

import { InputError } from '../scenario/errors.js';
import type { GridPoint, GridValue, Sweep } from './grid.js';
import { canonicalJson, type SeedRule } from './seeds.js';

/** The part of the sweep that must match for a resume. */
export interface SweepDefinition {
  seed: number;
  mode: Sweep['mode'];
  axes: { name: string; key: string; values: GridValue[] }[];
  points: number;
  replicates: number;
  scenario: unknown;
  /** Tables the jobs write (null: every table). */
  tables?: string[] | null;
  /** The run seed given instead of the derived one (`--run-seed`). */
  runSeed?: number;
  /** How the points share seeds (seeds.ts); recorded for sweeps with a grid (a single point's seeds are the
   *  same under both rules). Absent in a sweep with a grid: `independent`, the only rule before it was
   *  recorded. */
  seedRule?: SeedRule;
  /** The reference point of summary.csv's paired differences given with `sweep --reference` ({full key:
   *  value}). Not part of the identity: it changes no run, so a resume may change it; `merge` reads it. */
  reference?: Record<string, GridValue>;
}

/** The seed rule of a definition (absent: `independent`, see SweepDefinition.seedRule). */
export function seedRuleOf(d: Pick<SweepDefinition, 'seedRule' | 'axes'>): SeedRule {
  return d.seedRule ?? ((d.axes ?? []).length > 0 ? 'independent' : 'common');
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Default `applyPoint`: deep copy, then set each dotted key. */
export function setPointValues(scenario: unknown, point: GridPoint, sweep: Sweep): unknown {
  const keys = Object.keys(point.values);
  if (keys.length === 0) return scenario;
  if (!isPlainObject(scenario)) throw new InputError('--grid: the scenario is not a mapping, cannot set keys in it');
  const copy = structuredClone(scenario);
  for (const key of keys) {
    const segs = key.split('.');
    let o: Record<string, unknown> = copy;
    for (let i = 0; i < segs.length - 1; i++) {
      const next = o[segs[i]];
      if (next === undefined || next === null) o[segs[i]] = {};
      else if (!isPlainObject(next)) {
        const name = sweep.axes.find((a) => a.key === key)?.name ?? key;
        throw new InputError(`--grid ${name}: '${segs.slice(0, i + 1).join('.')}' is not a mapping in the scenario`);
      }
      o = o[segs[i]] as Record<string, unknown>;
    }
    o[segs[segs.length - 1]] = point.values[key];
  }
  return copy;
}

export function jsonClone<T>(x: T): T {
  return x === undefined ? x : (JSON.parse(JSON.stringify(x)) as T);
}

function short(v: unknown): string {
  const s = canonicalJson(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function scenarioDiffs(a: unknown, b: unknown, path: string, out: string[], limit: number): void {
  if (out.length >= limit) return;
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) scenarioDiffs(a[k], b[k], path ? `${path}.${k}` : k, out, limit);
    return;
  }
  if (canonicalJson(a) !== canonicalJson(b)) {
    out.push(`scenario ${path || '(root)'}: ${a === undefined ? '(absent)' : short(a)} in the checkpoint, ${b === undefined ? '(absent)' : short(b)} now`);
  }
}

/** What differs between a saved and a current sweep definition (empty when they match). */
export function diffDefinitions(saved: SweepDefinition, cur: SweepDefinition): string[] {
  const d: string[] = [];
  if (saved.seed !== cur.seed) d.push(`seed: ${saved.seed} in the checkpoint, ${cur.seed} now`);
  if (saved.runSeed !== cur.runSeed) d.push(`run seed: ${saved.runSeed ?? '(derived)'} in the checkpoint, ${cur.runSeed ?? '(derived)'} now`);
  if (saved.replicates !== cur.replicates) d.push(`replicates: ${saved.replicates} in the checkpoint, ${cur.replicates} now`);
  if (saved.mode !== cur.mode) d.push(`sweep mode: ${saved.mode} in the checkpoint, ${cur.mode} now`);
  if ((cur.axes ?? []).length > 0 && seedRuleOf(saved) !== seedRuleOf(cur)) {
    const how = (r: SeedRule) => (r === 'independent' ? 'independent (--independent)' : 'common');
    d.push(`seed rule: ${how(seedRuleOf(saved))} in the checkpoint, ${how(seedRuleOf(cur))} now`);
  }
  const tablesText = (t: string[] | null | undefined) => (t ? `[${t.join(', ')}]` : 'all');
  if (tablesText(saved.tables) !== tablesText(cur.tables)) d.push(`tables: ${tablesText(saved.tables)} in the checkpoint, ${tablesText(cur.tables)} now`);
  const sa = saved.axes ?? [];
  const ca = cur.axes;
  if (sa.length !== ca.length || sa.some((a, i) => a.key !== ca[i].key)) {
    d.push(`grid keys: [${sa.map((a) => a.key).join(', ')}] in the checkpoint, [${ca.map((a) => a.key).join(', ')}] now`);
  } else {
    sa.forEach((a, i) => {
      if (canonicalJson(a.values) !== canonicalJson(ca[i].values)) {
        d.push(`grid ${ca[i].name} values: ${short(a.values)} in the checkpoint, ${short(ca[i].values)} now`);
      }
    });
  }
  const sd: string[] = [];
  scenarioDiffs(saved.scenario, cur.scenario, '', sd, 5);
  d.push(...sd);
  return d;
}

