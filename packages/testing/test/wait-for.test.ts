import { afterEach, describe, expect, it } from 'vitest';
import { startTestSink, type TestSink } from '../src/index.ts';

let sink: TestSink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

function spansBody(names: string[]): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: names.map((name, index) => ({
              traceId: '5b8efff798038103d269b633813fc60c',
              spanId: `eee19b7ec3c1b17${index}`,
              name,
              kind: 2,
              startTimeUnixNano: '1544712660000000000',
              endTimeUnixNano: '1544712661000000000',
            })),
          },
        ],
      },
    ],
  });
}

function postSpans(
  target: TestSink,
  names: string[],
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(target.endpoints.traces, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: spansBody(names),
  });
}

function postEvent(target: TestSink, message: string): Promise<Response> {
  const body = `{}\n{"type":"event"}\n${JSON.stringify({ message, exception: { values: [{ type: 'TypeError', value: message }] } })}\n`;
  return fetch(`${target.endpoints.sentryEnvelope}?sentry_key=${target.publicKey}`, { method: 'POST', body });
}

describe('waitFor', () => {
  it('resolves with the first truthy result of the predicate, as data arrives', async () => {
    sink = await startTestSink();
    const waiting = sink.waitFor((s) => s.spans.find((span) => span.name === 'GET /orders'));
    await postSpans(sink, ['GET /health']);
    await postSpans(sink, ['GET /orders']);
    const span = await waiting;
    expect(span.name).toBe('GET /orders');
  });

  it('resolves at once when the condition already holds', async () => {
    sink = await startTestSink();
    await postSpans(sink, ['a', 'b']);
    await expect(sink.waitFor({ spans: 2 }, { timeoutMs: 1 })).resolves.toBe(sink);
  });

  it('waits for every count given', async () => {
    sink = await startTestSink();
    const waiting = sink.waitFor({ spans: 1, events: 1 });
    let settled = false;
    void waiting.then(() => {
      settled = true;
    });
    await postSpans(sink, ['a']);
    await new Promise(setImmediate);
    expect(settled).toBe(false);
    await postEvent(sink, 'boom');
    await expect(waiting).resolves.toBe(sink);
  });

  it('re-checks after failed and rejected requests too', async () => {
    sink = await startTestSink({ failure: { status: 503 } });
    const waiting = sink.waitFor((s) => s.requests.find((request) => request.status === 503));
    await postSpans(sink, ['a']);
    await expect(waiting).resolves.toMatchObject({ outcome: 'failed' });
  });

  it('treats a throwing predicate as "not yet" and quotes its last error on timeout', async () => {
    sink = await startTestSink();
    const waiting = sink.waitFor(
      (s) => {
        expect(s.spans).toHaveLength(3);
        return true;
      },
      { timeoutMs: 200 },
    );
    await postSpans(sink, ['only one']);
    await expect(waiting).rejects.toThrow(/The last check threw: .*length of 3/);
  });

  it('times out with a summary of what was received', async () => {
    sink = await startTestSink();
    await postSpans(sink, ['GET /users/:id', 'GET /users/:id', 'db.query']);
    await postEvent(sink, 'cart is empty');
    const error = (await sink
      .waitFor({ spans: 10 }, { timeoutMs: 50 })
      .catch((caught: unknown) => caught)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TestSinkTimeoutError');
    expect(error.message).toContain('waitFor timed out after 50 ms waiting for at least 10 spans');
    expect(error.message).toContain('spans: 3 [GET /users/:id ×2, db.query]');
    expect(error.message).toContain('sentry events: 1 [TypeError: cart is empty]');
    expect(error.message).toContain('1 × otlp POST /v1/traces → 200');
    expect(error.message).toContain('1 × sentry POST /api/1/envelope/ → 200');
  });

  it('uses the description in the timeout message', async () => {
    sink = await startTestSink();
    await expect(
      sink.waitFor(() => false, { timeoutMs: 10, description: 'the checkout span' }),
    ).rejects.toThrow(/waiting for the checkout span/);
  });

  it('rejects pending waits when the sink closes', async () => {
    sink = await startTestSink();
    const waiting = sink.waitFor({ spans: 1 });
    await sink.close();
    await expect(waiting).rejects.toThrow(/The sink was closed/);
    await expect(sink.waitFor({ spans: 1 })).rejects.toThrow(/The sink is closed/);
  });

  it('refuses counts it does not know', async () => {
    sink = await startTestSink();
    expect(() => sink!.waitFor({ bananas: 1 } as never)).toThrow(TypeError);
  });
});

describe('reset', () => {
  it('forgets received data without touching earlier snapshots', async () => {
    sink = await startTestSink();
    await postSpans(sink, ['a']);
    await postEvent(sink, 'x');
    const before = sink.spans;
    sink.reset();
    expect(before).toHaveLength(1);
    expect(sink.spans).toEqual([]);
    expect(sink.sentry.events).toEqual([]);
    expect(sink.requests).toEqual([]);
    expect(sink.rawBodies()).toEqual([]);
    await postSpans(sink, ['b']);
    expect(sink.spans.map((span) => span.name)).toEqual(['b']);
  });
});

describe('the sink itself', () => {
  it('listens on 127.0.0.1 with an ephemeral port and exposes matching env, URLs and DSN', async () => {
    sink = await startTestSink({ publicKey: 'abc123', projectId: '99' });
    expect(sink.port).toBeGreaterThan(0);
    expect(sink.url).toBe(`http://127.0.0.1:${sink.port}`);
    expect(sink.dsn).toBe(`http://abc123@127.0.0.1:${sink.port}/99`);
    expect(sink.env).toEqual({
      SENTRY_DSN: sink.dsn,
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    });
    expect(sink.endpoints).toEqual({
      traces: `${sink.url}/v1/traces`,
      metrics: `${sink.url}/v1/metrics`,
      logs: `${sink.url}/v1/logs`,
      sentryEnvelope: `${sink.url}/api/99/envelope/`,
      sentryOtlpTraces: `${sink.url}/api/99/integration/otlp/v1/traces/`,
    });
  });

  it('runs several sinks side by side', async () => {
    sink = await startTestSink();
    const other = await startTestSink();
    try {
      expect(other.port).not.toBe(sink.port);
      expect(other.publicKey).not.toBe(sink.publicKey);
      await postSpans(other, ['elsewhere']);
      expect(sink.spans).toEqual([]);
      expect(other.spans).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('answers OTLP with empty success bodies of the request format', async () => {
    sink = await startTestSink();
    const json = await postSpans(sink, ['a']);
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(await json.text()).toBe('{}');
    const proto = await fetch(sink.endpoints.traces, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array(0),
    });
    expect(proto.status).toBe(200);
    expect(proto.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await proto.arrayBuffer()).byteLength).toBe(0);
  });

  it('rejects unknown paths, methods, content types and undecodable bodies', async () => {
    sink = await startTestSink();
    const statuses = [
      (await fetch(`${sink.url}/v2/traces`, { method: 'POST', body: '{}' })).status,
      (await fetch(sink.endpoints.traces)).status,
      (
        await fetch(sink.endpoints.traces, {
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body: 'x',
        })
      ).status,
      (
        await fetch(sink.endpoints.traces, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '[',
        })
      ).status,
      (
        await fetch(sink.endpoints.traces, {
          method: 'POST',
          headers: { 'content-type': 'application/x-protobuf' },
          body: new Uint8Array([0x0a, 0x05, 0x01]),
        })
      ).status,
    ];
    expect(statuses).toEqual([404, 405, 415, 400, 400]);
    expect(sink.requests.map((request) => request.outcome)).toEqual(Array(5).fill('rejected'));
    expect(sink.requests[0]?.receiver).toBe('unknown');
    expect(sink.spans).toEqual([]);
  });

  it('supports `await using`', async () => {
    let port: number;
    {
      await using scoped = await startTestSink();
      port = scoped.port;
    }
    const refused = await fetch(`http://127.0.0.1:${port}/v1/traces`, { method: 'POST' }).catch(
      (error: { cause?: { code?: string } }) => error.cause?.code,
    );
    expect(refused).toBe('ECONNREFUSED');
  });

  it('closes idempotently', async () => {
    sink = await startTestSink();
    await Promise.all([sink.close(), sink.close()]);
    await sink.close();
    await expect(sink.setFailure('hang')).rejects.toThrow(/closed/);
  });
});
