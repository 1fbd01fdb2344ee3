// Koa's error model: the middleware sees errors thrown anywhere after it, reports a
// 5xx to Sentry once with the route as transaction and the span's trace ID, and
// rethrows so Koa's own error response and app.on('error') still happen.
import Router, { type RouterContext } from '@koa/router';
import type { TestSink } from '@tracewire/testing';
import Koa from 'koa';
import Koa2 from 'koa2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initObservability, type ObservabilityHandle } from '@tracewire/core';
import { observability } from '../src/index.ts';
import { buildApp, type KoaConstructor } from './helpers/build-app.ts';
import { type ListeningApp, listen, parseTraceResponse } from './helpers/listen.ts';
import { memoryDestination, startTracedSink, type TracedSink } from '@tracewire/testing/fixtures';

let sink: TestSink;
let handle: ObservabilityHandle;
let traced: TracedSink<ObservabilityHandle>;
const logs = memoryDestination();

beforeAll(async () => {
  traced = await startTracedSink({ init: initObservability, serviceName: 'koa-errors-test', logs });
  ({ sink, handle } = traced);
});

afterAll(async () => {
  await traced.close();
});

const majors: [string, KoaConstructor][] = [
  ['Koa 2', Koa2],
  ['Koa 3', Koa],
];

describe.each(majors)('%s', (major, KoaClass) => {
  let server: ListeningApp;
  let appErrors: unknown[];
  const tag = major.replace(' ', '').toLowerCase();

  beforeAll(async () => {
    const built = buildApp(KoaClass);
    appErrors = built.appErrors;
    server = await listen(built.app);
  });

  afterAll(async () => {
    await server.close();
  });

  /** The Sentry events of one request, once its span has been exported. */
  async function eventsOf(traceId: string) {
    await handle.flush();
    await sink.waitFor((s) => s.sentry.events.some((event) => event.contexts?.trace?.trace_id === traceId));
    return sink.sentry.events.filter((event) => event.contexts?.trace?.trace_id === traceId);
  }

  it.each([
    ['a thrown error', 'throw', 'Internal Server Error'],
    ['ctx.throw(500)', 'ctx-throw', 'Internal Server Error'],
    ['ctx.log.error({ err }) and then a throw', 'log-first', 'Internal Server Error'],
  ])('reports %s once, named GET /boom/:id, and Koa still answers 500', async (_label, mode, body) => {
    const requestId = `${tag}-${mode}`;
    const errorsBefore = appErrors.length;
    const response = await fetch(`${server.url}/boom/7?mode=${mode}`, {
      headers: { 'x-request-id': requestId },
    });
    expect(response.status).toBe(500);
    expect(await response.text()).toBe(body);
    // Koa drops every header before its error response; the request ID survives it.
    expect(response.headers.get('x-request-id')).toBe(requestId);
    const { traceId, spanId } = parseTraceResponse(response.headers.get('traceresponse'));

    const events = await eventsOf(traceId);
    expect(events).toHaveLength(1);
    expect(events[0]?.transaction).toBe('GET /boom/:id');
    expect(events[0]?.contexts?.trace?.trace_id).toBe(traceId);
    expect(events[0]?.tags?.request_id).toBe(requestId);

    const span = await sink.waitFor((s) => s.spans.find((candidate) => candidate.spanId === spanId));
    expect(span.name).toBe('GET /boom/:id');
    expect(span.status.code).toBe(2);
    expect(span.attributes['http.response.status_code']).toBe(500);
    // Koa's own error handling still ran: app.on('error') saw the error.
    expect(appErrors.length).toBe(errorsBefore + 1);
    const access = logs.lines.find((line) => line.request_id === requestId && line.duration_ms !== undefined);
    expect(access).toMatchObject({
      level: 'error',
      trace_id: traceId,
      http: { route: '/boom/:id', status_code: 500 },
    });
  });

  it('reports an error that Koa-style error middleware answered and emitted on the app', async () => {
    const response = await fetch(`${server.url}/boom/8?mode=swallow`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: 'internal' });
    const { traceId } = parseTraceResponse(response.headers.get('traceresponse'));
    const events = await eventsOf(traceId);
    expect(events).toHaveLength(1);
    expect(events[0]?.transaction).toBe('GET /boom/:id');
    expect(events[0]?.exception?.values?.[0]?.value).toBe('boom 8');
  });

  it.each([
    ['the route of a nested router', 'fail=1'],
    ["the nested router's router.use() middleware", 'deny=1'],
  ])('reports an error thrown in %s under the full route template', async (_label, query) => {
    const response = await fetch(`${server.url}/v3/accounts/acme/users/3?${query}`);
    expect(response.status).toBe(500);
    const { traceId, spanId } = parseTraceResponse(response.headers.get('traceresponse'));
    const events = await eventsOf(traceId);
    expect(events.map((event) => event.transaction)).toEqual(['GET /v3/accounts/:accountId/users/:id']);
    const span = await sink.waitFor((s) => s.spans.find((candidate) => candidate.spanId === spanId));
    expect(span.attributes['http.route']).toBe('/v3/accounts/:accountId/users/:id');
  });

  it.each([
    ['a 404', '/missing/1', 404],
    ['ctx.throw(400)', '/bad/1', 400],
    ['ctx.status = 503 without an error', '/boom/9?mode=status', 503],
  ])('sends no Sentry event for %s', async (_label, path, status) => {
    const requestId = `${tag}-quiet-${status}`;
    const response = await fetch(`${server.url}${path}`, { headers: { 'x-request-id': requestId } });
    expect(response.status).toBe(status);
    expect(response.headers.get('x-request-id')).toBe(requestId);
    const { traceId, spanId } = parseTraceResponse(response.headers.get('traceresponse'));
    await handle.flush();
    const span = await sink.waitFor((s) => s.spans.find((candidate) => candidate.spanId === spanId));
    expect(span.attributes['http.response.status_code']).toBe(status);
    // Client errors leave the span status unset; a 5xx marks it failed.
    expect(span.status.code).toBe(status >= 500 ? 2 : 0);
    // Sentry events for other requests arrive while this test waits; none is this one's.
    await handle.flush();
    expect(sink.sentry.events.filter((event) => event.contexts?.trace?.trace_id === traceId)).toEqual([]);
    expect(sink.sentry.events.filter((event) => event.tags?.request_id === requestId)).toEqual([]);
  });
});

describe('error handling options and ordering', () => {
  let server: ListeningApp;
  const seenByOuterHandler: unknown[] = [];
  const sharedError = Object.assign(new Error('shared failure'), { headers: { 'retry-after': '3' } });

  beforeAll(async () => {
    const app = new Koa();
    app.on('error', () => {});
    // Error middleware registered further out than tracewire still gets every error.
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch (error) {
        if (ctx.path.startsWith('/outer')) {
          seenByOuterHandler.push(error);
          ctx.status = 502;
          ctx.body = { handled: true };
          return;
        }
        throw error;
      }
    });
    app.use(
      observability({
        // Bare 503s are worth an event here, and so is the teapot.
        shouldCapture: (error, status) =>
          error === undefined ? status === 503 : status >= 500 || status === 418,
      }),
    );
    const router = new Router();
    router.get('/outer/:id', () => {
      throw new Error('handled further out');
    });
    router.get('/status/:code', (ctx: RouterContext) => {
      ctx.status = Number(ctx.params.code);
      ctx.body = 'set without an error';
    });
    router.get('/teapot/:id', (ctx: RouterContext) => {
      ctx.throw(418, 'short and stout');
    });
    router.get('/shared/:id', () => {
      throw sharedError;
    });
    app.use(router.routes());
    server = await listen(app);
  });

  afterAll(async () => {
    await server.close();
  });

  async function eventsFor(response: Response) {
    const { traceId } = parseTraceResponse(response.headers.get('traceresponse'));
    await handle.flush();
    await sink.waitFor((s) => s.sentry.events.some((event) => event.contexts?.trace?.trace_id === traceId));
    return sink.sentry.events.filter((event) => event.contexts?.trace?.trace_id === traceId);
  }

  it('rethrows, so error middleware registered before it answers, and reports the error once', async () => {
    const response = await fetch(`${server.url}/outer/1`);
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ handled: true });
    expect(seenByOuterHandler).toHaveLength(1);
    const events = await eventsFor(response);
    expect(events.map((event) => event.transaction)).toEqual(['GET /outer/:id']);
    expect(events[0]?.exception?.values?.[0]?.value).toBe('handled further out');
  });

  it('asks shouldCapture with no error about a 5xx status set without one', async () => {
    const reported = await fetch(`${server.url}/status/503`);
    expect(reported.status).toBe(503);
    const events = await eventsFor(reported);
    expect(events).toHaveLength(1);
    expect(events[0]?.transaction).toBe('GET /status/:code');
    expect(events[0]?.exception?.values?.[0]).toMatchObject({
      type: 'HttpStatusError',
      value: 'GET /status/:code answered 503 without an error',
    });

    const declined = await fetch(`${server.url}/status/500`);
    expect(declined.status).toBe(500);
    const { traceId } = parseTraceResponse(declined.headers.get('traceresponse'));
    await handle.flush();
    expect(sink.sentry.events.filter((event) => event.contexts?.trace?.trace_id === traceId)).toEqual([]);
  });

  it('reports a 4xx when shouldCapture asks for it', async () => {
    const response = await fetch(`${server.url}/teapot/1`);
    expect(response.status).toBe(418);
    expect(await response.text()).toBe('short and stout');
    const events = await eventsFor(response);
    expect(events.map((event) => event.transaction)).toEqual(['GET /teapot/:id']);
  });

  it("keeps the request's headers on Koa's error response next to the error's own, and leaves the error as it was", async () => {
    const responses = await Promise.all(
      ['shared-a', 'shared-b', 'shared-c'].map((id) =>
        fetch(`${server.url}/shared/${id}`, { headers: { 'x-request-id': id } }),
      ),
    );
    expect(responses.map((response) => response.headers.get('x-request-id'))).toEqual([
      'shared-a',
      'shared-b',
      'shared-c',
    ]);
    for (const response of responses) {
      expect(response.status).toBe(500);
      expect(response.headers.get('retry-after')).toBe('3');
      expect(response.headers.get('traceresponse')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    }
    expect(sharedError.headers).toEqual({ 'retry-after': '3' });
  });
});
