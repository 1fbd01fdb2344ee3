import { isSpanContextValid, type SpanContext, TraceFlags, trace } from '@opentelemetry/api';

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

// The last span's fields as JSON: a span writes most of its lines in a row, and its
// context object and ID strings stay the same ones.
let cachedTraceId = '';
let cachedSpanId = '';
let cachedFlags = -1;
let cachedJson = '';

function traceFieldsJson(spanContext: SpanContext): string {
  const { traceId, spanId, traceFlags } = spanContext;
  if (traceId !== cachedTraceId || spanId !== cachedSpanId || traceFlags !== cachedFlags) {
    // Valid IDs are hex digits only (isSpanContextValid), so they need no JSON escaping.
    if (!isSpanContextValid(spanContext)) return '';
    cachedJson = `"trace_id":"${traceId}","span_id":"${spanId}","trace_flags":"${
      (traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? '01' : '00'
    }"`;
    cachedTraceId = traceId;
    cachedSpanId = spanId;
    cachedFlags = traceFlags;
  }
  return cachedJson;
}

/**
 * A pino line (`{…}`) with the active span's fields from {@link activeTraceFields}
 * added first, or the line as it is outside a span; pino's `hooks.streamWrite`. The
 * fields go in as text, so no line builds or serialises an object for them; a field of
 * the same name from the log call comes later in the line and wins when it is parsed,
 * as with pino's own child bindings.
 *
 * @example
 * tracer.startActiveSpan('work', (span) => {
 *   withTraceFields('{"level":"info","msg":"hi"}\n');
 *   // '{"trace_id":"4bf9…","span_id":"00f0…","trace_flags":"01","level":"info","msg":"hi"}\n'
 *   span.end();
 * });
 */
export function withTraceFields(line: string): string {
  const span = trace.getActiveSpan();
  if (span === undefined || line.charCodeAt(0) !== 0x7b /* { */) return line;
  const fields = traceFieldsJson(span.spanContext());
  if (fields === '') return line;
  // `{}` is a whole line too (no level, time or message fields configured).
  return line.charCodeAt(1) === 0x7d /* } */ ? `{${fields}${line.slice(1)}` : `{${fields},${line.slice(1)}`;
}
