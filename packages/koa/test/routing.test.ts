// Acceptance for both Koa majors with @koa/router: spans named by route template
// (plain, prefixed and nested routers), correlated ctx.log lines, access log lines,
// the duration metric once per request, unmatched and ignored paths.
import type { TestSink } from '@tracewire/testing';
import Koa from 'koa';
import Koa2 from 'koa2';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { initObservability, type ObservabilityHandle } from '@tracewire/core';
import type { TracewireContext } from '../src/index.ts';
import { buildApp, type KoaConstructor } from './helpers/build-app.ts';
import { type ListeningApp, listen, parseTraceResponse } from './helpers/listen.ts';
import { memoryDestination, startTracedSink, type TracedSink } from '@tracewire/testing/fixtures';

let sink: TestSink;
let handle: ObservabilityHandle;
let traced: TracedSink<ObservabilityHandle>;
const logs = memoryDestination();

beforeAll(async () => {
  traced = await startTracedSink({ init: initObservability, serviceName: 'koa-routing-test', logs });
  ({ sink, handle } = traced);
});

afterAll(async () => {
  await traced.close();
});

const majors: [string, KoaConstructor][] = [
  ['Koa 2', Koa2],
  ['Koa 3', Koa],
];

describe.each(majors)('%s with @koa/router', (major, KoaClass) => {
  let server: ListeningApp;
  const tag = major.replace(' ', '').toLowerCase();

  beforeAll(async () => {
    server = await listen(buildApp(KoaClass).app);
  });

  afterAll(async () => {
    await server.close();
  });

  async function serverSpanOf(traceResponse: string | null) {
    const { spanId } = parseTraceResponse(traceResponse);
    await handle.flush();
    return sink.waitFor((s) => s.spans.find((span) => span.spanId === spanId && span.kind === 'server'));
  }

  it('names the server span GET /users/:id and correlates ctx.log, the access log and the metric', async () => {
    const requestId = `${tag}-users-42`;
    const response = await fetch(`${server.url}/users/42?tab=profile`, {
      headers: { 'x-request-id': requestId },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: '42', requestId, stateRequestId: requestId });
    expect(response.headers.get('x-request-id')).toBe(requestId);
    const { traceId, spanId } = parseTraceResponse(response.headers.get('traceresponse'));

    const span = await serverSpanOf(response.headers.get('traceresponse'));
    expect(span.name).toBe('GET /users/:id');
    expect(span.attributes['http.route']).toBe('/users/:id');
    expect(span.attributes['http.response.status_code']).toBe(200);
    expect(span.traceId).toBe(traceId);

    const appLine = logs.lines.find((line) => line.msg === 'loading user' && line.request_id === requestId);
    expect(appLine).toMatchObject({ trace_id: traceId, span_id: spanId, user: '42' });
    const accessLines = logs.lines.filter(
      (line) => line.request_id === requestId && line.duration_ms !== undefined,
    );
    expect(accessLines).toHaveLength(1);
    expect(accessLines[0]).toMatchObject({
      trace_id: traceId,
      http: { method: 'GET', route: '/users/:id', path: '/users/42', status_code: 200 },
      msg: 'GET /users/:id 200',
    });

    const point = await sink.waitFor((s) =>
      s.metrics.find(
        (candidate) =>
          candidate.name === 'http.server.request.duration' &&
          candidate.attributes['http.route'] === '/users/:id' &&
          candidate.attributes['http.response.status_code'] === 200,
      ),
    );
    expect(point.type).toBe('histogram');
    expect(point.attributes['http.request.method']).toBe('GET');
  });

  it('names routes of a prefixed router by the full template', async () => {
    const response = await fetch(`${server.url}/v2/users/7`);
    expect(await response.text()).toBe('7');
    const span = await serverSpanOf(response.headers.get('traceresponse'));
    expect(span.name).toBe('GET /v2/users/:id');
    expect(span.attributes['http.route']).toBe('/v2/users/:id');
    const { traceId } = parseTraceResponse(response.headers.get('traceresponse'));
    expect(
      logs.lines.find((line) => line.msg === 'loading prefixed user' && line.trace_id === traceId),
    ).toBeDefined();
  });

  it('names routes of a nested router by mount path plus route, past its router.use() middleware', async () => {
    const response = await fetch(`${server.url}/v3/accounts/acme/users/9`);
    expect(await response.text()).toBe('acme/9');
    expect(response.headers.get('x-inner-middleware')).toBe('ran');
    const span = await serverSpanOf(response.headers.get('traceresponse'));
    expect(span.name).toBe('GET /v3/accounts/:accountId/users/:id');
    expect(span.attributes['http.route']).toBe('/v3/accounts/:accountId/users/:id');
  });

  it('names an unmatched request by its method only, in the span, the access log and the metric', async () => {
    const requestId = `${tag}-missing`;
    const response = await fetch(`${server.url}/no/such/page/123`, {
      headers: { 'x-request-id': requestId },
    });
    expect(response.status).toBe(404);
    const span = await serverSpanOf(response.headers.get('traceresponse'));
    expect(span.name).toBe('GET');
    expect(span.attributes['http.route']).toBeUndefined();
    const access = logs.lines.find((line) => line.request_id === requestId && line.duration_ms !== undefined);
    // The message never carries the raw path (the caller chooses it); `http.path` does.
    expect(access).toMatchObject({
      msg: 'GET 404',
      http: { path: '/no/such/page/123', status_code: 404 },
    });
    expect(access?.http).not.toHaveProperty('route');
    await handle.flush();
    const notFound = await sink.waitFor((s) =>
      s.metrics.find(
        (point) =>
          point.name === 'http.server.request.duration' &&
          point.attributes['http.response.status_code'] === 404,
      ),
    );
    expect(notFound.attributes['http.route']).toBeUndefined();
  });

  it('names a request whose path matched but whose method did not (405) by its method only', async () => {
    const response = await fetch(`${server.url}/users/5`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    const span = await serverSpanOf(response.headers.get('traceresponse'));
    expect(span.name).toBe('DELETE');
    expect(span.attributes['http.route']).toBeUndefined();
  });

  it('leaves /healthz alone: a request ID, and no span, no access log line, no metric', async () => {
    const before = logs.lines.length;
    const response = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': `${tag}-health` } });
    expect(await response.text()).toBe('ok');
    expect(response.headers.get('x-request-id')).toBe(`${tag}-health`);
    expect(response.headers.get('traceresponse')).toBeNull();
    await handle.flush();
    const fresh = logs.lines.slice(before);
    expect(fresh.filter((line) => line.duration_ms !== undefined)).toEqual([]);
    // The app's own line carries no trace fields: there is no server span to point at.
    expect(fresh.find((line) => line.msg === 'health check')?.trace_id).toBeUndefined();
    // The test's own fetch is traced as a client span; the server side must not be.
    expect(
      sink.spans.filter((span) => span.kind === 'server' && span.attributes['url.path'] === '/healthz'),
    ).toEqual([]);
    expect(
      sink.metrics.filter(
        (point) =>
          point.name === 'http.server.request.duration' &&
          String(point.attributes['url.path'] ?? point.attributes['http.route'] ?? '').includes('healthz'),
      ),
    ).toEqual([]);
  });
});

describe('http.server.request.duration', () => {
  let server: ListeningApp;

  beforeAll(async () => {
    server = await listen(buildApp(Koa).app);
  });

  afterAll(async () => {
    await server.close();
  });

  /** Requests counted so far in the /v2/users/:id series (cumulative: the newest point holds the total). */
  function recordedRequests(): { total: number; scopes: Set<string> } {
    const newest = new Map<string, TestSink['metrics'][number]>();
    for (const point of sink.metrics) {
      if (
        point.name !== 'http.server.request.duration' ||
        point.attributes['http.route'] !== '/v2/users/:id'
      ) {
        continue;
      }
      const key = `${point.scope.name}|${JSON.stringify(point.attributes)}`;
      const seen = newest.get(key);
      if (!seen || BigInt(point.timeUnixNano) > BigInt(seen.timeUnixNano)) newest.set(key, point);
    }
    const points = [...newest.values()];
    return {
      total: points.reduce((sum, point) => sum + (point.count ?? 0), 0),
      scopes: new Set(points.map((point) => point.scope.name)),
    };
  }

  it('is recorded exactly once per request, with the route and never a raw URL', async () => {
    await handle.flush();
    const before = recordedRequests().total;
    const requests = 7;
    for (let index = 0; index < requests; index += 1) {
      const response = await fetch(`${server.url}/v2/users/${1000 + index}`);
      await response.text();
    }
    await handle.flush();
    const after = await sink.waitFor(() => {
      const counted = recordedRequests();
      return counted.total >= before + requests ? counted : undefined;
    });
    expect(after.total).toBe(before + requests);
    expect(after.scopes).toEqual(new Set(['@tracewire/core']));
    const routes = new Set(
      sink.metrics
        .filter((point) => point.name === 'http.server.request.duration')
        .map((point) => point.attributes['http.route']),
    );
    for (const route of routes) {
      expect([undefined, '/users/:id', '/v2/users/:id', '/v3/accounts/:accountId/users/:id']).toContain(
        route,
      );
    }
  });
});

describe('Koa context typing', () => {
  it('adds ctx.log and ctx.requestId to DefaultContext', () => {
    expectTypeOf<Koa.DefaultContext['requestId']>().toEqualTypeOf<string>();
    expectTypeOf<Koa.ParameterizedContext['log']>().toEqualTypeOf<TracewireContext['log']>();
    expectTypeOf<Koa.ParameterizedContext['log']['info']>().toBeFunction();
  });
});
