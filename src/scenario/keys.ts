// Key names: closest-key suggestions for unknown keys, and the short aliases (the paper's symbols, the bare
// mechanism parameter names, the docs/agents.md switch names) accepted by `--set` and by sweeps.

import { PARAM_SPECS } from '../engine/params.js';
import { tokenomicsAliasHelp } from './tokenomics-keys.js';

/** Levenshtein edit distance (insert / delete / substitute, each cost 1). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

/**
 * The candidate closest to `key` (case-insensitive edit distance), or undefined when none is close:
 * a candidate counts as close when its distance is at most max(2, ⌈len/3⌉), or when one name contains
 * the other (e.g. `infer` → `inferers`). Ties go to the first candidate in the list.
 */
export function closestKey(key: string, candidates: readonly string[]): string | undefined {
  const k = key.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(k, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.ceil(k.length / 3));
  if (bestD <= limit) return best;
  const contained = candidates.find((c) => {
    const cl = c.toLowerCase();
    return k.length >= 3 && (cl.includes(k) || k.includes(cl));
  });
  return contained;
}

export interface Alias {
  /** What the user types: `--set alias=value`, or a sweep axis. */
  alias: string;
  /** Full dotted path in the scenario. */
  path: string;
  /** Where the symbol comes from. */
  doc: string;
}

/**
 * The paper's short symbols (and a few spelled-out names) accepted wherever a scenario key is. In addition,
 * every mechanism parameter name (`guard_rails`, `sigma_window`, …) and every docs/agents.md switch name
 * (`ln_reading`, `fc_expected`, …) is accepted bare; see `resolveKey`.
 */
export const ALIASES: readonly Alias[] = [
  { alias: 'p', path: 'mechanism.p', doc: 'p of the potential φ_{p,c}, eqs 6–7' },
  { alias: 'c', path: 'mechanism.c', doc: 'c of the potential φ_{p,c}, eqs 6–7' },
  { alias: 'alpha', path: 'mechanism.alpha', doc: 'α of the regret EMA, eq 15' },
  { alias: 'epsilon', path: 'mechanism.epsilon', doc: 'ε of eqs 8, 11, 29' },
  { alias: 'lambda', path: 'mechanism.lambda', doc: 'λ, listening-coefficient learning rate, eq 35' },
  { alias: 'beta', path: 'mechanism.beta', doc: 'β of the modified entropy, eq 38' },
  { alias: 'epsilon_r', path: 'mechanism.epsilon_reputer', doc: 'ε_r of the reputer score, eq 33' },
  { alias: 'p_reputer', path: 'mechanism.p_reward_reputer', doc: 'p of the reputer reward fraction, eq 36' },
  { alias: 'p_inference', path: 'mechanism.p_reward_inference', doc: 'p of the reward mapping (eq 29), inference task' },
  { alias: 'p_forecast', path: 'mechanism.p_reward_forecast', doc: 'p of the reward mapping (eq 29), forecast task' },
  { alias: 'delta_N', path: 'mechanism.sigma_window_size', doc: 'ΔN, σ(T) window of eq 29' },
  { alias: 'N_e', path: 'epochs', doc: 'number of epochs N_e (§3.1)' },
  { alias: 'N_i', path: 'participants.inferers.count', doc: 'number of inferers N_i' },
  { alias: 'N_f', path: 'participants.forecasters.count', doc: 'number of forecasters N_f' },
  { alias: 'N_r', path: 'participants.reputers.count', doc: 'number of reputers N_r' },
  { alias: 'a', path: 'participants.forecasters.context_a', doc: 'a of the context sigmoid, eq 21' },
  { alias: 'b', path: 'participants.forecasters.context_b', doc: 'b of the context sigmoid, eq 21' },
  { alias: 'outperformance', path: 'participants.inferers.outperform_factor', doc: 'the ×0.3 context-dependent outperformance (§3.3)' },
  { alias: 'xp_rate', path: 'participants.experience.rate', doc: 'decay rate 0.03 of f_xp, eq 20' },
  { alias: 'xp_floor', path: 'participants.experience.floor', doc: 'asymptote ½ of f_xp, eq 20' },
];

/** docs/agents.md switch names, accepted bare (`--set fc_expected=true`). */
export const SWITCH_NAMES = [
  'ln_reading',
  'fc_expected',
  'fc_outperf',
  'unaware_shared_noise',
  'rep_ema_none',
  'rep_ema_linear',
  'bootstrap_surrogate_first',
] as const;

const ALIAS_MAP: ReadonlyMap<string, string> = new Map(ALIASES.map((a) => [a.alias, a.path]));

/** Every short name `resolveKey` accepts, for suggestions. */
export function aliasNames(): string[] {
  return [...ALIAS_MAP.keys(), ...Object.keys(PARAM_SPECS), ...SWITCH_NAMES];
}

/**
 * Full dotted path for a key typed by the user: an alias from `ALIASES`, a bare mechanism parameter
 * name (→ `mechanism.<name>`), a bare switch name (→ `switches.<name>`), or (unchanged) a dotted path.
 */
export function resolveKey(key: string): string {
  const k = key.trim();
  const a = ALIAS_MAP.get(k);
  if (a !== undefined) return a;
  if (!k.includes('.')) {
    if (Object.prototype.hasOwnProperty.call(PARAM_SPECS, k)) return `mechanism.${k}`;
    if ((SWITCH_NAMES as readonly string[]).includes(k)) return `switches.${k}`;
  }
  return k;
}

/** The alias table as aligned text lines, for `--help`. */
export function aliasHelp(): string {
  const w = Math.max(...ALIASES.map((a) => a.alias.length));
  const pw = Math.max(...ALIASES.map((a) => a.path.length));
  const lines = ALIASES.map((a) => `  ${a.alias.padEnd(w)}  ${a.path.padEnd(pw)}  ${a.doc}`);
  lines.push(
    `  (also every mechanism parameter name bare, e.g. guard_rails → mechanism.guard_rails, and every switch`,
    `   name bare, e.g. fc_expected → switches.fc_expected)`,
  );
  lines.push('', 'Tokenomics scenarios (kind: tokenomics):', tokenomicsAliasHelp());
  return lines.join('\n');
}
