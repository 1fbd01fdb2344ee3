// Log lines as OTLP log records, in a child process started as users start services:
// `node --import @tracewire/core/register app.mjs` with the sink as the OTLP and Sentry
// receiver. Each request's lines must arrive with the request's trace and span IDs in the
// LogRecord's own fields, its severity and the service's resource, and a failing
// request's Sentry event must share the trace ID with its log records.
import { startTestSink, type TestSink } from '@tracewire/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ChildApp, notBuiltReason, startChildApp } from './helpers/child-app.ts';

const BOOM_PATH = '/boom/1';
const BOOM_MESSAGE = 'fixture boom';
const ERROR_LINE: string | undefined = 'about to fail';

describe.skipIf(notBuiltReason)(`Express log lines over OTLP ${notBuiltReason}`, () => {
  let sink: TestSink;
  let app: ChildApp | undefined;

  beforeEach(async () => {
    sink = await startTestSink();
  });

  afterEach(async () => {
    await app?.stop();
    app = undefined;
    await sink.close();
  });

  it('exports each request’s lines with its trace context, severity and resource, linked to its Sentry event', async () => {
    app = await startChildApp('express-app.mjs', {
      env: {
        ...sink.env,
        OTEL_SERVICE_NAME: 'otlp-logs-express',
        SENTRY_ENVIRONMENT: 'staging',
        SENTRY_RELEASE: 'otlp-logs-express@2.0.0',
        TRACEWIRE_METRICS: 'none',
      },
    });
    expect((await fetch(`${app.url}/users/7`, { headers: { 'x-request-id': 'logs-ok' } })).status).toBe(200);
    expect((await fetch(`${app.url}${BOOM_PATH}`, { headers: { 'x-request-id': 'logs-boom' } })).status).toBe(
      500,
    );
    const running = app;
    const lines = () => running.lines();
    expect(await running.stop()).toEqual({ code: null, signal: 'SIGTERM' });

    const appLine = lines().find((line) => line.msg === 'loading user');
    expect(appLine?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    const record = sink.logs.find((log) => log.body === 'loading user');
    expect(record).toMatchObject({
      traceId: appLine?.trace_id,
      spanId: appLine?.span_id,
      flags: 1,
      severityNumber: 9,
      severityText: 'info',
    });
    expect(record?.attributes.user).toBe('7');
    expect(record?.resource).toMatchObject({
      'service.name': 'otlp-logs-express',
      'service.version': 'otlp-logs-express@2.0.0',
      'deployment.environment.name': 'staging',
    });
    // The access log line of the same request, too.
    const access = lines().find((line) => line.request_id === 'logs-ok' && line.duration_ms !== undefined);
    expect(access).toBeDefined();
    expect(
      sink.logs.some(
        (log) =>
          log.traceId === appLine?.trace_id &&
          log.attributes.request_id === 'logs-ok' &&
          log.attributes.duration_ms !== undefined,
      ),
    ).toBe(true);

    // The failing request: its records and its Sentry event share the trace ID.
    const event = sink.sentry.events.find((candidate) =>
      candidate.exception?.values?.some((value) => value.value === BOOM_MESSAGE),
    );
    const boomAccess = sink.logs.find(
      (log) => log.attributes.request_id === 'logs-boom' && log.attributes.duration_ms !== undefined,
    );
    expect(boomAccess?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(event?.contexts?.trace?.trace_id).toBe(boomAccess?.traceId);
    if (ERROR_LINE) {
      const errorRecord = sink.logs.find((log) => log.body === ERROR_LINE);
      expect(errorRecord).toMatchObject({
        severityNumber: 17,
        severityText: 'error',
        traceId: boomAccess?.traceId,
      });
    }
    // Every line the app wrote to stdout was also delivered over OTLP.
    for (const line of lines())
      expect(
        sink.logs.some(
          (log) => log.body === line.msg && Number(BigInt(log.timeUnixNano) / 1_000_000n) === line.time,
        ),
      ).toBe(true);
  });
});
