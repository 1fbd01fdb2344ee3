// The example as it is deployed: `node --import @tracewire/core/register server.mjs`,
// pointed at the local sink, with a stand-in inventory service. Every assertion is on
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
} from '../../test-helpers/run-example.ts';

const notBuilt = missingBuild('express');
if (notBuilt) console.warn(`skipping the express-api example tests: ${notBuilt}`);

describe.skipIf(notBuilt !== undefined)('examples/express-api', () => {
  let run: ExampleRun;
  let sink: TestSink;
  let inventory: FakeUpstream;
  let exit: ExampleExit;
  let lines: Record<string, unknown>[];
  let healthStatus: number;
  let answers: Record<string, ExampleAnswer>;

  beforeAll(async () => {
    // The user header goes on the request's Sentry scope; requests without it must not
    // inherit another request's user.
    const user = (id: string): Record<string, string> => ({ 'x-user-id': id });
    run = await runExample('express-api', {
      upstreamVariable: 'INVENTORY_URL',
      requests: [
        ['/api/items/1', user('user-1')],
        '/api/items/999',
        '/api/items/1/stock',
        ['/api/items/5/stock', user('user-5')],
        '/api/items/13/stock',
        ['/error', user('user-7')],
      ],
    });
    ({ sink, upstream: inventory, exit, lines, healthStatus, answers } = run);
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
      '/api/items/1/stock': 200,
      '/api/items/5/stock': 200,
      '/api/items/13/stock': 502,
      '/error': 500,
    });
    expect(answers['/api/items/1/stock']?.body).toEqual({
      id: '1',
      name: 'Espresso beans, 1 kg',
      available: 3,
    });
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
      expect(spans[0]?.resource['service.name']).toBe('express-api');
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
      'GET /api/items/:id/stock',
      'GET /error',
    ]);
    const errorSpan = serverSpans().find((span) => span.traceId === answers['/error']?.traceId);
    expect(errorSpan?.attributes['http.route']).toBe('/error');
    expect(errorSpan?.status.code).toBe(2);
  });

  it('carries the trace into the inventory service call', () => {
    const { traceId, spanId } = answers['/api/items/1/stock']!;
    const call = inventory.requests.find((request) => request.path === '/api/stock/1');
    expect(call?.traceparent?.split('-')[1]).toBe(traceId);
    const client = sink.spans.find(
      (span) => span.kind === 'client' && span.traceId === traceId && span.receiver === 'otlp',
    );
    expect(client?.parentSpanId).toBe(spanId);
    expect(call?.traceparent?.split('-')[2]).toBe(client?.spanId);
  });

  it('sends /error to Sentry once, with the trace and span ID of its span', () => {
    const events = eventsOf('/error');
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event?.exception?.values?.[0]?.value).toBe('Test error from express-api');
    expect(event?.transaction).toBe('GET /error');
    expect(event?.environment).toBe('test');
    expect(event?.contexts?.trace?.span_id).toBe(answers['/error']?.spanId);
    expect(event?.tags?.trace_id).toBe(answers['/error']?.traceId);
    // Sentry.setContext('user', …) in the app, on this request's scope only.
    expect(event?.contexts?.user).toEqual({ id: 'user-7' });
  });

  it('reports a failed inventory call, and lands the app’s own Sentry.captureMessage on the trace', () => {
    const failed = eventsOf('/api/items/13/stock');
    expect(failed.map((event) => event.exception?.values?.[0]?.value)).toEqual([
      'inventory service answered 500 for item 13',
    ]);
    expect(failed[0]?.contexts?.user).toBeUndefined();

    const messages = eventsOf('/api/items/5/stock');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      level: 'info',
      message: 'Pour-over kettle is out of stock',
      transaction: 'GET /api/items/:id/stock',
      contexts: { user: { id: 'user-5' } },
    });
    expect(eventsOf('/api/items/999')).toEqual([]);
    expect(sink.sentry.events).toHaveLength(3);
  });

  it('writes log lines that carry the trace ID of their request', () => {
    const { traceId, spanId } = answers['/api/items/1']!;
    const ofTrace = lines.filter((line) => line.trace_id === traceId);
    expect(ofTrace.map((line) => line.msg)).toEqual(['item found', 'GET /api/items/:id 200']);
    expect(ofTrace[0]).toMatchObject({ span_id: spanId, service: 'express-api', env: 'test', item: '1' });

    const failed = lines.filter((line) => line.trace_id === answers['/error']?.traceId);
    const [event] = eventsOf('/error');
    expect(failed.find((line) => line.msg === 'request failed')?.sentry_event_id).toBe(event?.event_id);
    expect(failed.find((line) => line.msg === 'GET /error 500')?.level).toBe('error');
    expect(lines.some((line) => (line.http as { path?: string } | undefined)?.path === '/health')).toBe(
      false,
    );
  });
});
