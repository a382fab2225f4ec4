// The replay input is streamed: the live heap does not grow with the number of rows. A child process (with
// --expose-gc, on the built dist/) feeds generated rows of the reference topic through the streaming reader and the
// replay, and reports the heap after a full collection at row 300 and at row 3000.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { GOLDEN_SYNTHESIS } from '../helpers/golden.js';

const script = `
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
const dist = ${JSON.stringify(pathToFileURL(join(ROOT, 'dist/src')).href)};
const { openReplayFile } = await import(dist + '/scenario/replay-csv.js');
const { Replayer } = await import(dist + '/sim/replay.js');
const { profileParams } = await import(dist + '/engine/params.js');
const [header, ...lines] = readFileSync(${JSON.stringify(GOLDEN_SYNTHESIS)}, 'utf8').trim().split('\\n');
const ei = header.split(',').indexOf('epoch');
const N = 3000;
function* text() {
  yield header + '\\n';
  for (let i = 0; i < N; i++) {
    const c = (i === 0 ? lines[0] : lines[1 + (i % 3)]).split(',');
    c[ei] = String(300 + i);
    yield c.join(',') + '\\n';
  }
}
const src = await openReplayFile('generated.csv', Readable.from(text()));
const r = new Replayer(src.header, { carry: process.argv[2], params: profileParams('reference') });
const heap = {};
let n = 0;
for await (const row of src.rows) {
  r.push(row.values);
  n++;
  if (n === 300 || n === N) { globalThis.gc(); heap[n] = process.memoryUsage().heapUsed; }
}
console.log(JSON.stringify({ rows: n, heap }));
`;

describe('replay streams its input', () => {
  it.each(['computed', 'input'])('the live heap is flat in rows (carry %s)', (carry) => {
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script, carry], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const { rows, heap } = JSON.parse(r.stdout) as { rows: number; heap: Record<string, number> };
    expect(rows).toBe(3000);
    // Holding the rows would cost ≥ 2700 × 461 × 8 bytes ≈ 10 MB between the two points (twice that with the output).
    const growth = heap['3000'] - heap['300'];
    console.log(`carry ${carry}: heap after 300 rows ${(heap['300'] / 1e6).toFixed(2)} MB, after 3000 rows ${(heap['3000'] / 1e6).toFixed(2)} MB`);
    expect(growth).toBeLessThan(1e6);
  }, 120_000);
});
