// The scheduling loop of a sweep: the pending runs in canonical order (point-major, replicates 0…R−1),
// at most two per thread in flight, each outcome recorded as it arrives (runs may finish in any order).

import { pointAt } from './grid.js';
import type { Executor } from './pool.js';
import type { Plan } from './plan.js';
import { RUN_FAILED, RUN_OK, RUN_PENDING } from './manifest.js';
import { oneLine, runFailure, type RunFailure } from './outcome.js';
import type { RunJob } from './types.js';

/** What the runs of a sweep came to so far; shared by the loop, the interrupt handlers and the ending. */
export interface RunState {
  /** Per run id: RUN_PENDING, RUN_OK, RUN_FAILED, RUN_ELSEWHERE (manifest.ts). */
  readonly statuses: Uint8Array;
  readonly failures: Map<number, RunFailure>;
  /** Runs that succeeded in this call. */
  ran: number;
  /** Set when no more runs may start (interrupt, fail-fast, a part that cannot be written). */
  stopped: boolean;
  /** A part file could not be written: the sweep cannot go on. */
  fatal: Error | null;
}

/** Runs every pending run on `ex`; resolves when none is in flight. `stop()` stops the sweep (and abandons
 *  the runs in flight); `tick()` counts a finished run for the progress display. */
export async function schedulePending(plan: Plan, ex: Executor, state: RunState, hooks: { stop(): void; tick(): void }): Promise<void> {
  const { opts, sweep, R, total, runsDir, indexColumns, tables, jobHref } = plan;
  const maxInFlight = ex.inline ? 1 : ex.threads * 2;
  const inflight = new Set<Promise<void>>();
  let cachedPoint = -1;
  let cachedScenario: unknown;

  const launch = (id: number): void => {
    const p = Math.floor(id / R);
    const r = id % R;
    if (p !== cachedPoint) {
      cachedScenario = plan.applyPoint(opts.scenario, pointAt(sweep, p), sweep);
      cachedPoint = p;
    }
    const seed = plan.seedAt(p, r);
    const job: RunJob = { scenario: cachedScenario, seed, point: p, replicate: r, ...(tables ? { tables } : {}) };
    const task = ex.run({ module: jobHref, job, runsDir, indexColumns }).then((res) => {
      if (res.ok) {
        state.statuses[id] = RUN_OK;
        state.ran++;
        hooks.tick();
        return;
      }
      if (res.writeFailed) {
        state.fatal ??= Object.assign(new Error(`${runsDir}: cannot write the part file of run (point ${p}, replicate ${r}): ${oneLine(res.error)}`), { exitCode: 1 });
        hooks.stop();
        return;
      }
      if (state.stopped && res.error === 'abandoned') return;
      state.statuses[id] = RUN_FAILED;
      const { failure, line } = runFailure(sweep, p, r, seed, res.error);
      state.failures.set(id, failure);
      hooks.tick();
      plan.log(line);
      if (opts.failFast) hooks.stop();
    });
    inflight.add(task);
    void task.finally(() => inflight.delete(task));
  };

  for (let id = 0; id < total && !state.stopped; id++) {
    if (state.statuses[id] !== RUN_PENDING) continue;
    while (inflight.size >= maxInFlight && !state.stopped) await Promise.race(inflight);
    if (state.stopped) break;
    launch(id);
  }
  await Promise.all(inflight);
}
