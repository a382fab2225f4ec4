// Where the project's own files are: the package root holds scenarios/, schema/, baselines/ and package.json,
// whether this module runs from src/ (tests) or dist/src/ (the CLI).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The nearest folder above this module with allora-sim's package.json. */
export function projectRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'allora-sim')
      return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('allora-sim: cannot find the project root (package.json)');
    dir = up;
  }
}
