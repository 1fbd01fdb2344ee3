// The request policy every adapter shares, driven on the observer itself: the failure
// path reports a request's error once and never throws, a throwing `shouldCapture` falls
// back to the default and is reported once, a request finishes once on 'finish' or
// 'close', and an incoming request ID is echoed only when it is a sane token.
import { EventEmitter } from 'node:events';
import { startTestSink, type TestSink } from '@tracewire/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestObserver, type ObservedResponse, resolveRequestId } from '../../src/adapter.ts';
import { initObservability, type ObservabilityHandle } from '../../src/index.ts';
import { memoryDestination } from '@tracewire/testing/fixtures';

let sink: TestSink;
let handle: ObservabilityHandle;
const logs = memoryDestination();

beforeAll(async () => {
  sink = await startTestSink();
  handle = initObservability({
    env: { ...sink.env, TRACEWIRE_METRICS: 'none', OTEL_SERVICE_NAME: 'request-policy-test' },
    ignoredPaths: ['/v1/*', '/api/*'],
    logDestination: logs,
    handleSignals: false,
  });
});

afterAll(async () => {
  await handle.shutdown();
  await sink.close();
});

/** A response as Node's `ServerResponse` emits it, driven by the test. */
class FakeResponse extends EventEmitter implements ObservedResponse {
  statusCode = 200;
  readonly headers = new Map<string, string>();
}

function start(
  observer: ReturnType<typeof createRequestObserver>,
  requestId: string,
  response?: FakeResponse,
) {
  return observer.start({
    method: 'GET',
    url: '/orders/7',
    headers: { 'x-request-id': requestId },
    response,
    setResponseHeader: (name, value) => response?.headers.set(name, value),
  });
}

async function spanOf(traceId: string) {
  await handle.flush();
  return sink.waitFor((s) => s.spans.find((span) => span.traceId === traceId && span.kind === 'server'));
}

describe('the failure path', () => {
  it('reports the same error of one request once: one Sentry event, one exception event', async () => {
    const observed = start(createRequestObserver({ handle }), 'same-error-twice');
    observed.setRoute('/orders/:id');
    const error = new Error('order store down');
    const first = observed.run(() => observed.fail(error, 500));
    const second = observed.run(() => observed.fail(error, 500));
    // A thrown primitive cannot be marked as captured; the request still reports it once.
    const primitive = start(createRequestObserver({ handle }), 'same-string-twice');
    primitive.fail('plain string failure', 503);
    primitive.fail('plain string failure', 503);
    observed.finish(500);
    primitive.finish(503);
    expect(first).toBeTypeOf('string');
    expect(second).toBe(first);
    expect(observed.failed).toBe(true);

    await handle.flush();
    for (const requestId of ['same-error-twice', 'same-string-twice']) {
      await sink.waitFor((s) => s.sentry.events.find((event) => event.tags?.request_id === requestId));
      expect(sink.sentry.events.filter((event) => event.tags?.request_id === requestId)).toHaveLength(1);
    }
    const span = await spanOf(String(observed.span?.spanContext().traceId));
    expect(span.events.filter((event) => event.name === 'exception')).toHaveLength(1);
    expect(span.status.code).toBe(2);
  });

  it('leaves a 4xx the app answers on purpose out of the span and Sentry unless shouldCapture wants it', async () => {
    const declined = start(createRequestObserver({ handle }), 'declined-404');
    const wanted = start(
      createRequestObserver({ handle, shouldCapture: (_error, status) => status === 409 }),
      'wanted-409',
    );
    declined.fail(new Error('no such order'), 404);
    wanted.fail(new Error('order changed meanwhile'), 409);
    declined.finish(404);
    wanted.finish(409);
    const declinedSpan = await spanOf(String(declined.span?.spanContext().traceId));
    const wantedSpan = await spanOf(String(wanted.span?.spanContext().traceId));
    expect(declinedSpan.events).toEqual([]);
    expect(wantedSpan.events.map((event) => event.name)).toEqual(['exception']);
    // A 4xx is the client's mistake: never a server span error, captured or not.
    expect(wantedSpan.status.code).not.toBe(2);
    await sink.waitFor((s) => s.sentry.events.find((event) => event.tags?.request_id === 'wanted-409'));
    expect(sink.sentry.events.filter((event) => event.tags?.request_id === 'declined-404')).toEqual([]);
  });

  it('falls back to the default when shouldCapture throws, never throws itself, and reports the problem once', async () => {
    const observer = createRequestObserver({
      handle,
      shouldCapture: () => {
        throw new RangeError('no verdict');
      },
    });
    const failures = ['guarded-500-a', 'guarded-500-b', 'guarded-404'].map((requestId) => {
      const observed = start(observer, requestId);
      const status = requestId.endsWith('404') ? 404 : 500;
      expect(() => observed.fail(new Error(`failure of ${requestId}`), status)).not.toThrow();
      // A bare 5xx the app answered without an error: as without the option, no event.
      expect(observed.failWithoutError(503)).toBeUndefined();
      observed.finish(status);
      return observed;
    });
    expect(failures.every((observed) => observed.failed)).toBe(true);
    await handle.flush();
    for (const requestId of ['guarded-500-a', 'guarded-500-b']) {
      await sink.waitFor((s) => s.sentry.events.find((event) => event.tags?.request_id === requestId));
    }
    expect(sink.sentry.events.filter((event) => event.tags?.request_id === 'guarded-404')).toEqual([]);
    const reports = logs.lines.filter((line) => line.code === 'TW_CALLBACK_FAILED');
    expect(reports).toHaveLength(1);
    expect(String(reports[0]?.msg)).toContain('RangeError: no verdict');
  });

  it('asks the app about a bare 5xx only when it gave shouldCapture, and sends an HttpStatusError when it agrees', async () => {
    const byDefault = start(createRequestObserver({ handle }), 'bare-default');
    const asked: unknown[] = [];
    const agreeing = start(
      createRequestObserver({
        handle,
        shouldCapture: (error, status) => {
          asked.push(error);
          return status === 503;
        },
      }),
      'bare-agreed',
    );
    agreeing.setRoute('/orders/:id');
    expect(byDefault.failWithoutError(503)).toBeUndefined();
    expect(agreeing.failWithoutError(503)).toBeTypeOf('string');
    // Once failed, a request is not reported again as a bare status.
    expect(agreeing.failWithoutError(503)).toBeUndefined();
    expect(asked).toEqual([undefined]);
    byDefault.finish(503);
    agreeing.finish(503);
    const event = await sink.waitFor((s) =>
      s.sentry.events.find((e) => e.tags?.request_id === 'bare-agreed'),
    );
    expect(event.exception?.values?.[0]).toMatchObject({
      type: 'HttpStatusError',
      value: 'GET /orders/:id answered 503 without an error',
    });
  });
});

describe('the completion path', () => {
  it("finishes once on the response's first 'finish' or 'close', with its status code", async () => {
    const observer = createRequestObserver({ handle });
    const finished = new FakeResponse();
    const hungUp = new FakeResponse();
    const a = start(observer, 'finish-then-close', finished);
    const b = start(observer, 'close-only', hungUp);
    expect(finished.headers.get('x-request-id')).toBe('finish-then-close');
    finished.statusCode = 201;
    finished.emit('finish');
    finished.statusCode = 299;
    finished.emit('close');
    hungUp.emit('close');
    expect(a.finished && b.finished).toBe(true);
    const access = (requestId: string) =>
      logs.lines.filter((line) => line.request_id === requestId && line.duration_ms !== undefined);
    expect(access('finish-then-close')).toHaveLength(1);
    expect(access('finish-then-close')[0]).toMatchObject({ http: { status_code: 201 }, msg: 'GET 201' });
    expect(access('close-only')).toHaveLength(1);
  });
});

describe('resolveRequestId', () => {
  it('echoes a sane token and replaces a huge, multi-valued or control-character ID', () => {
    expect(resolveRequestId('req-42')).toBe('req-42');
    expect(resolveRequestId(`  spaced-7  `)).toBe('spaced-7');
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    for (const odd of ['x'.repeat(129), 'tab\there', 'line\nbreak', 'nul\u0000', 'quote"d', '', undefined]) {
      expect(resolveRequestId(odd)).toMatch(uuid);
    }
    expect(resolveRequestId(['a', 'b'])).toMatch(uuid);
    expect(resolveRequestId('x'.repeat(128))).toBe('x'.repeat(128));
  });
});
