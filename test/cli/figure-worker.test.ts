// `run` draws Figures 2–3 in a worker thread when it has a second CPU (--threads 2) and in its own thread with
// --threads 1: the same bytes either way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, ROOT } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'allora-figure-worker-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('run: figures in a worker thread', () => {
  it('one seed: --threads 1 and --threads 2 write the same figure bytes', () => {
    const outs = ['1', '2'].map((t) => join(dir, `threads-${t}`));
    outs.forEach((out, i) => {
      const r = runCli(['run', join(ROOT, 'scenarios/figure2-3.yaml'), '-o', out, '--epochs', '60', '--seeds', '1', '--seed', '3', '--quiet', '--threads', String(i + 1)]);
      expect(r.code, r.stderr).toBe(0);
    });
    for (const f of ['figure2.svg', 'figure2.png', 'figure3.svg', 'figure3.png', 'losses.csv', 'rewards.csv', 'tasks.csv'])
      expect(readFileSync(join(outs[0], f)).equals(readFileSync(join(outs[1], f))), f).toBe(true);
  });
});
