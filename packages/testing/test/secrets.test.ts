// The sink records credentials so tests can assert on them, but never prints them itself.
import { inspect } from 'node:util';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSink, type TestSink } from '../src/index.ts';
import { runSentryClient } from './helpers/run-sentry-client.ts';

const CANARY_KEY = 'canary_public_key_5f3a9e';
const CANARY_TOKEN = 'sntrys_canary_token_77c1';

let sink: TestSink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

describe('finding secrets in received traffic', () => {
  it('greps decompressed bodies, URLs and headers', async () => {
    sink = await startTestSink({ publicKey: CANARY_KEY });
    const provider = new TracerProvider({
      spanProcessors: [
        new SimpleSpanProcessor({
          exporter: new OTLPTraceExporter({
            url: sink.endpoints.traces,
            headers: { authorization: `Bearer ${CANARY_TOKEN}` },
            compression: 'gzip' as never,
          }),
        }),
      ],
    });
    provider
      .getTracer('t')
      .startSpan('leaky', { attributes: { 'db.password': CANARY_TOKEN } })
      .end();
    await provider.shutdown();
    await runSentryClient('error', sink.dsn);
    await sink.waitFor({ spans: 1, events: 1 });

    const tokenMatches = sink.grep(CANARY_TOKEN);
    expect(tokenMatches.map((match) => [match.request.receiver, match.location, match.header])).toEqual([
      ['otlp', 'header', 'authorization'],
      ['otlp', 'body', undefined],
    ]);
    // The DSN's public key legitimately travels in the Sentry transport's query string.
    const keyMatches = sink.grep(CANARY_KEY);
    expect(keyMatches.length).toBeGreaterThan(0);
    expect(new Set(keyMatches.map((match) => match.request.receiver))).toEqual(new Set(['sentry']));
    expect(keyMatches.some((match) => match.location === 'url')).toBe(true);
    expect(sink.grep('never-sent-anywhere')).toEqual([]);
    expect(sink.grep(Buffer.from(CANARY_TOKEN))).toHaveLength(2);
    // Raw bodies are the decompressed bytes.
    expect(sink.rawBodies().some(({ body }) => body.includes(CANARY_TOKEN))).toBe(true);
  });

  it('needs a needle', async () => {
    sink = await startTestSink();
    expect(() => sink!.grep('')).toThrow(TypeError);
  });
});

describe('what the sink prints', () => {
  it('keeps keys and header values out of toString, inspect and timeout messages', async () => {
    sink = await startTestSink({ publicKey: CANARY_KEY });
    await fetch(`${sink.endpoints.sentryEnvelope}?sentry_key=${CANARY_KEY}&sentry_version=7`, {
      method: 'POST',
      headers: {
        'x-sentry-auth': `Sentry sentry_key=${CANARY_KEY}, sentry_version=7`,
        authorization: `Bearer ${CANARY_TOKEN}`,
      },
      body: `{"dsn":"http://${CANARY_KEY}@127.0.0.1/1"}\n{"type":"event"}\n${JSON.stringify({
        message: `failed to call http://${CANARY_KEY}@127.0.0.1/1 with sentry_key=${CANARY_KEY}`,
      })}\n`,
    });
    const timeout = await sink
      .waitFor(
        () => {
          throw new Error(`predicate saw ${CANARY_KEY}`);
        },
        { timeoutMs: 20 },
      )
      .catch((error: Error) => error.message);

    for (const printed of [String(sink), inspect(sink), timeout]) {
      expect(printed).not.toContain(CANARY_KEY);
      expect(printed).not.toContain(CANARY_TOKEN);
    }
    expect(String(sink)).toContain('sentry events: 1');
    expect(timeout).toContain('predicate saw ***');
  });

  it('does not echo an invalid public key', async () => {
    const error = await startTestSink({ publicKey: 'has-dash-secret' }).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).not.toContain('has-dash-secret');
    await expect(startTestSink({ projectId: 'abc' })).rejects.toThrow(/projectId/);
  });
});
