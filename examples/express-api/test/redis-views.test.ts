// The example's Redis route against a real redis-server: the INCR is a client span under
// the request's server span, recorded as command and key, and the example still ends on
// SIGTERM with its Redis connection open.
import { startTestSink, type TestSink } from '@tracewire/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseServer, installedServers, startRedis } from '@tracewire/testing/fixtures';
import { type ExampleExit, missingBuild, startExample, traceOf } from '../../test-helpers/run-example.ts';

const notBuilt = missingBuild('express');

describe.skipIf(notBuilt !== undefined || !installedServers.redis)('examples/express-api with Redis', () => {
  let sink: TestSink;
  let redis: DatabaseServer;
  let exit: ExampleExit;
  let answers: { status: number; body: Record<string, unknown>; traceId: string }[];
  let lines: Record<string, unknown>[];

  beforeAll(async () => {
    sink = await startTestSink();
    redis = await startRedis();
    const example = await startExample('express-api', {
      ...sink.env,
      OTEL_SERVICE_NAME: 'express-api',
      SENTRY_ENVIRONMENT: 'test',
      TRACEWIRE_METRICS: 'none',
      REDIS_URL: redis.url,
    });
    try {
      answers = [];
      for (let count = 0; count < 2; count++) {
        const response = await fetch(`${example.url}/api/items/1/views`);
        const body = (await response.json()) as Record<string, unknown>;
        answers.push({ status: response.status, body, ...traceOf(response) });
      }
    } finally {
      exit = await example.stop();
      lines = example.lines();
    }
  });

  afterAll(async () => {
    await sink?.close();
    await redis?.stop();
  });

  it('counts views in Redis and still ends on SIGTERM', () => {
    expect(answers.map((answer) => [answer.status, answer.body.views])).toEqual([
      [200, 1],
      [200, 2],
    ]);
    expect(exit.signal ?? exit.code).not.toBe('SIGKILL');
  });

  it('puts the INCR under the request as command and key, with no password', () => {
    const { traceId } = answers[0] ?? { traceId: '' };
    const spans = sink.spans.filter((span) => span.receiver === 'otlp' && span.traceId === traceId);
    const server = spans.find((span) => span.kind === 'server');
    const incr = spans.find((span) => span.attributes['db.system.name'] === 'redis');
    expect(server?.name).toBe('GET /api/items/:id/views');
    expect(incr?.parentSpanId).toBe(server?.spanId);
    expect(incr?.attributes['db.query.text']).toBe('incr item:1:views');
    expect(lines.find((line) => line.msg === 'item view counted' && line.views === 1)?.trace_id).toBe(
      traceId,
    );
    expect(JSON.stringify(sink.spans)).not.toContain(redis.password);
  });
});
