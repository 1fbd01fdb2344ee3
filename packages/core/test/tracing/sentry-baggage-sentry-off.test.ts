// Sentry switched off by an invalid setting (here the environment name) while the DSN is
// valid: no Sentry events, and no Sentry sampling context in outgoing baggage either, or a
// downstream Sentry SDK would report into a project this service never writes to.
import { startTestSink, type TestSink } from '@tracewire/testing';
import { memoryDestination } from '@tracewire/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initObservability, type ObservabilityHandle } from '../../src/index.ts';
import { send, sentryEntries, startApp, startDownstream } from './sentry-baggage-cases.ts';

describe('Sentry baggage when Sentry is off because of an invalid setting', () => {
  let sink: TestSink;
  let handle: ObservabilityHandle;
  let downstream: Awaited<ReturnType<typeof startDownstream>>;
  let app: Awaited<ReturnType<typeof startApp>>;

  beforeAll(async () => {
    sink = await startTestSink();
    downstream = await startDownstream();
    handle = initObservability({
      env: {
        ...sink.env,
        OTEL_SERVICE_NAME: 'baggage-sentry-off',
        SENTRY_ENVIRONMENT: 'not a valid/environment',
        TRACEWIRE_METRICS: 'none',
      },
      logDestination: memoryDestination(),
      handleSignals: false,
    });
    app = await startApp(handle, downstream.url);
  });

  afterAll(async () => {
    await app?.close();
    await handle?.shutdown();
    await downstream?.close();
    await sink?.close();
  });

  it('sends W3C trace context but no sentry-* baggage entries', async () => {
    expect(handle.pipelines.sentry).toBe(false);
    const response = await send(`${app.url}/users/7?tag=off`);
    expect(response.status).toBe(200);
    const calls = downstream.received.filter((call) => call.path.endsWith('/off'));
    expect(calls.map((call) => call.path)).toEqual(['/fetch/off', '/http/off']);
    for (const call of calls) {
      expect(call.traceparent, call.path).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
      expect(sentryEntries(call.baggage), call.path).toEqual({});
      expect(call.baggage ?? '', call.path).not.toContain(sink.publicKey);
    }
  });
});
