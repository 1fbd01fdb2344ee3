import { trace } from '@opentelemetry/api';
import { startTestSink, type TestSink } from '@tracewire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { initObservability, type ObservabilityHandle } from '../../src/index.ts';
import { memoryDestination } from '@tracewire/testing/fixtures';

describe('OTLP log export', () => {
  let handle: ObservabilityHandle | undefined;
  let sink: TestSink | undefined;

  afterEach(async () => {
    await handle?.shutdown(10_000);
    handle = undefined;
    await sink?.close();
    sink = undefined;
  });

  const quietEnv = {
    OTEL_SERVICE_NAME: 'log-export-test',
    SENTRY_ENVIRONMENT: 'staging',
    SENTRY_RELEASE: 'log-export-test@1.2.3',
    TRACEWIRE_METRICS: 'none',
  };

  it('sends every line as a LogRecord with the line’s trace context, severity, attributes and the spans’ resource', async () => {
    sink = await startTestSink();
    const stdout = memoryDestination();
    handle = initObservability({
      env: { ...quietEnv, ...sink.env },
      logDestination: stdout,
      handleSignals: false,
    });
    expect(handle.pipelines.logs).toMatchObject({ exporting: true, stdout: true });
    const observability = handle;

    const ids = trace.getTracer('test').startActiveSpan('work', (span) => {
      observability.logger.warn({ order: 42, customer: { tier: 'gold' } }, 'order delayed');
      span.end();
      return span.spanContext();
    });
    observability.logger.info('outside any span');
    expect(await observability.flush()).toBe(true);
    await sink.waitFor({ spans: 1 });

    const record = sink.logs.find((log) => log.body === 'order delayed');
    expect(record).toBeDefined();
    expect(record?.traceId).toBe(ids.traceId);
    expect(record?.spanId).toBe(ids.spanId);
    expect(record?.flags).toBe(1);
    expect(record?.severityNumber).toBe(13);
    expect(record?.severityText).toBe('warn');
    expect(record?.attributes.order).toBe(42);
    expect(record?.attributes.customer).toEqual({ tier: 'gold' });
    // Trace fields live in the record's fields, base fields in the resource.
    for (const key of [
      'trace_id',
      'span_id',
      'trace_flags',
      'service',
      'env',
      'version',
      'msg',
      'level',
      'time',
    ])
      expect(record?.attributes).not.toHaveProperty(key);
    const line = stdout.lines.find((entry) => entry.msg === 'order delayed');
    expect(Number(BigInt(record?.timeUnixNano ?? '0') / 1_000_000n)).toBe(line?.time);

    // The same resource as the span: Tempo and Loki agree on who spoke.
    const span = sink.spans.find((candidate) => candidate.name === 'work');
    for (const key of [
      'service.name',
      'service.version',
      'deployment.environment.name',
      'service.instance.id',
    ])
      expect(record?.resource[key]).toBe(span?.resource[key]);
    expect(record?.resource['service.name']).toBe('log-export-test');
    expect(record?.resource['deployment.environment.name']).toBe('staging');

    const outside = sink.logs.find((log) => log.body === 'outside any span');
    expect(outside?.traceId).toBeUndefined();
    expect(outside?.severityNumber).toBe(9);
    // tracewire's own startup summary is exported too.
    expect(sink.logs.some((log) => String(log.body).startsWith('tracewire initialised'))).toBe(true);

    // stdout keeps every line, and the counts add up.
    expect(stdout.lines.some((entry) => entry.msg === 'order delayed')).toBe(true);
    const counts = handle.logRecords();
    expect(counts.queued).toBe(0);
    expect(counts.written).toBe(counts.delivered + counts.dropped);
    expect(counts.delivered).toBe(sink.logs.length);
  });

  it('sends OTLP/JSON with the configured headers when the protocol is http/json, and never logs a header value', async () => {
    sink = await startTestSink();
    const stdout = memoryDestination();
    handle = initObservability({
      env: {
        ...quietEnv,
        ...sink.env,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-log-token=header-secret-value',
      },
      logDestination: stdout,
      handleSignals: false,
    });
    handle.logger.info({ step: 3 }, 'json encoded');
    await handle.flush();
    const record = await sink.waitFor((s) => s.logs.find((log) => log.body === 'json encoded'));
    expect(record.attributes.step).toBe(3);
    const request = sink.requests.find((candidate) => candidate.endpoint === 'logs');
    expect(String(request?.headers['content-type'])).toContain('application/json');
    expect(request?.headers['x-log-token']).toBe('header-secret-value');
    expect(JSON.stringify(stdout.lines)).not.toContain('header-secret-value');
    expect(JSON.stringify(sink.logs)).not.toContain('header-secret-value');
  });

  it('sends the same records over http/json as over protobuf: trace context, severity, nested attributes, resource', async () => {
    const records = [];
    for (const protocol of ['http/protobuf', 'http/json']) {
      sink = await startTestSink();
      handle = initObservability({
        env: { ...quietEnv, ...sink.env, OTEL_EXPORTER_OTLP_PROTOCOL: protocol },
        logDestination: memoryDestination(),
        handleSignals: false,
      });
      const observability = handle;
      const ids = trace.getTracer('test').startActiveSpan('work', (span) => {
        observability.logger.error(
          { order: 42, ratio: 0.5, customer: { tags: ['a', 1] } },
          'same everywhere',
        );
        span.end();
        return span.spanContext();
      });
      expect(await observability.flush()).toBe(true);
      const record = await sink.waitFor((s) => s.logs.find((log) => log.body === 'same everywhere'));
      expect(
        String(sink.requests.find((request) => request.endpoint === 'logs')?.headers['content-type']),
      ).toContain(protocol === 'http/json' ? 'application/json' : 'application/x-protobuf');
      expect(record).toMatchObject({
        traceId: ids.traceId,
        spanId: ids.spanId,
        flags: 1,
        severityNumber: 17,
      });
      records.push(record);
      await handle.shutdown(10_000);
      handle = undefined;
      await sink.close();
      sink = undefined;
    }
    const [protobuf, json] = records.map((record) => ({
      ...record,
      // Per run: the span (checked above), the line's time, when the worker saw it, and the instance.
      traceId: undefined,
      spanId: undefined,
      timeUnixNano: undefined,
      observedTimeUnixNano: undefined,
      resource: { ...record?.resource, 'service.instance.id': undefined },
    }));
    expect(json).toEqual(protobuf);
    expect(json?.attributes).toEqual({ order: 42, ratio: 0.5, customer: { tags: ['a', 1] } });
  });

  it('exports the line as redacted on the main thread', async () => {
    sink = await startTestSink();
    handle = initObservability({
      env: { ...quietEnv, ...sink.env },
      logDestination: memoryDestination(),
      handleSignals: false,
    });
    handle.logger.info(
      { password: 'hunter2-secret', headers: { authorization: 'Bearer tok-secret' } },
      'login',
    );
    await handle.flush();
    const record = await sink.waitFor((s) => s.logs.find((log) => log.body === 'login'));
    expect(JSON.stringify(record)).not.toContain('hunter2-secret');
    expect(JSON.stringify(record)).not.toContain('tok-secret');
  });

  it('delivers the lines of a running process that never flushes', async () => {
    sink = await startTestSink();
    handle = initObservability({
      env: { ...quietEnv, ...sink.env, OTEL_BLRP_SCHEDULE_DELAY: '200' },
      logDestination: memoryDestination(),
      handleSignals: false,
    });
    // Lines over several event-loop turns, as a server writes them; nobody flushes.
    for (let turn = 0; turn < 20; turn++) {
      for (let line = 0; line < 5; line++) handle.logger.info({ turn, line }, 'unflushed');
      await new Promise((resolve) => setImmediate(resolve));
    }
    const records = await sink.waitFor(
      (s) => s.logs.filter((log) => log.body === 'unflushed').length === 100 && s.logs,
      { timeoutMs: 10_000 },
    );
    expect(records.filter((log) => log.body === 'unflushed')).toHaveLength(100);
    expect(handle.logRecords().dropped).toBe(0);
  });

  it('with TRACEWIRE_LOG_STDOUT=false writes nothing to stdout and exports every line', async () => {
    sink = await startTestSink();
    const stdout = memoryDestination();
    handle = initObservability({
      env: { ...quietEnv, ...sink.env, TRACEWIRE_LOG_STDOUT: 'false' },
      logDestination: stdout,
      handleSignals: false,
    });
    handle.logger.info('only exported');
    await handle.flush();
    await sink.waitFor((s) => s.logs.find((log) => log.body === 'only exported'));
    expect(stdout.lines).toEqual([]);
    expect(handle.pipelines.logs.stdout).toBe(false);
  });

  it('keeps stdout and exports nothing when OTEL_LOGS_EXPORTER=none', async () => {
    sink = await startTestSink();
    const stdout = memoryDestination();
    handle = initObservability({
      env: { ...quietEnv, ...sink.env, OTEL_LOGS_EXPORTER: 'none', TRACEWIRE_LOG_STDOUT: 'false' },
      logDestination: stdout,
      handleSignals: false,
    });
    handle.logger.info('stdout only');
    await sink.waitFor((s) => s.logs.length === 0 && s);
    expect(stdout.lines.some((line) => line.msg === 'stdout only')).toBe(true);
    expect(handle.pipelines.logs).toEqual({ exporting: false, endpoint: undefined, stdout: true });
    expect(handle.logRecords()).toEqual({ written: 0, delivered: 0, dropped: 0, queued: 0 });
  });

  it('does not export when a log export setting is invalid, and keeps stdout', async () => {
    sink = await startTestSink();
    const stdout = memoryDestination();
    handle = initObservability({
      env: { ...quietEnv, ...sink.env, OTEL_BLRP_MAX_QUEUE_SIZE: 'many', TRACEWIRE_LOG_STDOUT: 'false' },
      logDestination: stdout,
      handleSignals: false,
    });
    handle.logger.info('still on stdout');
    expect(handle.pipelines.logs.exporting).toBe(false);
    expect(stdout.lines.some((line) => line.msg === 'still on stdout')).toBe(true);
    const configLine = stdout.lines.find((line) => line.code === 'TW_CONFIG_INVALID');
    expect(String(configLine?.msg)).toContain('OTEL_BLRP_MAX_QUEUE_SIZE');
    expect(configLine?.disabled).toEqual(['logs']);
    // Traces still flow: only the log export is off.
    expect(handle.pipelines.tracing).toBe(true);
  });

  it('drops lines beyond the queue limit without blocking, counts them, and still delivers the rest', async () => {
    sink = await startTestSink();
    await sink.setFailure('hang', { target: 'otlp' });
    const stdout = memoryDestination();
    handle = initObservability({
      env: {
        ...quietEnv,
        ...sink.env,
        OTEL_BLRP_MAX_QUEUE_SIZE: '50',
        OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '10',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:9/v1/traces',
      },
      logDestination: stdout,
      handleSignals: false,
    });
    const before = handle.logRecords().written;
    for (let index = 0; index < 500; index += 1) handle.logger.info({ index }, 'burst line');
    const during = handle.logRecords();
    expect(during.written - before).toBe(500);
    // Nothing was sent yet, so at most the queue's worth is waiting; the rest is dropped.
    expect(during.queued).toBeLessThanOrEqual(50);
    expect(during.dropped).toBeGreaterThanOrEqual(during.written - 50);
    expect(handle.dropped().logs).toBe(during.dropped);

    await sink.setFailure('none', { target: 'otlp' });
    expect(await handle.flush(20_000)).toBe(true);
    const after = handle.logRecords();
    expect(after.queued).toBe(0);
    expect(after.delivered + after.dropped).toBe(after.written);
    expect(sink.logs.length).toBe(after.delivered);
    expect(stdout.lines.filter((line) => line.msg === 'burst line')).toHaveLength(500);
  });

  it('counts lines a refusing receiver never got as dropped and reports the failure once', async () => {
    sink = await startTestSink();
    await sink.setFailure('refuse', { target: 'otlp' });
    const stdout = memoryDestination();
    handle = initObservability({
      env: {
        ...quietEnv,
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${sink.url}/v1/logs`,
        OTEL_BLRP_SCHEDULE_DELAY: '10',
        OTEL_BLRP_EXPORT_TIMEOUT: '2000',
      },
      logDestination: stdout,
      handleSignals: false,
    });
    for (let index = 0; index < 300; index += 1) handle.logger.info({ index }, 'refused line');
    await handle.flush(20_000);
    // The failure warning is a log line too, written after the first flush began.
    await handle.flush(20_000);
    const counts = handle.logRecords();
    expect(counts.queued).toBe(0);
    expect(counts.delivered).toBe(0);
    expect(counts.dropped).toBe(counts.written);
    expect(handle.dropped().logs).toBe(counts.dropped);
    const failures = stdout.lines.filter(
      (line) => line.code === 'TW_EXPORT_FAILED' && String(line.msg).includes('logs'),
    );
    expect(failures).toHaveLength(1);
    expect(String(failures[0]?.msg)).not.toMatch(/\n\s+at /);
  });
});
