// Runs one job and encodes its result as part-file text. Shared by the worker thread
// (workers/run-job.ts) and the inline executor, so both produce the same bytes.

import { encodePart, type PartMeta } from './part.js';
import type { JobModule, RunJob } from './types.js';

export interface TaskInput {
  /** file: URL (href) of the module exporting runJob. */
  module: string;
  job: RunJob;
}

export type TaskOutput = { ok: true; part: string } | { ok: false; error: string; stack?: string };

const modules = new Map<string, Promise<JobModule>>();

/** Imports (once per thread) the job module at `href`. */
export function loadJobModule(href: string): Promise<JobModule> {
  let p = modules.get(href);
  if (!p) {
    p = import(href).then((m: Partial<JobModule>) => {
      if (typeof m.runJob !== 'function') throw new Error(`${href}: does not export a function runJob(job)`);
      return m as JobModule;
    });
    modules.set(href, p);
    p.catch(() => modules.delete(href));
  }
  return p;
}

/** Runs the job; a throw (or an invalid result) becomes `{ ok: false, error }`. */
export async function executeTask(task: TaskInput): Promise<TaskOutput> {
  try {
    const mod = await loadJobModule(task.module);
    const result = await mod.runJob(task.job);
    const meta: PartMeta = { point: task.job.point, replicate: task.job.replicate, seed: task.job.seed };
    return { ok: true, part: encodePart(meta, result) };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    return { ok: false, error: err.message, stack: err.stack };
  }
}
