// Size limits of a command's work, checked before any run starts. Scenario sizes (epochs, participants)
// are checked by the loader (src/scenario/load.ts LIMITS), grid sizes by src/runner/grid.ts (MAX_POINTS).

import { availableParallelism } from 'node:os';
import { InputError } from '../scenario/errors.js';
import type { Scenario } from '../scenario/schema.js';

/** Most runs (points × replicates) one command may start. */
export const MAX_RUNS = 1_000_000;

/** Refuses a run count above MAX_RUNS, naming the limit. */
export function checkRunSize(_s: Scenario | null, replicates: number, points: number): void {
  const total = replicates * points;
  if (!Number.isSafeInteger(total) || total > MAX_RUNS) {
    throw new InputError(
      `${points > 1 ? `${points} points × ` : ''}${replicates} replicates = ${total} runs: at most ${MAX_RUNS} runs per command (the size limit)`,
    );
  }
}

/** `--threads N` clamped to the cores available (more threads only cost memory); a note when clamped. */
export function clampThreads(threads: number | undefined, note: (line: string) => void): number | undefined {
  if (threads === undefined) return undefined;
  const cores = Math.max(1, availableParallelism());
  if (threads <= cores) return threads;
  note(`note: --threads ${threads}: using ${cores} (the cores available)`);
  return cores;
}
