// Log lines as OTLP log records, in a child process started as users start services:
// `node --import @tracewire/core/register app.mjs` with the sink as the OTLP and Sentry
// receiver. Each request's lines must arrive with the request's trace and span IDs in the
// LogRecord's own fields, its severity and the service's resource, and a failing
// request's Sentry event must share the trace ID with its log records.
import { startTestSink, type TestSink } from '@tracewire/testing';
import { logRecordProblems } from '@tracewire/testing/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ChildApp, missingBuild, startChildApp } from './helpers/child-app.ts';

const notBuilt = missingBuild();

const BOOM_PATH = '/boom/1?mode=log-first';
const BOOM_MESSAGE = 'logged boom 1';
const ERROR_LINE: string | undefined = 'about to fail';

describe.skipIf(notBuilt !== undefined)(`Koa log lines over OTLP ${notBuilt ?? ''}`, () => {
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
    app = await startChildApp('koa-app.mjs', {
      env: {
        ...sink.env,
        OTEL_SERVICE_NAME: 'otlp-logs-koa',
        SENTRY_ENVIRONMENT: 'staging',
        SENTRY_RELEASE: 'otlp-logs-koa@2.0.0',
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

    expect(
      logRecordProblems({
        lines: lines(),
        sink,
        service: 'otlp-logs-koa',
        release: 'otlp-logs-koa@2.0.0',
        environment: 'staging',
        boomMessage: BOOM_MESSAGE,
        errorLine: ERROR_LINE,
      }),
    ).toEqual([]);
  });
});
