// Interrupts of a sweep: SIGINT / SIGTERM (when the sweep handles signals) and an AbortSignal. The first
// signal stops the scheduling and abandons the runs in flight, keeping the finished ones; a second signal
// while that is under way gets the default behaviour (the process ends at once).
//
// A job that runs in the main thread blocks the event loop, so no handler could run until it ended: while
// it runs, `withDefaultSignals` takes the handlers off and a signal ends the process at once (exit status
// 130 / 143, as the signal's default). The runs finished before it, and the checkpoint, are kept for --resume.

export interface Interrupts {
  /** The signal that interrupted the sweep ('SIGINT', 'SIGTERM', 'abort'), or null. */
  readonly interrupted: string | null;
  /** Runs `fn` (a job in the main thread) with the signals' default behaviour. */
  withDefaultSignals<T>(fn: () => Promise<T>): Promise<T>;
  /** Removes the handlers. Idempotent. */
  dispose(): void;
}

/** Installs the handlers; `stop` is called (once per interrupt) to stop the sweep. */
export function watchInterrupts(o: { handleSignals: boolean; signal?: AbortSignal; stop: () => void }): Interrupts {
  let interrupted: string | null = null;
  let installed = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted === 'SIGINT' || interrupted === 'SIGTERM') {
      dispose();
      process.kill(process.pid, sig);
      return;
    }
    interrupted ??= sig;
    o.stop();
  };
  const onSigint = () => onSignal('SIGINT');
  const onSigterm = () => onSignal('SIGTERM');
  const onAbort = () => {
    interrupted ??= 'abort';
    o.stop();
  };
  const install = () => {
    if (!o.handleSignals || installed) return;
    installed = true;
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
  };
  const uninstall = () => {
    if (!installed) return;
    installed = false;
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  };
  let disposed = false;
  const dispose = () => {
    disposed = true;
    uninstall();
    o.signal?.removeEventListener('abort', onAbort);
  };
  install();
  o.signal?.addEventListener('abort', onAbort);
  if (o.signal?.aborted) onAbort();
  return {
    get interrupted() {
      return interrupted;
    },
    async withDefaultSignals(fn) {
      uninstall();
      try {
        return await fn();
      } finally {
        if (!disposed) install();
      }
    },
    dispose,
  };
}
