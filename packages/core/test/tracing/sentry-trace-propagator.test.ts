import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFERRED_SAMPLING_KEY, SentryTracePropagator } from '../../src/tracing/sentry-trace-propagator.ts';

const propagator = new SentryTracePropagator();
const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const spanId = '00f067aa0ba902b7';

function extract(header: unknown) {
  return propagator.extract(ROOT_CONTEXT, { 'sentry-trace': header }, defaultTextMapGetter);
}

describe('SentryTracePropagator', () => {
  it('continues a trace started by a Sentry SDK', () => {
    const spanContext = trace.getSpanContext(extract(`${traceId}-${spanId}-1`));
    expect(spanContext).toEqual({ traceId, spanId, isRemote: true, traceFlags: TraceFlags.SAMPLED });
  });

  it('keeps an unsampled decision and marks a missing one as deferred', () => {
    expect(trace.getSpanContext(extract(`${traceId}-${spanId}-0`))?.traceFlags).toBe(TraceFlags.NONE);
    const deferred = extract(`${traceId}-${spanId}`);
    expect(deferred.getValue(DEFERRED_SAMPLING_KEY)).toBe(spanId);
  });

  it('ignores malformed headers and never throws', () => {
    for (const header of [
      '',
      'garbage',
      `${traceId}-${spanId}-2`,
      `${'0'.repeat(32)}-${spanId}-1`,
      42,
      null,
      ['x'],
    ]) {
      expect(trace.getSpanContext(extract(header))).toBeUndefined();
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (header) => {
        const context = extract(header);
        const spanContext = trace.getSpanContext(context);
        if (spanContext) expect(spanContext.traceId).toMatch(/^[0-9a-f]{32}$/);
      }),
    );
  });

  it('injects the active span as sentry-trace', () => {
    const context = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: TraceFlags.SAMPLED });
    const carrier: Record<string, string> = {};
    propagator.inject(context, carrier, defaultTextMapSetter);
    expect(carrier).toEqual({ 'sentry-trace': `${traceId}-${spanId}-1` });
  });
});

describe('ReportingPropagator', () => {
  it('reports a present but unusable header once per extraction and keeps the fresh context', async () => {
    const { ReportingPropagator } = await import('../../src/tracing/reporting-propagator.ts');
    const { W3CTraceContextPropagator } = await import('@opentelemetry/core');
    const reports: string[] = [];
    const reporting = new ReportingPropagator(
      new W3CTraceContextPropagator(),
      'traceparent',
      'a traceparent',
      (header) => reports.push(header),
    );
    const garbled = reporting.extract(ROOT_CONTEXT, { traceparent: 'garbage' }, defaultTextMapGetter);
    expect(garbled).toBe(ROOT_CONTEXT);
    reporting.extract(ROOT_CONTEXT, {}, defaultTextMapGetter);
    const valid = reporting.extract(
      ROOT_CONTEXT,
      { traceparent: `00-${traceId}-${spanId}-01` },
      defaultTextMapGetter,
    );
    expect(trace.getSpanContext(valid)?.traceId).toBe(traceId);
    expect(reports).toEqual(['traceparent']);
  });
});
