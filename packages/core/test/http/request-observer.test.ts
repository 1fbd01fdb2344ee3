// The request lifecycle every adapter shares, driven by a plain node:http server that
// was created before tracewire initialised: the observer must start the server span
// itself, name it by route, and record the duration metric once.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { TestSink } from '@tracewire/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestObserver } from '../../src/adapter.ts';
import { initObservability, type ObservabilityHandle } from '../../src/index.ts';
import { memoryDestination, startTracedSink, type TracedSink } from '@tracewire/testing/fixtures';
import { nodeRequestInfo } from '../helpers/node-request-info.ts';

describe('createRequestObserver', () => {
  let sink: TestSink;
  let handle: ObservabilityHandle;
  let traced: TracedSink<ObservabilityHandle>;
  let server: http.Server;
  let baseUrl: string;
  const logs = memoryDestination();
  /** The first log line that matches, once the destination has it. */
  async function waitForLine(matches: (line: Record<string, unknown>) => boolean) {
    for (let attempt = 0; attempt < 200; attempt++) {
      const line = logs.lines.find(matches);
      if (line) return line;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('no such log line');
  }

  beforeAll(async () => {
    traced = await startTracedSink({ init: initObservability, serviceName: 'observer-test', logs });
    ({ sink, handle } = traced);
    const observer = createRequestObserver({ handle });
    server = http.createServer((request, response) => {
      const observed = observer.start(nodeRequestInfo(request, response));
      observed.run(() => {
        const match = /^\/users\/([^/?]+)/.exec(request.url ?? '');
        if (request.url === '/healthz') {
          response.end('ok');
          return;
        }
        if (!match) {
          response.statusCode = 404;
          response.end();
          return;
        }
        observed.setRoute('/users/:id');
        observed.log.info({ user: match[1] }, 'loading user');
        if (match[1] === 'logged') {
          // The app logs the error before the adapter reports it: the log line's capture
          // is the request's one event, and must describe the request.
          const err = new Error('user cache down');
          observed.log.error({ err }, 'cache failed');
          response.statusCode = 500;
          observed.fail(err, 500);
          response.end();
          return;
        }
        if (match[1] === 'boom') {
          response.statusCode = 500;
          observed.fail(new Error('user store down'), 500);
          response.end();
          return;
        }
        response.end(match[1]);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await traced.close();
  });

  it('names the server span by route, echoes the request ID and returns traceresponse', async () => {
    const response = await fetch(`${baseUrl}/users/42?tab=profile`, {
      headers: { 'x-request-id': 'req-42' },
    });
    expect(await response.text()).toBe('42');
    expect(response.headers.get('x-request-id')).toBe('req-42');
    const traceResponse = response.headers.get('traceresponse');
    expect(traceResponse).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const [, traceId, spanId] = traceResponse!.split('-');

    await handle.flush();
    const span = await sink.waitFor((s) => s.spans.find((candidate) => candidate.spanId === spanId));
    expect(span.name).toBe('GET /users/:id');
    expect(span.kind).toBe('server');
    expect(span.attributes['http.route']).toBe('/users/:id');
    expect(span.traceId).toBe(traceId);

    const line = logs.lines.find(
      (candidate) => candidate.msg === 'loading user' && candidate.request_id === 'req-42',
    );
    expect(line?.trace_id).toBe(traceId);
    const access = logs.lines.find(
      (candidate) => candidate.request_id === 'req-42' && candidate.duration_ms !== undefined,
    );
    expect(access).toMatchObject({
      http: { method: 'GET', route: '/users/:id', status_code: 200 },
      trace_id: traceId,
    });
  });

  it('gives a request that never read its logger an access line with its request ID', async () => {
    // The 404 path never reads `observed.log`: the logger is made when the access line is written.
    const response = await fetch(`${baseUrl}/nowhere/1`, { headers: { 'x-request-id': 'req-unread' } });
    expect(response.status).toBe(404);
    const traceId = response.headers.get('traceresponse')!.split('-')[1];
    const access = await waitForLine(
      (candidate) => candidate.request_id === 'req-unread' && candidate.duration_ms !== undefined,
    );
    expect(access).toMatchObject({ http: { method: 'GET', status_code: 404 }, trace_id: traceId });
  });

  it('makes one request logger per request, bound to its request ID, whenever it is first read', async () => {
    const observer = createRequestObserver({ handle });
    const first = observer.start({ method: 'GET', url: '/lazy', headers: { 'x-request-id': 'req-lazy-1' } });
    const second = observer.start({ method: 'GET', url: '/lazy', headers: { 'x-request-id': 'req-lazy-2' } });
    const logger = first.log;
    expect(first.log).toBe(logger);
    expect(second.log).not.toBe(logger);
    second.log.info('second');
    logger.info('first');
    expect((await waitForLine((line) => line.msg === 'first')).request_id).toBe('req-lazy-1');
    expect((await waitForLine((line) => line.msg === 'second')).request_id).toBe('req-lazy-2');
  });

  it('records http.server.request.duration once per request with the route and never the raw URL', async () => {
    await fetch(`${baseUrl}/users/7`);
    await fetch(`${baseUrl}/nowhere/9`);
    await handle.flush();
    const points = await sink.waitFor((s) => {
      const found = s.metrics.filter((point) => point.name === 'http.server.request.duration');
      return found.length > 0 ? found : undefined;
    });
    const latest = points.filter((point) => point.attributes['http.route'] === '/users/:id');
    expect(latest.length).toBeGreaterThan(0);
    for (const point of points) {
      expect(String(point.attributes['http.route'] ?? '')).not.toMatch(/\d/);
    }
    const unmatched = sink.spans.find((span) => span.attributes['http.response.status_code'] === 404);
    expect(unmatched?.name).toBe('GET');
  });

  it('captures a 5xx once in Sentry with the route as transaction and the span trace ID', async () => {
    const response = await fetch(`${baseUrl}/users/boom?token=hunter2`, {
      headers: { authorization: 'Bearer secret-canary', cookie: 'session=secret-canary' },
    });
    expect(response.status).toBe(500);
    const event = await sink.waitFor((s) => s.sentry.events.find((e) => e.transaction === 'GET /users/:id'));
    const traceId = response.headers.get('traceresponse')!.split('-')[1];
    expect(event.contexts?.trace?.trace_id).toBe(traceId);
    expect(event.request?.url).toContain('token=%5BFiltered%5D');
    expect(event.request?.headers?.authorization).toBeUndefined();
    expect(event.request?.headers?.cookie).toBeUndefined();
    expect(event.tags?.request_id).toBe(response.headers.get('x-request-id'));
    // Spans too: the server span and the test's own fetch (an undici client span) carry
    // the URL, with the token value redacted.
    await handle.flush();
    await sink.waitFor((s) =>
      s.spans.find(
        (span) => span.kind === 'client' && String(span.attributes['url.full']).includes('/users/boom'),
      ),
    );
    expect(sink.grep('secret-canary')).toEqual([]);
    expect(sink.grep('hunter2')).toEqual([]);
  });

  it('describes the request in an event the app captured first through an error log line', async () => {
    const response = await fetch(`${baseUrl}/users/logged?token=hunter3`, {
      headers: { 'x-request-id': 'req-logged', cookie: 'session=secret-canary' },
    });
    expect(response.status).toBe(500);
    await handle.flush();
    const events = sink.sentry.events.filter((e) => e.tags?.request_id === 'req-logged');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      transaction: 'GET /users/:id',
      tags: { 'http.method': 'GET', 'http.route': '/users/:id' },
      request: { method: 'GET' },
    });
    expect(events[0]?.request?.url).toContain('token=%5BFiltered%5D');
    expect(events[0]?.request?.headers?.cookie).toBeUndefined();
    expect(events[0]?.contexts?.trace?.trace_id).toBe(response.headers.get('traceresponse')!.split('-')[1]);
    expect(JSON.stringify(events[0])).not.toContain('hunter3');
  });

  it('marks its own server span as the HTTP span of the request for instrumentations running inside it', () => {
    const observed = createRequestObserver({ handle }).start({
      method: 'GET',
      url: '/users/1',
      headers: {},
      setResponseHeader: () => {},
    });
    const metadata = observed.run(() => getRPCMetadata(context.active()));
    observed.finish(200);
    expect(metadata?.type).toBe(RPCType.HTTP);
    expect(metadata?.type === RPCType.HTTP && metadata.span).toBe(observed.span);
  });

  it('starts a new trace on a garbled traceparent and reports it once, rate-limited', async () => {
    const send = () =>
      new Promise<http.IncomingMessage>((resolve, reject) => {
        // node:http, not fetch: the test's own fetch is traced and would set traceparent.
        http
          .get(`${baseUrl}/users/9`, { headers: { traceparent: '00-not-a-trace-id-zz' } }, (response) => {
            response.resume();
            response.on('end', () => resolve(response));
          })
          .on('error', reject);
      });
    const first = await send();
    await send();
    expect(first.statusCode).toBe(200);
    expect(String(first.headers.traceresponse)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const reports = logs.lines.filter((line) => line.code === 'TW_INCOMING_HEADER_INVALID');
    expect(reports).toHaveLength(1);
    expect(String(reports[0]?.msg)).toContain('traceparent');
    expect(String(reports[0]?.msg)).not.toContain('not-a-trace-id');
  });

  it('leaves ignored paths alone: no span, no access log line', async () => {
    const before = logs.lines.length;
    await fetch(`${baseUrl}/healthz`);
    await handle.flush();
    // The test's own fetch is traced as a client span; the server side must not be.
    const healthSpans = sink.spans.filter(
      (span) => span.kind === 'server' && span.attributes['url.path'] === '/healthz',
    );
    expect(healthSpans.map((s) => [s.name, s.scope.name, s.attributes])).toEqual([]);
    expect(logs.lines.slice(before).filter((line) => line.duration_ms !== undefined)).toEqual([]);
  });
});
