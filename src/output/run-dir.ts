// An output directory filled as one unit: files are written into a hidden staging folder inside it and moved
// into place only when the run has finished, `manifest.json` last (its presence marks a finished run). A run
// that fails or is interrupted leaves the previous contents as they were and removes its staging folder.

import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { ensureDir } from './csv.js';
import { InputError } from '../scenario/errors.js';
import { writeFailure } from '../io/files.js';
import { packageInfo, projectRoot } from '../scenario/paths.js';

export class RunDirectory {
  readonly staging: string;
  constructor(readonly dir: string) {
    ensureDir(dir);
    this.staging = join(dir, `.staging-${process.pid}`);
    try {
      rmSync(this.staging, { recursive: true, force: true });
      mkdirSync(this.staging);
      writeFileSync(join(this.staging, '.probe'), '');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      throw new InputError(`${dir}: the output directory is not writable (${code})`);
    }
    rmSync(join(this.staging, '.probe'));
  }

  /** Path of a file in the staging folder. */
  path(name: string): string {
    return join(this.staging, name);
  }

  writeJson(name: string, value: unknown): void {
    try {
      writeFileSync(this.path(name), JSON.stringify(value, jsonNumbers, 2) + '\n');
    } catch (e) {
      throw writeFailure(join(this.dir, name), e);
    }
  }

  /** Moves every staged file into the directory, `manifest.json` last. */
  commit(): string[] {
    const names = readdirSync(this.staging).sort((a, b) => Number(a === 'manifest.json') - Number(b === 'manifest.json'));
    if (existsSync(join(this.dir, 'manifest.json'))) rmSync(join(this.dir, 'manifest.json'));
    for (const n of names) renameSync(join(this.staging, n), join(this.dir, n));
    rmSync(this.staging, { recursive: true, force: true });
    return names;
  }

  abort(): void {
    rmSync(this.staging, { recursive: true, force: true });
  }
}

/** JSON has no NaN/Infinity: write them as null. */
function jsonNumbers(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}

/** Tool version (package.json) and the git commit of the working tree, if any. */
export function toolInfo(): { tool: string; version: string; git_commit: string | null } {
  const root = projectRoot();
  const pkg = packageInfo();
  let commit: string | null = null;
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
  } catch {
    commit = null;
  }
  return { tool: pkg.name, version: pkg.version, git_commit: commit };
}
