import type { ErrorEvent } from '@sentry/core';

/** How many traces' previous events are remembered; old traces are forgotten first. */
const REMEMBERED_TRACES = 1000;

/** What makes two events "the same error": type, message and where it was thrown. */
function eventFingerprint(event: ErrorEvent): string | undefined {
  if (event.fingerprint?.length) return `fingerprint:${event.fingerprint.join('|')}`;
  const exception = event.exception?.values?.at(-1);
  if (exception) {
    const frames = (exception.stacktrace?.frames ?? [])
      .map(
        (frame) =>
          `${frame.filename ?? ''}:${frame.lineno ?? ''}:${frame.colno ?? ''}:${frame.function ?? ''}`,
      )
      .join(',');
    return `exception:${exception.type ?? ''}:${exception.value ?? ''}:${frames}`;
  }
  return event.message ? `message:${event.message}` : undefined;
}

/**
 * Drops an error event identical to the previous event of the same trace, so one
 * request that reports the same failure twice (a retry loop, the app's handler and
 * the adapter's) gives one event. Sentry's own dedupe compares with the previous event
 * of the whole process, which makes identical failures of different requests collapse
 * into one event and leaves their traces without one.
 *
 * @returns true when the event repeats its trace's previous event and should be dropped
 */
export function createRepeatInTraceFilter(): (event: ErrorEvent) => boolean {
  const previousByTrace = new Map<string, string>();
  return (event) => {
    const traceId = event.contexts?.trace?.trace_id;
    const fingerprint = eventFingerprint(event);
    if (typeof traceId !== 'string' || fingerprint === undefined) return false;
    if (previousByTrace.get(traceId) === fingerprint) return true;
    previousByTrace.delete(traceId);
    previousByTrace.set(traceId, fingerprint);
    if (previousByTrace.size > REMEMBERED_TRACES) {
      previousByTrace.delete(previousByTrace.keys().next().value as string);
    }
    return false;
  };
}
