// Option parsers shared by the commands.
import { InputError } from '../scenario/errors.js';

/** Collects a repeatable option (`--set a=1 --set b=2`). */
export const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** Parses an integer ≥ 1, or one clear line naming the option. */
export function positiveInt(name: string): (v: string) => number {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InputError(`${name}: must be an integer ≥ 1 (got '${v}')`);
    return n;
  };
}
