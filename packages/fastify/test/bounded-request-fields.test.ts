// Issue 12, item 5, on Fastify 4 and 5: for the largest requests Node accepts, every
// line tracewire writes stays within the documented bound, and spans and Sentry events
// carry each request field cut to its documented length.
import type { AddressInfo } from 'node:net';
import { initObservability, type ObservabilityHandle } from '@tracewire/core';
import { startTestSink, type TestSink } from '@tracewire/testing';
import type { FastifyInstance } from 'fastify';
import Fastify5 from 'fastify';
import Fastify4 from 'fastify4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  boundViolations,
  growingRequests,
  rawLineDestination,
  sendLargestAccepted,
} from '../../core/test/helpers/largest-requests.ts';
import { observability } from '../src/index.ts';

let sink: TestSink;
let handle: ObservabilityHandle;
const lines = rawLineDestination();
const openApps: FastifyInstance[] = [];

beforeAll(async () => {
  sink = await startTestSink();
  handle = initObservability({
    env: { ...sink.env, TRACEWIRE_METRICS: 'none', OTEL_SERVICE_NAME: 'fastify-bounded-fields-test' },
    ignoredPaths: ['/v1/*', '/api/*'],
    logDestination: lines,
    handleSignals: false,
  });
});

afterAll(async () => {
  for (const app of openApps.splice(0)) await app.close();
  await handle.shutdown();
  await sink.close();
});

const factories = { 5: Fastify5, 4: Fastify4 } as unknown as Record<4 | 5, () => FastifyInstance>;

describe.each([5, 4] as const)('Fastify %i', (major) => {
  it('keeps every line, span attribute and event field within its bound', async () => {
    let failures = 0;
    const app = factories[major]();
    openApps.push(app);
    await app.register(observability, { handle });
    app.get('/users/:id', async () => 'ok');
    app.get('/fail/:id', async () => {
      // A message of its own per request: Sentry drops an event equal to the one before.
      failures += 1;
      throw new Error(`store down ${failures}`);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;

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
