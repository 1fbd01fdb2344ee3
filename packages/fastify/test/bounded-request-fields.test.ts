// Issue 12, item 5, on Fastify 4 and 5: for the largest requests Node accepts, every
// line tracewire writes stays within the documented bound, and spans and Sentry events
// carry each request field cut to its documented length.
import type { AddressInfo } from 'node:net';
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
import type { FastifyInstance } from 'fastify';
import Fastify5 from 'fastify';
import Fastify4 from 'fastify4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observability } from '../src/index.ts';

let traced: TracedSink<ObservabilityHandle, RawLineDestination>;
const openApps: FastifyInstance[] = [];

beforeAll(async () => {
  traced = await startTracedSink({
    init: initObservability,
    serviceName: 'fastify-bounded-fields-test',
    env: { TRACEWIRE_METRICS: 'none' },
    logs: rawLineDestination(),
  });
});

afterAll(async () => {
  for (const app of openApps.splice(0)) await app.close();
  await traced.close();
});

const factories = { 5: Fastify5, 4: Fastify4 } as unknown as Record<4 | 5, () => FastifyInstance>;

describe.each([5, 4] as const)('Fastify %i', (major) => {
  it('keeps every line, span attribute and event field within its bound', async () => {
    let failures = 0;
    const app = factories[major]();
    openApps.push(app);
    await app.register(observability, { handle: traced.handle });
    app.get('/users/:id', async () => 'ok');
    app.get('/fail/:id', async () => {
      // A message of its own per request: Sentry drops an event equal to the one before.
      failures += 1;
      throw new Error(`store down ${failures}`);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;

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
