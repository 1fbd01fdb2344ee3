// Issue 12, item 5, on Koa 2 and 3: for the largest requests Node accepts, every line
// tracewire writes stays within the documented bound, and spans and Sentry events carry
// each request field cut to its documented length.
import Router, { type RouterContext } from '@koa/router';
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
import Koa from 'koa';
import Koa2 from 'koa2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observability } from '../src/index.ts';
import type { KoaConstructor } from './helpers/build-app.ts';
import { type ListeningApp, listen } from './helpers/listen.ts';

let traced: TracedSink<ObservabilityHandle, RawLineDestination>;
const servers: ListeningApp[] = [];

beforeAll(async () => {
  traced = await startTracedSink({
    init: initObservability,
    serviceName: 'koa-bounded-fields-test',
    env: { TRACEWIRE_METRICS: 'none' },
    logs: rawLineDestination(),
  });
});

afterAll(async () => {
  for (const server of servers) await server.close();
  await traced.close();
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
    app.use(observability({ handle: traced.handle }));
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
