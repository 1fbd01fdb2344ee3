import { isSpanContextValid, TraceFlags, trace } from '@opentelemetry/api';

/** Correlation fields on a log line; Loki derived fields and Tempo match on `trace_id`. */
export interface TraceFields {
  trace_id: string;
  span_id: string;
  trace_flags: '01' | '00';
}

/** Returned outside a span; one shared frozen object, so the common case allocates nothing. */
export const NO_TRACE_FIELDS = Object.freeze({}) as Record<string, never>;

/**
 * The active span's IDs as log fields, or none outside a span. Also used when the
 * trace was not sampled (`trace_flags: "00"`): the ID still ties the log line to the
 * Sentry event of the same request.
 *
 * @example
 * tracer.startActiveSpan('work', (span) => {
 *   activeTraceFields(); // { trace_id: '4bf9…', span_id: '00f0…', trace_flags: '01' }
 *   span.end();
 * });
 */
export function activeTraceFields(): TraceFields | Record<string, never> {
  const span = trace.getActiveSpan();
  if (span === undefined) return NO_TRACE_FIELDS;
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return NO_TRACE_FIELDS;
  return {
    trace_id: spanContext.traceId,
    span_id: spanContext.spanId,
    trace_flags: (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? '01' : '00',
  };
}
