// Shared set-up of the runner tests: the fake job, a grid, sweep options and a temporary root per file.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { buildSweep } from '../../src/runner/grid.js';
import type { MonteCarloOptions } from '../../src/runner/run.js';

const here = dirname(fileURLToPath(import.meta.url));
export const JOB = resolve(here, '../fixtures/fake-job.mjs');
export const CHILD = resolve(here, '../fixtures/sweep-child.mjs');
export const GRID = ['fixture.mu=0,10', 'fixture.sigma=1:2:0.5'];

/** A fresh temporary root for the calling test file; `newDir(label)` names a new folder in it. */
export function tempRoot(prefix: string): (label: string) => string {
  let root = '';
  let n = 0;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });
  return (label: string) => join(root, `${label}-${n++}`);
}

/** Sweep options of the fake job over GRID, overridable. */
export function opts(out: string, extra: Partial<MonteCarloOptions> = {}): MonteCarloOptions {
  return {
    scenario: { fixture: { n: 6 } },
    out,
    seed: 42,
    replicates: 3,
    sweep: buildSweep({ grid: GRID }),
    runJobModule: JOB,
    threads: 2,
    progress: 'quiet',
    handleSignals: false,
    ...extra,
  };
}

/** name → contents of every final CSV in `dir`. */
export function csvFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.csv')).sort()) out[f] = readFileSync(join(dir, f), 'utf8');
  return out;
}

/** The error a promise rejects with (fails when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}
