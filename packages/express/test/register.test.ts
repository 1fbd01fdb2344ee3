// The http-instrumented mode, in a child process as users run it: `node --import
// @tracewire/core/register app.mjs`, Express imported after tracewire initialised. The
// http instrumentation owns the server span and the duration metric; the adapter names
// them by route and reports errors. Needs the built packages (`pnpm test` builds first).
import { randomBytes } from 'node:crypto';
import { startTestSink, type TestSink } from '@tracewire/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildApp, type ChildExit, notBuiltReason, startChildApp } from './helpers/child-app.ts';
import { plainRequest, traceOf } from './helpers/telemetry-harness.ts';

const INSTRUMENTATION_HTTP = '@opentelemetry/instrumentation-http';

describe.skipIf(notBuiltReason)(`with --import @tracewire/core/register ${notBuiltReason}`, () => {
  describe.each([
    { major: 5, module: 'express' },
    { major: 4, module: 'express4' },
  ])('Express $major', ({ major, module }) => {
    let sink: TestSink;
    let app: ChildApp;
    const results = new Map<string, Awaited<ReturnType<typeof plainRequest>>>();
    const traceId = randomBytes(16).toString('hex');
    const parentSpanId = randomBytes(8).toString('hex');
    let exit: ChildExit;

    beforeAll(async () => {
      sink = await startTestSink();
      app = await startChildApp('express-app.mjs', {
        env: {
          ...sink.env,
          TRACEWIRE_METRICS: 'otlp',
          OTEL_SERVICE_NAME: `express${major}-register-test`,
          FIXTURE_EXPRESS: module,
        },
      });
      const requests: [string, string, Record<string, string>][] = [
        ['user', '/users/42', { 'x-request-id': 'child-user' }],
        ['nested', '/rest/users/7/posts/9', {}],
        ['boom', '/boom/3?token=hunter2', { 'x-request-id': 'child-boom' }],
        ['traceparent', '/users/tp', { traceparent: `00-${traceId}-${parentSpanId}-01` }],
        ['missing', '/no/such/route', {}],
        ['health', '/healthz', { 'x-request-id': 'child-health' }],
      ];
      for (const [name, path, headers] of requests)
        results.set(name, await plainRequest(`${app.url}${path}`, { headers }));
      // SIGTERM: tracewire flushes spans, metrics and Sentry events, then the app exits.
      exit = await app.stop();
    });

    afterAll(async () => {
      await sink?.close();
    });

    it('ends on SIGTERM after flushing, as without tracewire', () => {
      expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    });

    it('names the http instrumentation server span by route, once', async () => {
      const response = results.get('user')!;
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ id: '42', requestId: 'child-user' });
      expect(response.headers.get('x-request-id')).toBe('child-user');
      const { traceId: userTrace, spanId } = traceOf(response);
      const span = await sink.waitFor((s) => s.spans.find((candidate) => candidate.spanId === spanId));
      expect(span).toMatchObject({ name: 'GET /users/:id', kind: 'server', traceId: userTrace });
      expect(span.attributes['http.route']).toBe('/users/:id');
      expect(span.scope.name).toBe(INSTRUMENTATION_HTTP);
      // The adapter named the instrumentation's span; it did not start a second one.
      expect(
        sink.spans.filter((s) => s.traceId === userTrace && s.kind === 'server' && s.receiver === 'otlp'),
      ).toHaveLength(1);

      const lines = app.lines().filter((line) => line.request_id === 'child-user');
      expect(lines.map((line) => line.msg)).toEqual(['loading user', 'GET /users/:id 200']);
      for (const line of lines) expect(line.trace_id).toBe(userTrace);
    });

    it('gives the duration metric the route, one data point per request', async () => {
      const points = await sink.waitFor((s) => {
        const found = s.metrics.filter(
          (point) =>
            point.name === 'http.server.request.duration' && point.attributes['http.route'] === '/users/:id',
        );
        return found.length > 0 ? found : undefined;
      });
      // '/users/42' and '/users/tp': two requests on the route, counted once each. The
      // first request on the server is the instrumentation's; after it the instrumentation
      // steps aside and the adapter records the metric.
      const newestCount = (scope: string) =>
        Math.max(0, ...points.filter((point) => point.scope.name === scope).map((point) => point.count ?? 0));
      expect(newestCount(INSTRUMENTATION_HTTP)).toBe(1);
      expect(newestCount('@tracewire/core')).toBe(1);
      for (const point of sink.metrics.filter((p) => p.name === 'http.server.request.duration')) {
        expect(String(point.attributes['http.route'] ?? '')).not.toMatch(/\d|tp|such/);
      }
    });

    it('owns the server span after the first request, with the same name and attributes', async () => {
      const { traceId: continued, spanId } = traceOf(results.get('traceparent')!);
      const span = await sink.waitFor((s) => s.spans.find((candidate) => candidate.spanId === spanId));
      expect(span.scope.name).toBe('@tracewire/core');
      expect(span).toMatchObject({ name: 'GET /users/:id', kind: 'server', traceId: continued });
      expect(span.attributes).toMatchObject({
        'http.route': '/users/:id',
        'http.request.method': 'GET',
        'http.response.status_code': 200,
        'url.path': '/users/tp',
        'url.scheme': 'http',
        'server.address': '127.0.0.1',
        'network.protocol.version': '1.1',
      });
      expect(
        sink.spans.filter((s) => s.traceId === continued && s.kind === 'server' && s.receiver === 'otlp'),
      ).toHaveLength(1);
    });

    it('names nested routes by their full template', async () => {
      const { spanId } = traceOf(results.get('nested')!);
      const span = await sink.waitFor((s) => s.spans.find((candidate) => candidate.spanId === spanId));
      expect(span.name).toBe('GET /rest/users/:id/posts/:post');
    });

    it('captures a thrown error once, named by route, in the span trace', async () => {
      const response = results.get('boom')!;
      expect(response.status).toBe(500);
      expect(response.body).toContain('fixture boom');
      const { traceId: boomTrace, spanId } = traceOf(response);
      const events = sink.sentry.events.filter((event) => event.tags?.request_id === 'child-boom');
      expect(events).toHaveLength(1);
      expect(events[0]?.transaction).toBe('GET /boom/:id');
      expect(events[0]?.contexts?.trace?.trace_id).toBe(boomTrace);
      expect(events[0]?.request?.url).toContain('token=%5BFiltered%5D');
      const span = await sink.waitFor((s) => s.spans.find((candidate) => candidate.spanId === spanId));
      expect(span.status.code).toBe(2);
      expect(span.name).toBe('GET /boom/:id');
    });

    it('continues an incoming traceparent', async () => {
      const { traceId: continued, spanId } = traceOf(results.get('traceparent')!);
      expect(continued).toBe(traceId);
      const span = await sink.waitFor((s) => s.spans.find((candidate) => candidate.spanId === spanId));
      expect(span.parentSpanId).toBe(parentSpanId);
    });

    it('names an unmatched request by method only and ignores health checks', () => {
      const { spanId } = traceOf(results.get('missing')!);
      expect(sink.spans.find((span) => span.spanId === spanId)?.name).toBe('GET');
      expect(results.get('health')?.headers.get('traceresponse')).toBeNull();
      expect(app.lines().filter((line) => line.request_id === 'child-health')).toEqual([]);
      expect(sink.spans.filter((span) => span.attributes['url.path'] === '/healthz')).toEqual([]);
    });
  });
});
