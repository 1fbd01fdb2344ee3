import { type Attributes, type Context, type Link, SpanKind, trace } from '@opentelemetry/api';
import {
  ParentBasedSampler,
  type Sampler,
  SamplingDecision,
  type SamplingResult,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';

import { DEFERRED_SAMPLING_KEY } from './sentry-trace-propagator.ts';

const DROP: SamplingResult = { decision: SamplingDecision.NOT_RECORD };

/**
 * `ParentBased(TraceIdRatioBased(rate))`, the one place sampling is decided, plus a
 * veto for server spans on ignored paths (health checks, scrapes) whatever the parent
 * says. Sentry is given no sample rate of its own, so this decides for Sentry too.
 */
export class TracewireSampler implements Sampler {
  private readonly delegate: Sampler;
  private readonly root: Sampler;

  constructor(
    private readonly rate: number,
    private readonly isIgnoredPath: (path: string) => boolean,
  ) {
    this.root = new TraceIdRatioBasedSampler(rate);
    this.delegate = new ParentBasedSampler({ root: this.root });
  }

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    if (spanKind === SpanKind.SERVER) {
      const path = attributes['url.path'] ?? attributes['http.target'];
      if (typeof path === 'string' && this.isIgnoredPath(path)) return DROP;
    }
    const deferredParent = context.getValue(DEFERRED_SAMPLING_KEY);
    if (deferredParent !== undefined && trace.getSpanContext(context)?.spanId === deferredParent) {
      return this.root.shouldSample(context, traceId, spanName, spanKind, attributes, links);
    }
    return this.delegate.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `TracewireSampler{ParentBased{root=TraceIdRatioBased{${this.rate}}}, ignoredPaths}`;
  }
}
