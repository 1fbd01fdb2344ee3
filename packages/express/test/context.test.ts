// Acceptance 4 and 5: every log line belongs to its own request under concurrency, and
// incoming trace headers are continued (W3C and Sentry's) or, when malformed, ignored.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { errorHandler, observability } from '../src/index.ts';
import { EXPRESS_MAJORS, type ExpressFactory } from './helpers/express-majors.ts';
import {
  plainRequest,
  startTelemetryHarness,
  type TelemetryHarness,
  traceOf,
} from './helpers/telemetry-harness.ts';

let harness: TelemetryHarness;

beforeAll(async () => {
  harness = await startTelemetryHarness('express-context-test');
});

afterAll(async () => {
  await harness.close();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Resolves when the app has registered its body listeners for the request with that ID. */
const listening = new Map<string, () => void>();

function buildApp(express: ExpressFactory) {
  const app = express();
  app.use(observability());
  app.get('/work/:id', async (req, res) => {
    // Random interleaving: requests finish in a different order than they started.
    await delay(Math.floor(Math.random() * 20));
    req.log.info({ work: req.params.id }, 'work done');
    res.json({ id: req.params.id });
  });
  app.get('/echo', (req, res) => {
    res.json({ requestId: req.requestId });
  });
  app.post('/upload', (req, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on('end', () => {
      // Runs when the client's late body arrives, from the connection's parser.
      req.log.info({ bytes }, 'upload received');
      res.json({ bytes });
    });
    listening.get(req.requestId)?.();
  });
  app.get('/finish-listener', (req, res) => {
    // Runs from the connection once the response is written.
    res.on('finish', () => req.log.info('response finished'));
    res.json({ ok: true });
  });
  app.post('/listeners', (req, res) => {
    const listener = () => {};
    req.on('data', listener);
    const listed = req.listeners('data').includes(listener);
    const wrapped = !req.rawListeners('data').includes(listener);
    req.removeListener('data', listener);
    res.json({
      listed,
      wrapped,
      remaining: req.listenerCount('data'),
      ownMethods: ['on', 'addListener'].filter(
        (name) => Object.hasOwn(req, name) || Object.hasOwn(res, name),
      ),
    });
  });
  app.use(errorHandler());
  return app;
}

/** The same listener route in an app without tracewire, on the same Express. */
function buildPlainApp(express: ExpressFactory) {
  const app = express();
  app.post('/listeners', (req, res) => {
    const listener = () => {};
    req.on('data', listener);
    res.json({
      wrapped: !req.rawListeners('data').includes(listener),
      ownMethods: ['on', 'addListener'].filter(
        (name) => Object.hasOwn(req, name) || Object.hasOwn(res, name),
      ),
    });
  });
  return app;
}

describe.each(EXPRESS_MAJORS)('Express $major', ({ major, express }) => {
  let baseUrl: string;

  beforeAll(async () => {
    baseUrl = await harness.serve(buildApp(express));
  });

  it('keeps 500 concurrent requests apart: each log line carries its own trace ID', async () => {
    const ids = Array.from({ length: 500 }, (_, index) => `c${major}-${index}`);
    const responses = await Promise.all(
      ids.map(async (id) => {
        const response = await fetch(`${baseUrl}/work/${id}`, { headers: { 'x-request-id': id } });
        expect(await response.json()).toEqual({ id });
        return { id, traceId: traceOf(response).traceId };
      }),
    );
    expect(new Set(responses.map((response) => response.traceId)).size).toBe(ids.length);
    for (const { id, traceId } of responses) {
      const lines = harness.logs.lines.filter((line) => line.request_id === id);
      // The handler's own line and the access log line, both in this request's trace.
      expect(lines.map((line) => line.msg)).toEqual(['work done', 'GET /work/:id 200']);
      for (const line of lines) expect(line.trace_id).toBe(traceId);
      expect(lines[0]?.work).toBe(id);
    }
  });

  it('keeps the trace context in body listeners that run when a late body arrives', async () => {
    const requestId = `upload-${major}`;
    const appListening = new Promise<void>((resolve) => listening.set(requestId, resolve));
    const { port } = new URL(baseUrl);
    const result = await new Promise<{ traceresponse: string; body: string }>((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/upload',
          method: 'POST',
          headers: { 'content-length': '5', 'x-request-id': requestId },
        },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            body += chunk;
          });
          response.on('end', () => resolve({ traceresponse: String(response.headers.traceresponse), body }));
        },
      );
      request.on('error', reject);
      request.flushHeaders();
      // The body is sent only once the handler waits for it.
      void appListening.then(() => request.end('hello'));
    });
    expect(JSON.parse(result.body)).toEqual({ bytes: 5 });
    const traceId = result.traceresponse.split('-')[1];
    const line = harness.logs.lines.find(
      (entry) => entry.request_id === requestId && entry.msg === 'upload received',
    );
    expect(line?.trace_id).toBe(traceId);
  });

  it('runs a response listener added in the handler in the request’s trace context', async () => {
    const requestId = `finish-${major}`;
    const response = await plainRequest(`${baseUrl}/finish-listener`, {
      headers: { 'x-request-id': requestId },
    });
    expect(response.status).toBe(200);
    const { traceId } = traceOf(response);
    const line = await vi.waitFor(() => {
      const found = harness.logs.lines.find(
        (entry) => entry.request_id === requestId && entry.msg === 'response finished',
      );
      expect(found).toBeDefined();
      return found;
    });
    expect(line?.trace_id).toBe(traceId);
  });

  it('binds listeners without methods of its own on each request, and they remove as in Node', async () => {
    // Twice: the first request of a server may still pass through the http instrumentation.
    for (let round = 0; round < 2; round++) {
      const response = await plainRequest(`${baseUrl}/listeners`, { method: 'POST', body: '' });
      expect(response.status).toBe(200);
      const result = JSON.parse(response.body) as { listed: boolean; wrapped: boolean; remaining: number };
      expect(result).toMatchObject({ listed: true, wrapped: true, remaining: 0 });
      if (round === 1) expect(JSON.parse(response.body).ownMethods).toEqual([]);
    }
    // An app on the same Express without tracewire: its listeners are its own, as in Node.
    const plainUrl = await harness.serve(buildPlainApp(express));
    const plain = await plainRequest(`${plainUrl}/listeners`, { method: 'POST', body: '' });
    expect(JSON.parse(plain.body)).toEqual({ wrapped: false, ownMethods: [] });
  });

  it('continues an incoming W3C traceparent', async () => {
    const traceId = randomBytes(16).toString('hex');
    const parentSpanId = randomBytes(8).toString('hex');
    const response = await plainRequest(`${baseUrl}/work/tp`, {
      headers: { traceparent: `00-${traceId}-${parentSpanId}-01` },
    });
    expect(response.status).toBe(200);
    const trace = traceOf(response);
    expect(trace.traceId).toBe(traceId);
    await harness.handle.flush();
    const span = await harness.sink.waitFor((sink) => sink.spans.find((s) => s.spanId === trace.spanId));
    expect(span).toMatchObject({ traceId, parentSpanId, kind: 'server', name: 'GET /work/:id' });
  });

  it('continues an incoming sentry-trace from a Sentry browser SDK', async () => {
    const traceId = randomBytes(16).toString('hex');
    const parentSpanId = randomBytes(8).toString('hex');
    const response = await plainRequest(`${baseUrl}/work/st`, {
      headers: { 'sentry-trace': `${traceId}-${parentSpanId}-1` },
    });
    expect(response.status).toBe(200);
    const trace = traceOf(response);
    expect(trace.traceId).toBe(traceId);
    await harness.handle.flush();
    const span = await harness.sink.waitFor((sink) => sink.spans.find((s) => s.spanId === trace.spanId));
    expect(span).toMatchObject({ traceId, parentSpanId, kind: 'server' });
  });

  it.each([
    ['a garbage traceparent', { traceparent: '00-not-a-trace-at-all-zz' }],
    ['an all-zero traceparent', { traceparent: `00-${'0'.repeat(32)}-${'0'.repeat(16)}-01` }],
    ['a garbage sentry-trace', { 'sentry-trace': 'xyz-123-maybe' }],
    ['an absurd X-Request-Id', { 'x-request-id': `<script>${'a'.repeat(500)}` }],
    ['a request ID with spaces', { 'x-request-id': 'drop table users' }],
  ])('starts a new trace and a new request ID for %s', async (_what, headers: Record<string, string>) => {
    const response = await plainRequest(`${baseUrl}/echo`, { headers });
    expect(response.status).toBe(200);
    const { requestId } = JSON.parse(response.body) as { requestId: string };
    const incomingId = headers['x-request-id'];
    if (incomingId) expect(requestId).toMatch(UUID);
    expect(response.headers.get('x-request-id')).toBe(requestId);
    const { traceId } = traceOf(response);
    expect(traceId).not.toBe('0'.repeat(32));
    await harness.handle.flush();
    const span = await harness.sink.waitFor((sink) =>
      sink.spans.find((s) => s.traceId === traceId && s.kind === 'server'),
    );
    expect(span.parentSpanId).toBeUndefined();
    expect(span.name).toBe('GET /echo');
  });
});
