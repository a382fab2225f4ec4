// The optional `sweep:` section of a scenario file (used by `allora-sim sweep`; `run` and `check` ignore it):
//
//   sweep:
//     grid:                 # key (full path or short alias) → list of values or a range "start:stop:step"
//       p: [2, 3, 4]
//       alpha: "0.05:0.2:0.05"
//     zip: false            # true: pair the lists instead of taking the full grid
//     seeds: 8              # replicates per point

import { InputError } from './errors.js';

/** JSON Schema of the section, for schema/scenario.schema.json. */
export const SWEEP_JSON_SCHEMA = {
  type: 'object',
  description: 'Parameter sweep for `allora-sim sweep` (ignored by run and check).',
  additionalProperties: false,
  properties: {
    grid: {
      type: 'object',
      description: 'key (full path or alias such as p, alpha) → list of values, or a range "start:stop:step"',
      additionalProperties: {
        anyOf: [
          { type: 'array', minItems: 1, items: { type: ['number', 'string', 'boolean'] } },
          { type: 'string' },
          { type: 'number' },
        ],
      },
    },
    zip: { type: 'boolean', description: 'pair the lists element by element instead of the full grid' },
    seeds: { type: 'integer', minimum: 1, description: 'replicates per grid point' },
  },
} as const;

export interface SweepFileSection {
  grid: [string, string][];
  zip?: boolean;
  seeds?: number;
}

/** Takes the `sweep:` section out of a raw scenario mapping (the scenario loader does not know it). */
export function takeSweepSection(raw: Record<string, unknown>, file: string): SweepFileSection {
  const sec = raw.sweep;
  delete raw.sweep;
  if (sec === undefined || sec === null) return { grid: [] };
  if (typeof sec !== 'object' || Array.isArray(sec))
    throw new InputError(`${file}: sweep: must be a mapping with grid, zip, seeds`);
  const s = sec as Record<string, unknown>;
  for (const k of Object.keys(s))
    if (!['grid', 'zip', 'seeds'].includes(k)) throw new InputError(`${file}: sweep.${k}: unknown key (allowed: grid, zip, seeds)`);
  const grid: [string, string][] = [];
  if (s.grid !== undefined) {
    if (typeof s.grid !== 'object' || s.grid === null || Array.isArray(s.grid))
      throw new InputError(`${file}: sweep.grid: must be a mapping key → list of values or "start:stop:step"`);
    for (const [k, v] of Object.entries(s.grid as Record<string, unknown>)) {
      if (Array.isArray(v) && v.length > 0 && v.every((x) => ['number', 'string', 'boolean'].includes(typeof x)))
        grid.push([k, v.map(String).join(',')]);
      else if (typeof v === 'string' || typeof v === 'number') grid.push([k, String(v)]);
      else throw new InputError(`${file}: sweep.grid.${k}: must be a non-empty list of values or "start:stop:step"`);
    }
  }
  if (s.zip !== undefined && typeof s.zip !== 'boolean') throw new InputError(`${file}: sweep.zip: must be true or false`);
  if (s.seeds !== undefined && !(Number.isInteger(s.seeds) && (s.seeds as number) >= 1))
    throw new InputError(`${file}: sweep.seeds: must be an integer ≥ 1 (got ${JSON.stringify(s.seeds)})`);
  return { grid, zip: s.zip as boolean | undefined, seeds: s.seeds as number | undefined };
}

