// Incoming trace context: a W3C `traceparent` and, without one, a Sentry `sentry-trace`
// are continued; malformed headers start a fresh trace and never break the request.
import type { TestSink } from '@tracewire/testing';
import { initObservability, type ObservabilityHandle } from '@tracewire/core';
import Koa from 'koa';
import Koa2 from 'koa2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type KoaConstructor } from './helpers/build-app.ts';
import { type ListeningApp, listen, parseTraceResponse, plainRequest } from './helpers/listen.ts';
import { memoryDestination, startTracedSink, type TracedSink } from '@tracewire/testing/fixtures';

let sink: TestSink;
let handle: ObservabilityHandle;
let traced: TracedSink<ObservabilityHandle>;
const logs = memoryDestination();

beforeAll(async () => {
  traced = await startTracedSink({ init: initObservability, serviceName: 'koa-propagation-test', logs });
  ({ sink, handle } = traced);
});

afterAll(async () => {
  await traced.close();
});

const majors: [string, KoaConstructor][] = [
  ['Koa 2', Koa2],
  ['Koa 3', Koa],
];

const randomHex = (length: number) =>
  Array.from({ length }, () => Math.floor(Math.random() * 16).toString(16)).join('');

describe.each(majors)('%s', (_major, KoaClass) => {
  let server: ListeningApp;

  beforeAll(async () => {
    server = await listen(buildApp(KoaClass).app);
  });

  afterAll(async () => {
    await server.close();
  });

  async function serverSpan(spanId: string) {
    await handle.flush();
    return sink.waitFor((s) => s.spans.find((span) => span.spanId === spanId && span.kind === 'server'));
  }

  it('continues an incoming traceparent', async () => {
    const traceId = randomHex(32);
    const parentSpanId = randomHex(16);
    const response = await plainRequest(`${server.url}/users/1`, {
      traceparent: `00-${traceId}-${parentSpanId}-01`,
    });
    expect(response.status).toBe(200);
    const returned = parseTraceResponse(response.headers.traceresponse);
    expect(returned.traceId).toBe(traceId);
    const span = await serverSpan(returned.spanId);
    expect(span.traceId).toBe(traceId);
    expect(span.parentSpanId).toBe(parentSpanId);
    expect(span.name).toBe('GET /users/:id');
    expect(logs.lines.find((line) => line.msg === 'loading user' && line.trace_id === traceId)).toBeDefined();
  });

  it('continues an incoming sentry-trace when there is no traceparent', async () => {
    const traceId = randomHex(32);
    const parentSpanId = randomHex(16);
    const response = await plainRequest(`${server.url}/users/2`, {
      'sentry-trace': `${traceId}-${parentSpanId}-1`,
    });
    expect(response.status).toBe(200);
    const returned = parseTraceResponse(response.headers.traceresponse);
    expect(returned.traceId).toBe(traceId);
    const span = await serverSpan(returned.spanId);
    expect(span.traceId).toBe(traceId);
    expect(span.parentSpanId).toBe(parentSpanId);
  });

  it.each([
    ['a garbage traceparent', { traceparent: 'not-a-traceparent' }],
    ['an all-zero trace ID', { traceparent: `00-${'0'.repeat(32)}-${randomHex(16)}-01` }],
    ['a traceparent with an unknown version ff', { traceparent: `ff-${randomHex(32)}-${randomHex(16)}-01` }],
    ['a garbage sentry-trace', { 'sentry-trace': 'zzz-123-9' }],
    ['a sentry-trace with a short trace ID', { 'sentry-trace': `${randomHex(20)}-${randomHex(16)}-1` }],
    [
      'both malformed, and an oversized request ID',
      { traceparent: '00--', 'sentry-trace': '-', 'x-request-id': 'x'.repeat(500) },
    ],
  ])('starts a new trace for %s', async (_label, headers: Record<string, string>) => {
    const response = await plainRequest(`${server.url}/users/3`, headers);
    expect(response.status).toBe(200);
    const returned = parseTraceResponse(response.headers.traceresponse);
    const span = await serverSpan(returned.spanId);
    expect(span.parentSpanId).toBeUndefined();
    expect(span.name).toBe('GET /users/:id');
    const requestId = String(response.headers['x-request-id']);
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('traceResponseHeader: false', () => {
  it('sends no traceresponse header, and still the request ID', async () => {
    const server = await listen(buildApp(Koa, { traceResponseHeader: false }).app);
    try {
      const response = await plainRequest(`${server.url}/users/4`, { 'x-request-id': 'no-traceresponse' });
      expect(response.status).toBe(200);
      expect(response.headers.traceresponse).toBeUndefined();
      expect(response.headers['x-request-id']).toBe('no-traceresponse');
    } finally {
      await server.close();
    }
  });
});
