// Where the project's own files are: the package root holds scenarios/, schema/, baselines/ and package.json,
// whether this module runs from src/ (tests) or dist/src/ (the CLI). The one place that reads package.json.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;
let info: { name: string; version: string } | undefined;

function readPackage(dir: string): { name?: unknown; version?: unknown } | undefined {
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg)) return undefined;
  try {
    return JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined;
  }
}

/** The nearest folder above this module with allora-sim's package.json. */
export function projectRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = readPackage(dir);
    if (pkg?.name === 'allora-sim') {
      info = { name: 'allora-sim', version: String(pkg.version ?? 'unknown') };
      return (root = dir);
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('allora-sim: cannot find the project root (package.json)');
    dir = up;
  }
}

/** The package's name and version (package.json at the project root). */
export function packageInfo(): { name: string; version: string } {
  if (!info) projectRoot();
  return info!;
}
