import type { CaptureContext, EventHint } from '@sentry/core';
import * as Sentry from '@sentry/node';

// A symbol from the global registry, so two copies of tracewire agree on it.
const CAPTURED_EVENT_ID = Symbol.for('tracewire.sentry-event-id');

/**
 * Captures an error in Sentry at most once, however many places see it: the error log
 * line, the adapter's error handler and the app's own handler all get the same event
 * ID, and Sentry gets one event. (An identical but distinct error within the same
 * request is dropped by the per-trace filter in `initSentry`'s `beforeSend`.)
 *
 * @returns the Sentry event ID (the first capture's, on later calls)
 */
export function captureOnce(error: unknown, captureContext?: CaptureContext | EventHint): string {
  if (typeof error === 'object' && error !== null) {
    const existing = (error as Record<symbol, unknown>)[CAPTURED_EVENT_ID];
    if (typeof existing === 'string') return existing;
  }
  const eventId = Sentry.captureException(
    error,
    captureContext as Parameters<typeof Sentry.captureException>[1],
  );
  if (typeof error === 'object' && error !== null && Object.isExtensible(error)) {
    Object.defineProperty(error, CAPTURED_EVENT_ID, {
      value: eventId,
      enumerable: false,
      configurable: true,
    });
  }
  return eventId;
}

/** The Sentry event ID an error was already captured under, if any. */
export function capturedEventId(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const existing = (error as Record<symbol, unknown>)[CAPTURED_EVENT_ID];
  return typeof existing === 'string' ? existing : undefined;
}
