// Executors: a piscina pool of worker threads (workers/run-job.ts, compiled to dist/workers/run-job.js),
// or inline in the main thread (debugging / profiling). Both run `executeTask`, so the part files — and
// hence the final CSVs — are the same bytes whatever the executor or the number of threads.
//
// The pool's threads are kept warm between the sweeps of one process (they have compiled the job modules
// already); a sweep that abandons running tasks or loses a thread closes its pool.
//
// A worker thread that dies during a task (process.exit, an uncaught error in a callback, running out of
// memory) fails that task only: piscina rejects it and starts a replacement thread; the other tasks go on.

import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { Piscina as PiscinaClass } from 'piscina';
import { executeTask, type TaskInput, type TaskOutput } from './execute.js';
import { allocatedThreads } from './cpus.js';

export interface ExecutorOptions {
  /** Worker threads (default `os.availableParallelism()`). */
  threads?: number;
  /** Run the jobs in the main thread, one at a time, without a pool. A job that calls process.exit()
   *  then ends the whole process — use for debugging only. */
  inline?: boolean;
  /** The worker file (default: `defaultWorkerFile()`). */
  workerFile?: string | URL;
  /** Inline only: wraps each job (e.g. the signals' default behaviour while it blocks the event loop). */
  guard?: <T>(job: () => Promise<T>) => Promise<T>;
}

export interface Executor {
  readonly threads: number;
  readonly inline: boolean;
  /** Runs one task. Resolves with the job's outcome; a dead worker resolves as `{ ok: false }` too. */
  run(task: TaskInput): Promise<TaskOutput>;
  /** Terminates the threads; tasks still running resolve as `{ ok: false, error: 'abandoned' }`. */
  destroy(): Promise<void>;
}

export const DEAD_WORKER_PREFIX = 'worker thread failed';

/** Normalises a path or URL to a file: URL href. */
export function toModuleHref(m: string | URL): string {
  if (m instanceof URL) return m.href;
  if (/^(file|data|node):/.test(m)) return m;
  return pathToFileURL(resolve(m)).href;
}

/**
 * The compiled worker: `<dist>/workers/run-job.js`. Found beside this module when running from dist/
 * (dist/src/runner → dist/workers); when running from the TypeScript sources (vitest) it is the copy
 * under <root>/dist/, which the test setup builds.
 */
export function defaultWorkerFile(): URL {
  const compiled = new URL('../../workers/run-job.js', import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return compiled;
  const fromSources = new URL('../../dist/workers/run-job.js', import.meta.url);
  if (existsSync(fileURLToPath(fromSources))) return fromSources;
  throw new Error(`worker file not found: ${fileURLToPath(compiled)} (build the project first: npm run build)`);
}

/** Kinds of scenario, each with its job module. */
export type JobKind = 'agents' | 'tokenomics';

const JOB_MODULES: Record<JobKind, string> = {
  agents: '../src/sim/job.js',
  tokenomics: '../src/sim/tokenomics-job.js',
};

/** The production job module of a scenario kind (dist/src/sim/job.js for agents,
 *  dist/src/sim/tokenomics-job.js for tokenomics), next to the worker's ../src. */
export function jobModuleFor(kind: JobKind, workerFile: URL = defaultWorkerFile()): URL {
  return new URL(JOB_MODULES[kind], workerFile);
}

/** The production job module of agents scenarios. */
export function defaultJobModule(workerFile: URL = defaultWorkerFile()): URL {
  return jobModuleFor('agents', workerFile);
}

/** The CPUs allocated to this process (SLURM_CPUS_PER_TASK, the cgroup quota, else available; cpus.ts). */
export function defaultThreads(): number {
  return allocatedThreads().threads;
}

interface SharedPool {
  filename: string;
  threads: number;
  pool: PiscinaClass<TaskInput, TaskOutput>;
  /** Executors using it now. */
  users: number;
  /** Whether it is the process's warm pool (kept between sweeps) or a private one. */
  cached: boolean;
  idleTimer?: NodeJS.Timeout;
}

/** The warm pool of this process: its threads have loaded the worker and the job modules of earlier sweeps,
 *  so the next sweep (the next study of `attacks`, the next scenario of `figures`) starts without compiling
 *  them again. Idle threads do not keep the process alive; an idle pool is closed after a minute. */
let warm: SharedPool | undefined;
const IDLE_CLOSE_MS = 60_000;

function newPool(filename: string, threads: number): PiscinaClass<TaskInput, TaskOutput> {
  // Loaded on first use: a command that runs no pool does not pay for it.
  const { Piscina } = createRequire(import.meta.url)('piscina') as { Piscina: typeof PiscinaClass };
  const pool = new Piscina<TaskInput, TaskOutput>({
    filename,
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: 1,
    idleTimeout: 60_000,
  });
  // Errors not tied to a task (e.g. an uncaught error after a task finished) would otherwise crash the
  // process as an unhandled 'error' event; the thread is replaced by piscina.
  pool.on('error', () => undefined);
  return pool;
}

function acquirePool(filename: string, threads: number): SharedPool {
  if (warm && warm.users === 0 && (warm.filename !== filename || warm.threads !== threads)) {
    const old = warm;
    warm = undefined;
    clearTimeout(old.idleTimer);
    void old.pool.destroy();
  }
  if (warm && warm.users === 0) {
    clearTimeout(warm.idleTimer);
    warm.users++;
    return warm;
  }
  // The warm pool is busy (two sweeps at once in this process): a private pool for this one.
  const shared: SharedPool = { filename, threads, pool: newPool(filename, threads), users: 1, cached: warm === undefined };
  if (shared.cached) warm = shared;
  return shared;
}

async function releasePool(shared: SharedPool, abandoned: boolean): Promise<void> {
  shared.users--;
  if (shared.cached && !abandoned && shared.users === 0 && warm === shared) {
    shared.idleTimer = setTimeout(() => void closeWarmPool(), IDLE_CLOSE_MS);
    shared.idleTimer.unref();
    return;
  }
  if (warm === shared) warm = undefined;
  await shared.pool.destroy();
}

/** Closes the warm pool of this process (if idle); the next sweep starts a new one. */
export async function closeWarmPool(): Promise<void> {
  const w = warm;
  if (!w || w.users > 0) return;
  warm = undefined;
  clearTimeout(w.idleTimer);
  await w.pool.destroy();
}

/** Starts the warm pool now (threads load the worker while the caller prepares the sweep). */
export function prewarmPool(threads: number, workerFile?: string | URL): void {
  const filename = toModuleHref(workerFile ?? defaultWorkerFile());
  if (warm && (warm.users > 0 || (warm.filename === filename && warm.threads === threads))) return;
  const shared = acquirePool(filename, threads);
  void releasePool(shared, false);
}

export function createExecutor(opts: ExecutorOptions = {}): Executor {
  const threads = opts.threads ?? defaultThreads();
  if (opts.inline) {
    let destroyed = false;
    return {
      threads: 1,
      inline: true,
      async run(task) {
        // Let the event loop turn (signals, timers, progress) between synchronous jobs.
        await new Promise<void>((r) => setImmediate(r));
        if (destroyed) return { ok: false, error: 'abandoned' };
        return opts.guard ? opts.guard(() => executeTask(task)) : executeTask(task);
      },
      async destroy() {
        destroyed = true;
      },
    };
  }

  const filename = toModuleHref(opts.workerFile ?? defaultWorkerFile());
  const shared = acquirePool(filename, threads);
  const pool = shared.pool;
  let destroying = false;
  let deadWorker = false;
  let noThreadsSince = 0;
  let pending = 0;
  const waiting = new Set<(o: TaskOutput) => void>();

  // Watchdog: if every worker fails at start-up piscina stops replacing them and queued tasks would wait
  // forever; fail them instead.
  const watchdog = setInterval(() => {
    if (pending > 0 && pool.threads.length === 0) {
      if (noThreadsSince === 0) noThreadsSince = Date.now();
      else if (Date.now() - noThreadsSince > 2000) {
        for (const w of [...waiting]) w({ ok: false, error: `${DEAD_WORKER_PREFIX}: the pool has no live worker threads` });
      }
    } else noThreadsSince = 0;
  }, 500);
  watchdog.unref();

  return {
    threads,
    inline: false,
    run(task) {
      pending++;
      return new Promise<TaskOutput>((resolveTask) => {
        let settled = false;
        const settle = (o: TaskOutput) => {
          if (settled) return;
          settled = true;
          pending--;
          waiting.delete(settle);
          resolveTask(o);
        };
        waiting.add(settle);
        pool.run(task).then(settle, (e: unknown) => {
          const msg = e instanceof Error ? e.message : String(e);
          if (!destroying) deadWorker = true;
          settle({ ok: false, error: destroying ? 'abandoned' : `${DEAD_WORKER_PREFIX}: ${msg}` });
        });
      });
    },
    async destroy() {
      if (destroying) return;
      destroying = true;
      clearInterval(watchdog);
      // Tasks still running are abandoned: their threads are terminated with the pool. An idle pool whose
      // threads all lived stays warm for the next sweep of this process.
      const abandoned = pending > 0;
      for (const w of [...waiting]) w({ ok: false, error: 'abandoned' });
      await releasePool(shared, abandoned || deadWorker);
    },
  };
}
