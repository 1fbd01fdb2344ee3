import { type UnhandledRejectionsMode, unhandledRejectionsMode } from './unhandled-rejections-mode.ts';

export type CrashKind = 'uncaughtException' | 'unhandledRejection';

export interface CrashHandlerOptions {
  /** Reports the error (to Sentry). `fatal` is true when the process is about to end because of it. */
  report(error: unknown, kind: CrashKind, fatal: boolean): void;
  /** Flushes and stops every pipeline within the shutdown budget. */
  shutdown(): Promise<unknown>;
  /** Node's `--unhandled-rejections` mode; read from the process when absent. */
  mode?: UnhandledRejectionsMode;
}

/**
 * Reports uncaught exceptions and unhandled rejections, then lets the process end the
 * way it would have without tracewire.
 *
 * A listener for either event changes what Node does (it no longer exits), so:
 * - when the app has listeners of its own, tracewire only reports; the app decides;
 * - when the error is fatal for Node (an uncaught exception; a rejection under
 *   `--unhandled-rejections=throw`, the default, or `strict`), tracewire reports it,
 *   flushes within the shutdown budget, removes its listeners and raises the error
 *   again, so Node prints it and exits with code 1 as usual;
 * - when it is not (`warn`, `none`, `warn-with-error-code`), tracewire reports it and
 *   Node's own warning and exit code apply.
 *
 * A rejection is raised again as a new rejected promise with the same reason: Node
 * then applies its own mode and prints the reason's own origin, exactly as without
 * tracewire. An uncaught exception is thrown again; its stack is the original one.
 */
export function installCrashHandlers(options: CrashHandlerOptions): () => void {
  const mode = options.mode ?? unhandledRejectionsMode();
  // The first fatal error; Node would have ended the process at it, so later ones are
  // left alone while it is being flushed.
  let fatal: { error: unknown } | undefined;

  const report = (error: unknown, kind: CrashKind, isFatal: boolean) => {
    try {
      options.report(error, kind, isFatal);
    } catch {
      // Reporting must never change how the process ends.
    }
  };

  let removed = false;
  const remove = () => {
    removed = true;
    process.removeListener('uncaughtException', onUncaughtException);
    process.removeListener('unhandledRejection', onUnhandledRejection);
  };

  const endProcessWith = (error: unknown, raise: () => void) => {
    fatal = { error };
    void options
      .shutdown()
      .catch(() => {})
      .finally(() => {
        remove();
        raise();
      });
  };

  function onUncaughtException(error: unknown, origin: NodeJS.UncaughtExceptionOrigin): void {
    if (fatal) return;
    const kind: CrashKind = origin === 'unhandledRejection' ? 'unhandledRejection' : 'uncaughtException';
    if (process.listenerCount('uncaughtException') > 1) {
      report(error, kind, false);
      return;
    }
    report(error, kind, true);
    endProcessWith(error, () => {
      if (origin === 'unhandledRejection') {
        // `--unhandled-rejections=strict`: raised from a rejection; raising it the same way
        // makes Node print the reason's origin, as it does without tracewire.
        void Promise.reject(error);
      } else {
        process.nextTick(() => {
          throw error; // tracewire raises the uncaught exception again, after reporting and flushing it
        });
      }
    });
  }

  // Raises a rejection again with tracewire's listener out of the way, so Node's own
  // handling applies to it: its warning and exit code, or the app's uncaughtException
  // listeners. tracewire listens again once Node has processed it.
  const raiseAgainPastTracewire = (reason: unknown) => {
    process.removeListener('unhandledRejection', onUnhandledRejection);
    void Promise.reject(reason);
    setImmediate(() => {
      if (!fatal && !removed) process.on('unhandledRejection', onUnhandledRejection);
    });
  };

  function onUnhandledRejection(reason: unknown): void {
    // Under `strict` Node raised it as an uncaught exception first; that path reported it.
    if (fatal || mode === 'strict') return;
    if (process.listenerCount('unhandledRejection') > 1) {
      report(reason, 'unhandledRejection', false);
      return;
    }
    if (mode === 'throw') {
      if (process.listenerCount('uncaughtException') > 1) {
        // Node hands it to the app's uncaughtException listeners, and the process goes
        // on; tracewire's uncaughtException listener reports it there.
        raiseAgainPastTracewire(reason);
        return;
      }
      report(reason, 'unhandledRejection', true);
      endProcessWith(reason, () => {
        void Promise.reject(reason);
      });
      return;
    }
    report(reason, 'unhandledRejection', false);
    // `warn-with-error-code` warns and sets exit code 1 only when no listener handled the
    // rejection; `warn` prints Node's warning whatever listeners there are; `none` nothing.
    if (mode === 'warn-with-error-code') raiseAgainPastTracewire(reason);
  }

  process.on('uncaughtException', onUncaughtException);
  process.on('unhandledRejection', onUnhandledRejection);
  return remove;
}
