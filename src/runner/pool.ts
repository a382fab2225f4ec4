// Executors: a piscina pool of worker threads (workers/run-job.ts, compiled to dist/workers/run-job.js),
// or inline in the main thread (debugging / profiling). Both run `executeTask`, so the part files — and
// hence the final CSVs — are the same bytes whatever the executor or the number of threads.
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
        return executeTask(task);
      },
      async destroy() {
        destroyed = true;
      },
    };
  }

  const filename = toModuleHref(opts.workerFile ?? defaultWorkerFile());
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
  let destroying = false;
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
          settle({ ok: false, error: destroying ? 'abandoned' : `${DEAD_WORKER_PREFIX}: ${msg}` });
        });
      });
    },
    async destroy() {
      if (destroying) return;
      destroying = true;
      clearInterval(watchdog);
      for (const w of [...waiting]) w({ ok: false, error: 'abandoned' });
      await pool.destroy();
    },
  };
}
