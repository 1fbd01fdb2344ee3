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
import { memoryDestination, sendSecretRequest } from '@tracewire/testing/fixtures';

let handle: ObservabilityHandle;
const logs = memoryDestination();

beforeAll(() => {
  handle = initObservability({
    env: { OTEL_SERVICE_NAME: 'koa-redaction-test', TRACEWIRE_METRICS: 'none' },
    logDestination: logs,
    handleSignals: false,
  });
});

afterAll(async () => {
  await handle.shutdown();
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
    app.use(observability({ handle }));
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

    const line = logs.lines.find(
      (candidate) => candidate.request_id === sent.requestId && candidate.msg === 'order data',
    );
    const logged = line as {
      query: Record<string, unknown>;
      headers: Record<string, unknown>;
      body: Record<string, unknown>;
    };
    // The ordinary values are there: redaction kept the line's shape.
    expect(logged.query.page).toBe('2');
    expect(logged.body.item).toBe('tea');
    expect(logged.headers['content-type']).toBe('application/json');
    for (const key of SECRET_KEYS) {
      expect(logged.query[key], `query ${key}`).toBe('***');
      expect(logged.body[key], `body ${key}`).toBe('***');
    }
    for (const name of SECRET_HEADER_NAMES) expect(logged.headers[name], `header ${name}`).toBe('***');
    const everything = JSON.stringify(logs.lines);
    for (const canary of sent.canaries) expect(everything).not.toContain(canary);
  });
});
