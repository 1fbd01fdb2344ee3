import { ROOT_CONTEXT, TraceFlags, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import type { TracewireConfig } from '../../src/config/types.ts';
import { createLogger } from '../../src/logging/create-logger.ts';
import { withTraceFields } from '../../src/logging/trace-fields.ts';
import { memoryDestination } from '@tracewire/testing/fixtures';

function testConfig(env: Record<string, string> = {}): TracewireConfig {
  const result = loadConfig({
    env: {
      OTEL_SERVICE_NAME: 'logger-test',
      SENTRY_ENVIRONMENT: 'test',
      SENTRY_RELEASE: 'svc@2.0.0',
      ...env,
    },
  });
  if (!result.ok) throw new Error('test config invalid');
  return result.config;
}

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const spanId = '00f067aa0ba902b7';

describe('createLogger', () => {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(manager.enable());
  });
  afterAll(() => {
    context.disable();
  });

  it('writes JSON with base fields and level names', () => {
    const destination = memoryDestination();
    createLogger(testConfig(), { destination }).info({ a: 1 }, 'hello');
    expect(destination.lines[0]).toMatchObject({
      level: 'info',
      service: 'logger-test',
      env: 'test',
      version: 'svc@2.0.0',
      a: 1,
      msg: 'hello',
    });
    expect(destination.lines[0]).not.toHaveProperty('trace_id');
  });

  it('adds trace_id, span_id and trace_flags inside a span, sampled or not', () => {
    const destination = memoryDestination();
    const logger = createLogger(testConfig(), { destination });
    for (const traceFlags of [TraceFlags.SAMPLED, TraceFlags.NONE]) {
      const active = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags });
      context.with(active, () => logger.info('inside'));
    }
    expect(destination.lines.map((line) => [line.trace_id, line.span_id, line.trace_flags])).toEqual([
      [traceId, spanId, '01'],
      [traceId, spanId, '00'],
    ]);
  });

  it('keeps the log call fields when they name the same keys as the trace fields', () => {
    const destination = memoryDestination();
    const logger = createLogger(testConfig(), { destination });
    context.with(trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: 1 }), () =>
      logger.info({ span_id: 'explicit', trace_flags: 'mine' }, 'override'),
    );
    expect(destination.lines[0]).toMatchObject({
      trace_id: traceId,
      span_id: 'explicit',
      trace_flags: 'mine',
    });
  });

  it('gives each span its own fields when lines of several spans interleave', () => {
    const destination = memoryDestination();
    const logger = createLogger(testConfig(), { destination });
    const spans = [
      { traceId, spanId, traceFlags: TraceFlags.SAMPLED },
      { traceId, spanId: 'a'.repeat(16), traceFlags: TraceFlags.SAMPLED },
      { traceId: 'b'.repeat(32), spanId, traceFlags: TraceFlags.SAMPLED },
      { traceId, spanId, traceFlags: TraceFlags.NONE },
    ];
    const expected: unknown[] = [];
    for (let round = 0; round < 3; round++) {
      for (const spanContext of spans) {
        context.with(trace.setSpanContext(ROOT_CONTEXT, { ...spanContext }), () => logger.info('line'));
        expected.push([spanContext.traceId, spanContext.spanId, spanContext.traceFlags === 1 ? '01' : '00']);
      }
      logger.info('between spans');
      expected.push([undefined, undefined, undefined]);
    }
    expect(destination.lines.map((line) => [line.trace_id, line.span_id, line.trace_flags])).toEqual(
      expected,
    );
  });

  it('adds no fields for an invalid span context, and keeps every line valid JSON', () => {
    const invalid = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '0'.repeat(32),
      spanId: '0'.repeat(16),
      traceFlags: TraceFlags.SAMPLED,
    });
    const quoted = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: `${'a'.repeat(30)}"}`,
      spanId,
      traceFlags: TraceFlags.SAMPLED,
    });
    for (const active of [invalid, quoted]) {
      expect(context.with(active, () => withTraceFields('{"msg":"x"}\n'))).toBe('{"msg":"x"}\n');
    }
    const valid = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: TraceFlags.SAMPLED });
    for (const line of ['{}\n', '{"msg":"x"}\n', '{"a":{}}']) {
      expect(JSON.parse(context.with(valid, () => withTraceFields(line)))).toEqual({
        trace_id: traceId,
        span_id: spanId,
        trace_flags: '01',
        ...JSON.parse(line),
      });
    }
    // Not a JSON object line (a custom formatter's output): left alone.
    expect(context.with(valid, () => withTraceFields('plain text\n'))).toBe('plain text\n');
    expect(withTraceFields('{"msg":"outside"}\n')).toBe('{"msg":"outside"}\n');
  });

  it('redacts secrets at the top level and two levels down', () => {
    const destination = memoryDestination();
    createLogger(testConfig(), { destination, redactKeys: ['ssn'] }).info(
      {
        password: 'p1',
        token: 't1',
        req: { headers: { authorization: 'Bearer a1', cookie: 'c1', 'set-cookie': 's1', accept: 'json' } },
        user: { apiKey: 'k1', name: 'ada', ssn: '123' },
      },
      'secrets',
    );
    const line = JSON.stringify(destination.lines[0]);
    for (const secret of ['p1', 't1', 'Bearer a1', '"c1"', '"s1"', 'k1', '"123"'])
      expect(line).not.toContain(secret);
    expect(line).toContain('"accept":"json"');
    expect(line).toContain('"name":"ada"');
  });

  it('logs a config through its masked form', () => {
    const destination = memoryDestination();
    const config = testConfig({
      SENTRY_DSN: 'https://verysecretkey@o1.ingest.sentry.io/123',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-scope=tenantsecret',
    });
    createLogger(config, { destination }).info({ config }, 'dump');
    const line = JSON.stringify(destination.lines[0]);
    expect(line).not.toContain('verysecretkey');
    expect(line).not.toContain('tenantsecret');
    // The masked dump is what was logged (it lists sources); pino's key redaction may
    // then mask the masked DSN further.
    expect(line).toContain('"sentry.dsn":"env:SENTRY_DSN"');
  });

  it('reports error-level logs with an error once and stamps the event ID on the line', () => {
    const destination = memoryDestination();
    const captured: Array<[Error, string | undefined]> = [];
    const logger = createLogger(testConfig(), {
      destination,
      captureErrorLog: (error, message) => {
        captured.push([error, message]);
        return 'e'.repeat(32);
      },
    });
    const error = new Error('db down');
    logger.error({ err: error, orderId: 7 }, 'order failed');
    logger.error(new Error('plain'), 'plain error');
    logger.warn({ err: new Error('only a warning') }, 'not captured');
    logger.error('no error object');
    expect(captured.map(([captureError, message]) => [captureError.message, message])).toEqual([
      ['db down', 'order failed'],
      ['plain', 'plain error'],
    ]);
    expect(destination.lines[0]).toMatchObject({
      sentry_event_id: 'e'.repeat(32),
      orderId: 7,
      msg: 'order failed',
    });
    expect(destination.lines[0]?.err).toMatchObject({ message: 'db down' });
    expect(destination.lines[1]).toMatchObject({ sentry_event_id: 'e'.repeat(32), msg: 'plain error' });
  });

  it('keeps logging when error capture itself fails', () => {
    const destination = memoryDestination();
    const logger = createLogger(testConfig(), {
      destination,
      captureErrorLog: () => {
        throw new Error('sentry broken');
      },
    });
    expect(() => logger.error({ err: new Error('x') }, 'still logged')).not.toThrow();
    expect(destination.lines[0]?.msg).toBe('still logged');
  });
});
