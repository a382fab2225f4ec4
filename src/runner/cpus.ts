// How many worker threads a sweep starts by default: the CPUs the process was allocated, not the cores the
// machine has. A batch job granted one CPU on a 64-core node must not start 64 threads; README "Sweeps on a cluster".
//   1. SLURM_CPUS_PER_TASK, when set to an integer ≥ 1 (Slurm's allocation; Slurm does not always confine
//      a job to its CPUs, so the machine's core count can be far larger);
//   2. else the cgroup CPU quota of this process: cgroup v2 `cpu.max` ("max" or "<quota> <period>"), or
//      cgroup v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us` (−1 = none), the smallest over the process's
//      cgroup and its ancestors, rounded up (1.5 CPUs → 2 threads), and never more than (3);
//   3. else `os.availableParallelism()` (the CPUs this process may be scheduled on).

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { posix } from 'node:path';

export interface CpuSources {
  env?: NodeJS.ProcessEnv;
  /** Reads a file as text, or returns undefined; default: the real file system. */
  readFile?: (path: string) => string | undefined;
  /** Default `os.availableParallelism()`. */
  available?: number;
}

export interface ThreadDefault {
  threads: number;
  /** Where the number came from. */
  source: 'SLURM_CPUS_PER_TASK' | 'cgroup' | 'availableParallelism';
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

interface Mount {
  root: string;
  point: string;
  fstype: string;
  options: string[];
}

/** Cgroup mounts from /proc/self/mountinfo (`id parent major:minor root mountpoint opts … - fstype src superopts`). */
function cgroupMounts(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const right = line.slice(sep + 3).split(' ');
    if (left.length < 5 || right.length < 3) continue;
    const fstype = right[0];
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    mounts.push({ root: unescape(left[3]), point: unescape(left[4]), fstype, options: right[2].split(',') });
  }
  return mounts;
}

/** The directories from the process's cgroup up to the mount point (innermost first). */
function cgroupDirs(mount: Mount, cgroupPath: string): string[] {
  let rel = cgroupPath;
  if (mount.root !== '/' && (rel === mount.root || rel.startsWith(`${mount.root}/`))) rel = rel.slice(mount.root.length);
  const dirs: string[] = [];
  let dir = posix.join(mount.point, rel);
  for (;;) {
    dirs.push(dir);
    if (dir === mount.point || !dir.startsWith(mount.point)) break;
    const up = posix.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dirs;
}

/** CPUs allowed by the cgroup quota (fractional), or undefined when there is none. */
export function cgroupCpuLimit(read: (path: string) => string | undefined = readText): number | undefined {
  const self = read('/proc/self/cgroup');
  const info = read('/proc/self/mountinfo');
  if (self === undefined || info === undefined) return undefined;
  const mounts = cgroupMounts(info);
  let limit = Infinity;
  for (const line of self.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, id, controllers, path] = m;
    if (id === '0' && controllers === '') {
      const mount = mounts.find((x) => x.fstype === 'cgroup2');
      if (!mount) continue;
      for (const dir of cgroupDirs(mount, path)) {
        const t = read(posix.join(dir, 'cpu.max'))?.trim().split(/\s+/);
        if (!t || t[0] === 'max') continue;
        const quota = Number(t[0]);
        const period = Number(t[1] ?? 100000);
        if (quota > 0 && period > 0) limit = Math.min(limit, quota / period);
      }
    } else if (controllers.split(',').includes('cpu')) {
      const mount = mounts.find((x) => x.fstype === 'cgroup' && x.options.includes('cpu'));
      if (!mount) continue;
      for (const dir of cgroupDirs(mount, path)) {
        const quota = Number(read(posix.join(dir, 'cpu.cfs_quota_us'))?.trim());
        const period = Number(read(posix.join(dir, 'cpu.cfs_period_us'))?.trim());
        if (quota > 0 && period > 0) limit = Math.min(limit, quota / period);
      }
    }
  }
  return Number.isFinite(limit) ? limit : undefined;
}

/** The default thread count and where it came from (see the top of this file). */
export function allocatedThreads(src: CpuSources = {}): ThreadDefault {
  const env = src.env ?? process.env;
  const available = Math.max(1, src.available ?? availableParallelism());
  const slurm = env.SLURM_CPUS_PER_TASK?.trim();
  if (slurm !== undefined && /^\d+$/.test(slurm) && Number(slurm) >= 1) {
    return { threads: Number(slurm), source: 'SLURM_CPUS_PER_TASK' };
  }
  const quota = cgroupCpuLimit(src.readFile ?? readText);
  if (quota !== undefined) return { threads: Math.max(1, Math.min(available, Math.ceil(quota - 1e-9))), source: 'cgroup' };
  return { threads: available, source: 'availableParallelism' };
}
