// One shutdown, one deadline: a backend that never answers holds up neither the exit
// nor the other pipelines.
import { trace } from '@opentelemetry/api';
import { startTestSink, type TestSink } from '@tracewire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type Pipeline, runPipelines } from '../../src/init/pipeline.ts';
import { initObservability, type ObservabilityHandle } from '../../src/index.ts';
import { observedDestination } from './observed-destination.ts';

describe('shutdown with one hanging pipeline', () => {
  let handle: ObservabilityHandle | undefined;
  let sink: TestSink | undefined;

  afterEach(async () => {
    // Releasing the held export lets the tracing pipeline finish stopping in the background.
    await sink?.setFailure('none');
    await handle?.shutdown();
    handle = undefined;
    await sink?.close();
    sink = undefined;
  });

  it('ends at the deadline, names the hanging pipeline, and still delivers Sentry events and log lines', async () => {
    sink = await startTestSink();
    await sink.setFailure('hang', { target: 'otlp' });
    const logs = observedDestination();
    const order: string[] = [];
    void logs
      .waitFor((line) => line.code === 'TW_SHUTDOWN_TIMEOUT')
      .then(() => order.push('deadline reported'));
    handle = initObservability({
      env: {
        ...sink.env,
        OTEL_SERVICE_NAME: 'hanging-shutdown',
        TRACEWIRE_METRICS: 'none',
        TRACEWIRE_SENTRY_TRACES: 'false',
        // One hanging pipeline: the log export would be a second one on the same sink.
        OTEL_LOGS_EXPORTER: 'none',
      },
      logDestination: logs,
      handleSignals: false,
    });
    trace.getTracer('shutdown-test').startSpan('held by the hanging backend').end();
    handle.captureException(new Error('delivered although tracing hangs'));
    handle.logger.info('last line before shutdown');

    await handle.shutdown(1500);
    order.push('shutdown resolved');

    // The span export is still held by the sink: shutdown did not wait for it.
    expect(sink.requests.filter((request) => request.receiver === 'otlp').map((r) => r.outcome)).toEqual([
      'hanging',
    ]);
    expect(order).toEqual(['deadline reported', 'shutdown resolved']);
    const report = logs.lines.find((line) => line.code === 'TW_SHUTDOWN_TIMEOUT');
    expect(String(report?.msg)).toContain('tracing');
    expect(String(report?.msg)).not.toMatch(/sentry|logging/);
    // The other pipelines finished within the same deadline.
    expect(sink.sentry.events.map((event) => event.exception?.values?.[0]?.value)).toEqual([
      'delivered although tracing hangs',
    ]);
    expect(logs.lines.some((line) => line.msg === 'last line before shutdown')).toBe(true);
  });

  it('runs every pipeline at once and resolves at the deadline with the ones still busy', async () => {
    const stopped: string[] = [];
    const pipeline = (name: string, stop: () => Promise<void>): Pipeline => ({
      name,
      status: {},
      flush: async () => true,
      shutdown: async () => {
        await stop();
        stopped.push(name);
      },
    });
    let releaseHanging: () => void = () => {};
    const hanging = new Promise<void>((resolve) => {
      releaseHanging = resolve;
    });
    const outcome = await runPipelines(
      [
        pipeline('hangs', () => hanging),
        pipeline('fails', async () => {
          throw new Error('exporter gone');
        }),
        pipeline('stops', async () => {}),
      ],
      'shutdown',
      Date.now() + 200,
    );
    expect(outcome).toEqual({ ok: false, pending: ['hangs'] });
    expect(stopped).toEqual(['stops']);
    releaseHanging();
  });
});
