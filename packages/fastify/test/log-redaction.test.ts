// Secrets in what an app logs about a request: the query string, the headers and the
// JSON body, as `request.log.info({ query: request.query, headers: request.headers,
// body: request.body })` writes them. Fastify's query object has a prototype of its own
// (neither Object.prototype nor null); redaction goes by key, not by prototype.
import type { AddressInfo } from 'node:net';
import {
  initObservability,
  type ObservabilityHandle,
  SECRET_HEADER_NAMES,
  SECRET_KEYS,
} from '@tracewire/core';
import type { FastifyInstance } from 'fastify';
import Fastify5 from 'fastify';
import Fastify4 from 'fastify4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observability } from '../src/index.ts';
import { memoryDestination, sendSecretRequest } from '@tracewire/testing/fixtures';

let handle: ObservabilityHandle;
const logs = memoryDestination();

beforeAll(() => {
  handle = initObservability({
    env: { OTEL_SERVICE_NAME: 'fastify-redaction-test', TRACEWIRE_METRICS: 'none' },
    logDestination: logs,
    handleSignals: false,
  });
});

afterAll(async () => {
  await handle.shutdown();
});

describe.each([
  [5, Fastify5],
  [4, Fastify4],
] as const)('Fastify %i', (major, create) => {
  let app: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    const factory = create as unknown as (options: Record<string, unknown>) => FastifyInstance;
    app = factory(
      major === 5
        ? { loggerInstance: handle.logger, disableRequestLogging: true }
        : { logger: handle.logger, disableRequestLogging: true },
    );
    await app.register(observability, { handle });
    app.post('/orders', async (request) => {
      request.log.info({ query: request.query, headers: request.headers, body: request.body }, 'order data');
      return { ok: true };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app.close();
  });

  it('masks every secret key in the query, every secret header and every secret body key', async () => {
    const sent = await sendSecretRequest(`${url}/orders`, {
      secretKeys: SECRET_KEYS,
      secretHeaderNames: SECRET_HEADER_NAMES,
      tag: `f${major}`,
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
