// The output directory of a command: chosen inside the place the user named, locked against a second
// writer, and checked so that an overwrite is deliberate.
//
// Rules (README "Exit codes and errors"):
// - a scenario name becomes one folder name under the output root: a name with a path separator, '.' or '..'
//   is refused; `-o ""` is refused;
// - `<out>/.allora-sim.lock` holds the writer's pid and host; a second writer is refused (exit 2, naming the
//   holder); a lock of a dead process on this host is taken over;
// - a directory holding another run (another scenario, other --set values, another profile or grid: the run's
//   identity, recorded in manifest.json as `run_identity`) is refused unless --force; a directory with files
//   but no allora-sim run is refused unless --force; an interrupted run (part files in .runs/) is refused
//   without --resume or --force;
// - before a fresh run, the previous run's outputs (its manifest's `outputs`) and any leftovers of a killed
//   process (`.…partial`, `.staging-…`, `.finish-…`) are removed, so no stale file sits beside new ones.

import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ensureDir } from '../output/csv.js';
import { InputError } from '../scenario/errors.js';
import { canonicalJson } from '../runner/seeds.js';

export const LOCK_FILE = '.allora-sim.lock';

/** A scenario name as one folder name under `root` (InputError when it would leave `root`). */
export function defaultOutDir(root: string, name: string, suffix = ''): string {
  const folder = `${name}${suffix}`;
  // eslint-disable-next-line no-control-regex
  if (folder === '' || folder === '.' || folder === '..' || /[/\\\u0000-\u001f]/.test(folder) || folder.length > 200) {
    throw new InputError(
      `name: ${JSON.stringify(name.slice(0, 60))} cannot be the output folder's name (a plain name without '/', '\\', control characters or '..'); rename it or give -o DIR`,
    );
  }
  return join(root, folder);
}

/** Checks an `-o` value: non-empty; not under /proc, /sys or /dev (special file systems). */
export function checkOutOption(dir: string | undefined, flag = '-o'): void {
  if (dir === undefined) return;
  if (dir.trim() === '') throw new InputError(`${flag}: the output directory is empty ('')`);
  const abs = resolve(dir);
  if (/^\/(proc|sys|dev)(\/|$)/.test(abs)) throw new InputError(`${flag} ${dir}: cannot write a run under /proc, /sys or /dev`);
}

/** Identity of a run: what makes two runs "the same run" (scenario content, kind, grid). */
export function runIdentity(what: unknown): string {
  return createHash('sha256').update(canonicalJson(what)).digest('hex').slice(0, 32);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface LockInfo {
  pid: number;
  host: string;
  started: string;
}

/** Holds `<out>/.allora-sim.lock` until `release()`. */
export interface OutputLock {
  release(): void;
}

function writeError(path: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code ?? 'error';
  return new InputError(`${path}: cannot write (${code})`);
}

/** Creates `out` (and parents) and takes its lock. */
export function lockOutputDir(out: string): OutputLock {
  ensureDir(out);
  const path = join(out, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw writeError(out, e);
      let holder: Partial<LockInfo> = {};
      try {
        holder = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
      } catch {
        // unreadable: a writer between open and write, or garbage; garbage older than 10 s is stale
        try {
          if (Date.now() - statSync(path).mtimeMs < 10_000) {
            throw new InputError(`${out}: in use by another allora-sim (lock ${path} being written); wait for it, or use another -o`);
          }
        } catch (err) {
          if (err instanceof InputError) throw err;
        }
        rmSync(path, { force: true });
        continue;
      }
      const sameHost = holder.host === hostname();
      if (sameHost && typeof holder.pid === 'number' && !pidAlive(holder.pid)) {
        rmSync(path, { force: true }); // a dead process's lock
        continue;
      }
      throw new InputError(
        `${out}: in use by another allora-sim (pid ${String(holder.pid)} on host ${String(holder.host)}, since ${String(holder.started)}); wait for it to finish, or use another -o` +
          (sameHost ? '' : ` (if that process is gone, delete ${path})`),
      );
    }
    try {
      writeSync(fd, JSON.stringify(mine));
    } finally {
      closeSync(fd);
    }
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        try {
          const now = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
          if (now.pid === mine.pid && now.host === mine.host) rmSync(path, { force: true });
        } catch {
          // gone already
        }
      },
    };
  }
  throw new InputError(`${out}: could not take the lock ${path}; use another -o`);
}

export interface PrepareOptions {
  /** This run's identity (`runIdentity`). */
  identity: string;
  resume?: boolean;
  force?: boolean;
  /** The command's resume flag as the user types it (messages). */
  resumeFlag?: string;
}

/** Names a killed process may leave in an output directory. */
const isLeftover = (n: string): boolean => (n.startsWith('.') && n.endsWith('.partial')) || /^\.(staging|finish)-\d+$/.test(n);

/**
 * Checks what `out` (locked by this process) holds against this run and clears what a fresh run replaces.
 * Throws InputError (exit 2) when the overwrite would not be deliberate.
 */
export function prepareOutputDir(out: string, o: PrepareOptions): void {
  const names = readdirSync(out);
  for (const n of names) if (isLeftover(n)) rmSync(join(out, n), { recursive: true, force: true });
  const manifestPath = join(out, 'manifest.json');
  const runsDir = join(out, '.runs');
  let manifest: { run_identity?: unknown; outputs?: unknown; status?: unknown } | null = null;
  if (existsSync(manifestPath)) {
    try {
      manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as typeof manifest;
    } catch {
      manifest = {};
    }
  }
  const parts = existsSync(runsDir) ? readdirSync(runsDir).filter((n) => n.endsWith('.ndjson')).length : 0;
  const resumeFlag = o.resumeFlag ?? '--resume';
  if (o.resume) return; // the runner compares the checkpoint and says what differs
  if (!o.force) {
    if (parts > 0) {
      throw new InputError(
        `${out}: holds an interrupted run (${parts} finished runs in .runs/); continue it with ${resumeFlag}, or pass --force to discard them`,
      );
    }
    if (manifest && manifest.run_identity !== o.identity) {
      throw new InputError(`${out}: holds another run (another scenario, --set values, profile or grid); pass --force to replace it, or choose another -o`);
    }
    const foreign = names.filter((n) => n !== LOCK_FILE && n !== '.runs' && !isLeftover(n));
    if (!manifest && foreign.length > 0) {
      throw new InputError(`${out}: is not empty and holds no allora-sim run (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}); pass --force to write into it, or choose another -o`);
    }
  }
  // A fresh run: remove the previous run's outputs (nothing else).
  if (manifest) {
    const outputs = Array.isArray(manifest.outputs) ? manifest.outputs : [];
    for (const f of outputs) {
      if (typeof f === 'string' && f !== '' && !f.includes('/') && !f.includes('\\') && f !== '..' && !isAbsolute(f)) rmSync(join(out, f), { force: true });
    }
    rmSync(manifestPath, { force: true });
  }
  rmSync(runsDir, { recursive: true, force: true });
}
