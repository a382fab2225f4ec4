// The layers import only downward: engine < stats, io < scenario < agents < sim < output < runner <
// commands < cli. The engine imports nothing outside itself (no node: modules, no packages: it is pure).
// A violation fails with the importing file, the import and the rule it breaks.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { projectRoot } from '../../src/scenario/paths.js';

const root = projectRoot();
const SRC = join(root, 'src');

/** Rank of each layer (folder under src/); a file may import its own layer or a lower rank. */
export const LAYERS: Record<string, number> = {
  engine: 0,
  stats: 1,
  io: 1,
  scenario: 2,
  agents: 3,
  sim: 4,
  output: 5,
  runner: 6,
  commands: 7,
  cli: 8,
};
/** src/index.ts (the library API) may import anything but the CLI. */
const API_RANK = 7.5;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]|(?:^|[^\w.])import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

export function importsOf(text: string): string[] {
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]);
}

function layerOf(file: string): { name: string; rank: number } | null {
  const rel = relative(SRC, file);
  if (rel.startsWith('..')) return null;
  const top = rel.split(sep)[0];
  if (top === 'index.ts') return { name: 'index.ts (library API)', rank: API_RANK };
  const rank = LAYERS[top];
  if (rank === undefined) throw new Error(`src/${top}: not a known layer — add it to LAYERS in test/architecture/layers.test.ts`);
  return { name: top, rank };
}

export function violations(): string[] {
  const out: string[] = [];
  for (const f of files(SRC)) {
    const from = layerOf(f)!;
    for (const spec of importsOf(readFileSync(f, 'utf8'))) {
      const where = `src/${relative(SRC, f)} imports '${spec}'`;
      if (!spec.startsWith('.')) {
        if (from.name === 'engine') out.push(`${where}: the engine imports nothing outside src/engine (it is pure)`);
        continue;
      }
      const to = layerOf(resolve(dirname(f), spec));
      if (!to) {
        out.push(`${where}: outside src/`);
        continue;
      }
      if (to.name === from.name) continue;
      if (to.rank >= from.rank) out.push(`${where}: ${from.name} (rank ${from.rank}) may not import ${to.name} (rank ${to.rank}); layers import only downward`);
    }
  }
  return out;
}

describe('one-way imports', () => {
  it('the import parser sees static, re-export, side-effect, type and dynamic imports', () => {
    const text = `import { a } from './a.js';\nexport * from "../b.js";\nimport './c.js';\nconst m = await import('../d.js');\nimport type { E } from './e.js';\nimport {\n  f,\n  g,\n} from '../f.js';`;
    expect(importsOf(text).sort()).toEqual(['../b.js', '../d.js', '../f.js', './a.js', './c.js', './e.js']);
  });

  it('every layer imports only the layers below it', () => {
    expect(violations()).toEqual([]);
  });
});
