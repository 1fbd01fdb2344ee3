// The plugin on real Fastify 4 and 5 servers on 127.0.0.1, tracewire initialised once in
// this process and exporting to a local sink. Fastify's `http` was loaded before tracewire
// initialised, so the observer starts the server span itself (see the child-process test
// for the http-instrumented mode).
import { once } from 'node:events';
import http from 'node:http';
import { initObservability, type ObservabilityHandle } from '@tracewire/core';
import type { ReceivedSpan, TestSink } from '@tracewire/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpResponse, httpRequest } from './helpers/http-request.ts';
import { memoryDestination, startTracedSink, type TracedSink } from '@tracewire/testing/fixtures';
import { type FastifyMajor, startTestApp, type TestApp } from './helpers/test-app.ts';

type Event = TestSink['sentry']['events'][number];

let sink: TestSink;
let handle: ObservabilityHandle;
let traced: TracedSink<ObservabilityHandle>;
const logs = memoryDestination();
const apps = new Map<FastifyMajor, TestApp>();
// The same app with @fastify/otel asked for.
const fastifyOtelApps = new Map<FastifyMajor, TestApp>();

beforeAll(async () => {
  traced = await startTracedSink({ init: initObservability, serviceName: 'fastify-plugin-test', logs });
  ({ sink, handle } = traced);
  for (const major of [5, 4] as const) {
    apps.set(major, await startTestApp(handle, { major, fastifyLogger: true, label: `${major}-default` }));
    fastifyOtelApps.set(
      major,
      await startTestApp(handle, {
        major,
        fastifyLogger: true,
        plugin: { fastifyOtel: {} },
        label: `${major}-fastify-otel`,
      }),
    );
  }
});

afterAll(async () => {
  for (const app of [...apps.values(), ...fastifyOtelApps.values()]) await app.close();
  await traced.close();
});

let requestCounter = 0;
/** A request ID unique to this test run, so log lines and events are found by it. */
function nextRequestId(label: string): string {
  requestCounter += 1;
  return `${label}-${requestCounter}`;
}

function linesFor(requestId: string): Record<string, unknown>[] {
  return logs.lines.filter((line) => line.request_id === requestId);
}

function accessLineFor(requestId: string): Record<string, unknown> | undefined {
  return linesFor(requestId).find((line) => line.duration_ms !== undefined);
}

async function spanWithId(spanId: string): Promise<ReceivedSpan> {
  await handle.flush();
  return sink.waitFor((s) => s.spans.find((span) => span.receiver === 'otlp' && span.spanId === spanId));
}

async function spansOfTrace(traceId: string, count: number): Promise<ReceivedSpan[]> {
  await handle.flush();
  return sink.waitFor((s) => {
    const found = s.spans.filter((span) => span.receiver === 'otlp' && span.traceId === traceId);
    return found.length >= count ? found : undefined;
  });
}

async function eventsFor(requestId: string): Promise<Event[]> {
  await handle.flush();
  return sink.waitFor((s) => {
    const found = s.sentry.events.filter((event) => event.tags?.request_id === requestId);
    return found.length > 0 ? found : undefined;
  });
}

/**
 * Events that arrived for a request that must have none: a later request's event is
 * awaited first, so anything sent before it (Sentry keeps order) has arrived too.
 */
async function noEventsFor(app: TestApp, requestId: string): Promise<Event[]> {
  const marker = nextRequestId('marker');
  // A message of its own: Sentry's dedupe drops an event identical to the one before.
  await httpRequest(`${app.url}/boom/${marker}`, { headers: { 'x-request-id': marker } });
  await eventsFor(marker);
  return sink.sentry.events.filter((event) => event.tags?.request_id === requestId);
}

function traceOf(response: HttpResponse): { traceId: string; spanId: string } {
  expect(response.trace, 'traceresponse header').toBeDefined();
  return response.trace!;
}

describe.each([5, 4] as const)('Fastify %i', (major) => {
  const app = () => apps.get(major)!;

  it('exports one span per request by default: the server span, named by route, with the logs in its trace', async () => {
    const requestId = nextRequestId('one-span');
    const response = await httpRequest(`${app().url}/users/44`, { headers: { 'x-request-id': requestId } });
    expect(response.status).toBe(200);
    const { traceId, spanId } = traceOf(response);
    expect(app().app.hasPlugin('@fastify/otel')).toBe(false);
    // Everything the request ended is exported by the time flush() returns.
    const spans = await spansOfTrace(traceId, 1);
    expect(spans.map((span) => ({ spanId: span.spanId, name: span.name, kind: span.kind }))).toEqual([
      { spanId, name: 'GET /users/:id', kind: 'server' },
    ]);
    expect(spans[0]?.scope.name).toBe('@tracewire/core');
    expect(spans[0]?.attributes['http.route']).toBe('/users/:id');
    const lines = linesFor(requestId);
    expect(lines.map((line) => line.msg)).toEqual(['loading user', 'GET /users/:id 200']);
    for (const line of lines) expect(line).toMatchObject({ trace_id: traceId, span_id: spanId });
  });

  it('with fastifyOtel: {}, puts @fastify/otel spans in the same trace under the server span, in tracewire’s tracer provider', async () => {
    const otelApp = fastifyOtelApps.get(major)!;
    expect(otelApp.app.hasPlugin('@fastify/otel')).toBe(true);
    const response = await httpRequest(`${otelApp.url}/users/43`);
    const { traceId, spanId } = traceOf(response);
    const spans = await spansOfTrace(traceId, 2);
    const request = spans.find((span) => span.scope.name === '@fastify/otel' && span.name === 'request');
    expect(request).toMatchObject({ kind: 'internal', parentSpanId: spanId });
    expect(request?.attributes['http.route']).toBe('/users/:id');
    // Same resource as tracewire's own spans: exported by tracewire's SDK, not another one.
    expect(request?.resource['service.name']).toBe('fastify-plugin-test');
    // Exactly one server span per request.
    expect(spans.filter((span) => span.kind === 'server').map((span) => span.spanId)).toEqual([spanId]);
    // No handler span and no span per lifecycle hook by default.
    expect(spans).toHaveLength(2);
    // Without a handler span, the app's log line is written in the server span's context.
    const line = logs.lines.find(
      (candidate) => candidate.trace_id === traceId && candidate.msg === 'loading user',
    );
    expect(line?.span_id).toBe(spanId);
  });

  // Everything else holds with and without @fastify/otel.
  // `traceEnd` ends the incoming trace IDs: tracewire drops an error event that repeats
  // its trace's previous one, and both setups throw the same error from the same code.
  describe.each([
    { setup: 'by default', tag: 'default', traceEnd: '00', setupApps: apps },
    { setup: 'with fastifyOtel: {}', tag: 'fastify-otel', traceEnd: '01', setupApps: fastifyOtelApps },
  ])('$setup', ({ tag, traceEnd, setupApps }) => {
    const app = () => setupApps.get(major)!;

    it('names the server span by route, correlates the logs and records the duration metric', async () => {
      const requestId = nextRequestId('users');
      const response = await httpRequest(`${app().url}/users/42?tab=profile`, {
        headers: { 'x-request-id': requestId },
      });
      expect(response.status).toBe(200);
      expect(response.json()).toEqual({ id: '42' });
      expect(response.headers['x-request-id']).toBe(requestId);
      const { traceId, spanId } = traceOf(response);

      const span = await spanWithId(spanId);
      expect(span).toMatchObject({ name: 'GET /users/:id', kind: 'server', traceId });
      expect(span.attributes['http.route']).toBe('/users/:id');
      expect(span.attributes['http.response.status_code']).toBe(200);

      const appLine = linesFor(requestId).find((line) => line.msg === 'loading user');
      expect(appLine).toMatchObject({ trace_id: traceId, user: '42', level: 'info' });
      // Fastify's own request logger, made tracewire's: it keeps Fastify's reqId.
      expect(appLine?.reqId).toEqual(expect.any(String));
      expect(accessLineFor(requestId)).toMatchObject({
        trace_id: traceId,
        span_id: spanId,
        http: { method: 'GET', route: '/users/:id', path: '/users/42', status_code: 200 },
      });

      const point = await sink.waitFor((s) =>
        s.metrics.find(
          (candidate) =>
            candidate.name === 'http.server.request.duration' &&
            candidate.attributes['http.route'] === '/users/:id',
        ),
      );
      expect(point).toMatchObject({ type: 'histogram', unit: 's' });
      expect(point.attributes).toMatchObject({
        'http.request.method': 'GET',
        'http.response.status_code': 200,
      });
    });

    it('includes the register() prefix in the route', async () => {
      const requestId = nextRequestId('prefixed');
      const response = await httpRequest(`${app().url}/v2/users/7`, {
        headers: { 'x-request-id': requestId },
      });
      expect(response.json()).toEqual({ id: '7', version: 2 });
      const span = await spanWithId(traceOf(response).spanId);
      expect(span.name).toBe('GET /v2/users/:id');
      expect(span.attributes['http.route']).toBe('/v2/users/:id');
      expect(linesFor(requestId).find((line) => line.msg === 'loading user (v2)')?.trace_id).toBe(
        span.traceId,
      );
      expect(accessLineFor(requestId)?.http).toMatchObject({ route: '/v2/users/:id' });
      await sink.waitFor((s) =>
        s.metrics.find(
          (point) =>
            point.name === 'http.server.request.duration' &&
            point.attributes['http.route'] === '/v2/users/:id',
        ),
      );
    });

    it('records http.server.request.duration exactly once per request', async () => {
      const route = `/count${major}-${tag}/:id`;
      const requests = 7;
      for (let index = 0; index < requests; index += 1) {
        expect((await httpRequest(`${app().url}/count${major}-${tag}/${index}`)).status).toBe(200);
      }
      await handle.flush();
      const points = await sink.waitFor((s) => {
        const found = s.metrics.filter(
          (point) =>
            point.name === 'http.server.request.duration' && point.attributes['http.route'] === route,
        );
        return found.length > 0 ? found : undefined;
      });
      // One instrument records it: the observer, which owns the server span here.
      expect(new Set(points.map((point) => point.scope.name))).toEqual(new Set(['@tracewire/core']));
      const latest = points.reduce((last, point) =>
        BigInt(point.timeUnixNano) > BigInt(last.timeUnixNano) ? point : last,
      );
      const count =
        latest.temporality === 'cumulative'
          ? latest.count
          : points.reduce((total, point) => total + (point.count ?? 0), 0);
      expect(count).toBe(requests);
    });

    it('never uses a raw URL as span name or metric label: a 404 is named by its method', async () => {
      const requestId = nextRequestId('not-found');
      const response = await httpRequest(`${app().url}/nowhere/1234`, {
        headers: { 'x-request-id': requestId },
      });
      expect(response.status).toBe(404);
      const span = await spanWithId(traceOf(response).spanId);
      expect(span.name).toBe('GET');
      expect(span.attributes['http.route']).toBeUndefined();
      expect(accessLineFor(requestId)?.http).toEqual({
        method: 'GET',
        path: '/nowhere/1234',
        status_code: 404,
      });
      await handle.flush();
      const durations = sink.metrics.filter((point) => point.name === 'http.server.request.duration');
      expect(
        durations.filter((point) => point.attributes['http.route'] === undefined).length,
      ).toBeGreaterThan(0);
      for (const point of durations)
        expect(String(point.attributes['http.route'] ?? '')).not.toContain('nowhere');
      for (const candidate of sink.spans) expect(candidate.name).not.toContain('nowhere');
      expect(await noEventsFor(app(), requestId)).toEqual([]);
    });

    it.each([
      ['a thrown error', 'boom', 'boom'],
      ['a rejected async handler', 'async-boom', 'async boom'],
      ['reply.send(error)', 'send-error', 'sent error'],
      ['reply.code(500).send(error)', 'code-500', 'code 500'],
      ['an error the app logged before throwing', 'logged-boom', 'logged boom'],
    ])(
      'captures %s once in Sentry, named by route, with the span’s trace ID',
      async (_label, path, message) => {
        const requestId = nextRequestId(path);
        const response = await httpRequest(`${app().url}/${path}/7?token=hunter2`, {
          headers: {
            'x-request-id': requestId,
            authorization: 'Bearer secret-canary',
            cookie: 'session=secret-canary',
            'user-agent': 'fastify-test',
          },
        });
        // Fastify's usual error response still goes out.
        expect(response.status).toBe(500);
        expect(response.json()).toEqual({
          statusCode: 500,
          error: 'Internal Server Error',
          message: `${message} 7`,
        });
        const { traceId, spanId } = traceOf(response);

        const events = await eventsFor(requestId);
        const event = events[0]!;
        expect(event.transaction).toBe(`GET /${path}/:id`);
        expect(event.contexts?.trace?.trace_id).toBe(traceId);
        expect(event.exception?.values?.[0]?.value).toBe(`${message} 7`);
        expect(event.tags).toMatchObject({ request_id: requestId });

        const span = await spanWithId(spanId);
        expect(span.status.code).toBe(2);
        expect(span.events.filter((spanEvent) => spanEvent.name === 'exception')).toHaveLength(1);
        expect(accessLineFor(requestId)).toMatchObject({ level: 'error', http: { status_code: 500 } });

        // Still one event once everything sent before a later request's event has arrived.
        expect(await noEventsFor(app(), 'none')).toEqual([]);
        expect(
          sink.sentry.events.filter((candidate) => candidate.tags?.request_id === requestId),
        ).toHaveLength(1);
        if (path !== 'logged-boom') {
          // Captured by the plugin: the full request context.
          expect(event.tags).toMatchObject({ 'http.status_code': '500', 'http.method': 'GET' });
          expect(event.request?.url).toContain('token=%5BFiltered%5D');
          expect(event.request?.headers?.['user-agent']).toBe('fastify-test');
          expect(event.request?.headers?.authorization).toBeUndefined();
          expect(event.request?.headers?.cookie).toBeUndefined();
        }
        expect(sink.grep('secret-canary')).toEqual([]);
        expect(sink.grep('hunter2')).toEqual([]);
      },
    );

    it('lets the app’s setErrorHandler answer, and reports the status it chose', async () => {
      const failing = nextRequestId('handled-fail');
      const unavailable = await httpRequest(`${app().url}/handled/fail/3`, {
        headers: { 'x-request-id': failing },
      });
      expect(unavailable.status).toBe(503);
      expect(unavailable.json()).toEqual({ handled: 'unavailable' });
      expect(app().handledErrors).toContain(failing);
      const [event] = await eventsFor(failing);
      expect(event).toMatchObject({ transaction: 'GET /handled/fail/:id' });
      expect(event?.tags?.['http.status_code']).toBe('503');

      // The same kind of error mapped to a 404 by the app's handler is not a failure.
      const missing = nextRequestId('handled-missing');
      const notFound = await httpRequest(`${app().url}/handled/missing/4`, {
        headers: { 'x-request-id': missing },
      });
      expect(notFound.status).toBe(404);
      expect(app().handledErrors).toContain(missing);
      expect(await noEventsFor(app(), missing)).toEqual([]);
      const span = await spanWithId(traceOf(notFound).spanId);
      expect(span.status.code).toBe(0);
    });

    it('sends no Sentry event for a 4xx (thrown 400, schema validation, 404)', async () => {
      const badRequest = nextRequestId('bad-request');
      const thrown = await httpRequest(`${app().url}/bad-request/1`, {
        headers: { 'x-request-id': badRequest },
      });
      expect(thrown.status).toBe(400);
      const invalid = nextRequestId('invalid');
      const validation = await httpRequest(`${app().url}/validated?n=abc`, {
        headers: { 'x-request-id': invalid },
      });
      expect(validation.status).toBe(400);
      expect(await noEventsFor(app(), badRequest)).toEqual([]);
      expect(sink.sentry.events.filter((event) => event.tags?.request_id === invalid)).toEqual([]);
      const span = await spanWithId(traceOf(thrown).spanId);
      expect(span.name).toBe('GET /bad-request/:id');
      expect(span.status.code).toBe(0);
      expect(accessLineFor(invalid)?.http).toMatchObject({ route: '/validated', status_code: 400 });
    });

    it('leaves ignored paths alone: no span, no log line, no metric', async () => {
      const requestId = nextRequestId('healthz');
      const response = await httpRequest(`${app().url}/healthz`, { headers: { 'x-request-id': requestId } });
      expect(response.status).toBe(200);
      expect(response.headers.traceresponse).toBeUndefined();
      // A later request's spans are exported after anything /healthz might have produced.
      const later = await httpRequest(`${app().url}/users/1`);
      await spanWithId(traceOf(later).spanId);
      expect(sink.spans.filter((span) => span.attributes['url.path'] === '/healthz')).toEqual([]);
      expect(linesFor(requestId)).toEqual([]);
      expect(logs.lines.filter((line) => (line.http as { path?: string })?.path === '/healthz')).toEqual([]);
      expect(
        sink.metrics.filter((point) => String(point.attributes['http.route'] ?? '').includes('healthz')),
      ).toEqual([]);
    });

    it('keeps every log line of 500 concurrent requests in its own trace', async () => {
      const count = 500;
      const responses = await Promise.all(
        Array.from({ length: count }, (_, index) =>
          httpRequest(`${app().url}/slow/${index}`, {
            headers: { 'x-request-id': `concurrent-${major}-${tag}-${index}` },
          }),
        ),
      );
      const traceIds = new Set<string>();
      responses.forEach((response, index) => {
        expect(response.status).toBe(200);
        expect(response.headers['x-request-id']).toBe(`concurrent-${major}-${tag}-${index}`);
        const { traceId } = traceOf(response);
        traceIds.add(traceId);
        const lines = linesFor(`concurrent-${major}-${tag}-${index}`);
        expect(lines.map((line) => line.msg).sort()).toEqual(['GET /slow/:id 200', 'slow request']);
        for (const line of lines) expect(line.trace_id).toBe(traceId);
        expect(lines.find((line) => line.msg === 'slow request')?.slow).toBe(String(index));
      });
      expect(traceIds.size).toBe(count);
    });

    it('keeps the trace context across a request body that arrives in pieces', async () => {
      const requestId = nextRequestId('post');
      const response = await httpRequest(`${app().url}/users/9`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': requestId },
        body: JSON.stringify({ name: 'x'.repeat(256 * 1024) }),
      });
      expect(response.status).toBe(200);
      const { traceId } = traceOf(response);
      const line = linesFor(requestId).find((candidate) => candidate.msg === 'saving user');
      expect(line?.trace_id).toBe(traceId);
      expect(accessLineFor(requestId)?.http).toMatchObject({ method: 'POST', route: '/users/:id' });
    });

    it('ends the span and logs the request when the client goes away before the response', async () => {
      const requestId = nextRequestId('aborted');
      const started = once(app().stalls, 'started');
      const closed = once(app().stalls, 'closed');
      const client = http.request(`${app().url}/stall/1`, { headers: { 'x-request-id': requestId } });
      client.on('error', () => {});
      client.end();
      await started;
      client.destroy();
      await closed;
      const access = accessLineFor(requestId);
      expect(access).toMatchObject({ http: { route: '/stall/:id', status_code: 499 } });
      await handle.flush();
      const span = await sink.waitFor((s) =>
        s.spans.find(
          (candidate) =>
            candidate.receiver === 'otlp' &&
            candidate.kind === 'server' &&
            candidate.traceId === access?.trace_id,
        ),
      );
      expect(span.name).toBe('GET /stall/:id');
      expect(span.attributes['http.response.status_code']).toBe(499);
    });

    describe('incoming trace context', () => {
      it('continues an incoming traceparent', async () => {
        const traceId = `0af7651916cd43dd8448eb211c8031${traceEnd}`;
        const parentId = 'b7ad6b7169203331';
        const response = await httpRequest(`${app().url}/users/5`, {
          headers: { traceparent: `00-${traceId}-${parentId}-01` },
        });
        const trace = traceOf(response);
        expect(trace.traceId).toBe(traceId);
        const span = await spanWithId(trace.spanId);
        expect(span).toMatchObject({ traceId, parentSpanId: parentId, name: 'GET /users/:id' });
      });

      it('continues an incoming sentry-trace when there is no traceparent', async () => {
        const traceId = `771a43a4192642f0b136d5159a5017${traceEnd}`;
        const parentId = '9d7b0e0f6a3c4b21';
        const requestId = nextRequestId('sentry-trace');
        const response = await httpRequest(`${app().url}/boom/8`, {
          headers: { 'sentry-trace': `${traceId}-${parentId}-1`, 'x-request-id': requestId },
        });
        const trace = traceOf(response);
        expect(trace.traceId).toBe(traceId);
        const span = await spanWithId(trace.spanId);
        expect(span).toMatchObject({ traceId, parentSpanId: parentId });
        const [event] = await eventsFor(requestId);
        expect(event?.contexts?.trace?.trace_id).toBe(traceId);
      });

      it.each([
        ['a malformed traceparent', { traceparent: '00-not-a-trace-01' }],
        ['an all-zero traceparent', { traceparent: `00-${'0'.repeat(32)}-${'0'.repeat(16)}-01` }],
        ['a malformed sentry-trace', { 'sentry-trace': 'zzzz-1' }],
        ['a malformed request ID', { 'x-request-id': 'bad id with spaces and \u00e9' }],
      ])('starts a new trace on %s and answers normally', async (_label, headers) => {
        const response = await httpRequest(`${app().url}/users/6`, {
          headers: Object.fromEntries(
            Object.entries(headers).map(([name, value]) => [name, encodeURI(value)]),
          ),
        });
        expect(response.status).toBe(200);
        const trace = traceOf(response);
        expect(trace.traceId).toMatch(/^[0-9a-f]{32}$/);
        expect(trace.traceId).not.toBe('0'.repeat(32));
        const span = await spanWithId(trace.spanId);
        expect(span.parentSpanId).toBeUndefined();
        expect(response.headers['x-request-id']).toMatch(/^[A-Za-z0-9._:\-/+=]+$/);
      });
    });
  });
});
