// docs/data-dictionary.md is generated from the reporter registries (src/sim/tables.ts, src/sim/metrics.ts),
// so it cannot drift from what the tool writes. Regenerate with `npm run docs` (UPDATE_DOCS=1).
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/scenario/paths.js';
import { TABLES } from '../../src/sim/tables.js';
import { METRICS } from '../../src/sim/metrics.js';

const cell = (s: string): string => s.replaceAll('|', '\\|');

export function dataDictionary(): string {
  const out: string[] = [
    '# Data dictionary',
    '',
    'Generated from the reporter registries (`src/sim/tables.ts`, `src/sim/metrics.ts`) by `npm run docs`; do not edit by hand.',
    'Empty cells are missing values (NaN): a participant absent that epoch, or a quantity that does not exist yet.',
    'Sweeps add `point`, `replicate` and one column per swept parameter in front of every table.',
    '',
    '## Tables of an agents run',
    '',
    'Choose them with `--tables` (names without `.csv`); `metrics.csv` and `summary.json` are always written.',
    '',
  ];
  for (const t of TABLES) {
    out.push(`### \`${t.name}\``, '', t.description, '', `Filled: ${t.filled}.`, '', '| column | unit | meaning |', '|---|---|---|');
    for (const c of t.columns) out.push(`| \`${c.name}\` | ${cell(c.unit)} | ${cell(c.meaning)} |`);
    out.push('');
  }
  out.push(
    '## Headline metrics (`metrics.csv`, `summary.json`, `check`)',
    '',
    'One value per run; `summary.json` and `summary.csv` summarise them over seeds.',
    '',
    '| metric | definition |',
    '|---|---|',
  );
  for (const m of METRICS) out.push(`| \`${m.key}\` | ${cell(m.definition)} |`);
  out.push('');
  return out.join('\n');
}

describe('docs/data-dictionary.md', () => {
  it('is what the registries generate', () => {
    const file = join(projectRoot(), 'docs/data-dictionary.md');
    const want = dataDictionary();
    if (process.env.UPDATE_DOCS) writeFileSync(file, want);
    expect(readFileSync(file, 'utf8')).toBe(want);
  });

  it('documents every column of every table and every metric', () => {
    const text = dataDictionary();
    for (const t of TABLES) for (const c of t.columns) expect(text).toContain(`| \`${c.name}\` |`);
    for (const m of METRICS) expect(text).toContain(`| \`${m.key}\` |`);
  });
});
