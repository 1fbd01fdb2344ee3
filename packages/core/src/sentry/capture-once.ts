import { trace } from '@opentelemetry/api';
import type { CaptureContext, EventHint } from '@sentry/core';
import type { captureException } from '@sentry/node';
import { CAPTURED_EVENT_KEY } from '../global-symbols.ts';
import { loadSentrySdk } from './sentry-sdk.ts';

// A symbol from the global registry, so two copies of tracewire agree on it.

/** Where an error was last captured: its event, in the trace that was active then. */
interface CapturedEvent {
  eventId: string;
  traceId: string | undefined;
}

function capturedEvent(error: unknown): CapturedEvent | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  return (error as Record<symbol, CapturedEvent | undefined>)[CAPTURED_EVENT_KEY];
}

/**
 * Captures an error in Sentry at most once, however many places see it: the error log
 * line, the adapter's error handler and the app's own handler all get the same event
 * ID, and Sentry gets one event. "Once" is per trace: one error object thrown by many
 * requests (a shared, module-level error) gives each request's trace its own event.
 * (An identical but distinct error within the same request is dropped by the per-trace
 * filter in `initSentry`'s `beforeSend`.)
 *
 * Only called while the Sentry pipeline runs, so Sentry's SDK is loaded by then.
 *
 * @returns the Sentry event ID (the first capture's in this trace, on later calls)
 */
export function captureOnce(error: unknown, captureContext?: CaptureContext | EventHint): string {
  const traceId = trace.getActiveSpan()?.spanContext().traceId;
  const existing = capturedEvent(error);
  if (existing) {
    if (existing.traceId === traceId) return existing.eventId;
    // Sentry marks a captured error object and ignores it ever after, whatever request
    // throws it next; the mark is lifted so this trace gets its own event.
    delete (error as { __sentry_captured__?: unknown }).__sentry_captured__;
  }
  const eventId = loadSentrySdk().node.captureException(
    error,
    captureContext as Parameters<typeof captureException>[1],
  );
  if (typeof error === 'object' && error !== null && Object.isExtensible(error)) {
    Object.defineProperty(error, CAPTURED_EVENT_KEY, {
      value: { eventId, traceId } satisfies CapturedEvent,
      enumerable: false,
      configurable: true,
      writable: true,
    });
  }
  return eventId;
}

/** The Sentry event ID an error was last captured under, if any. */
export function capturedEventId(error: unknown): string | undefined {
  return capturedEvent(error)?.eventId;
}
