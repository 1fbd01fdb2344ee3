// 500 requests in flight at once, each awaiting a random timer before it logs: every
// log line must carry the trace ID of its own request, never a neighbour's.
import { initObservability, type ObservabilityHandle } from '@tracewire/core';
import Koa from 'koa';
import Koa2 from 'koa2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type KoaConstructor } from './helpers/build-app.ts';
import { listen, parseTraceResponse } from './helpers/listen.ts';
import { memoryDestination, startTracedSink, type TracedSink } from '@tracewire/testing/fixtures';

let traced: TracedSink<ObservabilityHandle>;
const logs = memoryDestination();

beforeAll(async () => {
  traced = await startTracedSink({ init: initObservability, serviceName: 'koa-concurrency-test', logs });
});

afterAll(async () => {
  await traced.close();
});

const majors: [string, KoaConstructor][] = [
  ['Koa 2', Koa2],
  ['Koa 3', Koa],
];

describe.each(majors)('%s under 500 concurrent requests', (major, KoaClass) => {
  it('keeps every log line on the trace of its own request', async () => {
    const server = await listen(buildApp(KoaClass).app);
    try {
      const tag = major.replace(' ', '').toLowerCase();
      const count = 500;
      const responses = await Promise.all(
        Array.from({ length: count }, async (_, index) => {
          const requestId = `${tag}-concurrent-${index}`;
          const response = await fetch(`${server.url}/slow/${index}`, {
            headers: { 'x-request-id': requestId },
          });
          expect(await response.text()).toBe(String(index));
          expect(response.headers.get('x-request-id')).toBe(requestId);
          return { index, requestId, ...parseTraceResponse(response.headers.get('traceresponse')) };
        }),
      );
      expect(new Set(responses.map((response) => response.traceId)).size).toBe(count);

      for (const { index, requestId, traceId, spanId } of responses) {
        const lines = logs.lines.filter((line) => line.request_id === requestId);
        const work = lines.filter((line) => line.msg === 'slow work done');
        expect(work).toHaveLength(1);
        expect(work[0]).toMatchObject({ n: String(index), trace_id: traceId, span_id: spanId });
        const access = lines.filter((line) => line.duration_ms !== undefined);
        expect(access).toHaveLength(1);
        expect(access[0]).toMatchObject({
          trace_id: traceId,
          http: { route: '/slow/:id', path: `/slow/${index}` },
        });
        // And every line that names this trace belongs to this request.
        for (const line of logs.lines.filter((candidate) => candidate.trace_id === traceId)) {
          expect(line.request_id).toBe(requestId);
        }
      }
    } finally {
      await server.close();
    }
  });
});
