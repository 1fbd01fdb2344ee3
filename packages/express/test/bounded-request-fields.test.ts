// Issue 12, item 5, on Express 4 and 5: for the largest requests Node accepts, every
// line tracewire writes stays within the documented bound, and spans and Sentry events
// carry each request field cut to its documented length.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initObservability, type ObservabilityHandle } from '@tracewire/core';
import { startTestSink, type TestSink } from '@tracewire/testing';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  boundViolations,
  growingRequests,
  rawLineDestination,
  sendLargestAccepted,
} from '../../core/test/helpers/largest-requests.ts';
import { errorHandler, observability } from '../src/index.ts';
import { EXPRESS_MAJORS } from './helpers/express-majors.ts';

let sink: TestSink;
let handle: ObservabilityHandle;
const lines = rawLineDestination();
const servers: http.Server[] = [];

beforeAll(async () => {
  sink = await startTestSink();
  handle = initObservability({
    env: { ...sink.env, TRACEWIRE_METRICS: 'none', OTEL_SERVICE_NAME: 'express-bounded-fields-test' },
    ignoredPaths: ['/v1/*', '/api/*'],
    logDestination: lines,
    handleSignals: false,
  });
});

afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await handle.shutdown();
  await sink.close();
});

describe.each(EXPRESS_MAJORS)('Express $major', ({ express }) => {
  it('keeps every line, span attribute and event field within its bound', async () => {
    let failures = 0;
    const app = express();
    app.use(observability({ handle }));
    app.get('/users/:id', (_req, res) => {
      res.send('ok');
    });
    // A router mounted under a pattern: its template is built from the raw prefix.
    const files = express.Router();
    files.get('/:name', () => {
      // A message of its own per request: Sentry drops an event equal to the one before.
      failures += 1;
      throw new Error(`store down ${failures}`);
    });
    app.use(/^\/fail\/(.*)/, files);
    app.get('/fail/:id', () => {
      failures += 1;
      throw new Error(`store down ${failures}`);
    });
    app.use(errorHandler());
    const server = http.createServer(app);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;

    let lastFailureId = '';
    for (const request of growingRequests({
      matched: '/users/',
      failing: '/fail/',
      unmatched: '/nowhere/',
    })) {
      const { answer, size } = await sendLargestAccepted(port, request);
      expect(size, request.name).toBeGreaterThan(3000);
      if (request.name === 'request ID')
        expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      if (answer.status === 500) lastFailureId = answer.headers.get('x-request-id') ?? '';
    }
    await handle.flush();
    await sink.waitFor((s) => s.sentry.events.find((event) => event.tags?.request_id === lastFailureId));
    expect(boundViolations(lines.lines, sink)).toEqual([]);
  });
});
