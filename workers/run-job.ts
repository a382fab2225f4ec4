// Piscina worker: runs one simulation job, formats its tables to CSV and writes its part file (see
// src/runner/part.ts); returns a small result. The task names the job module (a file: URL); when it does
// not, the production module dist/src/sim/job.js (beside this compiled file's ../src) is used.

import { executeTask, type TaskInput, type TaskOutput } from '../src/runner/execute.js';

export const DEFAULT_JOB_MODULE = new URL('../src/sim/job.js', import.meta.url).href;

export default function runTask(task: Omit<TaskInput, 'module'> & { module?: string }): Promise<TaskOutput> {
  return executeTask({ ...task, module: task.module ?? DEFAULT_JOB_MODULE });
}
