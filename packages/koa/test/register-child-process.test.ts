// The adapter as services run it: `node --import @tracewire/core/register app.mjs`.
// Koa and node:http load after the hooks, so the http instrumentation owns the server
// span and the duration metric; the middleware must name both by route, without a
// second span or a second data point.
import { startTestSink, type TestSink } from '@tracewire/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ChildApp, missingBuild, startChildApp } from './helpers/child-app.ts';
import { parseTraceResponse } from './helpers/listen.ts';

const notBuilt = missingBuild();
if (notBuilt) console.warn(`skipping the --import child-process tests: ${notBuilt}`);

describe.skipIf(notBuilt !== undefined).each([['koa'], ['koa2']])(
  '%s started with --import @tracewire/core/register',
  (fixtureKoa) => {
    let sink: TestSink;
    let app: ChildApp | undefined;

    beforeEach(async () => {
      sink = await startTestSink();
    });

    afterEach(async () => {
      await app?.stop();
      app = undefined;
      await sink.close();
    });

    const start = () =>
      startChildApp('koa-app.mjs', {
        env: {
          ...sink.env,
          FIXTURE_KOA: fixtureKoa,
          OTEL_SERVICE_NAME: `fixture-${fixtureKoa}`,
          TRACEWIRE_METRICS: 'otlp',
        },
      });

    it('names the server span and its metric by route, once per request; the adapter owns them after the first', async () => {
      app = await start();
      const requests = 3;
      const responses = [];
      for (let index = 0; index < requests; index += 1) {
        const response = await fetch(`${app.url}/users/${40 + index}`, {
          headers: { 'x-request-id': `child-${fixtureKoa}-${index}` },
        });
        expect(response.status).toBe(200);
        await response.text();
        responses.push(parseTraceResponse(response.headers.get('traceresponse')));
      }
      const prefixed = await fetch(`${app.url}/v2/users/5`);
      expect(await prefixed.text()).toBe('5');
      const health = await fetch(`${app.url}/healthz`);
      expect(await health.text()).toBe('ok');
      const lines = () => app!.lines();
      // SIGTERM makes tracewire flush spans and metrics before the process ends.
      expect(await app.stop()).toEqual({ code: null, signal: 'SIGTERM' });

      const { traceId, spanId } = responses[0]!;
      // Spans also reach Sentry's OTLP endpoint; count the OTLP copies.
      const serverSpans = sink.spans.filter((span) => span.kind === 'server' && span.receiver === 'otlp');
      const spans = serverSpans.filter((span) => span.traceId === traceId);
      expect(spans.map((span) => [span.name, span.scope.name, span.spanId])).toEqual([
        ['GET /users/:id', '@opentelemetry/instrumentation-http', spanId],
      ]);
      expect(spans[0]?.attributes['http.route']).toBe('/users/:id');
      // The instrumentation stepped aside for this server after the adapter's first
      // request: later requests have the adapter's span, and only that one.
      for (const later of responses.slice(1)) {
        const laterSpans = serverSpans.filter((span) => span.traceId === later.traceId);
        expect(laterSpans.map((span) => [span.name, span.scope.name, span.spanId])).toEqual([
          ['GET /users/:id', '@tracewire/core', later.spanId],
        ]);
        expect(laterSpans[0]?.attributes).toMatchObject({
          'http.route': '/users/:id',
          'http.request.method': 'GET',
          'http.response.status_code': 200,
          'url.path': expect.stringMatching(/^\/users\/4\d$/),
          'server.address': '127.0.0.1',
          'network.protocol.version': '1.1',
        });
      }
      expect(serverSpans.find((span) => span.attributes['http.route'] === '/v2/users/:id')?.name).toBe(
        'GET /v2/users/:id',
      );
      // Four routed requests, four server spans: /healthz has none.
      expect(serverSpans.map((span) => span.name).sort()).toEqual([
        'GET /users/:id',
        'GET /users/:id',
        'GET /users/:id',
        'GET /v2/users/:id',
      ]);

      const appLine = lines().find(
        (line) => line.msg === 'loading user' && line.request_id === `child-${fixtureKoa}-0`,
      );
      expect(appLine).toMatchObject({ trace_id: traceId, span_id: spanId });
      const access = lines().filter(
        (line) => line.request_id === `child-${fixtureKoa}-0` && line.duration_ms !== undefined,
      );
      expect(access).toHaveLength(1);
      expect(access[0]).toMatchObject({ trace_id: traceId, http: { route: '/users/:id', status_code: 200 } });
      expect(
        lines().filter(
          (line) =>
            line.duration_ms !== undefined &&
            line.http &&
            (line.http as { path?: string }).path === '/healthz',
        ),
      ).toEqual([]);

      // Cumulative histograms: the newest point of the series holds every request.
      const points = sink.metrics.filter(
        (point) =>
          point.name === 'http.server.request.duration' && point.attributes['http.route'] === '/users/:id',
      );
      // The first request's data point comes from the instrumentation, the rest from the
      // adapter: every request is counted once.
      expect(new Set(points.map((point) => point.scope.name))).toEqual(
        new Set(['@opentelemetry/instrumentation-http', '@tracewire/core']),
      );
      const newestCount = (scope: string) =>
        points
          .filter((point) => point.scope.name === scope)
          .reduce((latest, point) =>
            BigInt(point.timeUnixNano) > BigInt(latest.timeUnixNano) ? point : latest,
          ).count;
      expect(newestCount('@opentelemetry/instrumentation-http')).toBe(1);
      expect(newestCount('@tracewire/core')).toBe(requests - 1);
    });

    it.each([
      ['ctx.throw(500)', 'throw'],
      ['ctx.log.error({ err }) and a throw', 'log-first'],
    ])('sends one Sentry event for %s, named by route, on the span trace', async (_label, mode) => {
      app = await start();
      const response = await fetch(`${app.url}/boom/7?mode=${mode}`, {
        headers: { 'x-request-id': `boom-${mode}` },
      });
      expect(response.status).toBe(500);
      expect(await response.text()).toBe('Internal Server Error');
      expect(response.headers.get('x-request-id')).toBe(`boom-${mode}`);
      const { traceId, spanId } = parseTraceResponse(response.headers.get('traceresponse'));
      expect(await app.stop()).toEqual({ code: null, signal: 'SIGTERM' });

      const events = sink.sentry.events.filter((event) => event.contexts?.trace?.trace_id === traceId);
      expect(events).toHaveLength(1);
      expect(events[0]?.transaction).toBe('GET /boom/:id');
      expect(events[0]?.tags?.request_id).toBe(`boom-${mode}`);
      expect(sink.sentry.events).toHaveLength(1);
      const span = sink.spans.find(
        (candidate) => candidate.spanId === spanId && candidate.receiver === 'otlp',
      );
      expect(span?.name).toBe('GET /boom/:id');
      expect(span?.status.code).toBe(2);
    });
  },
);
