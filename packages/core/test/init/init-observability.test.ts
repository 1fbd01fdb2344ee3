import { startTestSink, type TestSink } from '@tracewire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  getObservability,
  initObservability,
  isTracewireError,
  type ObservabilityHandle,
} from '../../src/index.ts';
import { memoryDestination } from '../helpers/memory-destination.ts';

describe('initObservability', () => {
  let handle: ObservabilityHandle | undefined;
  let sink: TestSink | undefined;

  afterEach(async () => {
    await handle?.shutdown();
    handle = undefined;
    await sink?.close();
    sink = undefined;
  });

  const quietEnv = { OTEL_SERVICE_NAME: 'init-test', SENTRY_ENVIRONMENT: 'test', TRACEWIRE_METRICS: 'none' };

  it('returns the first handle on a second call and warns', () => {
    const logs = memoryDestination();
    handle = initObservability({ env: quietEnv, logDestination: logs, handleSignals: false });
    const second = initObservability({ env: { ...quietEnv, OTEL_SERVICE_NAME: 'other' } });
    expect(second).toBe(handle);
    expect(getObservability()).toBe(handle);
    expect(logs.lines.some((line) => line.code === 'TW_ALREADY_INITIALIZED')).toBe(true);
    expect(handle.config.serviceName).toBe('init-test');
  });

  it('logs one startup summary line saying what is wired, with no secret in it', () => {
    const logs = memoryDestination();
    handle = initObservability({
      env: { ...quietEnv, SENTRY_DSN: 'https://summarysecretkey@o1.ingest.sentry.io/4242' },
      logDestination: logs,
      handleSignals: false,
    });
    const summary = logs.lines.find((line) => String(line.msg).startsWith('tracewire initialised'));
    expect(summary?.msg).toContain('Sentry on (project 4242, environment test)');
    expect(summary?.msg).toContain('metrics off');
    expect(JSON.stringify(logs.lines)).not.toContain('summarysecretkey');
  });

  it('in strict mode throws TW_CONFIG_INVALID listing every issue', () => {
    let thrown: unknown;
    try {
      initObservability({
        env: {
          SENTRY_DSN: 'not-a-dsn',
          SENTRY_TRACE_SAMPLE_RATE: '1.5',
          LOG_LEVEL: 'loud',
          TRACEWIRE_STRICT: 'true',
        },
        handleSignals: false,
      });
    } catch (error) {
      thrown = error;
    }
    expect(isTracewireError(thrown)).toBe(true);
    const error = thrown as { code: string; issues: { variable: string }[] };
    expect(error.code).toBe('TW_CONFIG_INVALID');
    expect(error.issues.map((issue) => issue.variable).sort()).toEqual([
      'LOG_LEVEL',
      'SENTRY_DSN',
      'SENTRY_TRACE_SAMPLE_RATE',
    ]);
    expect(getObservability()).toBeUndefined();
  });

  it('without strict mode disables only the pipelines whose config is invalid and says so in one line', async () => {
    sink = await startTestSink();
    const logs = memoryDestination();
    handle = initObservability({
      env: { ...quietEnv, ...sink.env, SENTRY_DSN: 'not-a-dsn' },
      logDestination: logs,
      handleSignals: false,
    });
    expect(handle.pipelines).toMatchObject({ sentry: false, tracing: true, spanDestinations: ['otlp'] });
    const errorLines = logs.lines.filter((line) => line.level === 'error');
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]?.code).toBe('TW_CONFIG_INVALID');
    expect(String(errorLines[0]?.msg)).toContain('SENTRY_DSN');
    expect(errorLines[0]?.disabled).toEqual(['sentry']);
    expect(handle.captureException(new Error('goes nowhere'))).toBeUndefined();
  });

  it('swallows and reports an unreachable backend once, and never throws into the app', async () => {
    sink = await startTestSink({ failure: 'refuse' });
    const logs = memoryDestination();
    handle = initObservability({
      env: { ...quietEnv, ...sink.env },
      logDestination: logs,
      handleSignals: false,
      shutdownTimeoutMs: 3000,
    });
    handle.captureException(new Error('first'));
    handle.captureException(new Error('second'));
    await expect(handle.flush(2000)).resolves.toBeTypeOf('boolean');
    await expect(handle.shutdown(3000)).resolves.toBeUndefined();
    const deliveryReports = logs.lines.filter((line) => line.code === 'TW_SENTRY_DELIVERY_FAILED');
    expect(deliveryReports.length).toBe(1);
    expect(handle.dropped().sentryItems).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(logs.lines)).not.toContain(sink.publicKey);
  });

  it('shutdown is idempotent and clears the global handle', async () => {
    handle = initObservability({ env: quietEnv, logDestination: memoryDestination(), handleSignals: false });
    const first = handle.shutdown();
    const second = handle.shutdown();
    expect(second).toBe(first);
    await first;
    expect(getObservability()).toBeUndefined();
  });
});
