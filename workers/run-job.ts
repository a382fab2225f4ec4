// Piscina worker: runs one simulation job and returns its part-file text (see src/runner/part.ts).
// The task names the job module (a file: URL); when it does not, the production module
// dist/src/sim/job.js (beside this compiled file's ../src) is used.

import { executeTask, type TaskInput, type TaskOutput } from '../src/runner/execute.js';

export const DEFAULT_JOB_MODULE = new URL('../src/sim/job.js', import.meta.url).href;

export default function runTask(task: Omit<TaskInput, 'module'> & { module?: string }): Promise<TaskOutput> {
  return executeTask({ module: task.module ?? DEFAULT_JOB_MODULE, job: task.job });
}
