// TW_EXPORT_FAILED carries one readable reason, whatever the backend does wrong.
import { trace } from '@opentelemetry/api';
import { type FailureMode, startTestSink, type TestSink } from '@tracewire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { initObservability, type ObservabilityHandle } from '../../src/index.ts';
import { observedDestination } from './observed-destination.ts';

describe('export failure warnings', () => {
  let handle: ObservabilityHandle | undefined;
  let sink: TestSink | undefined;

  afterEach(async () => {
    await sink?.setFailure('none');
    await handle?.shutdown(2000);
    handle = undefined;
    await sink?.close();
    sink = undefined;
  });

  const cases: { name: string; failure: FailureMode; reason: RegExp }[] = [
    { name: 'a refused connection', failure: 'refuse', reason: /(ECONNRESET|ECONNREFUSED|socket hang up)/i },
    { name: 'an HTTP 500', failure: { status: 500 }, reason: /HTTP 500/ },
    { name: 'a backend that never answers', failure: 'hang', reason: /(timeout|timed out|abort)/i },
  ];

  for (const { name, failure, reason } of cases) {
    it(`names ${name} in one line, without a stack, and once however often it recurs`, async () => {
      sink = await startTestSink();
      await sink.setFailure(failure, { target: 'otlp' });
      const logs = observedDestination();
      handle = initObservability({
        // Span export only: the log export would report its own failure to the same sink.
        env: {
          ...sink.env,
          SENTRY_DSN: '',
          OTEL_SERVICE_NAME: 'export-failures',
          TRACEWIRE_METRICS: 'none',
          OTEL_LOGS_EXPORTER: 'none',
        },
        logDestination: logs,
        handleSignals: false,
      });
      const tracer = trace.getTracer('export-failure-test');
      for (let round = 0; round < 2; round += 1) {
        tracer.startSpan(`doomed span ${round}`).end();
        await handle.flush(15_000);
      }
      const warning = await logs.waitFor((line) => line.code === 'TW_EXPORT_FAILED');
      const message = String(warning.msg);
      expect(message).toMatch(reason);
      expect(message).not.toContain('\n');
      expect(message).not.toMatch(/\bat .+:\d+:\d+/);
      expect(message).not.toContain('"stack"');
      expect(JSON.stringify(warning)).not.toContain('    at ');
      // Rate-limited as before: both failed exports, one warning line.
      expect(logs.lines.filter((line) => line.code === 'TW_EXPORT_FAILED')).toHaveLength(1);
    });
  }
});
