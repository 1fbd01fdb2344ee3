// The pipeline as users run it: a service started with
// `node --import @tracewire/core/register`, pointed at a real local sink.
import { childProcessSuite, registerImport } from '@tracewire/testing/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coreIsBuilt, startChildApp } from '../helpers/child-app.ts';

describe.skipIf(!coreIsBuilt)('a service started with --import @tracewire/core/register', () => {
  const suite = childProcessSuite({ hooks: { beforeEach, afterEach }, startApp: startChildApp });

  const baseEnv = () => ({
    ...suite.sink.env,
    OTEL_SERVICE_NAME: 'fixture-http',
    SENTRY_ENVIRONMENT: 'test',
    SENTRY_RELEASE: 'fixture@1.0.0',
    TRACEWIRE_METRICS: 'none',
  });

  it('gives a failing request one trace ID in its Sentry event, its OTLP server span and its log lines', async () => {
    const app = await suite.startApp('http-app.mjs', { env: baseEnv(), nodeArgs: registerImport });
    const response = await fetch(`${app.url}/fail/7`);
    expect(response.status).toBe(500);

    const event = await suite.sink.waitFor((s) =>
      s.sentry.events.find((e) => String(e.message ?? '').length >= 0 && e.exception),
    );
    const traceId = event.contexts?.trace?.trace_id;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const serverSpan = await suite.sink.waitFor((s) =>
      s.spans.find((span) => span.kind === 'server' && span.traceId === traceId && span.receiver === 'otlp'),
    );
    expect(serverSpan.attributes['http.response.status_code']).toBe(500);

    // The same spans also arrive at Sentry's OTLP endpoint.
    await suite.sink.waitFor((s) =>
      s.spans.find((span) => span.receiver === 'sentry' && span.traceId === traceId),
    );

    const requestLines = app.lines().filter((line) => line.trace_id === traceId);
    expect(requestLines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['handling a request that will fail', 'request failed']),
    );
    for (const line of requestLines) {
      expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);
      expect(line.trace_flags).toBe('01');
    }
    // The error log line went to Sentry once and names the event it became.
    const errorLine = requestLines.find((line) => line.msg === 'request failed');
    expect(errorLine?.sentry_event_id).toBe(event.event_id);
    expect(suite.sink.sentry.events.filter((e) => e.contexts?.trace?.trace_id === traceId)).toHaveLength(1);
  });

  it('never traces its own exports or Sentry envelope POSTs', async () => {
    const app = await suite.startApp('http-app.mjs', { env: baseEnv(), nodeArgs: registerImport });
    await fetch(`${app.url}/fail/1`);
    await fetch(`${app.url}/hello`);
    await suite.sink.waitFor(
      (s) => s.sentry.events.length >= 1 && s.spans.filter((span) => span.kind === 'server').length >= 2,
    );
    // A second round of exports happens after the first; give the batch processor a flush.
    await fetch(`${app.url}/hello`);
    await suite.sink.waitFor(
      (s) => s.spans.filter((span) => span.kind === 'server' && span.receiver === 'otlp').length >= 3,
    );

    const sinkPort = new URL(suite.sink.url).port;
    const telemetrySpans = suite.sink.spans.filter((span) => {
      const url = String(span.attributes['url.full'] ?? '');
      const port = String(span.attributes['server.port'] ?? '');
      return (
        span.kind === 'client' &&
        (port === sinkPort || url.includes(`:${sinkPort}`) || /envelope|v1\/traces/.test(url))
      );
    });
    expect(telemetrySpans).toEqual([]);
    expect(suite.sink.spans.filter((span) => span.kind === 'client')).toEqual([]);
  });

  it('skips health checks: no span, and requests keep working', async () => {
    const app = await suite.startApp('http-app.mjs', { env: baseEnv(), nodeArgs: registerImport });
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    await fetch(`${app.url}/hello`);
    await suite.sink.waitFor((s) => s.spans.find((span) => span.kind === 'server'));
    expect(suite.sink.spans.filter((span) => span.attributes['url.path'] === '/healthz')).toEqual([]);
  });

  it('sends nothing to Sentry without a DSN, while OTLP spans and log correlation go on', async () => {
    const app = await suite.startApp('http-app.mjs', {
      env: { ...baseEnv(), SENTRY_DSN: '' },
      nodeArgs: registerImport,
    });
    await fetch(`${app.url}/fail/2`);
    const span = await suite.sink.waitFor((s) => s.spans.find((candidate) => candidate.kind === 'server'));
    expect(suite.sink.requests.filter((request) => request.receiver === 'sentry')).toEqual([]);
    expect(app.lines().some((line) => line.trace_id === span.traceId && line.msg === 'request failed')).toBe(
      true,
    );
  });

  it('exports nothing without an OTLP endpoint, and still correlates logs and Sentry events', async () => {
    const env = { ...baseEnv(), TRACEWIRE_SENTRY_TRACES: 'false' };
    delete (env as Record<string, string>).OTEL_EXPORTER_OTLP_ENDPOINT;
    const app = await suite.startApp('http-app.mjs', { env, nodeArgs: registerImport });
    await fetch(`${app.url}/fail/3`);
    const event = await suite.sink.waitFor((s) => s.sentry.events[0]);
    const traceId = event.contexts?.trace?.trace_id;
    expect(app.lines().find((line) => line.msg === 'request failed')?.trace_id).toBe(traceId);
    expect(suite.sink.requests.filter((request) => request.receiver === 'otlp')).toEqual([]);
  });

  it('at sample rate 0 exports no spans, yet logs carry the trace ID with flags 00 and Sentry gets it', async () => {
    const app = await suite.startApp('http-app.mjs', {
      env: { ...baseEnv(), SENTRY_TRACE_SAMPLE_RATE: '0' },
      nodeArgs: registerImport,
    });
    await fetch(`${app.url}/fail/4`);
    const event = await suite.sink.waitFor((s) => s.sentry.events[0]);
    const traceId = event.contexts?.trace?.trace_id;
    const line = app.lines().find((candidate) => candidate.msg === 'request failed');
    expect(line?.trace_id).toBe(traceId);
    expect(line?.trace_flags).toBe('00');
    await app.child.kill('SIGTERM');
    await app.exited;
    expect(suite.sink.spans).toEqual([]);
  });
});
