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
    serviceName: 'fastify-redaction-test',
    env: { TRACEWIRE_METRICS: 'none' },
  });
});

afterAll(async () => {
  await traced.close();
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
        ? { loggerInstance: traced.handle.logger, disableRequestLogging: true }
        : { logger: traced.handle.logger, disableRequestLogging: true },
    );
    await app.register(observability, { handle: traced.handle });
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

    expect(redactionProblems(traced.logs.lines, sent, 'order data')).toEqual([]);
  });
});
