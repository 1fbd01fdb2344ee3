// The plugin's options and its contract as a Fastify plugin, driven with inject() where a
// socket adds nothing. One tracewire initialisation for the file, exporting to a sink.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { initObservability, type ObservabilityHandle } from '@tracewire/core';
import type { TestSink } from '@tracewire/testing';
import type { FastifyInstance } from 'fastify';
import Fastify5 from 'fastify';
import Fastify4 from 'fastify4';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FastifyObservabilityOptions, observability } from '../src/index.ts';
import { memoryDestination, startTracedSink, type TracedSink } from '@tracewire/testing/fixtures';

let sink: TestSink;
let handle: ObservabilityHandle;
let traced: TracedSink<ObservabilityHandle>;
const logs = memoryDestination();
const openApps: FastifyInstance[] = [];

beforeAll(async () => {
  traced = await startTracedSink({ init: initObservability, serviceName: 'fastify-options-test', logs });
  ({ sink, handle } = traced);
});

afterEach(async () => {
  for (const app of openApps.splice(0)) await app.close();
});

afterAll(async () => {
  await traced.close();
});

const factories = { 5: Fastify5, 4: Fastify4 } as unknown as Record<
  4 | 5,
  (options?: Record<string, unknown>) => FastifyInstance
>;

async function appWith(
  major: 4 | 5,
  plugin: FastifyObservabilityOptions,
  fastifyOptions: Record<string, unknown> = {},
): Promise<FastifyInstance> {
  const app = factories[major](fastifyOptions);
  openApps.push(app);
  await app.register(observability, { handle, ...plugin });
  app.get<{ Params: { id: string } }>('/items/:id', async (request) => {
    request.log.info({ item: request.params.id }, 'reading item');
    return { id: request.params.id };
  });
  app.get('/teapot', async () => {
    throw Object.assign(new Error('short and stout'), { statusCode: 418 });
  });
  app.get<{ Params: { id: string } }>('/fail/:id', async (request) => {
    throw new Error(`failure ${request.params.id}`);
  });
  return app;
}

function traceIdOf(header: unknown): string {
  expect(header).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  return String(header).split('-')[1]!;
}

describe.each([5, 4] as const)('Fastify %i', (major) => {
  it('makes request.log tracewire’s logger when Fastify has no logger of its own', async () => {
    const app = await appWith(major, {});
    const response = await app.inject({ url: '/items/3', headers: { 'x-request-id': `no-logger-${major}` } });
    expect(response.statusCode).toBe(200);
    const traceId = traceIdOf(response.headers.traceresponse);
    const lines = logs.lines.filter((line) => line.request_id === `no-logger-${major}`);
    expect(lines.map((line) => line.msg)).toEqual(['reading item', 'GET /items/:id 200']);
    for (const line of lines)
      expect(line).toMatchObject({ trace_id: traceId, service: 'fastify-options-test' });
  });

  it('routes Fastify’s own request lines through tracewire with the request ID when given its logger', async () => {
    const loggerOption = major === 5 ? { loggerInstance: handle.logger } : { logger: handle.logger };
    const app = await appWith(major, {}, loggerOption);
    const requestId = `fastify-lines-${major}`;
    const response = await app.inject({ url: '/fail/1', headers: { 'x-request-id': requestId } });
    expect(response.statusCode).toBe(500);
    const lines = logs.lines.filter((line) => line.request_id === requestId);
    // The default error handler's line and "request completed" come from Fastify itself.
    expect(lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['failure 1', 'request completed', 'GET /fail/:id 500']),
    );
    const traceId = traceIdOf(response.headers.traceresponse);
    // Including "request completed", which Fastify logs from the response's finish event.
    for (const line of lines) expect(line, String(line.msg)).toMatchObject({ trace_id: traceId });
    // Fastify's req serializer, not the whole request object.
    expect(Object.keys(lines.find((line) => line.msg === 'request completed')?.res as object)).toEqual([
      'statusCode',
    ]);
  });

  it('honours Fastify’s disableRequestLogging with tracewire’s logger', async () => {
    const loggerOption = major === 5 ? { loggerInstance: handle.logger } : { logger: handle.logger };
    const app = await appWith(major, {}, { ...loggerOption, disableRequestLogging: true });
    const requestId = `quiet-${major}`;
    await app.inject({ url: '/items/1', headers: { 'x-request-id': requestId } });
    const lines = logs.lines.filter((line) => line.request_id === requestId);
    expect(lines.map((line) => line.msg)).toEqual(['reading item', 'GET /items/:id 200']);
  });

  it('leaves out the traceresponse header when asked to', async () => {
    const app = await appWith(major, { traceResponseHeader: false });
    const response = await app.inject({ url: '/items/4' });
    expect(response.statusCode).toBe(200);
    expect(response.headers.traceresponse).toBeUndefined();
    expect(response.headers['x-request-id']).toEqual(expect.any(String));
  });

  it('reads and echoes the request ID in a header of the app’s choosing', async () => {
    const app = await appWith(major, { requestIdHeader: 'X-Correlation-Id' });
    const response = await app.inject({ url: '/items/5', headers: { 'x-correlation-id': 'corr-5' } });
    expect(response.headers['x-correlation-id']).toBe('corr-5');
    expect(logs.lines.some((line) => line.request_id === 'corr-5' && line.msg === 'reading item')).toBe(true);
  });

  it('sends a 4xx to Sentry when shouldCapture asks for it, and never a 5xx it declines', async () => {
    const seen: number[] = [];
    const app = await appWith(major, {
      shouldCapture: (_error, status) => {
        seen.push(status);
        return status === 418;
      },
    });
    const teapot = await app.inject({ url: '/teapot', headers: { 'x-request-id': `teapot-${major}` } });
    expect(teapot.statusCode).toBe(418);
    const failure = await app.inject({ url: '/fail/2', headers: { 'x-request-id': `declined-${major}` } });
    expect(failure.statusCode).toBe(500);
    expect(seen).toEqual([418, 500]);
    await handle.flush();
    const event = await sink.waitFor((s) =>
      s.sentry.events.find((e) => e.tags?.request_id === `teapot-${major}`),
    );
    expect(event.transaction).toBe('GET /teapot');
    expect(sink.sentry.events.filter((e) => e.tags?.request_id === `declined-${major}`)).toEqual([]);
  });

  it('falls back to the default when shouldCapture throws, and still answers', async () => {
    const app = await appWith(major, {
      shouldCapture: () => {
        throw new Error('broken predicate');
      },
    });
    const response = await app.inject({ url: '/fail/3', headers: { 'x-request-id': `throwing-${major}` } });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({ message: 'failure 3' });
    await handle.flush();
    await sink.waitFor((s) => s.sentry.events.find((e) => e.tags?.request_id === `throwing-${major}`));
  });

  it.each([
    ['fastifyOtel: true', true],
    ['fastifyOtel: {}', {}],
  ] as const)(
    'registers @fastify/otel with %s: its request span under the server span',
    async (_label, fastifyOtel) => {
      const app = await appWith(major, { fastifyOtel });
      expect(app.hasPlugin('@fastify/otel')).toBe(true);
      const response = await app.inject({ url: '/items/8?token=hunter2' });
      const traceId = traceIdOf(response.headers.traceresponse);
      await handle.flush();
      const spans = await sink.waitFor((s) => {
        const found = s.spans.filter((span) => span.traceId === traceId && span.receiver === 'otlp');
        return found.length >= 2 ? found : undefined;
      });
      const server = spans.find((span) => span.kind === 'server');
      expect(server?.name).toBe('GET /items/:id');
      expect(spans.filter((span) => span.spanId !== server?.spanId)).toEqual([
        expect.objectContaining({
          name: 'request',
          kind: 'internal',
          parentSpanId: server?.spanId,
          scope: expect.objectContaining({ name: '@fastify/otel' }),
        }),
      ]);
      // Its url.path without the query string, where tokens travel.
      expect(spans.find((span) => span.name === 'request')?.attributes['url.path']).toBe('/items/8');
      expect(sink.grep('hunter2')).toEqual([]);
    },
  );

  it('creates no @fastify/otel spans when fastifyOtel is false, and still names the server span', async () => {
    const app = await appWith(major, { fastifyOtel: false });
    expect(app.hasPlugin('@fastify/otel')).toBe(false);
    const response = await app.inject({ url: '/items/6' });
    const traceId = traceIdOf(response.headers.traceresponse);
    await handle.flush();
    const server = await sink.waitFor((s) =>
      s.spans.find((span) => span.traceId === traceId && span.kind === 'server' && span.receiver === 'otlp'),
    );
    expect(server.name).toBe('GET /items/:id');
    expect(sink.spans.filter((span) => span.traceId === traceId && span.receiver === 'otlp')).toHaveLength(1);
  });

  it('adds a handler span, named after its route, only when asked to', async () => {
    const app = await appWith(major, { fastifyOtel: { instrumentHandler: true } });
    app.get('/anonymous/:id', async (request) => {
      request.log.info('in the handler');
      return 'ok';
    });
    const response = await app.inject({
      url: '/anonymous/1',
      headers: { 'x-request-id': `handler-${major}` },
    });
    const traceId = traceIdOf(response.headers.traceresponse);
    await handle.flush();
    const spans = await sink.waitFor((s) => {
      const found = s.spans.filter((span) => span.traceId === traceId && span.receiver === 'otlp');
      return found.length >= 3 ? found : undefined;
    });
    const request = spans.find((span) => span.name === 'request');
    const handler = spans.find((span) => span.name.startsWith('handler'));
    expect(handler).toMatchObject({ name: 'handler - /anonymous/:id', parentSpanId: request?.spanId });
    expect(spans.map((span) => span.name).sort()).toEqual([
      'GET /anonymous/:id',
      'handler - /anonymous/:id',
      'request',
    ]);
    const line = logs.lines.find(
      (candidate) => candidate.request_id === `handler-${major}` && candidate.msg === 'in the handler',
    );
    expect(line?.span_id).toBe(handler?.spanId);
  });

  it('adds a span per lifecycle hook only when asked to', async () => {
    const app = await appWith(major, {
      fastifyOtel: { instrumentHooks: ['preHandler'], instrumentHandler: false },
    });
    app.addHook('preHandler', async function checkAccess() {});
    app.get('/guarded', async () => 'ok');
    const response = await app.inject({ url: '/guarded' });
    const traceId = traceIdOf(response.headers.traceresponse);
    await handle.flush();
    const spans = await sink.waitFor((s) => {
      const found = s.spans.filter((span) => span.traceId === traceId && span.receiver === 'otlp');
      return found.length >= 3 ? found : undefined;
    });
    expect(spans.map((span) => span.name).sort()).toEqual([
      'GET /guarded',
      'preHandler - checkAccess',
      'request',
    ]);
  });
});

describe('as a Fastify plugin', () => {
  it('has a name and applies to the whole app, encapsulated plugins included', async () => {
    const app = Fastify5();
    openApps.push(app);
    await app.register(observability, { handle });
    expect(app.hasPlugin('@tracewire/fastify')).toBe(true);
    // @fastify/otel is opt-in (`fastifyOtel`).
    expect(app.hasPlugin('@fastify/otel')).toBe(false);
    await app.register(async (child) => {
      child.get('/inside', async (request) => {
        request.log.info('inside an encapsulated plugin');
        return 'ok';
      });
    });
    const response = await app.inject({ url: '/inside', headers: { 'x-request-id': 'encapsulated' } });
    expect(response.headers.traceresponse).toBeDefined();
    expect(
      logs.lines.find((line) => line.request_id === 'encapsulated' && line.duration_ms !== undefined),
    ).toMatchObject({ http: { route: '/inside' } });
  });

  it.each([
    ['without fastifyOtel', {}],
    ['with fastifyOtel: {}', { fastifyOtel: {} }],
  ] as const)(
    'warns once when the app registered @fastify/otel before it, %s, and adds no second one',
    async (_label, options) => {
      const app = Fastify5();
      openApps.push(app);
      const before = logs.lines.length;
      await app.register(new FastifyOtelInstrumentation().plugin());
      await app.register(observability, { handle, ...options });
      const warnings = logs.lines
        .slice(before)
        .filter((line) =>
          String(line.msg).startsWith('@fastify/otel was registered before @tracewire/fastify'),
        );
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.level).toBe('warn');
      // A second @fastify/otel would fail ready() (its request decorator exists already);
      // Fastify lists every plugin registered, and the app's own is the only one.
      await app.ready();
      expect(app.printPlugins().match(/@fastify\/otel/g)).toHaveLength(1);
    },
  );

  it('ignores a second registration instead of doubling every hook', async () => {
    const app = Fastify5();
    openApps.push(app);
    await app.register(observability, { handle });
    await app.register(observability, { handle });
    app.get('/once', async () => 'ok');
    await app.inject({ url: '/once', headers: { 'x-request-id': 'registered-twice' } });
    const accessLines = logs.lines.filter(
      (line) => line.request_id === 'registered-twice' && line.duration_ms !== undefined,
    );
    expect(accessLines).toHaveLength(1);
    expect(logs.lines.some((line) => String(line.msg).includes('registered twice'))).toBe(true);
  });

  it('never imports fastify at runtime', () => {
    const sourceDir = fileURLToPath(new URL('../src', import.meta.url));
    for (const file of fs.readdirSync(sourceDir)) {
      const source = fs.readFileSync(path.join(sourceDir, file), 'utf8');
      for (const match of source.matchAll(/^import\s+(type\s+)?[^;]*from\s+'(fastify[^']*)'/gm)) {
        expect(match[1], `${file} imports ${match[2]} at runtime`).toBe('type ');
      }
    }
  });
});
