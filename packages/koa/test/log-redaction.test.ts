// Secrets in what an app logs about a request: the query string, the headers and the
// JSON body, as `ctx.log.info({ query: ctx.query, headers: ctx.headers, body })` writes
// them (Koa's query object has a null prototype). Redaction goes by key.
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import {
  initObservability,
  type ObservabilityHandle,
  SECRET_HEADER_NAMES,
  SECRET_KEYS,
} from '@tracewire/core';
import Koa from 'koa';
import Koa2 from 'koa2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observability } from '../src/index.ts';
import type { KoaConstructor } from './helpers/build-app.ts';
import {
  redactionProblems,
  sendSecretRequest,
  startTracedSink,
  type TracedSink,
} from '@tracewire/testing/fixtures';

let traced: TracedSink<ObservabilityHandle>;

beforeAll(async () => {
  traced = await startTracedSink({
    init: initObservability,
    serviceName: 'koa-redaction-test',
    env: { TRACEWIRE_METRICS: 'none' },
  });
});

afterAll(async () => {
  await traced.close();
});

/** The JSON body, read the way a body parser middleware does. */
async function readJson(request: http.IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return JSON.parse(text) as unknown;
}

const majors: [string, KoaConstructor][] = [
  ['Koa 2', Koa2],
  ['Koa 3', Koa],
];

describe.each(majors)('%s', (major, KoaClass) => {
  let server: http.Server;
  let url: string;
  const tag = major.replace(' ', '').toLowerCase();

  beforeAll(async () => {
    const app = new KoaClass();
    app.use(observability({ handle: traced.handle }));
    app.use(async (ctx) => {
      const body = await readJson(ctx.req);
      ctx.log.info({ query: ctx.query, headers: ctx.headers, body }, 'order data');
      ctx.body = { ok: true };
    });
    server = http.createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('masks every secret key in the query, every secret header and every secret body key', async () => {
    const sent = await sendSecretRequest(`${url}/orders`, {
      secretKeys: SECRET_KEYS,
      secretHeaderNames: SECRET_HEADER_NAMES,
      tag,
    });
    expect(sent.response.status).toBe(200);

    expect(redactionProblems(traced.logs.lines, sent, 'order data')).toEqual([]);
  });
});
