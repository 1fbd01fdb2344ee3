import type { IncomingHttpHeaders } from 'node:http';
import {
  type Attributes,
  type Context,
  type Span,
  SpanKind,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import {
  type IdGenerator,
  RandomIdGenerator,
  type Sampler,
  SamplingDecision,
} from '@opentelemetry/sdk-trace';

/**
 * The tracer provider's ID generator, which can be told the IDs of the next span: the
 * server span whose sampling {@link ServerSpans} already decided with those IDs.
 */
export class PresetIdGenerator implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  private nextTraceId: string | undefined = undefined;
  private nextSpanId: string | undefined = undefined;

  generateTraceId(): string {
    const preset = this.nextTraceId;
    if (preset === undefined) return this.random.generateTraceId();
    this.nextTraceId = undefined;
    return preset;
  }

  generateSpanId(): string {
    const preset = this.nextSpanId;
    if (preset === undefined) return this.random.generateSpanId();
    this.nextSpanId = undefined;
    return preset;
  }

  /** Random IDs for a span about to start, that the next `generate*` calls return again. */
  draw(): { traceId: string; spanId: string } {
    return { traceId: this.random.generateTraceId(), spanId: this.random.generateSpanId() };
  }

  preset(traceId: string, spanId: string): void {
    this.nextTraceId = traceId;
    this.nextSpanId = spanId;
  }

  /** Forgets presets a span start did not consume (it threw before asking). */
  clear(): void {
    this.nextTraceId = undefined;
    this.nextSpanId = undefined;
  }
}

/**
 * Starts the server span of a request that carries no trace headers and runs outside any
 * span: the common case, a new trace. tracewire's own sampler decides first with freshly
 * drawn IDs; a request it drops gets the same non-recording span the SDK would return,
 * without the SDK building attributes, metrics and a sampling result for it, and
 * without the propagators reading headers that are not there. A request it keeps is
 * started by the provider's tracer with those same IDs, so the SDK's sampler (the same
 * one, deciding on the trace ID alone) keeps it too. Only tracewire's own tracer
 * provider, registered as the global one, has one.
 *
 * @example
 * const span = serverSpans.startRoot('GET', { 'url.path': '/' }, context.active(), req.headers);
 * // undefined: extract the headers and start the span through the tracer as usual
 */
export class ServerSpans {
  private readonly fields: string[];
  private stopped = false;

  constructor(
    private readonly tracer: Tracer,
    private readonly sampler: Sampler,
    private readonly ids: PresetIdGenerator,
    propagatorFields: string[],
  ) {
    this.fields = propagatorFields.map((field) => field.toLowerCase());
  }

  /** After the provider shut down, requests go back to the global API (a no-op by then). */
  stop(): void {
    this.stopped = true;
  }

  startRoot(
    name: string,
    attributes: Attributes,
    parentContext: Context,
    headers: IncomingHttpHeaders,
  ): Span | undefined {
    if (this.stopped) return undefined;
    for (const field of this.fields) if (headers[field] !== undefined) return undefined;
    if (trace.getSpan(parentContext) !== undefined || isTracingSuppressed(parentContext)) return undefined;
    const { traceId, spanId } = this.ids.draw();
    const result = this.sampler.shouldSample(parentContext, traceId, name, SpanKind.SERVER, attributes, []);
    if (result.decision === SamplingDecision.NOT_RECORD) {
      return trace.wrapSpanContext({
        traceId,
        spanId,
        traceFlags: TraceFlags.NONE,
        traceState: result.traceState,
      });
    }
    this.ids.preset(traceId, spanId);
    try {
      return this.tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parentContext);
    } finally {
      this.ids.clear();
    }
  }
}
