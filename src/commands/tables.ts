// `--tables <list>|all|none`: which tables a run writes. Names are typed without `.csv`
// (`losses,rewards`); the job receives file names (`losses.csv`). Hidden tables (`_…`, the runs' own
// records for the figures) are always requested. The names a kind knows are looked up in one place
// (`knownTables`).

import { InputError } from '../scenario/errors.js';
import { closestKey } from '../scenario/keys.js';
import { FIGURE_TABLES, TABLES } from '../sim/tables.js';

export type ScenarioKind = 'agents' | 'tokenomics';

/** Tables of the tokenomics job (kind: tokenomics). */
const TOKENOMICS_TABLES = ['tokenomics.csv', 'topics.csv', 'validators.csv', 'treasury.csv'];

/** File names of every table a job of this kind writes, hidden ones included. */
export function knownTables(kind: ScenarioKind): string[] {
  return kind === 'agents' ? [...TABLES, ...FIGURE_TABLES].map((t) => t.name) : [...TOKENOMICS_TABLES];
}

const isHidden = (name: string): boolean => name.startsWith('_');
const bare = (file: string): string => file.replace(/\.csv$/, '');

/**
 * Parses `--tables`: undefined or `all` → undefined (every table); `none` → hidden tables only; a comma list
 * → those tables plus the hidden ones. An unknown name is an InputError naming the closest known one.
 */
export function parseTablesOption(spec: string | undefined, kind: ScenarioKind): string[] | undefined {
  if (spec === undefined) return undefined;
  const known = knownTables(kind);
  const visible = known.filter((n) => !isHidden(n)).map(bare);
  const hidden = known.filter(isHidden);
  const text = spec.trim();
  if (text === 'all') return undefined;
  if (text === 'none') return hidden;
  const names = text.split(',').map((s) => s.trim());
  const picked: string[] = [];
  for (const n of names) {
    const name = bare(n);
    if (!visible.includes(name)) {
      const near = closestKey(name, visible);
      const shown = JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
      throw new InputError(
        `--tables: unknown table ${shown}${near ? ` (did you mean ${near}?)` : ''}; the ${kind} tables are ${visible.join(', ')} (or all, none)`,
      );
    }
    if (!picked.includes(`${name}.csv`)) picked.push(`${name}.csv`);
  }
  return [...picked, ...hidden];
}

/** The `--tables` help text. */
export const TABLES_HELP = "tables to write: a comma list without .csv (e.g. losses,rewards), 'all' (default) or 'none'; metrics.csv is always written";
