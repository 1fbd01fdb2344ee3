import { createContextKey, ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  SamplingDecision,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { createIgnoredPathMatcher } from '../../src/tracing/ignored-paths.ts';
import { linkContext } from '../../src/tracing/linked-context.ts';
import { TracewireSampler } from '../../src/tracing/sampler.ts';
import { PresetIdGenerator, ServerSpans } from '../../src/tracing/server-spans.ts';

const FIELDS = ['sentry-trace', 'traceparent', 'tracestate', 'baggage'];

function setup(rate: number) {
  const sampler = new TracewireSampler(rate, createIgnoredPathMatcher(['/healthz']));
  const ids = new PresetIdGenerator();
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    sampler,
    idGenerator: ids,
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('@tracewire/core');
  return {
    provider,
    sampler,
    ids,
    exporter,
    tracer,
    serverSpans: new ServerSpans(tracer, sampler, ids, FIELDS),
  };
}

describe('linkContext', () => {
  it('answers like OpenTelemetry’s own context through any sequence of sets and deletes', () => {
    const keys = Array.from({ length: 5 }, (_, index) => createContextKey(`key ${index}`));
    const base = ROOT_CONTEXT.setValue(keys[0]!, 'from the base');
    let expected = base;
    let linked = linkContext(base);
    const seen: (typeof linked)[] = [];
    // A fixed pseudo-random walk, long enough to pass the chain's flattening point twice.
    let seed = 7;
    for (let step = 0; step < 40; step++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const key = keys[seed % keys.length]!;
      if (seed % 3 === 0) {
        expected = expected.deleteValue(key);
        linked = linked.deleteValue(key);
      } else {
        expected = expected.setValue(key, step);
        linked = linked.setValue(key, step);
      }
      seen.push(linked);
      for (const each of keys) expect(linked.getValue(each), `step ${step}`).toBe(expected.getValue(each));
    }
    // Contexts are immutable: the first link still reads as it did.
    expect(seen[0]!.getValue(keys[0]!)).toBe(
      ROOT_CONTEXT.setValue(keys[0]!, 'from the base').getValue(keys[0]!),
    );
    expect(base.getValue(keys[0]!)).toBe('from the base');
  });

  it('carries a span the OpenTelemetry API finds', () => {
    const span = trace.wrapSpanContext({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 });
    const withSpan = trace.setSpan(linkContext(ROOT_CONTEXT), span);
    expect(trace.getSpan(withSpan)).toBe(span);
    expect(trace.getSpan(trace.deleteSpan(withSpan))).toBeUndefined();
  });
});

describe('ServerSpans', () => {
  it('keeps exactly the requests the sampler keeps, recorded by the SDK with the IDs it decided on', async () => {
    const { provider, sampler, ids, exporter, serverSpans } = setup(0.3);
    const drawn: { traceId: string; spanId: string }[] = [];
    const draw = ids.draw.bind(ids);
    ids.draw = () => {
      const next = draw();
      drawn.push(next);
      return next;
    };
    const spans = Array.from({ length: 600 }, () =>
      serverSpans.startRoot('GET', { 'url.path': '/users' }, ROOT_CONTEXT, {}),
    );
    const ended = new Set<string>();
    spans.forEach((span, index) => {
      expect(span).toBeDefined();
      const { traceId, spanId, traceFlags } = span!.spanContext();
      expect({ traceId, spanId }).toEqual(drawn[index]);
      expect(trace.isSpanContextValid(span!.spanContext())).toBe(true);
      const decision = sampler.shouldSample(ROOT_CONTEXT, traceId, 'GET', SpanKind.SERVER, {}, []).decision;
      const sampled = decision === SamplingDecision.RECORD_AND_SAMPLED;
      expect(span!.isRecording()).toBe(sampled);
      expect(traceFlags).toBe(sampled ? TraceFlags.SAMPLED : TraceFlags.NONE);
      if (sampled) {
        ended.add(spanId);
        span!.end();
      }
    });
    // Every trace drawn once, and about the configured share of them kept.
    expect(ended.size).toBeGreaterThan(120);
    expect(ended.size).toBeLessThan(240);
    await provider.forceFlush();
    const exported = exporter.getFinishedSpans();
    expect(new Set(exported.map((span) => span.spanContext().spanId))).toEqual(ended);
    for (const span of exported) {
      expect(span.kind).toBe(SpanKind.SERVER);
      expect(span.attributes['url.path']).toBe('/users');
    }
  });

  it('leaves other spans’ IDs random', () => {
    const { ids, tracer, serverSpans } = setup(1);
    const root = serverSpans.startRoot('GET', {}, ROOT_CONTEXT, {})!;
    const next = tracer.startSpan('next');
    expect(next.spanContext().traceId).not.toBe(root.spanContext().traceId);
    expect(next.spanContext().spanId).not.toBe(root.spanContext().spanId);
    expect(ids.generateTraceId()).not.toBe(next.spanContext().traceId);
  });

  it('drops an ignored path whatever the rate', () => {
    const { serverSpans } = setup(1);
    expect(serverSpans.startRoot('GET', { 'url.path': '/healthz' }, ROOT_CONTEXT, {})!.isRecording()).toBe(
      false,
    );
  });

  it('steps back for trace headers, a parent span and suppressed tracing', () => {
    const { serverSpans } = setup(1);
    for (const field of FIELDS) {
      expect(serverSpans.startRoot('GET', {}, ROOT_CONTEXT, { [field]: 'x' }), field).toBeUndefined();
    }
    const parent = trace.wrapSpanContext({ traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), traceFlags: 1 });
    expect(serverSpans.startRoot('GET', {}, trace.setSpan(ROOT_CONTEXT, parent), {})).toBeUndefined();
    expect(serverSpans.startRoot('GET', {}, suppressTracing(ROOT_CONTEXT), {})).toBeUndefined();
    expect(serverSpans.startRoot('GET', {}, ROOT_CONTEXT, { 'x-request-id': 'r' })).toBeDefined();
  });

  it('steps back once stopped (the provider shut down)', () => {
    const { serverSpans } = setup(1);
    serverSpans.stop();
    expect(serverSpans.startRoot('GET', {}, ROOT_CONTEXT, {})).toBeUndefined();
  });
});
