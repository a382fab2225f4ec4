// Default thread count from the allocation: SLURM_CPUS_PER_TASK, else the cgroup quota (v2 and v1, read from
// fake files), else the available parallelism.
import { describe, expect, it } from 'vitest';
import { allocatedThreads, cgroupCpuLimit } from '../../src/runner/cpus.js';

const V2_MOUNTS = '30 25 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n';
const V1_MOUNTS =
  '33 25 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:9 - cgroup cgroup rw,cpu,cpuacct\n' +
  '34 25 0:29 / /sys/fs/cgroup/cpuset rw,nosuid shared:10 - cgroup cgroup rw,cpuset\n';

const files = (map: Record<string, string>) => (p: string) => map[p];

describe('cgroupCpuLimit', () => {
  it('cgroup v2: cpu.max of the process cgroup, the smallest up to the root, "max" is no limit', () => {
    const read = files({
      '/proc/self/cgroup': '0::/job/step\n',
      '/proc/self/mountinfo': V2_MOUNTS,
      '/sys/fs/cgroup/job/step/cpu.max': 'max 100000\n',
      '/sys/fs/cgroup/job/cpu.max': '150000 100000\n',
      '/sys/fs/cgroup/cpu.max': 'max 100000\n',
    });
    expect(cgroupCpuLimit(read)).toBe(1.5);
    expect(cgroupCpuLimit(files({ '/proc/self/cgroup': '0::/\n', '/proc/self/mountinfo': V2_MOUNTS, '/sys/fs/cgroup/cpu.max': 'max 100000' }))).toBeUndefined();
  });

  it('cgroup v1: cfs quota / period of the cpu controller; −1 is no limit', () => {
    const self = '12:cpuset:/\n4:cpu,cpuacct:/docker/abc\n1:name=systemd:/\n';
    const read = files({
      '/proc/self/cgroup': self,
      '/proc/self/mountinfo': V1_MOUNTS,
      '/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us': '300000\n',
      '/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us': '100000\n',
      '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '-1\n',
      '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000\n',
    });
    expect(cgroupCpuLimit(read)).toBe(3);
    expect(
      cgroupCpuLimit(
        files({
          '/proc/self/cgroup': self,
          '/proc/self/mountinfo': V1_MOUNTS,
          '/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us': '-1',
          '/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us': '100000',
        }),
      ),
    ).toBeUndefined();
  });

  it('a cgroup namespace: the path is taken relative to the mount root', () => {
    const read = files({
      '/proc/self/cgroup': '0::/kubepods/pod1/c1\n',
      '/proc/self/mountinfo': '30 25 0:26 /kubepods/pod1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n',
      '/sys/fs/cgroup/c1/cpu.max': '50000 100000',
    });
    expect(cgroupCpuLimit(read)).toBe(0.5);
  });

  it('no /proc: no limit', () => {
    expect(cgroupCpuLimit(() => undefined)).toBeUndefined();
  });
});

describe('allocatedThreads (the default of --threads)', () => {
  const quota = files({ '/proc/self/cgroup': '0::/\n', '/proc/self/mountinfo': V2_MOUNTS, '/sys/fs/cgroup/cpu.max': '250000 100000' });
  const none = () => undefined;
  it('SLURM_CPUS_PER_TASK first', () => {
    expect(allocatedThreads({ env: { SLURM_CPUS_PER_TASK: '1' }, readFile: quota, available: 16 })).toEqual({ threads: 1, source: 'SLURM_CPUS_PER_TASK' });
    expect(allocatedThreads({ env: { SLURM_CPUS_PER_TASK: '24' }, readFile: quota, available: 16 }).threads).toBe(24);
  });
  it('else the cgroup quota rounded up, at most the available CPUs', () => {
    expect(allocatedThreads({ env: {}, readFile: quota, available: 16 })).toEqual({ threads: 3, source: 'cgroup' });
    expect(allocatedThreads({ env: { SLURM_CPUS_PER_TASK: 'x' }, readFile: quota, available: 2 })).toEqual({ threads: 2, source: 'cgroup' });
  });
  it('else the available parallelism', () => {
    expect(allocatedThreads({ env: {}, readFile: none, available: 7 })).toEqual({ threads: 7, source: 'availableParallelism' });
    expect(allocatedThreads({ env: { SLURM_CPUS_PER_TASK: '0' }, readFile: none, available: 7 }).threads).toBe(7);
  });
  it('on this machine: at least 1', () => {
    expect(allocatedThreads().threads).toBeGreaterThanOrEqual(1);
  });
});
