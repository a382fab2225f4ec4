import { describe, expect, it } from 'vitest';
import { createProgress, formatEta, formatProgressLine } from '../../src/runner/progress.js';

function fakeStream(isTTY: boolean): { stream: NodeJS.WritableStream; text: () => string } {
  let out = '';
  const stream = {
    isTTY,
    columns: 100,
    write(s: string) {
      out += s;
      return true;
    },
    cursorTo() {},
    clearLine() {},
    moveCursor() {},
    on() {},
    removeListener() {},
  };
  return { stream: stream as unknown as NodeJS.WritableStream, text: () => out };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('progress', () => {
  it('formats lines and ETAs', () => {
    expect(formatProgressLine(12, 48, 3.14)).toBe('runs 12/48 (25%), 3.1 runs/s, ETA 11s');
    expect(formatProgressLine(0, 48, 0)).toBe('runs 0/48 (0%), 0 runs/s, ETA ?');
    expect(formatProgressLine(48, 48, 25)).toBe('runs 48/48 (100%), 25 runs/s, ETA 0s');
    expect(formatEta(185)).toBe('3m05s');
    expect(formatEta(7500)).toBe('2h05m');
  });

  it('prints a plain line every interval on a non-TTY, and a last one at stop', async () => {
    const { stream, text } = fakeStream(false);
    const p = createProgress({ total: 4, done: 1, stream, intervalMs: 20 });
    p.tick();
    await sleep(60);
    p.tick();
    p.tick();
    p.stop();
    p.stop();
    const lines = text().trim().split('\n');
    expect(lines[0]).toMatch(/^runs 2\/4 \(50%\), [\d.]+ runs\/s, ETA \d+s$/);
    expect(lines.at(-1)).toMatch(/^runs 4\/4 \(100%\), [\d.]+ runs\/s, ETA 0s$/);
    expect(lines.filter((l) => l.startsWith('runs 2/4'))).toHaveLength(1);
  });

  it('draws a bar on a TTY, and nothing when quiet', async () => {
    const tty = fakeStream(true);
    const p = createProgress({ total: 3, stream: tty.stream });
    for (let i = 0; i < 3; i++) {
      await sleep(5);
      p.tick();
    }
    p.stop();
    expect(tty.text()).toMatch(/runs █+ 3\/3 \(100%\) \| [\d.]+ runs\/s \| ETA 0s/);

    const q = fakeStream(false);
    const pq = createProgress({ total: 3, stream: q.stream, mode: 'quiet' });
    pq.tick();
    pq.stop();
    expect(q.text()).toBe('');
  });
});
