// The example as it is deployed: `node --import @tracewire/core/register server.mjs`,
// pointed at the local sink, with a stand-in for the next service. Every assertion is on
// telemetry that crossed the wire: spans, Sentry events, and the JSON lines on stdout.
import type { TestSink } from '@tracewire/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ExampleAnswer,
  type ExampleExit,
  type ExampleRun,
  type FakeUpstream,
  missingBuild,
  runExample,
  STOCK_ROUTE_REQUESTS,
} from '../../test-helpers/run-example.ts';

const notBuilt = missingBuild('fastify');
if (notBuilt) console.warn(`skipping the fastify-app example tests: ${notBuilt}`);

const SERVICE = 'fastify-app';

describe.skipIf(notBuilt !== undefined)(`examples/${SERVICE}`, () => {
  let run: ExampleRun;
  let sink: TestSink;
  let upstream: FakeUpstream;
  let exit: ExampleExit;
  let lines: Record<string, unknown>[];
  let healthStatus: number;
  let answers: Record<string, ExampleAnswer>;

  beforeAll(async () => {
    run = await runExample(SERVICE, { upstreamVariable: 'UPSTREAM_URL', requests: STOCK_ROUTE_REQUESTS });
    ({ sink, upstream, exit, lines, healthStatus, answers } = run);
  });

  afterAll(() => run?.close());

  const serverSpans = () => run.serverSpans();
  const eventsOf = (path: string) => run.eventsOf(path);

  it('answers its routes and ends on SIGTERM after flushing', () => {
    expect(healthStatus).toBe(200);
    expect(
      Object.fromEntries(Object.entries(answers).map(([path, answer]) => [path, answer.status])),
    ).toEqual({
      '/api/items/1': 200,
      '/api/items/999': 404,
      '/api/stock/1': 200,
      '/api/stock/13': 500,
      '/api/items/2/stock': 200,
      '/api/items/13/stock': 502,
      '/error': 500,
    });
    expect(answers['/api/items/2/stock']?.body).toEqual({ id: '2', name: 'Burr grinder', available: 3 });
    expect(answers['/error']?.body).toEqual({ error: 'internal error', requestId: expect.any(String) });
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('names one server span per request by its route, and none for /health', () => {
    for (const [path, answer] of Object.entries(answers)) {
      const spans = serverSpans().filter((span) => span.traceId === answer.traceId);
      expect(
        spans.map((span) => span.spanId),
        path,
      ).toEqual([answer.spanId]);
      expect(spans[0]?.resource['service.name']).toBe(SERVICE);
    }
    expect(
      serverSpans()
        .map((span) => span.name)
        .sort(),
    ).toEqual([
      'GET /api/items/:id',
      'GET /api/items/:id',
      'GET /api/items/:id/stock',
      'GET /api/items/:id/stock',
      'GET /api/stock/:id',
      'GET /api/stock/:id',
      'GET /error',
    ]);
    const failed = serverSpans().find((span) => span.traceId === answers['/api/stock/13']?.traceId);
    expect(failed?.attributes['http.route']).toBe('/api/stock/:id');
    expect(failed?.status.code).toBe(2);
    // No @fastify/otel by default: the server span is the request's only span.
    const { traceId, spanId } = answers['/api/items/1']!;
    expect(
      sink.spans
        .filter((span) => span.traceId === traceId && span.receiver === 'otlp')
        .map((span) => span.spanId),
    ).toEqual([spanId]);
  });

  it('carries the trace into the next service', () => {
    const { traceId, spanId } = answers['/api/items/2/stock']!;
    const call = upstream.requests.find((request) => request.path === '/api/stock/2');
    expect(call?.traceparent?.split('-')[1]).toBe(traceId);
    const client = sink.spans.find(
      (span) => span.kind === 'client' && span.traceId === traceId && span.receiver === 'otlp',
    );
    expect(client?.parentSpanId).toBe(spanId);
  });

  it('sends /error and the failing stock lookup to Sentry once each, on their spans', () => {
    const [errorEvent, ...moreErrorEvents] = eventsOf('/error');
    expect(moreErrorEvents).toEqual([]);
    expect(errorEvent?.exception?.values?.[0]?.value).toBe('Test error from fastify-app');
    expect(errorEvent?.transaction).toBe('GET /error');
    expect(errorEvent?.contexts?.trace?.span_id).toBe(answers['/error']?.spanId);

    expect(
      eventsOf('/api/stock/13').map((event) => [event.transaction, event.exception?.values?.[0]?.value]),
    ).toEqual([['GET /api/stock/:id', 'stock ledger for item 13 is unreadable']]);
    expect(eventsOf('/api/items/13/stock').map((event) => event.exception?.values?.[0]?.value)).toEqual([
      'warehouse answered 500 for item 13',
    ]);
    expect(sink.sentry.events).toHaveLength(3);
  });

  it('writes log lines that carry the trace ID of their request', () => {
    const { traceId, spanId } = answers['/api/stock/1']!;
    const ofTrace = lines.filter((line) => line.trace_id === traceId);
    expect(ofTrace.map((line) => line.msg)).toEqual(['stock looked up', 'GET /api/stock/:id 200']);
    expect(ofTrace[0]).toMatchObject({ service: SERVICE, env: 'test', available: 42 });
    // Written inside the handler, in the server span's context.
    expect(ofTrace[0]?.span_id).toBe(spanId);

    const failed = lines.filter((line) => line.trace_id === answers['/error']?.traceId);
    const [event] = eventsOf('/error');
    expect(failed.find((line) => line.msg === 'request failed')?.sentry_event_id).toBe(event?.event_id);
    expect(failed.find((line) => line.msg === 'GET /error 500')?.level).toBe('error');
    expect(lines.some((line) => (line.http as { path?: string } | undefined)?.path === '/health')).toBe(
      false,
    );
  });
});
