// Builds dist/ once before the tests, so tests that spawn the CLI or start worker threads run the current code,
// and type-checks the tests themselves (vitest only strips their types).
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const tsc = resolve(root, 'node_modules/typescript/bin/tsc');
  for (const project of ['tsconfig.json', 'tsconfig.test.json'])
    execFileSync(process.execPath, [tsc, '-p', project], { cwd: root, stdio: 'inherit' });
}
