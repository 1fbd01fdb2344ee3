/**
 * On SIGTERM/SIGINT, flush telemetry within the deadline, then let the process end
 * the way it would have without tracewire:
 *
 * - if the app has its own handler for the signal, tracewire only flushes; the app's
 *   handler decides when and how to exit (tracewire never calls `process.exit`);
 * - otherwise Node's default applies once tracewire is done: tracewire removes its
 *   handler and re-raises the signal, so the exit code/signal is the usual one.
 */
export function installSignalHandlers(
  signals: readonly NodeJS.Signals[],
  flushAndShutdown: () => Promise<unknown>,
): () => void {
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const signal of signals) {
    const handler = () => {
      const appHandlesSignal = process.listenerCount(signal) > 1;
      void flushAndShutdown()
        .catch(() => {})
        .finally(() => {
          process.removeListener(signal, handler);
          if (!appHandlesSignal && process.listenerCount(signal) === 0) process.kill(process.pid, signal);
        });
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
  return () => {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  };
}
