// The figure worker thread of one command (workers/figures.ts): started when the command begins, so that the chart
// libraries load while the runs simulate (on another core), and ended with the command.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

import { InputError } from '../scenario/errors.js';
// types only: the chart libraries load in the worker, not in this thread
import type { DrawFiguresOptions } from './figures-agents.js';
import type { Scenario } from '../scenario/schema.js';

/** What of the scenario the figures show (a plain object: it goes to a worker thread). */
export interface FigureScenario {
  name: string;
  profile: string;
  warmup: number;
  /** The --set overrides as `key=value`. */
  overrides: string[];
}

export function figureScenario(s: Scenario): FigureScenario {
  return { name: s.name, profile: s.profile, warmup: s.warmup, overrides: s.overrides.map((x) => `${x.key}=${String(x.value)}`) };
}

/** A message to a figure worker: one drawAgentsFigures call. */
export interface FigureTask {
  id: number;
  scenario: FigureScenario;
  out: string;
  runsDir: string;
  options: DrawFiguresOptions;
}

/** A worker's report of a failed drawing. */
export interface FigureTaskError {
  message: string;
  /** The error was an InputError (the user's to fix). */
  input: boolean;
  code?: string;
  exitCode?: number;
}

/** The compiled worker: `<dist>/workers/figures.js`, beside this module's dist, or dist/ when run from sources. */
function workerFile(): string | null {
  for (const rel of ['../../workers/figures.js', '../../dist/workers/figures.js']) {
    const file = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(file)) return file;
  }
  return null;
}

/** The error a worker reported, as the drawing would have thrown it in this thread. */
function rebuild(e: FigureTaskError): Error {
  if (e.input) return new InputError(e.message);
  const err = new Error(e.message) as Error & { code?: string; exitCode?: number };
  if (e.code !== undefined) err.code = e.code;
  if (e.exitCode !== undefined) err.exitCode = e.exitCode;
  return err;
}

export class FigureWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private failure: Error | null = null;

  private constructor(file: string) {
    this.worker = new Worker(file);
    this.worker.on('message', (m: { id: number; error?: FigureTaskError }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) p.reject(rebuild(m.error));
      else p.resolve();
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new Error(`figure worker exited (code ${code})`)));
  }

  /** Starts the worker; null when the compiled worker is not there (the figures are then drawn in this thread). */
  static start(): FigureWorker | null {
    const file = workerFile();
    return file ? new FigureWorker(file) : null;
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** drawAgentsFigures (figures-agents.ts) in the worker. */
  draw(scenario: FigureScenario, out: string, runsDir: string, options: DrawFiguresOptions): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, scenario, out, runsDir, options } satisfies FigureTask);
    });
  }

  /** Ends the worker. */
  async close(): Promise<void> {
    this.failure ??= new Error('figure worker closed');
    await this.worker.terminate();
  }
}
