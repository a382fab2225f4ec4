// Runs one job, formats its tables to CSV and writes its part file (see part.ts). Shared by the worker
// thread (workers/run-job.ts) and the inline executor, so both produce the same bytes. Only a small result
// goes back to the main thread.

import { partBuilder, partFileName, writePartAtomic, type EncodedPart, type PartBuilder, type PartMeta } from './part.js';
import type { JobModule, RunJob } from './types.js';

export interface TaskInput {
  /** file: URL (href) of the module exporting runJob. */
  module: string;
  job: RunJob;
  /** Directory of the part files (`<out>/.runs`); the part file is written there. */
  runsDir: string;
  /** Prepend the `point,replicate` index cells to every row. */
  indexColumns: boolean;
}

export type TaskOutput =
  | {
      ok: true;
      /** File name of the part written in `runsDir`. */
      part: string;
      /** Its size in bytes. */
      bytes: number;
    }
  | {
      ok: false;
      error: string;
      stack?: string;
      /** The job succeeded but its part file could not be written (the sweep cannot go on). */
      writeFailed?: boolean;
    };

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

function failure(e: unknown, writeFailed = false): TaskOutput {
  const err = e instanceof Error ? e : new Error(String(e));
  return writeFailed ? { ok: false, error: err.message, stack: err.stack, writeFailed } : { ok: false, error: err.message, stack: err.stack };
}

/** Runs the job and writes its part file; a throw (or an invalid result) becomes `{ ok: false, error }`. */
export async function executeTask(task: TaskInput): Promise<TaskOutput> {
  const { point, replicate, seed } = task.job;
  let part: EncodedPart;
  let builder: PartBuilder | undefined;
  try {
    const mod = await loadJobModule(task.module);
    const meta: PartMeta = { point, replicate, seed };
    // Each table's rows are spilled to a temporary file beside the parts while the job runs.
    builder = partBuilder(meta, task.indexColumns, task.runsDir);
    const result = await mod.runJob(task.job, builder.writer);
    part = builder.finish(result);
  } catch (e) {
    try {
      builder?.discard();
    } catch {
      // the failure below is what matters
    }
    // A spill file that cannot be written is a write failure (the sweep cannot go on), not a failed run.
    const code = (e as NodeJS.ErrnoException).code;
    return failure(e, code === 'ENOSPC' || code === 'EACCES' || code === 'EROFS' || code === 'EDQUOT' || code === 'ENOENT' || code === 'EIO');
  }
  const name = partFileName(point, replicate);
  try {
    writePartAtomic(task.runsDir, name, part);
  } catch (e) {
    return failure(e, true);
  }
  const last = part.header.tables.at(-1);
  return { ok: true, part: name, bytes: last ? last.offset + last.length : Buffer.byteLength(part.headerLine) };
}
