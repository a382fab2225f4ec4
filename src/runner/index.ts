// Public API of the Monte Carlo runner.
export * from './grid.js';
export * from './seeds.js';
export * from './types.js';
export { runMonteCarlo, SweepFailedError, SweepInterruptedError, setPointValues, diffDefinitions, toolVersion } from './run.js';
export type { MonteCarloOptions, RunFailure, RunSummary, SweepDefinition } from './run.js';
export { createExecutor, defaultWorkerFile, defaultJobModule, defaultThreads, type Executor, type ExecutorOptions } from './pool.js';
export { createProgress, formatProgressLine, type Progress, type ProgressMode, type ProgressOptions } from './progress.js';
export { METRIC_STATS, metricStats } from './assemble.js';
export { partFileName } from './part.js';
