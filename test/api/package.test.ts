// The packed package works as a library: `npm pack`, unpacked into a temporary project's node_modules (its
// dependencies linked from this checkout's node_modules, so no registry is needed), imported by name from
// JavaScript and type-checked from TypeScript.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { projectRoot } from '../../src/scenario/paths.js';

const root = projectRoot();

function install(): string {
  const dir = mkdtempSync(join(tmpdir(), 'allora-api-'));
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8' });
  const tgz = join(dir, (JSON.parse(out) as { filename: string }[])[0].filename);
  const pkg = join(dir, 'node_modules', 'allora-sim');
  mkdirSync(pkg, { recursive: true });
  execFileSync('tar', ['-xzf', tgz, '-C', pkg, '--strip-components=1']);
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const name of [...Object.keys(manifest.dependencies), '@types/node']) {
    const link = join(dir, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(root, 'node_modules', name), link);
  }
  writeFileSync(join(dir, 'package.json'), '{ "name": "uses-allora-sim", "private": true, "type": "module" }\n');
  return dir;
}

const USER_CODE = `import { loadScenario, simulate, recordReplay, replay, engine } from 'allora-sim';
import type { EpochRecord, Scenario } from 'allora-sim';

const s = loadScenario({ epochs: 30, warmup: 5, participants: { inferers: { count: 4 } } }) as Scenario;
const records: EpochRecord[] = simulate(s, { seed: 7 });
const last = records[records.length - 1];
const rec = recordReplay(s, 7);
const w = engine.potential(1, 3, 0.75);
const rows = rec.rows.map((r) => Object.fromEntries(rec.columns.map((c, i) => [c, r[i]])));
const again = replay(rows, { carry: 'computed' });
const at = again.columns.indexOf('network_inference');
const replayed = again.rows[again.rows.length - 1][at] === rec.rows[rec.rows.length - 1][rec.columns.indexOf('network_inference')];
console.log(JSON.stringify({ n: records.length, nI: last.inferences.length, network: last.synthesis.network, rows: rec.rows.length, w, replayed }));
`;

describe('the packed package', () => {
  it('imports by name, runs a simulation, and type-checks', () => {
    const dir = install();
    writeFileSync(join(dir, 'use.mjs'), USER_CODE.replace(/^import type .*\n/m, '').replace(' as Scenario', '').replace(': EpochRecord[]', ''));
    const res = JSON.parse(execFileSync(process.execPath, ['use.mjs'], { cwd: dir, encoding: 'utf8' })) as Record<string, number | boolean>;
    expect(res.n).toBe(30);
    expect(res.nI).toBe(4);
    expect(Number.isFinite(res.network)).toBe(true);
    expect(res.rows).toBeGreaterThan(20);
    expect(res.w).toBeGreaterThan(0);
    expect(res.replayed).toBe(true);

    writeFileSync(join(dir, 'use.ts'), USER_CODE);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, types: ['node'] }, files: ['use.ts'] }),
    );
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: dir, encoding: 'utf8' });
  });
});
