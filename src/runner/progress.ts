// Progress of a sweep: a cli-progress bar on a TTY (runs done / total, rate, ETA), a plain line every few
// seconds on a non-TTY (CI logs), e.g. `runs 12/48 (25%), 3.1 runs/s, ETA 12s`, or nothing (`quiet`).
// Everything goes to stderr by default. Runs skipped by a resume count as done but not in the rate.

import cliProgress from 'cli-progress';

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'quiet';

export interface ProgressOptions {
  total: number;
  /** Runs already done when the sweep starts (resume). */
  done?: number;
  /** `auto` (default): bar when the stream is a TTY, lines otherwise. */
  mode?: ProgressMode;
  stream?: NodeJS.WritableStream;
  /** Interval between lines in `lines` mode (default 5000 ms). */
  intervalMs?: number;
}

export interface Progress {
  /** One more run done. */
  tick(): void;
  /** Final update; removes the bar / timer. Idempotent. */
  stop(): void;
}

/** `12s`, `3m05s`, `2h07m`; `?` when unknown. */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function formatRate(rate: number): string {
  if (!Number.isFinite(rate) || rate <= 0) return '0';
  return rate >= 10 ? rate.toFixed(0) : rate >= 1 ? rate.toFixed(1) : rate.toPrecision(2);
}

/** `runs 12/48 (25%), 3.1 runs/s, ETA 12s`. */
export function formatProgressLine(done: number, total: number, rate: number): string {
  const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
  const eta = done >= total ? '0s' : rate > 0 ? formatEta((total - done) / rate) : '?';
  return `runs ${done}/${total} (${pct}%), ${formatRate(rate)} runs/s, ETA ${eta}`;
}

export function createProgress(opts: ProgressOptions): Progress {
  const stream = opts.stream ?? process.stderr;
  const total = opts.total;
  const start = opts.done ?? 0;
  let done = start;
  const t0 = Date.now();
  const rate = (): number => {
    const dt = (Date.now() - t0) / 1000;
    return dt > 0 ? (done - start) / dt : 0;
  };
  let mode = opts.mode ?? 'auto';
  if (mode === 'auto') mode = (stream as NodeJS.WriteStream).isTTY ? 'bar' : 'lines';
  let stopped = false;

  if (mode === 'quiet') {
    return {
      tick: () => void done++,
      stop: () => undefined,
    };
  }

  if (mode === 'bar') {
    const bar = new cliProgress.SingleBar(
      {
        stream: stream as NodeJS.WriteStream,
        format: 'runs {bar} {value}/{total} ({percentage}%) | {rate} runs/s | ETA {etaText}',
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, done, { rate: '0', etaText: '?' });
    const payload = () => {
      const r = rate();
      return { rate: formatRate(r), etaText: done >= total ? '0s' : r > 0 ? formatEta((total - done) / r) : '?' };
    };
    return {
      tick() {
        done++;
        if (!stopped) bar.update(done, payload());
      },
      stop() {
        if (stopped) return;
        stopped = true;
        bar.update(done, payload());
        bar.stop();
      },
    };
  }

  // Plain lines.
  let lastPrinted = -1;
  const print = () => {
    if (done === lastPrinted) return;
    lastPrinted = done;
    stream.write(`${formatProgressLine(done, total, rate())}\n`);
  };
  const timer = setInterval(print, opts.intervalMs ?? 5000);
  timer.unref();
  return {
    tick() {
      done++;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      print();
    },
  };
}
