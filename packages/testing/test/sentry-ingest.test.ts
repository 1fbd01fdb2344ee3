// The fake Sentry ingest, fed by the real @sentry/node client (in a child process, so the
// test process keeps no global Sentry state) and by hand-made envelopes over fetch.
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { OTLPTraceExporter as OTLPTraceExporterJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPTraceExporterProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { SimpleSpanProcessor, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { createEnvelope, serializeEnvelope } from '@sentry/core';
import { getOtlpTracesEndpoint } from '@sentry/node';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSink, type TestSink } from '../src/index.ts';
import { runSentryClient } from './helpers/run-sentry-client.ts';

let sink: TestSink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

const compress = {
  gzip: promisify(zlib.gzip),
  deflate: promisify(zlib.deflate),
  br: promisify(zlib.brotliCompress),
  zstd: promisify(zlib.zstdCompress),
};

function envelopeBody(eventId: string, message: string): Uint8Array {
  const envelope = createEnvelope({ event_id: eventId, sent_at: new Date().toISOString() }, [
    [{ type: 'event' }, { event_id: eventId, message, level: 'error' }],
  ] as never);
  const serialized = serializeEnvelope(envelope);
  return typeof serialized === 'string' ? Buffer.from(serialized) : serialized;
}

describe('with the real @sentry/node client', () => {
  it('records error and message events, structured logs, sessions and the credentials', async () => {
    sink = await startTestSink({ projectId: '42' });
    const reported = await runSentryClient('error', sink.dsn);
    expect(reported.flushed).toBe(true);
    await sink.waitFor(
      (s) =>
        s.sentry.events.some((event) => event.message === 'hello from child') &&
        s.sentry.events.some((event) => event.exception?.values?.[0]?.value === 'boom from child') &&
        s.sentry.logs.length > 0,
    );

    // Found by its message, not as "the event with an exception": on a busy machine an
    // ephemeral port can be reused while another test's service still reports to it.
    const error = sink.sentry.events.find(
      (event) => event.exception?.values?.[0]?.value === 'boom from child',
    )!;
    expect(error.event_id).toBe(reported.eventId);
    expect(error.exception?.values?.[0]).toMatchObject({ type: 'Error', value: 'boom from child' });
    expect(error).toMatchObject({
      environment: 'test',
      release: 'checkout@1.2.3',
      contexts: { user: { id: 'u-7' } },
    });
    const message = sink.sentry.events.find((event) => event.message === 'hello from child')!;
    expect(message.level).toBe('info');
    expect(sink.sentry.logs[0]).toMatchObject({
      level: 'info',
      body: 'structured log from child',
      attributes: { orderId: { value: 42, type: 'integer' } },
    });
    expect(sink.sentry.sessions.length).toBeGreaterThan(0);

    for (const request of sink.requests) {
      expect(request).toMatchObject({
        method: 'POST',
        path: '/api/42/envelope/',
        receiver: 'sentry',
        endpoint: 'envelope',
        status: 200,
        outcome: 'recorded',
      });
    }
    // The Node transport authenticates through the query string.
    expect(sink.sentry.auth[0]).toMatchObject({
      endpoint: 'envelope',
      projectId: '42',
      header: undefined,
      sentryKey: sink.publicKey,
      sentryVersion: '7',
      sentryClient: expect.stringMatching(/^sentry\.javascript\.node\/11\./),
    });
    const envelope = sink.sentry.envelopes.find((entry) =>
      entry.items.some((item) => item.type === 'event'),
    )!;
    expect(envelope.headers).toMatchObject({
      event_id: expect.any(String),
      sdk: { name: 'sentry.javascript.node' },
    });
    expect(envelope.auth.sentryKey).toBe(sink.publicKey);
  });

  it('records transactions', async () => {
    sink = await startTestSink();
    await runSentryClient('transaction', sink.dsn);
    const transaction = await sink.waitFor((s) => s.sentry.transactions[0]);
    expect(transaction.transaction).toBe('checkout transaction');
    expect(transaction.spans?.map((span) => span.description)).toEqual(['child work']);
    expect(sink.sentry.events).toEqual([]);
  });

  it('records client reports of dropped events', async () => {
    sink = await startTestSink();
    await runSentryClient('dropped', sink.dsn);
    await sink.waitFor({ events: 1, clientReports: 1 });
    expect(sink.sentry.events.map((event) => event.message)).toEqual(['keep me']);
    expect(sink.sentry.clientReports[0]?.discarded_events).toContainEqual({
      reason: 'before_send',
      category: 'error',
      quantity: 1,
    });
  });
});

describe("Sentry's OTLP traces endpoint", () => {
  const exporters: [string, (url: string, headers: Record<string, string>) => SpanExporter][] = [
    ['protobuf', (url, headers) => new OTLPTraceExporterProto({ url, headers })],
    ['json', (url, headers) => new OTLPTraceExporterJson({ url, headers })],
  ];

  it.each(exporters)(
    'receives %s spans at the URL getOtlpTracesEndpoint(dsn) returns',
    async (_format, makeExporter) => {
      sink = await startTestSink({ projectId: '7' });
      const endpoint = getOtlpTracesEndpoint(sink.dsn)!;
      expect(endpoint.url).toBe(sink.endpoints.sentryOtlpTraces);

      const provider = new TracerProvider({
        spanProcessors: [
          new SimpleSpanProcessor({ exporter: makeExporter(endpoint.url, endpoint.headers) }),
          new SimpleSpanProcessor({ exporter: makeExporter(sink.endpoints.traces, {}) }),
        ],
      });
      provider.getTracer('t').startSpan('GET /orders').end();
      await provider.shutdown();
      await sink.waitFor({ spans: 2 });

      const viaSentry = sink.spans.filter((span) => span.receiver === 'sentry');
      const viaOtlp = sink.spans.filter((span) => span.receiver === 'otlp');
      expect(viaSentry.map((span) => span.name)).toEqual(['GET /orders']);
      expect(viaOtlp.map((span) => span.name)).toEqual(['GET /orders']);
      expect(viaSentry[0]!.spanId).toBe(viaOtlp[0]!.spanId);

      expect(sink.sentry.auth).toEqual([
        {
          endpoint: 'otlp',
          projectId: '7',
          header: endpoint.headers['X-Sentry-Auth'],
          sentryKey: sink.publicKey,
          sentryVersion: '7',
          sentryClient: undefined,
        },
      ]);
      const request = sink.requests.find((entry) => entry.receiver === 'sentry')!;
      expect(request).toMatchObject({
        path: '/api/7/integration/otlp/v1/traces/',
        endpoint: 'traces',
        status: 200,
      });
      expect(sink.sentry.envelopes).toEqual([]);
    },
  );
});

describe('envelopes over fetch', () => {
  it.each(['gzip', 'deflate', 'br', 'zstd'] as const)(
    'accepts %s-encoded envelopes and answers like Sentry',
    async (encoding) => {
      sink = await startTestSink();
      const body = envelopeBody('0123456789abcdef0123456789abcdef', `compressed with ${encoding}`);
      const response = await fetch(
        `${sink.endpoints.sentryEnvelope}?sentry_key=${sink.publicKey}&sentry_version=7`,
        {
          method: 'POST',
          headers: { 'content-encoding': encoding, 'content-type': 'application/x-sentry-envelope' },
          body: await compress[encoding](body),
        },
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await response.json()).toEqual({ id: '0123456789abcdef0123456789abcdef' });
      expect(sink.sentry.events.map((event) => event.message)).toEqual([`compressed with ${encoding}`]);
      expect(sink.rawBodies()[0]?.body.equals(Buffer.from(body))).toBe(true);
      expect(sink.requests[0]).toMatchObject({ contentEncoding: encoding, decodedBytes: body.length });
    },
  );

  it('reads the credentials from an X-Sentry-Auth header', async () => {
    sink = await startTestSink();
    await fetch(sink.endpoints.sentryEnvelope, {
      method: 'POST',
      headers: {
        'x-sentry-auth': `Sentry sentry_version=7, sentry_client=custom/1.0, sentry_key=${sink.publicKey}`,
      },
      body: envelopeBody('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'hi'),
    });
    expect(sink.sentry.auth[0]).toMatchObject({
      sentryKey: sink.publicKey,
      sentryVersion: '7',
      sentryClient: 'custom/1.0',
      header: expect.stringContaining(sink.publicKey),
    });
  });

  it('decodes JSON items that declare a length, and keeps attachments as bytes', async () => {
    sink = await startTestSink();
    const event = JSON.stringify({ event_id: 'b'.repeat(32), message: 'with length' });
    const attachment = Buffer.from([0, 1, 2, 10, 3]);
    const body = Buffer.concat([
      Buffer.from(`${JSON.stringify({ event_id: 'b'.repeat(32) })}\n`),
      Buffer.from(`${JSON.stringify({ type: 'event', length: Buffer.byteLength(event) })}\n${event}\n`),
      Buffer.from(
        `${JSON.stringify({ type: 'attachment', length: attachment.length, filename: 'a.bin' })}\n`,
      ),
      attachment,
      Buffer.from('\n'),
    ]);
    const response = await fetch(sink.endpoints.sentryEnvelope, { method: 'POST', body });
    expect(response.status).toBe(200);
    expect(sink.sentry.events).toEqual([{ event_id: 'b'.repeat(32), message: 'with length' }]);
    const item = sink.sentry.envelopes[0]!.items[1]!;
    expect(item.type).toBe('attachment');
    expect(Buffer.from(item.payload as Uint8Array).equals(attachment)).toBe(true);
  });

  it('records store requests as single-event envelopes', async () => {
    sink = await startTestSink({ projectId: '5' });
    const response = await fetch(`${sink.url}/api/5/store/?sentry_key=${sink.publicKey}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event_id: 'c'.repeat(32), message: 'legacy' }),
    });
    expect(await response.json()).toEqual({ id: 'c'.repeat(32) });
    expect(sink.sentry.events).toEqual([{ event_id: 'c'.repeat(32), message: 'legacy' }]);
    expect(sink.sentry.envelopes[0]).toMatchObject({ endpoint: 'store', projectId: '5' });
    expect(sink.sentry.auth[0]).toMatchObject({ endpoint: 'store', sentryKey: sink.publicKey });
  });

  it('rejects bodies that are not envelopes, recording nothing', async () => {
    sink = await startTestSink();
    const response = await fetch(sink.endpoints.sentryEnvelope, { method: 'POST', body: 'not json\n' });
    expect(response.status).toBe(400);
    expect(sink.sentry.envelopes).toEqual([]);
    expect(sink.sentry.auth).toEqual([]);
    expect(sink.requests[0]).toMatchObject({
      outcome: 'rejected',
      status: 400,
      error: expect.stringContaining('envelope'),
    });
  });

  it('rejects corrupt and unknown encodings', async () => {
    sink = await startTestSink();
    const corrupt = await fetch(sink.endpoints.sentryEnvelope, {
      method: 'POST',
      headers: { 'content-encoding': 'gzip' },
      body: 'definitely not gzip',
    });
    const unknown = await fetch(sink.endpoints.sentryEnvelope, {
      method: 'POST',
      headers: { 'content-encoding': 'compress' },
      body: 'x',
    });
    expect([corrupt.status, unknown.status]).toEqual([400, 415]);
    expect(sink.requests.map((request) => request.outcome)).toEqual(['rejected', 'rejected']);
  });
});
