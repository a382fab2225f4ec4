// Sweep definitions: `--grid key=v1,v2,…` (repeatable) expanded to a full Cartesian grid, or paired
// element-wise with `--zip`.
//
// Values: a comma-separated list whose items are scalars or ranges.
//   - scalar: a decimal number (`2`, `-0.5`, `1e-3`) → number; `true` / `false` (any case) → boolean;
//     anything else → the trimmed text as a string.
//   - range `start:stop:step` (three numbers, step ≠ 0 and pointing from start towards stop): the values
//     start + i·step for i = 0, 1, …, each rounded to 12 significant digits (so `0:1:0.1` gives 0.3, not
//     0.30000000000000004); stop is included when it is reached to within 1e-9 step (i.e. i runs up to
//     ⌊(stop − start)/step + 1e-9⌋).
//   e.g. `p=1:5:0.5`, `alpha=0.1,0.2`, `p=1,2,3:5:1`, `fc_expected=true,false`.
//
// Canonical point order: grid mode is row-major over the axes in the order the --grid options were given —
// the FIRST axis varies slowest, the last fastest. With axes p=[1,2] and alpha=[a,b] the points are
// 0:(1,a) 1:(1,b) 2:(2,a) 3:(2,b). Zip mode: point i takes the i-th value of every axis.

import { InputError } from '../scenario/errors.js';

export type GridValue = number | boolean | string;

export interface GridAxis {
  /** The key as the user typed it (used for column headers in summary.csv). */
  name: string;
  /** The full dotted scenario path (`resolveKey(name)`); what the point's values are keyed by. */
  key: string;
  values: GridValue[];
}

export type SweepMode = 'grid' | 'zip' | 'single';

/** A sweep definition: `single` (no axes) is the one empty point of `run --seeds N`. */
export interface Sweep {
  mode: SweepMode;
  axes: GridAxis[];
}

export interface GridPoint {
  /** Position in the canonical order (0-based). */
  index: number;
  /** Axis key (full dotted path) → value, in axis order. */
  values: Record<string, GridValue>;
}

export interface BuildSweepOptions {
  /** The raw `--grid key=values` arguments, in the order given. Empty/absent → a single empty point. */
  grid?: readonly string[];
  /** Pair the lists element-wise instead of taking their Cartesian product. */
  zip?: boolean;
  /** Alias → full dotted path (the scenario module's alias table). Default: identity. */
  resolveKey?: (k: string) => string;
}

/** Most points a sweep may have, and most values one axis may have (guards against typos like
 *  `p=0:1:1e-9`; every point's scenario is validated before the first run). */
export const MAX_POINTS = 100_000;

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses one scalar: number, boolean (true/false, any case), else the trimmed string. */
export function parseScalar(raw: string): GridValue {
  const s = raw.trim();
  if (NUMERIC.test(s)) {
    const n = Number(s);
    if (Number.isFinite(n)) return n;
  }
  const lower = s.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return s;
}

/** Rounds to 12 significant digits (removes float drift of start + i·step). */
export function round12(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x === 0 ? 0 : x;
  return Number(x.toPrecision(12));
}

/** Expands `start:stop:step`; `label` prefixes error messages. */
export function expandRange(start: number, stop: number, step: number, label: string): number[] {
  if (!Number.isFinite(start) || !Number.isFinite(stop) || !Number.isFinite(step)) {
    throw new InputError(`${label}: range bounds and step must be finite numbers`);
  }
  if (step === 0) throw new InputError(`${label}: range step must not be 0`);
  const span = (stop - start) / step;
  if (span < -1e-9) {
    throw new InputError(
      `${label}: range step ${step} does not lead from ${start} to ${stop} (use a ${step > 0 ? 'negative' : 'positive'} step)`,
    );
  }
  const last = Math.floor(span + 1e-9);
  if (last + 1 > MAX_POINTS) throw new InputError(`${label}: range has ${last + 1} values (at most ${MAX_POINTS})`);
  const out: number[] = [];
  for (let i = 0; i <= last; i++) out.push(round12(start + i * step));
  return out;
}

/** Parses the value list of one axis (`1,2,5:10:1,true,abc`). */
export function parseAxisValues(spec: string, label: string): GridValue[] {
  const items = spec.split(',');
  const out: GridValue[] = [];
  for (const item of items) {
    const s = item.trim();
    if (s === '') throw new InputError(`${label}: empty value in the list (expected v1,v2,… or start:stop:step)`);
    const parts = s.split(':');
    if (parts.length === 3 && parts.every((p) => NUMERIC.test(p.trim()))) {
      const [a, b, c] = parts.map((p) => Number(p.trim()));
      for (const v of expandRange(a, b, c, `${label}: range ${s}`)) out.push(v);
      if (out.length > MAX_POINTS) throw new InputError(`${label}: more than ${MAX_POINTS} values`);
    } else if (parts.length > 1 && parts.every((p) => p.trim() === '' || NUMERIC.test(p.trim()))) {
      throw new InputError(`${label}: range '${s}' must be start:stop:step (three numbers)`);
    } else {
      out.push(parseScalar(s));
      if (out.length > MAX_POINTS) throw new InputError(`${label}: more than ${MAX_POINTS} values`);
    }
  }
  return out;
}

/** Parses one `key=v1,v2,…` argument into an axis. */
export function parseGridArg(arg: string, resolveKey: (k: string) => string = (k) => k): GridAxis {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new InputError(`--grid ${arg}: expected key=v1,v2,… or key=start:stop:step (e.g. --grid p=1:5:0.5)`);
  const name = arg.slice(0, eq).trim();
  if (name === '') throw new InputError(`--grid ${arg}: empty key`);
  const key = resolveKey(name);
  const values = parseAxisValues(arg.slice(eq + 1), `--grid ${arg}`);
  return { name, key, values };
}

/** Builds a sweep from the raw `--grid` arguments. Throws InputError on bad definitions. */
export function buildSweep(opts: BuildSweepOptions = {}): Sweep {
  const args = opts.grid ?? [];
  if (args.length === 0) {
    if (opts.zip) throw new InputError('--zip needs at least one --grid key=values');
    return { mode: 'single', axes: [] };
  }
  const axes = args.map((a) => parseGridArg(a, opts.resolveKey));
  const seen = new Map<string, string>();
  for (const ax of axes) {
    const prev = seen.get(ax.key);
    if (prev !== undefined) {
      throw new InputError(
        `--grid ${ax.name}: the key ${ax.key} is already swept by --grid ${prev} (give each key once, with all its values)`,
      );
    }
    seen.set(ax.key, ax.name);
  }
  const mode: SweepMode = opts.zip ? 'zip' : 'grid';
  const sweep: Sweep = { mode, axes };
  if (mode === 'zip') {
    const n = axes[0].values.length;
    const bad = axes.find((a) => a.values.length !== n);
    if (bad) {
      const lens = axes.map((a) => `${a.name}: ${a.values.length}`).join(', ');
      throw new InputError(`--zip: every --grid list must have the same length (got ${lens})`);
    }
  }
  const n = pointCount(sweep);
  if (n > MAX_POINTS) throw new InputError(`--grid: the sweep has ${n} points (at most ${MAX_POINTS})`);
  return sweep;
}

/** Number of points of a sweep (1 for `single`). */
export function pointCount(sweep: Sweep): number {
  if (sweep.axes.length === 0) return 1;
  if (sweep.mode === 'zip') return sweep.axes[0].values.length;
  return sweep.axes.reduce((n, a) => n * a.values.length, 1);
}

/** The point at canonical position `index` (computed on demand; nothing is materialised). */
export function pointAt(sweep: Sweep, index: number): GridPoint {
  const n = pointCount(sweep);
  if (!Number.isInteger(index) || index < 0 || index >= n) throw new RangeError(`point ${index} out of range [0, ${n})`);
  const values: Record<string, GridValue> = {};
  if (sweep.mode === 'zip') {
    for (const a of sweep.axes) values[a.key] = a.values[index];
    return { index, values };
  }
  // Row-major: the last axis varies fastest.
  const digits = new Array<number>(sweep.axes.length);
  let rest = index;
  for (let k = sweep.axes.length - 1; k >= 0; k--) {
    const len = sweep.axes[k].values.length;
    digits[k] = rest % len;
    rest = Math.floor(rest / len);
  }
  sweep.axes.forEach((a, k) => {
    values[a.key] = a.values[digits[k]];
  });
  return { index, values };
}

/** All points in canonical order (convenience for small sweeps and tests). */
export function expandSweep(sweep: Sweep): GridPoint[] {
  const n = pointCount(sweep);
  const out: GridPoint[] = [];
  for (let i = 0; i < n; i++) out.push(pointAt(sweep, i));
  return out;
}

/** `key=value, …` text of a point, with the names as typed (for messages). */
export function describePoint(sweep: Sweep, point: GridPoint): string {
  if (sweep.axes.length === 0) return '(no grid)';
  return sweep.axes.map((a) => `${a.name}=${String(point.values[a.key])}`).join(', ');
}
