import { type CrashHandlerOptions, installCrashHandlers } from './crash-handlers.ts';
import { installSignalHandlers } from './signal-handlers.ts';

export interface ExitHooksOptions {
  /** Flush and stop on SIGTERM/SIGINT, then end as Node would. */
  handleSignals: boolean;
  /** Reports crashes (to Sentry); absent when nothing would receive them, and then no crash listener is installed. */
  reportCrash: CrashHandlerOptions['report'] | undefined;
  /** Flushes and stops every pipeline within the shutdown budget. */
  shutdown(): Promise<void>;
  /** Flushes every pipeline within the shutdown budget. */
  flush(): Promise<unknown>;
  /** True once `shutdown` has started: the `beforeExit` flush is then left to it. */
  isShuttingDown(): boolean;
}

/**
 * Every way a process ends, handled in one place: signals, crashes (uncaught
 * exceptions, unhandled rejections) and the event loop running empty (`beforeExit`:
 * spans wait up to 5 s in the batch queue, log lines in the destination's buffer).
 *
 * @returns removes every hook; idempotent
 */
export function installExitHooks(options: ExitHooksOptions): () => void {
  const removers: Array<() => void> = [];
  if (options.handleSignals) removers.push(installSignalHandlers(['SIGTERM', 'SIGINT'], options.shutdown));
  if (options.reportCrash) {
    removers.push(installCrashHandlers({ report: options.reportCrash, shutdown: options.shutdown }));
  }
  const flushBeforeExit = () => {
    if (!options.isShuttingDown()) void options.flush();
  };
  process.once('beforeExit', flushBeforeExit);
  removers.push(() => process.removeListener('beforeExit', flushBeforeExit));
  return () => {
    for (const remove of removers.splice(0)) remove();
  };
}
