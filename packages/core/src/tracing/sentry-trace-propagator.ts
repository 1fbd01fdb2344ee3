import {
  type Context,
  createContextKey,
  isSpanContextValid,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';

const SENTRY_TRACE_HEADER = 'sentry-trace';
// `<32 hex trace id>-<16 hex span id>[-<sampled 0|1>]`, as Sentry's SDKs write it.
const SENTRY_TRACE_FORMAT = /^[ \t]*([0-9a-f]{32})-([0-9a-f]{16})(?:-([01]))?[ \t]*$/;
const ALL_ZERO_TRACE = '0'.repeat(32);
const ALL_ZERO_SPAN = '0'.repeat(16);

/**
 * Set on the context when an incoming `sentry-trace` header had no sampled flag:
 * Sentry's way of saying "the receiver decides". The sampler then applies the ratio
 * instead of following the (unknown) parent decision. The value is the parent span ID,
 * so a `traceparent` that replaced the parent later is not mistaken for it.
 */
export const DEFERRED_SAMPLING_KEY = createContextKey('tracewire.deferred-sampling');

/**
 * Reads and writes Sentry's `sentry-trace` header from and to the OpenTelemetry context.
 *
 * A request started by a Sentry browser SDK carries `sentry-trace` and no
 * `traceparent`; extracting it lets the server continue that trace, so the browser
 * error and the server spans share one trace ID. Injecting it lets services that still
 * run a Sentry SDK of their own continue tracewire's trace. Unlike Sentry's own
 * propagator it keeps no Sentry scope state: OpenTelemetry owns the context.
 *
 * Malformed headers are ignored (a new trace starts); they never throw.
 *
 * @example
 * import { CompositePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
 * const propagator = new CompositePropagator({
 *   propagators: [new SentryTracePropagator(), new W3CTraceContextPropagator()],
 * });
 */
export class SentryTracePropagator implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    if (isTracingSuppressed(context)) return;
    const spanContext = trace.getSpanContext(context);
    if (!spanContext || !isSpanContextValid(spanContext)) return;
    const sampled = (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? '1' : '0';
    setter.set(carrier, SENTRY_TRACE_HEADER, `${spanContext.traceId}-${spanContext.spanId}-${sampled}`);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const raw = getter.get(carrier, SENTRY_TRACE_HEADER);
    const header = Array.isArray(raw) ? raw[0] : raw;
    if (typeof header !== 'string' || header.length > 128) return context;
    const match = SENTRY_TRACE_FORMAT.exec(header);
    if (!match) return context;
    const [, traceId, spanId, sampled] = match as unknown as [string, string, string, string | undefined];
    if (traceId === ALL_ZERO_TRACE || spanId === ALL_ZERO_SPAN) return context;
    const withParent = trace.setSpanContext(context, {
      traceId,
      spanId,
      isRemote: true,
      traceFlags: sampled === '1' ? TraceFlags.SAMPLED : TraceFlags.NONE,
    });
    return sampled === undefined ? withParent.setValue(DEFERRED_SAMPLING_KEY, spanId) : withParent;
  }

  fields(): string[] {
    return [SENTRY_TRACE_HEADER];
  }
}
