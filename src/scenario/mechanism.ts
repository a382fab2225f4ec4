// Mechanism parameters from the command line alone (`replay --profile P --set key=value`): the scenario
// loader resolves and validates them exactly as it does a scenario's `mechanism:` section.

import type { MechanismParams } from '../engine/params.js';
import { InputError } from './errors.js';
import { resolveKey } from './keys.js';
import { parseSetArg, scenarioFromObject } from './load.js';

export function mechanismFromCommandLine(profile: string, set: readonly string[], source: string): MechanismParams {
  for (const arg of set) {
    const { key } = parseSetArg(arg);
    const path = resolveKey(key);
    if (path.includes('.') && !path.startsWith('mechanism.'))
      throw new InputError(`${source}: --set ${arg}: only mechanism parameters apply here (e.g. p, alpha, guard_rails; got '${path}')`);
  }
  return scenarioFromObject({}, source, { profile, set }).mechanism;
}
