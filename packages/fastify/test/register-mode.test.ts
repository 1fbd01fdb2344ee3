// The plugin as a service runs it: `node --import @tracewire/core/register app.mjs`.
// node:http is instrumented there, so the http instrumentation starts the server span
// and records the duration metric; the plugin has to name that span, not add another.
import { childProcessSuite, registerImport } from '@tracewire/testing/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packagesAreBuilt, startChildApp } from './helpers/child-app.ts';
import { httpRequest } from './helpers/http-request.ts';

describe.skipIf(!packagesAreBuilt)(
  'a Fastify service started with --import @tracewire/core/register (needs `pnpm build`: run the tests with `pnpm test`)',
  () => {
    const suite = childProcessSuite({ hooks: { beforeEach, afterEach }, startApp: startChildApp });

    // The spans under each request's server span: none by default, @fastify/otel's
    // `request` span when it is asked for.
    const setups: { setup: string; env: Record<string, string>; nested: object[] }[] = [
      { setup: 'by default', env: {}, nested: [] },
      {
        setup: 'with fastifyOtel: {}',
        env: { FASTIFY_OTEL: 'on' },
        nested: [{ scope: '@fastify/otel', name: 'request', kind: 'internal' }],
      },
    ];

    describe.each(['5', '4'])('Fastify %s', (major) => {
      it.each(setups)(
        '$setup: owns the server span, names it by route and records the metric once',
        async ({ env, nested }) => {
          const app = await suite.startApp('fastify-app.mjs', {
            nodeArgs: registerImport,
            env: {
              ...suite.sink.env,
              ...env,
              FASTIFY_MAJOR: major,
              OTEL_SERVICE_NAME: `fastify${major}-register`,
              TRACEWIRE_METRICS: 'otlp',
              TRACEWIRE_IGNORED_PATHS: '/healthz',
            },
          });
          const requests = 3;
          const responses = [];
          for (let index = 0; index < requests; index += 1) {
            responses.push(await httpRequest(`${app.url}/users/${40 + index}`));
          }
          const failed = await httpRequest(`${app.url}/boom/7`, {
            headers: { 'x-request-id': 'register-boom' },
          });
          const health = await httpRequest(`${app.url}/healthz`);
          expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
          expect(failed.status).toBe(500);
          expect(failed.json()).toMatchObject({
            statusCode: 500,
            error: 'Internal Server Error',
            message: 'boom 7',
          });
          expect(health.status).toBe(200);
          expect(health.headers.traceresponse).toBeUndefined();

          // Shutting down flushes spans and metrics.
          app.kill('SIGTERM');
          expect(await app.exited).toEqual({ code: null, signal: 'SIGTERM' });

          const { traceId, spanId } = responses[0]!.trace!;
          // The app has exited after flushing: the sink holds every span it exported.
          const spans = await suite.sink.waitFor((s) => {
            const found = s.spans.filter((span) => span.receiver === 'otlp' && span.traceId === traceId);
            return found.length >= 1 + nested.length ? found : undefined;
          });
          const server = spans.find((span) => span.kind === 'server');
          expect(server).toMatchObject({ spanId, name: 'GET /users/:id' });
          // The plugin owns the server span: the http instrumentation stepped aside for its server.
          expect(server?.scope.name).toBe('@tracewire/core');
          expect(server?.attributes['http.route']).toBe('/users/:id');
          expect(spans.filter((span) => span.kind === 'server')).toHaveLength(1);
          // No handler span even with @fastify/otel: at most its request span, under the server span.
          expect(
            spans
              .filter((span) => span.spanId !== spanId)
              .map((span) => ({
                scope: span.scope.name,
                name: span.name,
                kind: span.kind,
                parentSpanId: span.parentSpanId,
              })),
          ).toEqual(nested.map((span) => ({ ...span, parentSpanId: spanId })));

          const lines = app.lines().filter((line) => line.trace_id === traceId);
          expect(lines.map((line) => line.msg)).toEqual(
            expect.arrayContaining(['loading user', 'request completed', 'GET /users/:id 200']),
          );
          // The handler's line is written in the server span's context either way.
          expect(lines.find((line) => line.msg === 'loading user')?.span_id).toBe(spanId);
          // Fastify logs "incoming request" before any hook runs, so before the span starts:
          // that line has Fastify's reqId but neither the trace ID nor the request ID.
          const fastifyLines = lines.filter((line) => line.reqId !== undefined);
          expect(fastifyLines.map((line) => line.msg)).toEqual(['loading user', 'request completed']);
          expect(new Set(fastifyLines.map((line) => line.reqId)).size).toBe(1);
          for (const line of lines) {
            expect(line.request_id).toBe(responses[0]!.headers['x-request-id']);
          }

          const event = await suite.sink.waitFor((s) =>
            s.sentry.events.find((e) => e.tags?.request_id === 'register-boom'),
          );
          expect(event.transaction).toBe('GET /boom/:id');
          expect(event.contexts?.trace?.trace_id).toBe(failed.trace?.traceId);
          const failedSpan = suite.sink.spans.find((span) => span.spanId === failed.trace?.spanId);
          expect(failedSpan).toMatchObject({ name: 'GET /boom/:id', status: { code: 2 } });
          expect(failedSpan?.events.filter((spanEvent) => spanEvent.name === 'exception')).toHaveLength(1);
          expect(suite.sink.sentry.events.filter((e) => e.tags?.request_id === 'register-boom')).toHaveLength(
            1,
          );

          expect(
            suite.sink.spans.filter((span) =>
              String(span.attributes['url.path'] ?? '').startsWith('/healthz'),
            ),
          ).toEqual([]);

          const points = suite.sink.metrics.filter(
            (point) =>
              point.name === 'http.server.request.duration' &&
              point.attributes['http.route'] === '/users/:id',
          );
          // The plugin records it; the http instrumentation, stepped aside, does not.
          expect(new Set(points.map((point) => point.scope.name))).toEqual(new Set(['@tracewire/core']));
          const latest = points.reduce((last, point) =>
            BigInt(point.timeUnixNano) > BigInt(last.timeUnixNano) ? point : last,
          );
          expect(latest.count).toBe(requests);
        },
      );
    });
  },
);
