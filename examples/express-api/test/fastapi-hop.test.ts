// The guide's two-service system end to end: express-api under tracewire calling the
// guide's FastAPI app, which runs Sentry's Python SDK and reports to its own Sentry
// project on the same sink. The Python SDK continues a trace only from `sentry-trace` and
// `baggage`, so what it reports shows what tracewire sent.
import { startTestSink, type TestSink } from '@tracewire/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPython } from '../../test-helpers/find-python.mjs';
import { type RunningExample, missingBuild, startExample, traceOf } from '../../test-helpers/run-example.ts';
import { startFastApiApp } from '../../test-helpers/run-fastapi.ts';

const notBuilt = missingBuild('express');
const python = findPython();
const skipReason = notBuilt ?? (python.ok ? undefined : python.reason);
if (skipReason) console.warn(`skipping the express-api → fastapi-app tests: ${skipReason}`);

// The Python service's own Sentry project, on the same sink: its events are told apart by
// project, and its own public key must never be in the trace's sampling context.
const PYTHON_PUBLIC_KEY = 'fastapipublickey0001';
const PYTHON_PROJECT = '2';

interface SentryEventLike {
  type?: string;
  transaction?: string;
  contexts?: { trace?: { trace_id?: string; span_id?: string; parent_span_id?: string } };
  exception?: { values?: { type?: string; value?: string }[] };
}

describe.skipIf(skipReason !== undefined)('examples/express-api → examples/fastapi-app', () => {
  let sink: TestSink;
  let fastapi: RunningExample;
  let express: RunningExample;
  let errorTrace: { traceId: string; spanId: string };
  let errorStatus: number;
  let origin: { status: number; body: unknown; traceId: string };

  beforeAll(async () => {
    sink = await startTestSink();
    fastapi = await startFastApiApp(python.ok ? python.python : 'python3', {
      SENTRY_DSN: `${sink.url.replace('://', `://${PYTHON_PUBLIC_KEY}@`)}/${PYTHON_PROJECT}`,
      SENTRY_ENVIRONMENT: 'test-python',
      // Ignored for traces the Node service sampled: the SDK follows the parent's decision.
      SENTRY_TRACE_SAMPLE_RATE: '0.25',
    });
    try {
      express = await startExample('express-api', {
        ...sink.env,
        OTEL_SERVICE_NAME: 'express-api',
        SENTRY_ENVIRONMENT: 'test',
        SENTRY_RELEASE: 'express-api@test',
        SENTRY_TRACE_SAMPLE_RATE: '1',
        TRACEWIRE_METRICS: 'none',
        FASTAPI_URL: fastapi.url,
      });
      const found = await fetch(`${express.url}/api/items/1/origin`);
      origin = { status: found.status, body: await found.json(), ...traceOf(found) };
      // Last: after an unhandled exception uvicorn closes the connection without saying so.
      const failed = await fetch(`${express.url}/api/fastapi-error`);
      await failed.arrayBuffer();
      errorStatus = failed.status;
      errorTrace = traceOf(failed);
      // The Python SDK sends from a background thread; wait for its transactions and error.
      await sink.waitFor(
        (s) =>
          s.sentry.envelopes.filter((envelope) => envelope.projectId === PYTHON_PROJECT).length >= 3 &&
          s.sentry.transactions.length >= 2,
        { timeoutMs: 20_000 },
      );
    } finally {
      await express?.stop();
      await fastapi.stop();
    }
  });

  afterAll(async () => {
    await sink?.close();
  });

  const pythonEnvelopes = () =>
    sink.sentry.envelopes.filter((envelope) => envelope.projectId === PYTHON_PROJECT);
  const pythonItems = (type: string) =>
    pythonEnvelopes().flatMap((envelope) =>
      envelope.items
        .filter((item) => item.type === type)
        .map((item) => ({ envelope, payload: item.payload as SentryEventLike })),
    );
  const nodeClientSpan = (traceId: string) =>
    sink.spans.find(
      (span) =>
        span.receiver === 'otlp' &&
        span.kind === 'client' &&
        span.traceId === traceId &&
        span.resource['service.name'] === 'express-api',
    );

  it('answers through the FastAPI app', () => {
    expect(errorStatus).toBe(502);
    expect(origin.status).toBe(200);
    expect(origin.body).toEqual({ id: '1', name: 'Espresso beans, 1 kg', origin: 'Huila, Colombia' });
  });

  it('the Python error event has the Node request’s trace ID', () => {
    const errors = pythonItems('event').filter(
      ({ payload }) => payload.exception?.values?.at(-1)?.value === 'Test error from fastapi-app',
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]?.payload.contexts?.trace?.trace_id).toBe(errorTrace.traceId);
    // The Node service reported its own side of the failure on the same trace.
    const nodeErrors = sink.sentry.envelopes
      .filter((envelope) => envelope.projectId === sink.projectId)
      .flatMap((envelope) => envelope.items.map((item) => item.payload as SentryEventLike))
      .filter((event) => event.contexts?.trace?.trace_id === errorTrace.traceId);
    expect(nodeErrors.map((event) => event.exception?.values?.at(-1)?.value)).toEqual([
      'fastapi-app answered 500 on /error',
    ]);
  });

  it('the Python transactions are children of the Node client spans', () => {
    for (const [traceId, name] of [
      [errorTrace.traceId, '/error'],
      [origin.traceId, '/items/{item_id}'],
    ] as const) {
      const transaction = pythonItems('transaction').find(
        ({ payload }) => payload.contexts?.trace?.trace_id === traceId,
      );
      expect(transaction?.payload.transaction).toBe(name);
      const client = nodeClientSpan(traceId);
      expect(client, `no express-api client span for ${traceId}`).toBeDefined();
      expect(transaction?.payload.contexts?.trace?.parent_span_id).toBe(client?.spanId);
    }
    // …and the client span is the Express request's.
    expect(nodeClientSpan(errorTrace.traceId)?.parentSpanId).toBe(errorTrace.spanId);
  });

  it('the Python envelopes carry the Node service’s sampling context, not their own', () => {
    const transaction = pythonItems('transaction').find(
      ({ payload }) => payload.contexts?.trace?.trace_id === errorTrace.traceId,
    );
    // Every entry the Python SDK reports is the Node service's. (sentry-sdk 1.x reports the
    // keys it knows, which do not include `sampled` and `sample_rand`; 2.x reports all.)
    expect(transaction?.envelope.headers.trace).toMatchObject({
      trace_id: errorTrace.traceId,
      public_key: sink.publicKey,
      environment: 'test',
      release: 'express-api@test',
      sample_rate: '1',
      transaction: 'GET /api/fastapi-error',
    });
    // The first request on the server (span from the http instrumentation) names its route too.
    const originTransaction = pythonItems('transaction').find(
      ({ payload }) => payload.contexts?.trace?.trace_id === origin.traceId,
    );
    expect(originTransaction?.envelope.headers.trace).toMatchObject({
      public_key: sink.publicKey,
      transaction: 'GET /api/items/:id/origin',
    });
    // On the Node service's traces, that is: uvicorn's lifespan events make Python
    // transactions of its own, with its own context, on traces of its own.
    const nodeTraces = new Set([errorTrace.traceId, origin.traceId]);
    const withContext = pythonEnvelopes().filter((envelope) =>
      nodeTraces.has((envelope.headers.trace as { trace_id?: string } | undefined)?.trace_id ?? ''),
    );
    // Two transactions; sentry-sdk 2.x also sends its errors in envelopes with the context.
    expect(withContext.length).toBeGreaterThanOrEqual(2);
    for (const envelope of withContext) {
      expect((envelope.headers.trace as { public_key?: string }).public_key).toBe(sink.publicKey);
    }
    // The Python service's own key only authenticates its requests.
    expect(pythonEnvelopes().every((envelope) => envelope.auth.sentryKey === PYTHON_PUBLIC_KEY)).toBe(true);
  });

  it('the Node service’s own error event carries the same sampling context in its envelope', () => {
    const nodeEnvelope = sink.sentry.envelopes.find(
      (envelope) =>
        envelope.projectId === sink.projectId &&
        envelope.items.some(
          (item) => (item.payload as SentryEventLike).contexts?.trace?.trace_id === errorTrace.traceId,
        ),
    );
    const transaction = pythonItems('transaction').find(
      ({ payload }) => payload.contexts?.trace?.trace_id === errorTrace.traceId,
    );
    const nodeContext = nodeEnvelope?.headers.trace as Record<string, string> | undefined;
    expect(nodeContext).toMatchObject({
      trace_id: errorTrace.traceId,
      public_key: sink.publicKey,
      sample_rate: '1',
      sampled: 'true',
      sample_rand: expect.stringMatching(/^0\.\d{6}$/),
      transaction: 'GET /api/fastapi-error',
    });
    // What the Python SDK reports is exactly what tracewire sent it, entry for entry.
    const pythonContext = transaction?.envelope.headers.trace as Record<string, string>;
    expect(Object.keys(pythonContext).length).toBeGreaterThan(0);
    for (const [key, value] of Object.entries(pythonContext)) expect(nodeContext?.[key], key).toBe(value);
  });
});
