// Each failure mode against real clients: fetch, the OTel exporter (which retries) and the
// Sentry transport (which honours rate limits and never retries).
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSink, type TestSink } from '../src/index.ts';
import { runSentryClient } from './helpers/run-sentry-client.ts';

let sink: TestSink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

const envelope = `${JSON.stringify({ event_id: 'e'.repeat(32) })}\n${JSON.stringify({ type: 'event' })}\n${JSON.stringify({ event_id: 'e'.repeat(32), message: 'hi' })}\n`;

function postEnvelope(target: TestSink, init: RequestInit = {}): Promise<Response> {
  return fetch(target.endpoints.sentryEnvelope, { method: 'POST', body: envelope, ...init });
}

function postSpans(target: TestSink, init: RequestInit = {}): Promise<Response> {
  return fetch(target.endpoints.traces, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ resourceSpans: [] }),
    ...init,
  });
}

/** The `code` of a fetch failure's cause (`ECONNREFUSED`, `ECONNRESET`, `UND_ERR_SOCKET`...). */
async function fetchErrorCode(request: Promise<Response>): Promise<string> {
  const error = (await request.then(
    () => expect.unreachable('the request should have failed'),
    (failure: unknown) => failure,
  )) as { cause?: { code?: string } };
  return error.cause?.code ?? 'no code';
}

/** Exports one span with the real OTLP exporter; resolves with the export's result code (0 success, 1 failed). */
async function exportOneSpan(target: TestSink, name: string): Promise<number> {
  const finished = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: finished })] });
  provider.getTracer('t').startSpan(name).end();
  const spans = finished.getFinishedSpans();
  await provider.shutdown();
  // A short timeout bounds the exporter's retries of network errors.
  const exporter = new OTLPTraceExporter({ url: target.endpoints.traces, timeoutMillis: 1_500 });
  const code = await new Promise<number>((resolve) =>
    exporter.export(spans, (result) => resolve(result.code)),
  );
  await exporter.shutdown();
  return code;
}

describe("'refuse'", () => {
  it('closes the port when both receivers refuse, and reopens the same port when cleared', async () => {
    sink = await startTestSink({ failure: 'refuse' });
    expect(await fetchErrorCode(postEnvelope(sink))).toBe('ECONNREFUSED');
    expect(await fetchErrorCode(postSpans(sink))).toBe('ECONNREFUSED');
    expect(sink.requests).toEqual([]);
    expect(sink.failures).toEqual({ sentry: 'refuse', otlp: 'refuse' });

    await sink.setFailure('none');
    expect((await postEnvelope(sink)).status).toBe(200);
    expect(sink.sentry.events).toHaveLength(1);
  });

  it('survives overlapping changes of the port state', async () => {
    sink = await startTestSink();
    await Promise.all([sink.setFailure('refuse'), sink.setFailure('none'), sink.setFailure('refuse')]);
    expect(await fetchErrorCode(postSpans(sink))).toBe('ECONNREFUSED');
    await Promise.all([sink.setFailure('none'), sink.setFailure('none')]);
    expect((await postSpans(sink)).status).toBe(200);
  });

  it('resets the connections of one target while the other keeps working', async () => {
    sink = await startTestSink();
    await sink.setFailure('refuse', { target: 'sentry' });
    expect(await fetchErrorCode(postEnvelope(sink))).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    expect((await postSpans(sink)).status).toBe(200);
    expect(sink.requests.map((request) => [request.receiver, request.outcome, request.status])).toEqual([
      ['sentry', 'refused', undefined],
      ['otlp', 'recorded', 200],
    ]);
    expect(sink.sentry.envelopes).toEqual([]);
  });

  it('makes the OTel exporter fail the export without crashing', async () => {
    sink = await startTestSink({ failure: 'refuse', failureTarget: 'otlp' });
    expect(await exportOneSpan(sink, 'lost')).toBe(1);
    expect(sink.spans).toEqual([]);
    expect(sink.requests.every((request) => request.outcome === 'refused')).toBe(true);
  });
});

describe("'hang'", () => {
  it('holds requests unanswered until the failure is cleared, then processes them', async () => {
    sink = await startTestSink({ failure: 'hang', failureTarget: 'sentry' });
    const pending = postEnvelope(sink);
    await sink.waitFor((s) => s.requests.some((request) => request.outcome === 'hanging'));
    expect(sink.sentry.events).toEqual([]);
    // The other receiver is unaffected.
    expect((await postSpans(sink)).status).toBe(200);

    await sink.setFailure('none', { target: 'sentry' });
    const response = await pending;
    expect(response.status).toBe(200);
    expect(sink.sentry.events).toHaveLength(1);
    expect(sink.requests[0]).toMatchObject({ receiver: 'sentry', outcome: 'recorded', status: 200 });
  });

  it('keeps holding when the target still hangs after a change', async () => {
    sink = await startTestSink({ failure: 'hang' });
    const pending = postSpans(sink);
    await sink.waitFor({ requests: 1 });
    await sink.setFailure({ status: 500 }, { target: 'sentry' });
    await sink.setFailure('hang', { target: 'otlp' });
    expect(sink.requests[0]?.outcome).toBe('hanging');
    await sink.setFailure('none', { target: 'otlp' });
    expect((await pending).status).toBe(200);
  });

  it('lets close() end hung connections', async () => {
    sink = await startTestSink({ failure: 'hang' });
    const pending = postSpans(sink);
    await sink.waitFor({ requests: 1 });
    await sink.close();
    expect(await fetchErrorCode(pending)).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    expect(sink.requests[0]?.outcome).toBe('abandoned');
  });

  it('marks a request the client gave up on as abandoned', async () => {
    sink = await startTestSink({ failure: 'hang' });
    const controller = new AbortController();
    const pending = postSpans(sink, { signal: controller.signal });
    await sink.waitFor({ requests: 1 });
    controller.abort();
    await expect(pending).rejects.toThrow();
    await sink.waitFor((s) => s.requests[0]?.outcome === 'abandoned');
    await sink.setFailure('none');
    expect(sink.spans).toEqual([]);
  });
});

describe('status failures', () => {
  it('answers 429 with Retry-After, plus X-Sentry-Rate-Limits on Sentry endpoints, recording nothing', async () => {
    sink = await startTestSink({ failure: { status: 429, retryAfterSeconds: 30 } });
    const sentry = await postEnvelope(sink);
    const otlp = await postSpans(sink);
    expect(sentry.status).toBe(429);
    expect(sentry.headers.get('retry-after')).toBe('30');
    expect(sentry.headers.get('x-sentry-rate-limits')).toBe('30::organization:ratelimit');
    expect(otlp.status).toBe(429);
    expect(otlp.headers.get('retry-after')).toBe('30');
    expect(otlp.headers.get('x-sentry-rate-limits')).toBeNull();
    expect(await otlp.json()).toEqual({ code: 8, message: expect.any(String) });
    expect(sink.sentry.envelopes).toEqual([]);
    expect(sink.requests.map((request) => [request.outcome, request.status])).toEqual([
      ['failed', 429],
      ['failed', 429],
    ]);
    // The body was still read, so it can be grepped.
    expect(sink.rawBodies()).toHaveLength(2);
  });

  it('names rate-limited Sentry categories', async () => {
    sink = await startTestSink();
    await sink.setFailure({
      status: 429,
      retryAfterSeconds: 5,
      rateLimitCategories: ['error', 'transaction'],
    });
    const response = await postEnvelope(sink);
    expect(response.headers.get('x-sentry-rate-limits')).toBe('5:error;transaction:organization:ratelimit');
  });

  it('fails `times` requests, then recovers by itself', async () => {
    sink = await startTestSink({ failure: { status: 503, times: 2 } });
    const statuses = [];
    for (let attempt = 0; attempt < 3; attempt++) statuses.push((await postEnvelope(sink)).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(sink.failures.sentry).toBe('none');
    expect(sink.sentry.events).toHaveLength(1);
  });

  it('counts `times` across both receivers when the target is all', async () => {
    sink = await startTestSink({ failure: { status: 503, times: 2 } });
    const statuses = [
      (await postEnvelope(sink)).status,
      (await postSpans(sink)).status,
      (await postSpans(sink)).status,
    ];
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('lets the OTel exporter retry a 503 until it gets through', async () => {
    // Retry-After: 1 replaces the exporter's randomised backoff with a known one-second wait.
    sink = await startTestSink({
      failure: { status: 503, times: 1, retryAfterSeconds: 1 },
      failureTarget: 'otlp',
    });
    expect(await exportOneSpan(sink, 'retried')).toBe(0);
    expect(sink.spans.map((span) => span.name)).toEqual(['retried']);
    expect(sink.requests.map((request) => request.status)).toEqual([503, 200]);
  });

  it('makes the real Sentry client stop sending after a 429', async () => {
    sink = await startTestSink({ failure: { status: 429, retryAfterSeconds: 60 }, failureTarget: 'sentry' });
    const reported = await runSentryClient('rate-limited', sink.dsn);
    // flush() reports success although nothing was delivered.
    expect(reported.firstFlushed).toBe(true);
    // The first event (and the session sent alongside it) met the 429; the second never left.
    expect(sink.grep('rate-limit-first').map((match) => match.request.status)).toEqual([429]);
    expect(sink.grep('rate-limit-second')).toEqual([]);
    expect(sink.requests.every((request) => request.status === 429)).toBe(true);
    expect(sink.sentry.events).toEqual([]);
  });
});

describe('setting failures', () => {
  it('rejects invalid modes and targets', async () => {
    sink = await startTestSink();
    await expect(sink.setFailure({ status: 200 })).rejects.toThrow(TypeError);
    await expect(sink.setFailure({ status: 503, times: 0 })).rejects.toThrow(/times/);
    await expect(sink.setFailure('explode' as never)).rejects.toThrow(TypeError);
    await expect(sink.setFailure('hang', { target: 'grafana' as never })).rejects.toThrow(/target/);
    await expect(startTestSink({ failure: { status: 99 } })).rejects.toThrow(TypeError);
  });

  it('reports the failure in force per receiver', async () => {
    sink = await startTestSink();
    await sink.setFailure('hang', { target: 'otlp' });
    await sink.setFailure({ status: 500 }, { target: 'sentry' });
    expect(sink.failures).toEqual({ sentry: { status: 500 }, otlp: 'hang' });
    await sink.setFailure('none');
    expect(sink.failures).toEqual({ sentry: 'none', otlp: 'none' });
  });

  it('keeps failures across reset()', async () => {
    sink = await startTestSink({ failure: { status: 500 } });
    await postEnvelope(sink);
    sink.reset();
    expect(sink.requests).toEqual([]);
    expect((await postEnvelope(sink)).status).toBe(500);
  });
});
