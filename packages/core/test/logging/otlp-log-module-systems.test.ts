// The log export worker is a file of its own in dist/; both builds must find and start it:
// the ESM build from `--import @tracewire/core/register`, the CommonJS build from
// `--require`. (Unit tests cover the third way, vitest running the sources.)
import { childProcessSuite } from '@tracewire/testing/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coreIsBuilt, startChildApp } from '../helpers/child-app.ts';

describe.skipIf(!coreIsBuilt)('the OTLP log export from the built package (needs `pnpm build`)', () => {
  const suite = childProcessSuite({ hooks: { beforeEach, afterEach }, startApp: startChildApp });

  it.each([
    { build: 'ESM', script: 'http-app.mjs', nodeArgs: ['--import', '@tracewire/core/register'] },
    { build: 'CommonJS', script: 'http-app.cjs', nodeArgs: ['--require', '@tracewire/core/register'] },
  ])(
    'starts the worker from the $build build and exports the request’s error line',
    async ({ script, nodeArgs }) => {
      const app = await suite.startApp(script, {
        nodeArgs,
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: suite.sink.env.OTEL_EXPORTER_OTLP_ENDPOINT,
          OTEL_SERVICE_NAME: 'otlp-log-module-systems',
          SENTRY_ENVIRONMENT: 'test',
          TRACEWIRE_METRICS: 'none',
        },
      });
      expect((await fetch(`${app.url}/fail/3`)).status).toBe(500);
      const running = app;
      running.kill('SIGTERM');
      expect(await running.exited).toEqual({ code: null, signal: 'SIGTERM' });

      const line = running.lines().find((entry) => entry.msg === 'request failed');
      expect(line?.trace_id).toMatch(/^[0-9a-f]{32}$/);
      const record = suite.sink.logs.find((log) => log.body === 'request failed');
      expect(record).toMatchObject({ traceId: line?.trace_id, spanId: line?.span_id, severityNumber: 17 });
      expect(record?.resource['service.name']).toBe('otlp-log-module-systems');
      expect(running.stderr()).not.toContain('TW_EXPORT_FAILED');
      expect(running.lines().some((entry) => entry.code === 'TW_EXPORT_FAILED')).toBe(false);
    },
  );
});
