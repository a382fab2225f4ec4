// Figure worker thread: loads the chart libraries as soon as it starts (while the command that
// started it simulates), then draws the figures it is asked for (src/commands/figure-workers.ts) from the runs'
// part files, each message one drawAgentsFigures call; it answers { id } or { id, error }.

import { parentPort } from 'node:worker_threads';

import type { FigureTask, FigureTaskError } from '../src/commands/figure-workers.js';

const port = parentPort;
if (!port) throw new Error('workers/figures.js runs as a worker thread');

// Loaded now, while the command simulates. (A warm-up render here would take as long as a real one: with the
// simulation on the other core it delays the figures more than it speeds them up.)
const modules = Promise.all([import('../src/commands/figures-agents.js'), import('../src/scenario/errors.js')]);

port.on('message', (task: FigureTask) => {
  void (async () => {
    try {
      const [agents] = await modules;
      await agents.drawAgentsFigures(task.scenario, task.out, task.runsDir, task.options);
      port.postMessage({ id: task.id });
    } catch (e) {
      const [, errors] = await modules.catch(() => [null, null] as const);
      const err = e as Error & { code?: unknown; exitCode?: unknown };
      const error: FigureTaskError = {
        message: err?.message ?? String(e),
        input: errors !== null && e instanceof errors.InputError,
        ...(typeof err?.code === 'string' ? { code: err.code } : {}),
        ...(typeof err?.exitCode === 'number' ? { exitCode: err.exitCode } : {}),
      };
      port.postMessage({ id: task.id, error });
    }
  })();
});
