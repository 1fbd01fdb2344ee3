// Spans from the real OTel exporters, over protobuf and JSON, plain and gzip, must decode
// to the same objects, with the IDs the SDK generated.
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as OTLPTraceExporterJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPTraceExporterProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { type ReceivedSpan, startTestSink, type TestSink } from '../src/index.ts';

let sink: TestSink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

// `compression` is typed with an enum of a package this one does not depend on directly.
const GZIP = 'gzip' as never;

type ExporterFactory = (url: string, gzip: boolean) => SpanExporter;
const exporters: [string, ExporterFactory, 'application/x-protobuf' | 'application/json'][] = [
  [
    'protobuf',
    (url, gzip) => new OTLPTraceExporterProto({ url, ...(gzip ? { compression: GZIP } : {}) }),
    'application/x-protobuf',
  ],
  [
    'json',
    (url, gzip) => new OTLPTraceExporterJson({ url, ...(gzip ? { compression: GZIP } : {}) }),
    'application/json',
  ],
];

/** Records a small trace (a server span with a child, an event, a link and an error status) and exports it. */
async function exportTrace(exporter: SpanExporter): Promise<ReadableSpan[]> {
  const ended: ReadableSpan[] = [];
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.version': '1.2.3' }),
    spanProcessors: [
      new SimpleSpanProcessor({ exporter }),
      {
        onStart() {},
        onEnd: (span) => void ended.push(span),
        forceFlush: async () => {},
        shutdown: async () => {},
      },
    ],
  });
  const tracer = provider.getTracer('checkout-tracer', '0.9.0');
  const linked = tracer.startSpan('linked');
  linked.end();
  const root = tracer.startSpan('GET /users/:id', {
    kind: SpanKind.SERVER,
    attributes: {
      'http.route': '/users/:id',
      'http.response.status_code': 500,
      'http.request.duration_ratio': 0.25,
      cached: false,
      'tags.list': ['a', 'b'],
    },
    links: [{ context: linked.spanContext(), attributes: { 'link.reason': 'retry' } }],
  });
  root.addEvent('cache.miss', { 'cache.key': 'user:7' });
  root.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  const rootContext = trace.setSpan(context.active(), root);
  const child = tracer.startSpan('db.query', { kind: SpanKind.CLIENT }, rootContext);
  child.end();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  return ended;
}

describe.each(exporters)('OTLP traces over %s', (_format, makeExporter, contentType) => {
  it.each([false, true])('decodes spans from the real exporter (gzip: %s)', async (gzip) => {
    sink = await startTestSink();
    const ended = await exportTrace(makeExporter(sink.endpoints.traces, gzip));
    await sink.waitFor({ spans: 3 });

    const root = sink.spans.find((span) => span.name === 'GET /users/:id')!;
    const child = sink.spans.find((span) => span.name === 'db.query')!;
    const linked = sink.spans.find((span) => span.name === 'linked')!;
    const sdkRoot = ended.find((span) => span.name === 'GET /users/:id')!;

    expect(root).toMatchObject<Partial<ReceivedSpan>>({
      traceId: sdkRoot.spanContext().traceId,
      spanId: sdkRoot.spanContext().spanId,
      parentSpanId: undefined,
      kind: 'server',
      attributes: {
        'http.route': '/users/:id',
        'http.response.status_code': 500,
        'http.request.duration_ratio': 0.25,
        cached: false,
        'tags.list': ['a', 'b'],
      },
      status: { code: SpanStatusCode.ERROR, message: 'boom' },
      resource: expect.objectContaining({ 'service.name': 'checkout', 'service.version': '1.2.3' }),
      scope: { name: 'checkout-tracer', version: '0.9.0', attributes: {} },
      receiver: 'otlp',
    });
    expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(root.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(BigInt(root.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(root.startTimeUnixNano));
    expect(BigInt(root.startTimeUnixNano)).toBeGreaterThan(BigInt(Date.now() - 60_000) * 1_000_000n);
    expect(root.events).toEqual([
      {
        name: 'cache.miss',
        timeUnixNano: expect.stringMatching(/^\d+$/),
        attributes: { 'cache.key': 'user:7' },
      },
    ]);
    expect(root.links).toEqual([
      {
        traceId: linked.traceId,
        spanId: linked.spanId,
        traceState: undefined,
        attributes: { 'link.reason': 'retry' },
      },
    ]);
    expect(child).toMatchObject({ traceId: root.traceId, parentSpanId: root.spanId, kind: 'client' });
    expect(child.status).toEqual({ code: SpanStatusCode.UNSET, message: '' });

    const request = sink.requests.find((entry) => entry.endpoint === 'traces')!;
    expect(request).toMatchObject({
      receiver: 'otlp',
      contentType,
      contentEncoding: gzip ? 'gzip' : undefined,
      status: 200,
      outcome: 'recorded',
    });
    if (gzip) expect(request.decodedBytes).toBeGreaterThan(0);
  });
});

it('decodes the same trace identically from protobuf and JSON', async () => {
  sink = await startTestSink();
  await exportTrace(new OTLPTraceExporterProto({ url: sink.endpoints.traces }));
  await exportTrace(new OTLPTraceExporterJson({ url: sink.endpoints.traces }));
  await sink.waitFor({ spans: 6 });
  // Different traces, same shape: compare everything but IDs and times.
  const normalise = (span: ReceivedSpan) => ({
    ...span,
    traceId: '',
    spanId: '',
    parentSpanId: span.parentSpanId ? 'set' : undefined,
    startTimeUnixNano: '',
    endTimeUnixNano: '',
    events: span.events.map((event) => ({ ...event, timeUnixNano: '' })),
    links: span.links.map((link) => ({ ...link, traceId: '', spanId: '' })),
  });
  const [fromProto, fromJson] = [sink.spans.slice(0, 3), sink.spans.slice(3)].map((spans) =>
    spans.map(normalise).sort((a, b) => a.name.localeCompare(b.name)),
  );
  expect(fromJson).toEqual(fromProto);
});
