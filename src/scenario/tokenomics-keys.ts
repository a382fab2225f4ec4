// Short names of the tokenomics keys: the whitepaper's symbols of §5 (α_e → `alpha_e`, ξ_max → `xi_max`, μ → `mu`,
// …) and the tokenomics switches, accepted by `--set` and by sweeps of `kind: tokenomics` scenarios. The table is
// also printed by `--help` (`tokenomicsAliasHelp`). No imports: the key-alias help of agents scenarios can list it.

export interface TokenomicsAlias {
  /** What the user types. */
  alias: string;
  /** Full dotted path in a `kind: tokenomics` document. */
  path: string;
  /** The symbol and where it comes from. */
  doc: string;
}

export const TOKENOMICS_ALIASES: readonly TokenomicsAlias[] = [
  { alias: 'months', path: 'tokenomics.months', doc: 'horizon: rows 0 (genesis) … months − 1, one per month' },
  { alias: 'N_total', path: 'tokenomics.total_supply', doc: 'N_total, total token supply, eq. 49' },
  { alias: 'f_e', path: 'tokenomics.f_e', doc: 'f_e, treasury fraction emitted per month, eq. 49' },
  { alias: 'apy_cap', path: 'tokenomics.apy_cap', doc: 'APY cap: ξ_max = (1 + apy_cap)^(1/12) − 1 under yield_cap reference' },
  { alias: 'xi_max', path: 'tokenomics.xi_max', doc: 'ξ_max, the monthly yield cap itself, eq. 51 (overrides yield_cap)' },
  { alias: 'alpha_e', path: 'tokenomics.alpha_e', doc: 'α_e, emission smoothing per month, eq. 53' },
  { alias: 'f_v', path: 'tokenomics.f_v', doc: 'f_v, validators’ share of the emission, eq. 55' },
  { alias: 'reputer_share', path: 'tokenomics.reputer_share', doc: 'reputers’ share of a topic’s reward (f_stakers = f_v + (1 − f_v)·share)' },
  { alias: 'fee_rate', path: 'tokenomics.fees.rate', doc: 'treasury fee inflow per month, share of the unstaked circulating supply (Fig. 4)' },
  { alias: 'alpha_t', path: 'tokenomics.topics.alpha_weekly', doc: 'α_t, topic-weight EMA per week, eq. 57 (1 = no EMA)' },
  { alias: 'mu', path: 'tokenomics.topics.mu', doc: 'μ, stake exponent of the topic weight, eq. 58' },
  { alias: 'nu', path: 'tokenomics.topics.nu', doc: 'ν, fee exponent of the topic weight, eq. 58' },
  { alias: 'N_epochs_w', path: 'tokenomics.topics.fee_epochs_per_week', doc: 'N_epochs,w, epochs per week of the fee decay, eq. 58' },
  { alias: 'wash_fee', path: 'tokenomics.topics.strategic.wash_fee', doc: 'fee a strategic topic pays into itself per month (§5.3 fee cabal)' },
  { alias: 'yield_cap', path: 'mechanism.yield_cap', doc: 'switch: ξ_max rule, reference | whitepaper' },
  { alias: 'f_stakers', path: 'mechanism.f_stakers', doc: 'switch: f_stakers of eq. 50, constant | actual' },
  { alias: 'topic_rewards', path: 'mechanism.topic_rewards', doc: 'switch: share (eq. 56) | per_block (chain)' },
  { alias: 'topic_weight_fee', path: 'mechanism.topic_weight_fee', doc: 'switch: total (eq. 58) | per_epoch (chain: C/L_t)' },
];

/** Keys of a tokenomics document that `--epochs` / `N_e` / `epochs` also reach. */
export const TOKENOMICS_HORIZON_NAMES = ['epochs', 'N_e'] as const;

const MAP: ReadonlyMap<string, string> = new Map([
  ...TOKENOMICS_ALIASES.map((a) => [a.alias, a.path] as const),
  ...TOKENOMICS_HORIZON_NAMES.map((n) => [n, 'tokenomics.months'] as const),
]);

/** Full dotted path of a key typed for a tokenomics document (an alias, or the key unchanged). */
export function resolveTokenomicsKey(key: string): string {
  const k = key.trim();
  return MAP.get(k) ?? k;
}

/** Every short name `resolveTokenomicsKey` accepts. */
export function tokenomicsAliasNames(): string[] {
  return [...MAP.keys()];
}

/** The alias table as aligned text lines, for `--help`. */
export function tokenomicsAliasHelp(): string {
  const w = Math.max(...TOKENOMICS_ALIASES.map((a) => a.alias.length));
  const pw = Math.max(...TOKENOMICS_ALIASES.map((a) => a.path.length));
  const lines = TOKENOMICS_ALIASES.map((a) => `  ${a.alias.padEnd(w)}  ${a.path.padEnd(pw)}  ${a.doc}`);
  lines.push(
    '  (kind: tokenomics; also epochs / N_e → tokenomics.months, and per setup: tokenomics.setups.<name>.<key or',
    '   short name>, e.g. tokenomics.setups.smoothing-fees.fee_rate=0.03)',
  );
  return lines.join('\n');
}
