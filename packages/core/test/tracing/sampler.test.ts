import { randomBytes } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { createIgnoredPathMatcher } from '../../src/tracing/ignored-paths.ts';
import { TracewireSampler } from '../../src/tracing/sampler.ts';
import { DEFERRED_SAMPLING_KEY } from '../../src/tracing/sentry-trace-propagator.ts';

const isIgnored = createIgnoredPathMatcher(['/healthz', '/internal/*']);
const traceIds = Array.from({ length: 2000 }, () => randomBytes(16).toString('hex'));

function decide(
  sampler: TracewireSampler,
  traceId: string,
  kind = SpanKind.SERVER,
  attributes = {},
  context = ROOT_CONTEXT,
) {
  return sampler.shouldSample(context, traceId, 'GET', kind, attributes, []).decision;
}

describe('TracewireSampler', () => {
  it('samples roughly the configured ratio of root traces', () => {
    const sampler = new TracewireSampler(0.25, isIgnored);
    const sampled = traceIds.filter(
      (id) => decide(sampler, id) === SamplingDecision.RECORD_AND_SAMPLED,
    ).length;
    expect(sampled / traceIds.length).toBeGreaterThan(0.15);
    expect(sampled / traceIds.length).toBeLessThan(0.35);
  });

  it('follows a remote parent decision whatever the ratio', () => {
    const sampler = new TracewireSampler(0, isIgnored);
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: traceIds[1]!,
      spanId: 'b'.repeat(16),
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    expect(decide(sampler, traceIds[1]!, SpanKind.SERVER, {}, parent)).toBe(
      SamplingDecision.RECORD_AND_SAMPLED,
    );
  });

  it('drops server spans on ignored paths even under a sampled parent', () => {
    const sampler = new TracewireSampler(1, isIgnored);
    expect(decide(sampler, traceIds[2]!, SpanKind.SERVER, { 'url.path': '/healthz' })).toBe(
      SamplingDecision.NOT_RECORD,
    );
    expect(decide(sampler, traceIds[2]!, SpanKind.SERVER, { 'url.path': '/internal/stats' })).toBe(
      SamplingDecision.NOT_RECORD,
    );
    expect(decide(sampler, traceIds[2]!, SpanKind.CLIENT, { 'url.path': '/healthz' })).toBe(
      SamplingDecision.RECORD_AND_SAMPLED,
    );
  });

  it('applies the ratio when a sentry-trace parent left the decision to the receiver', () => {
    const sampler = new TracewireSampler(0, isIgnored);
    const parentSpanId = 'c'.repeat(16);
    const deferred = trace
      .setSpanContext(ROOT_CONTEXT, {
        traceId: traceIds[3]!,
        spanId: parentSpanId,
        traceFlags: TraceFlags.NONE,
        isRemote: true,
      })
      .setValue(DEFERRED_SAMPLING_KEY, parentSpanId);
    expect(decide(new TracewireSampler(1, isIgnored), traceIds[3]!, SpanKind.SERVER, {}, deferred)).toBe(
      SamplingDecision.RECORD_AND_SAMPLED,
    );
    expect(decide(sampler, traceIds[3]!, SpanKind.SERVER, {}, deferred)).toBe(SamplingDecision.NOT_RECORD);
  });
});
