// Issue 12, item 5, on Koa 2 and 3: for the largest requests Node accepts, every line
// tracewire writes stays within the documented bound, and spans and Sentry events carry
// each request field cut to its documented length.
import Router, { type RouterContext } from '@koa/router';
import { initObservability, type ObservabilityHandle } from '@tracewire/core';
import { startTestSink, type TestSink } from '@tracewire/testing';
import Koa from 'koa';
import Koa2 from 'koa2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  boundViolations,
  growingRequests,
  rawLineDestination,
  sendLargestAccepted,
} from '../../core/test/helpers/largest-requests.ts';
import { observability } from '../src/index.ts';
import type { KoaConstructor } from './helpers/build-app.ts';
import { type ListeningApp, listen } from './helpers/listen.ts';

let sink: TestSink;
let handle: ObservabilityHandle;
const lines = rawLineDestination();
const servers: ListeningApp[] = [];

beforeAll(async () => {
  sink = await startTestSink();
  handle = initObservability({
    env: { ...sink.env, TRACEWIRE_METRICS: 'none', OTEL_SERVICE_NAME: 'koa-bounded-fields-test' },
    ignoredPaths: ['/v1/*', '/api/*'],
    logDestination: lines,
    handleSignals: false,
  });
});

afterAll(async () => {
  for (const server of servers) await server.close();
  await handle.shutdown();
  await sink.close();
});

const majors: [string, KoaConstructor][] = [
  ['Koa 2', Koa2],
  ['Koa 3', Koa],
];

describe.each(majors)('%s', (_major, KoaClass) => {
  it('keeps every line, span attribute and event field within its bound', async () => {
    let failures = 0;
    const app = new KoaClass();
    app.on('error', () => {});
    app.use(observability({ handle }));
    const router = new Router();
    router.get('/users/:id', (ctx: RouterContext) => {
      ctx.body = 'ok';
    });
    router.get('/fail/:id', () => {
      // A message of its own per request: Sentry drops an event equal to the one before.
      failures += 1;
      throw new Error(`store down ${failures}`);
    });
    app.use(router.routes());
    const server = await listen(app);
    servers.push(server);
    const port = Number(new URL(server.url).port);

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
