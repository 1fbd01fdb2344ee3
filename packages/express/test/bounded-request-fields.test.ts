// Issue 12, item 5, on Express 4 and 5: for the largest requests Node accepts, every
// line tracewire writes stays within the documented bound, and spans and Sentry events
// carry each request field cut to its documented length.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initObservability, type ObservabilityHandle } from '@tracewire/core';
import { ACCESS_LOG_LINE_LIMIT, REQUEST_FIELD_LIMITS } from '@tracewire/core/adapter';
import {
  boundViolations,
  type RawLineDestination,
  rawLineDestination,
  sendLargestRequests,
  startTracedSink,
  type TracedSink,
} from '@tracewire/testing/fixtures';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorHandler, observability } from '../src/index.ts';
import { EXPRESS_MAJORS } from './helpers/express-majors.ts';

let traced: TracedSink<ObservabilityHandle, RawLineDestination>;
const servers: http.Server[] = [];

beforeAll(async () => {
  traced = await startTracedSink({
    init: initObservability,
    serviceName: 'express-bounded-fields-test',
    env: { TRACEWIRE_METRICS: 'none' },
    logs: rawLineDestination(),
  });
});

afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await traced.close();
});

describe.each(EXPRESS_MAJORS)('Express $major', ({ express }) => {
  it('keeps every line, span attribute and event field within its bound', async () => {
    let failures = 0;
    const app = express();
    app.use(observability({ handle: traced.handle }));
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

    const sent = await sendLargestRequests(port);
    for (const [name, size] of Object.entries(sent.sizes)) expect(size, name).toBeGreaterThan(3000);
    expect(sent.answers['request ID']?.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await traced.handle.flush();
    await traced.sink.waitFor((s) =>
      s.sentry.events.find((event) => event.tags?.request_id === sent.lastFailureId),
    );
    const bounds = { lineBytes: ACCESS_LOG_LINE_LIMIT, fields: REQUEST_FIELD_LIMITS };
    expect(boundViolations(traced.logs.lines, traced.sink, bounds)).toEqual([]);
  });
});
