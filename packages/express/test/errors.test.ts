// Acceptance 2 and 3: errors reach Sentry once, named by route, linked to the span's
// trace, and Express still answers them as it always does. Express 4 and 5.
import type { ReceivedSpan } from '@tracewire/testing';
import type { ErrorRequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler, observability } from '../src/index.ts';
import { EXPRESS_MAJORS, type ExpressFactory } from './helpers/express-majors.ts';
import { startTelemetryHarness, type TelemetryHarness, traceOf } from './helpers/telemetry-harness.ts';

let harness: TelemetryHarness;

beforeAll(async () => {
  harness = await startTelemetryHarness('express-errors-test');
});

afterAll(async () => {
  await harness.close();
});

function httpError(message: string, status: number): Error {
  return Object.assign(new Error(message), { status });
}

function buildApp(express: ExpressFactory, major: number) {
  const app = express();
  app.use(observability());
  app.get('/boom/:id', () => {
    throw new Error(`thrown ${major}`);
  });
  app.get('/forwarded/:id', (_req, _res, next) => {
    next(new Error(`forwarded ${major}`));
  });
  app.get('/rejected/:id', async () => {
    await new Promise((resolve) => setImmediate(resolve));
    throw new Error(`rejected ${major}`);
  });
  app.get('/logged/:id', (req) => {
    const err = new Error(`logged ${major}`);
    req.log.error({ err }, 'charging failed');
    throw err;
  });
  app.get('/unavailable/:id', () => {
    throw Object.assign(new Error(`unavailable ${major}`), { statusCode: 503 });
  });
  app.get('/invalid/:id', () => {
    throw httpError(`invalid ${major}`, 400);
  });
  app.get('/handled/:id', () => {
    throw new Error(`handled ${major}`);
  });
  app.use(errorHandler());
  // The app's own handler still runs after tracewire's, for the routes it answers.
  const appHandler: ErrorRequestHandler = (err, req, res, next) => {
    if (!req.path.startsWith('/handled/')) {
      next(err);
      return;
    }
    res.status(502).json({ error: 'upstream', requestId: req.requestId });
  };
  app.use(appHandler);
  return app;
}

async function sentryEventsOf(requestId: string) {
  await harness.handle.flush();
  return harness.sink.sentry.events.filter((event) => event.tags?.request_id === requestId);
}

async function serverSpanOf(spanId: string): Promise<ReceivedSpan> {
  await harness.handle.flush();
  return harness.sink.waitFor((sink) => sink.spans.find((span) => span.spanId === spanId));
}

describe.each(EXPRESS_MAJORS)('Express $major', ({ major, express }) => {
  let baseUrl: string;

  beforeAll(async () => {
    baseUrl = await harness.serve(buildApp(express, major));
  });

  const failures = [
    ['thrown synchronously', '/boom/7', 'GET /boom/:id', `thrown ${major}`, 500],
    ['passed to next(err)', '/forwarded/7', 'GET /forwarded/:id', `forwarded ${major}`, 500],
    ['logged with req.log.error first', '/logged/7', 'GET /logged/:id', `logged ${major}`, 500],
    ['carrying statusCode 503', '/unavailable/7', 'GET /unavailable/:id', `unavailable ${major}`, 503],
    ...(major === 5
      ? [
          [
            'rejected by an async handler',
            '/rejected/7',
            'GET /rejected/:id',
            `rejected ${major}`,
            500,
          ] as const,
        ]
      : []),
  ] as const;

  it.each(failures)(
    'captures an error %s once, named by route',
    async (_how, path, transaction, message, status) => {
      const requestId = `err-${major}-${path.split('/')[1]}`;
      const response = await fetch(`${baseUrl}${path}?token=hunter2&page=2`, {
        headers: {
          'x-request-id': requestId,
          authorization: 'Bearer secret-canary',
          cookie: 'session=secret-canary',
          'user-agent': 'errors-test',
        },
      });
      // Express's own final handler answered, as without tracewire.
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toContain(message);
      const { traceId, spanId } = traceOf(response);

      const event = await harness.sink.waitFor((sink) =>
        sink.sentry.events.find((candidate) => candidate.tags?.request_id === requestId),
      );
      expect(event.transaction).toBe(transaction);
      expect(event.exception?.values?.[0]?.value).toBe(message);
      expect(event.contexts?.trace?.trace_id).toBe(traceId);
      expect(event.tags).toMatchObject({ 'http.method': 'GET', 'http.route': transaction.slice(4) });
      // A line logged before the error handler ran is the event; the status was not known yet.
      if (!path.startsWith('/logged/')) expect(event.tags?.['http.status_code']).toBe(String(status));
      expect(event.request?.method).toBe('GET');
      expect(event.request?.url).toContain('token=%5BFiltered%5D');
      expect(event.request?.url).toContain('page=2');
      expect(event.request?.headers?.['user-agent']).toBe('errors-test');
      expect(event.request?.headers?.authorization).toBeUndefined();
      expect(event.request?.headers?.cookie).toBeUndefined();
      expect(await sentryEventsOf(requestId)).toHaveLength(1);
      expect(harness.sink.grep('secret-canary')).toEqual([]);
      expect(JSON.stringify(event)).not.toContain('hunter2');

      const span = await serverSpanOf(spanId);
      expect(JSON.stringify(span)).not.toContain('hunter2');
      expect(span.name).toBe(transaction);
      expect(span.status.code).toBe(2);
      expect(span.events.map((spanEvent) => spanEvent.name)).toContain('exception');
      expect(span.attributes['http.response.status_code']).toBe(status);
    },
  );

  it('lets a later app error handler answer, and still reports the error', async () => {
    const requestId = `handled-${major}`;
    const response = await fetch(`${baseUrl}/handled/1`, { headers: { 'x-request-id': requestId } });
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ error: 'upstream', requestId });
    const event = await harness.sink.waitFor((sink) =>
      sink.sentry.events.find((candidate) => candidate.tags?.request_id === requestId),
    );
    expect(event.transaction).toBe('GET /handled/:id');
    expect(await sentryEventsOf(requestId)).toHaveLength(1);
  });

  it.each([
    ['a thrown 400', '/invalid/1', 400],
    ['a 404', '/no/such/route', 404],
  ])('sends %s to no one but the span and the access log', async (_what, path, status) => {
    const requestId = `quiet-${major}-${status}`;
    const response = await fetch(`${baseUrl}${path}`, { headers: { 'x-request-id': requestId } });
    expect(response.status).toBe(status);
    await harness.handle.flush();
    expect(await sentryEventsOf(requestId)).toEqual([]);
    const access = harness.logs.lines.find(
      (line) => line.request_id === requestId && line.duration_ms !== undefined,
    );
    expect(access).toMatchObject({ level: 'info', http: { status_code: status } });
  });

  it('captures a 4xx when shouldCapture asks for it', async () => {
    const app = express();
    app.use(observability({ shouldCapture: (_error, status) => status === 409 || status >= 500 }));
    app.post('/orders/:id', () => {
      throw httpError(`conflict ${major}`, 409);
    });
    app.use(errorHandler());
    const url = await harness.serve(app);
    const requestId = `conflict-${major}`;
    const response = await fetch(`${url}/orders/9`, {
      method: 'POST',
      headers: { 'x-request-id': requestId },
    });
    expect(response.status).toBe(409);
    const event = await harness.sink.waitFor((sink) =>
      sink.sentry.events.find((candidate) => candidate.tags?.request_id === requestId),
    );
    expect(event.transaction).toBe('POST /orders/:id');
    expect(event.tags?.['http.status_code']).toBe('409');
  });
});

describe('errorHandler() without observability()', () => {
  it('still reports a 5xx and passes the error on', async () => {
    const [{ express }] = EXPRESS_MAJORS;
    const app = express();
    app.get('/bare', () => {
      throw new Error('bare failure');
    });
    app.use(errorHandler());
    const url = await harness.serve(app);
    const response = await fetch(`${url}/bare`);
    expect(response.status).toBe(500);
    const event = await harness.sink.waitFor((sink) =>
      sink.sentry.events.find((candidate) => candidate.exception?.values?.[0]?.value === 'bare failure'),
    );
    expect(event.exception?.values?.[0]?.type).toBe('Error');
  });
});
