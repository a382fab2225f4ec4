// The job contract lives in the simulation layer (src/sim/contract.ts); the runner re-exports it.
export type { JobModule, RowWriter, RunCell, RunJob, RunResult, TableWriter } from '../sim/contract.js';
export { isHiddenTable } from '../sim/contract.js';
