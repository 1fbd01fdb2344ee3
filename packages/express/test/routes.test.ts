// Acceptance 1 and route naming, for Express 4 and 5. Express is imported before
// tracewire initialises, so the observer starts the server span itself (own-span mode;
// the http-instrumented mode is covered by register.test.ts in a child process).
import type { ReceivedSpan } from '@tracewire/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler, observability } from '../src/index.ts';
import { EXPRESS_MAJORS, type ExpressFactory } from './helpers/express-majors.ts';
import { startTelemetryHarness, type TelemetryHarness, traceOf } from './helpers/telemetry-harness.ts';

let harness: TelemetryHarness;

beforeAll(async () => {
  harness = await startTelemetryHarness('express-routes-test');
});

afterAll(async () => {
  await harness.close();
});

function buildApp(express: ExpressFactory, major: number) {
  const app = express();
  app.use(observability());
  app.get('/users/:id', (req, res) => {
    req.log.info({ user: req.params.id, major }, 'loading user');
    res.json({ id: req.params.id });
  });
  app.get(`/once${major}/:n`, (_req, res) => {
    res.end();
  });

  // Routers nested two deep under static mount paths.
  const rest = express.Router();
  const users = express.Router();
  users.get('/', (_req, res) => {
    res.json([]);
  });
  users.get('/:id/posts/:post', (req, res) => {
    // Express's own view of the route is untouched.
    res.json({ baseUrl: req.baseUrl, route: req.route.path, params: req.params });
  });
  rest.use('/users', users);
  app.use('/rest', rest);

  // A router mounted under a parameterised path: the mount's raw value must not leak.
  const projects = express.Router({ mergeParams: true });
  projects.get('/projects/:project', (req, res) => {
    res.json(req.params);
  });
  app.use('/orgs/:org', projects);

  // A mounted sub-app.
  const admin = express();
  admin.get('/settings/:key', (_req, res) => {
    res.end();
  });
  app.use('/admin', admin);

  // What Express's request object holds itself, for the shape test below.
  app.get('/own/:n', (req, res) => {
    res.json({
      baseUrl: req.baseUrl,
      route: req.route.path,
      ownBaseUrl: Object.hasOwn(req, 'baseUrl'),
      ownRoute: Object.hasOwn(req, 'route'),
    });
  });
  app.get(/^\/files\/(\d+)$/, (_req, res) => {
    res.end();
  });
  app.get(['/alpha/:x', '/beta/:x'], (_req, res) => {
    res.end();
  });
  // The first matching route passes the request on: the route that answers names it.
  app.get('/chain/:step', (_req, _res, next) => {
    next();
  });
  app.get('/chain/:step', (_req, res) => {
    res.end();
  });
  // A mount that lets the request pass, then a parameterised one that answers it: the
  // same raw prefix (`/shadow`) stands for two different templates in turn.
  app.use('/shadow', express.Router());
  const sections = express.Router();
  sections.get('/items', (_req, res) => {
    res.end();
  });
  app.use('/:section', sections);
  app.use(errorHandler());
  return app;
}

async function serverSpanOf(response: Response): Promise<ReceivedSpan> {
  const { spanId } = traceOf(response);
  await harness.handle.flush();
  return harness.sink.waitFor((sink) => sink.spans.find((span) => span.spanId === spanId), {
    description: `the server span ${spanId}`,
  });
}

describe.each(EXPRESS_MAJORS)('Express $major', ({ major, express }) => {
  let baseUrl: string;

  beforeAll(async () => {
    baseUrl = await harness.serve(buildApp(express, major));
  });

  it('names the server span by route and correlates the log line, access log and metric', async () => {
    const response = await fetch(`${baseUrl}/users/42?tab=profile`, {
      headers: { 'x-request-id': `req-${major}` },
    });
    expect(await response.json()).toEqual({ id: '42' });
    expect(response.headers.get('x-request-id')).toBe(`req-${major}`);
    const { traceId } = traceOf(response);

    const span = await serverSpanOf(response);
    expect(span.kind).toBe('server');
    expect(span.name).toBe('GET /users/:id');
    expect(span.attributes['http.route']).toBe('/users/:id');
    expect(span.attributes['http.response.status_code']).toBe(200);
    expect(span.traceId).toBe(traceId);
    // Express was loaded before tracewire initialised: tracewire's own span, and only it.
    expect(span.scope.name).toBe('@tracewire/core');
    expect(
      harness.sink.spans.filter((s) => s.traceId === traceId && s.kind === 'server' && s.receiver === 'otlp'),
    ).toHaveLength(1);

    const line = harness.logs.lines.find((entry) => entry.msg === 'loading user' && entry.major === major);
    expect(line).toMatchObject({ request_id: `req-${major}`, trace_id: traceId, span_id: span.spanId });
    const access = harness.logs.lines.filter(
      (entry) => entry.request_id === `req-${major}` && entry.duration_ms !== undefined,
    );
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      trace_id: traceId,
      msg: 'GET /users/:id 200',
      http: { method: 'GET', route: '/users/:id', path: '/users/42', status_code: 200 },
    });

    const point = await harness.sink.waitFor((sink) =>
      sink.metrics.find(
        (candidate) =>
          candidate.name === 'http.server.request.duration' &&
          candidate.attributes['http.route'] === '/users/:id',
      ),
    );
    expect(point.type).toBe('histogram');
    expect(point.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.response.status_code': 200,
    });
  });

  it('records http.server.request.duration exactly once per request', async () => {
    for (const n of [1, 2, 3]) expect((await fetch(`${baseUrl}/once${major}/${n}`)).status).toBe(200);
    await harness.handle.flush();
    const counts = harness.sink.metrics
      .filter(
        (point) =>
          point.name === 'http.server.request.duration' &&
          point.attributes['http.route'] === `/once${major}/:n`,
      )
      .map((point) => point.count ?? 0);
    // Cumulative temporality: every export repeats the running total.
    expect(Math.max(0, ...counts)).toBe(3);
  });

  it.each([
    ['/rest/users/7/posts/9', 'GET /rest/users/:id/posts/:post', '/rest/users/:id/posts/:post'],
    ['/rest/users', 'GET /rest/users', '/rest/users'],
    ['/orgs/acme/projects/p-1', 'GET /orgs/:org/projects/:project', '/orgs/:org/projects/:project'],
    ['/admin/settings/theme', 'GET /admin/settings/:key', '/admin/settings/:key'],
    ['/files/123', 'GET /^\\/files\\/(\\d+)$/', '/^\\/files\\/(\\d+)$/'],
    ['/beta/5', 'GET /alpha/:x,/beta/:x', '/alpha/:x,/beta/:x'],
    ['/chain/2', 'GET /chain/:step', '/chain/:step'],
    ['/shadow/items', 'GET /:section/items', '/:section/items'],
  ])('names %s after its full template', async (path, name, route) => {
    const response = await fetch(`${baseUrl}${path}`);
    expect(response.status).toBe(200);
    const span = await serverSpanOf(response);
    expect(span.name).toBe(name);
    expect(span.attributes['http.route']).toBe(route);
  });

  it('leaves req.baseUrl, req.route and req.params as Express sets them', async () => {
    const response = await fetch(`${baseUrl}/rest/users/7/posts/9`);
    expect(await response.json()).toEqual({
      baseUrl: '/rest/users',
      route: '/:id/posts/:post',
      params: { id: '7', post: '9' },
    });
  });

  it("watches the route through Express's shared request prototype, not accessors on each request", async () => {
    // The first request of a process may still get accessors of its own; later ones must
    // not: redefining a property Express set turns the request into a slow dictionary.
    // Express 4 sets `req.baseUrl` before it swaps in its request prototype, so there the
    // request keeps accessors of its own.
    await (await fetch(`${baseUrl}/own/1`)).text();
    const response = await fetch(`${baseUrl}/own/2`);
    const own = major < 5;
    expect(await response.json()).toEqual({ baseUrl: '', route: '/own/:n', ownBaseUrl: own, ownRoute: own });
    const span = await serverSpanOf(response);
    expect(span.name).toBe('GET /own/:n');
  });

  it('names an unmatched request by method only and never puts the raw URL in a label', async () => {
    const response = await fetch(`${baseUrl}/nowhere/12345`);
    expect(response.status).toBe(404);
    const span = await serverSpanOf(response);
    expect(span.name).toBe('GET');
    expect(span.attributes['http.route']).toBeUndefined();
    const points = await harness.sink.waitFor((sink) => {
      const found = sink.metrics.filter(
        (point) =>
          point.name === 'http.server.request.duration' &&
          point.attributes['http.response.status_code'] === 404,
      );
      return found.length > 0 ? found : undefined;
    });
    for (const point of points) expect(point.attributes['http.route']).toBeUndefined();
    for (const server of harness.sink.spans.filter((candidate) => candidate.kind === 'server')) {
      expect(server.name).not.toMatch(/12345|acme|theme|p-1/);
    }
  });

  it('sends no span, access log line or metric for an ignored path', async () => {
    const app = express();
    app.use(observability());
    app.get('/healthz', (req, res) => {
      res.end(req.requestId);
    });
    const url = await harness.serve(app);
    const before = harness.logs.lines.length;
    const response = await fetch(`${url}/healthz`, { headers: { 'x-request-id': `health-${major}` } });
    expect(await response.text()).toBe(`health-${major}`);
    expect(response.headers.get('traceresponse')).toBeNull();
    await harness.handle.flush();
    expect(
      harness.sink.spans.filter(
        (span) => span.kind === 'server' && span.attributes['url.path'] === '/healthz',
      ),
    ).toEqual([]);
    expect(harness.logs.lines.slice(before)).toEqual([]);
    expect(
      harness.sink.metrics.filter(
        (point) =>
          point.name === 'http.server.request.duration' && point.attributes['http.route'] === '/healthz',
      ),
    ).toEqual([]);
  });
});
