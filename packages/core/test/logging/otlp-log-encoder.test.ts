// The log worker encodes pino lines itself. Before, it sent them through OpenTelemetry's
// logs SDK (LoggerProvider, LogRecordImpl's attribute checks) and otlp-transformer's
// serializers. `sdkRequestBody` below is that old path, line for line as the worker had
// it; every test feeds the same lines through both and decodes both bodies with the
// sink's decoder, expecting the same records.
//
// What legitimately differs, and is set aside before comparing:
// - `observedTimeUnixNano`: the SDK stamped each record when it was emitted; the encoder
//   stamps the lines of a chunk with the time the chunk arrived. It is compared with the
//   time the encoder was given instead.
// - `timeUnixNano` of a line without a numeric `time`: both use "now", read at different
//   moments. It is checked to lie within the test's own clock readings instead.
// - A numeric `time` so small that it cannot be epoch milliseconds of this century: the
//   SDK took numbers below half of `performance.timeOrigin` as `performance.now()`
//   readings; the encoder takes every `time` as what pino writes, epoch milliseconds.
//   The lines here carry real epoch times.
import { SeverityNumber, ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, type LogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { decodeOtlpLogs, type ReceivedLogRecord } from '@tracewire/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogBatchEncoder } from '../../src/logging/otlp-log-encoder.ts';
import type { LogWorkerData } from '../../src/logging/otlp-log-worker-protocol.ts';

const RESOURCE: LogWorkerData['resource'] = {
  'service.name': 'checkout',
  'service.version': '1.4.2',
  'deployment.environment.name': 'production',
  'service.instance.id': '5b1c9d0e-6c3f-4f7a-9e1d-0a2b3c4d5e6f',
  'process.pid': 4242,
  'process.runtime.version': '24.21.0',
  'telemetry.sdk.language': 'nodejs',
  'host.arch': 'amd64',
  'process.command_args': ['node', '--import', '@tracewire/core/register', 'server.js'],
  'container.present': true,
};
const VERSION = '0.3.1';
const OBSERVED_MS = 1_796_172_476_600;
const OBSERVED_NANOS = `${OBSERVED_MS}000000`;

// --- The old path, as the worker had it before the encoder -------------------------------

const OLD_NOT_ATTRIBUTES = new Set([
  'level',
  'time',
  'msg',
  'trace_id',
  'span_id',
  'trace_flags',
  'pid',
  'service',
  'env',
  'version',
]);
const OLD_SEVERITY_BY_LABEL: Readonly<Record<string, number>> = {
  trace: SeverityNumber.TRACE,
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
  fatal: SeverityNumber.FATAL,
};
const OLD_LABEL_BY_NUMBER: Readonly<Record<number, string>> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

function oldTraceContext(fields: Record<string, unknown>): Context | undefined {
  const traceId = fields.trace_id;
  const spanId = fields.span_id;
  if (typeof traceId !== 'string' || typeof spanId !== 'string') return undefined;
  if (!/^[0-9a-f]{32}$/.test(traceId) || !/^[0-9a-f]{16}$/.test(spanId)) return undefined;
  const flags = typeof fields.trace_flags === 'string' ? Number.parseInt(fields.trace_flags, 16) : 0;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId,
    spanId,
    traceFlags: Number.isNaN(flags) ? 0 : flags,
    isRemote: false,
  });
}

function sdkRequestBody(lines: string[], protocol: 'http/protobuf' | 'http/json'): Uint8Array {
  const records: ReadableLogRecord[] = [];
  const collector: LogRecordProcessor = {
    onEmit: (record) => {
      records.push(record);
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(RESOURCE),
    processors: [collector],
  });
  const logger = provider.getLogger('tracewire', VERSION);
  for (const line of lines) {
    let fields: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      fields =
        typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : { msg: line };
    } catch {
      fields = { msg: line };
    }
    const label =
      typeof fields.level === 'string'
        ? fields.level
        : typeof fields.level === 'number'
          ? OLD_LABEL_BY_NUMBER[fields.level]
          : undefined;
    const attributes: Record<string, never> = {};
    for (const key of Object.keys(fields)) {
      if (!OLD_NOT_ATTRIBUTES.has(key) && fields[key] !== undefined && fields[key] !== null)
        attributes[key] = fields[key] as never;
    }
    logger.emit({
      timestamp: typeof fields.time === 'number' ? fields.time : Date.now(),
      severityNumber: (label ? OLD_SEVERITY_BY_LABEL[label] : undefined) ?? SeverityNumber.UNSPECIFIED,
      severityText: label,
      body: typeof fields.msg === 'string' ? fields.msg : undefined,
      attributes,
      context: oldTraceContext(fields) ?? ROOT_CONTEXT,
    });
  }
  const serializer = protocol === 'http/json' ? JsonLogsSerializer : ProtobufLogsSerializer;
  const body = serializer.serializeRequest(records);
  if (!body) throw new Error('the SDK serializer returned nothing');
  return body;
}

// --- Comparing -------------------------------------------------------------------------

function encoderRequestBody(lines: string[], protocol: 'http/protobuf' | 'http/json'): Uint8Array {
  const batch = createLogBatchEncoder({ protocol, resource: RESOURCE, version: VERSION });
  batch.observedAt(OBSERVED_MS);
  for (const line of lines) batch.add(line);
  expect(batch.count).toBe(lines.length);
  return batch.finish();
}

const format = (protocol: 'http/protobuf' | 'http/json') => (protocol === 'http/json' ? 'json' : 'protobuf');

/** The records both paths produce, with observed time (and "now" times) set aside as the header explains. */
function bothPaths(lines: string[], protocol: 'http/protobuf' | 'http/json') {
  const before = BigInt(Date.now()) * 1_000_000n;
  const old = decodeOtlpLogs(sdkRequestBody(lines, protocol), { format: format(protocol) });
  const encoded = decodeOtlpLogs(encoderRequestBody(lines, protocol), { format: format(protocol) });
  const after = BigInt(Date.now()) * 1_000_000n;
  expect(encoded).toHaveLength(lines.length);
  for (const record of encoded) expect(record.observedTimeUnixNano).toBe(OBSERVED_NANOS);
  const comparable = (records: ReceivedLogRecord[]) =>
    records.map((record, index) => {
      const timeIsNow = typeof timeFieldOf(lines[index] ?? '') !== 'number';
      if (timeIsNow) {
        const nanos = BigInt(record.timeUnixNano);
        expect(nanos >= before && nanos <= after).toBe(true);
      }
      return {
        ...record,
        observedTimeUnixNano: 'set aside',
        timeUnixNano: timeIsNow ? 'now' : record.timeUnixNano,
      };
    });
  return { old: comparable(old), encoded: comparable(encoded), raw: encoded };
}

function timeFieldOf(line: string): unknown {
  try {
    return (JSON.parse(line) as { time?: unknown } | null)?.time;
  } catch {
    return undefined;
  }
}

const PROTOCOLS = ['http/protobuf', 'http/json'] as const;

function hasIntegerPastInt64(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && (value < -(2 ** 63) || value >= 2 ** 63);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(hasIntegerPastInt64);
  return false;
}

const benchLine = JSON.stringify({
  level: 'info',
  time: 1_796_172_476_532,
  pid: 6774,
  service: 'bench-express',
  env: 'production',
  version: 'bench@1.0.0',
  request_id: 'c1f0a3e2-7d4b-4a57-9a3e-1b2c3d4e5f60',
  trace_id: '8703443586746cb4b75b3d6c2a6d2c36',
  span_id: 'c69f125b5b56c99e',
  trace_flags: '01',
  id: '42',
  msg: 'hello',
});

describe.each(PROTOCOLS)('the log encoder against the logs SDK, %s', (protocol) => {
  it('encodes the bench’s request line as the SDK did: trace context, severity, attributes, resource, scope', () => {
    const { old, encoded, raw } = bothPaths([benchLine], protocol);
    expect(encoded).toEqual(old);
    // Not only equal to each other, but what the line says.
    expect(raw[0]).toMatchObject({
      timeUnixNano: '1796172476532000000',
      severityNumber: 9,
      severityText: 'info',
      body: 'hello',
      attributes: { request_id: 'c1f0a3e2-7d4b-4a57-9a3e-1b2c3d4e5f60', id: '42' },
      traceId: '8703443586746cb4b75b3d6c2a6d2c36',
      spanId: 'c69f125b5b56c99e',
      flags: 1,
      resource: RESOURCE,
      scope: { name: 'tracewire', version: VERSION, attributes: {} },
    });
  });

  it('maps levels by label and by number, and leaves unknown ones unspecified', () => {
    const lines = [
      { level: 10, time: 1_700_000_000_001, msg: 'trace' },
      { level: 20, time: 1_700_000_000_002, msg: 'debug' },
      { level: 30, time: 1_700_000_000_003, msg: 'info' },
      { level: 40, time: 1_700_000_000_004, msg: 'warn' },
      { level: 50, time: 1_700_000_000_005, msg: 'error' },
      { level: 60, time: 1_700_000_000_006, msg: 'fatal' },
      { level: 'fatal', time: 1_700_000_000_007, msg: 'fatal by label' },
      { level: 'audit', time: 1_700_000_000_008, msg: 'custom label' },
      { level: 35, time: 1_700_000_000_009, msg: 'custom number' },
      { level: '', time: 1_700_000_000_010, msg: 'empty label' },
      { time: 1_700_000_000_011, msg: 'no level' },
      { level: true, time: 1_700_000_000_012, msg: 'odd level' },
    ].map((fields) => JSON.stringify(fields));
    const { old, encoded, raw } = bothPaths(lines, protocol);
    expect(encoded).toEqual(old);
    expect(raw.map((record) => record.severityNumber)).toEqual([1, 5, 9, 13, 17, 21, 21, 0, 0, 0, 0, 0]);
    expect(raw[7]?.severityText).toBe('audit');
  });

  it('keeps every kind of field value: nested objects, arrays, integers, doubles, booleans, unicode, nulls inside', () => {
    const line = JSON.stringify({
      level: 30,
      time: 1_700_000_000_123.456,
      msg: 'values ✓ — ünïcødé 🚀',
      customer: { tier: 'gold', address: { city: 'Zürich', zip: null }, tags: [] },
      items: [1, 'two', 3.5, true, null, { nested: [false] }, []],
      empty: {},
      count: 42,
      negative: -7,
      large: 2 ** 53 + 2,
      largerThanInt64: 1e19,
      negativeLarge: -(2 ** 62),
      ratio: 0.125,
      tiny: -1e-300,
      yes: true,
      no: false,
      blank: '',
      long: 'x'.repeat(300),
      longUnicode: 'é'.repeat(200),
      removed: null,
      '': 'an empty key is no attribute',
      nestedEmptyKey: { '': 'kept inside' },
      '0': 'numeric key',
      'dotted.key': 'kept as is',
    });
    const { old, encoded, raw } = bothPaths(
      [line, '{"level":30,"time":1700000000000,"huge":1e400}'],
      protocol,
    );
    expect(raw[0]?.attributes).toMatchObject({ count: 42, ratio: 0.125, largerThanInt64: 1e19 });
    expect(raw[0]?.attributes).not.toHaveProperty('removed');
    expect(raw[1]?.attributes.huge).toBe(Number.POSITIVE_INFINITY);
    if (protocol === 'http/json') {
      // Two values the SDK's JSON serializer got wrong, and the encoder writes as the
      // protobuf serializer did: an integer past int64 went out as `intValue`, and
      // Infinity as `"doubleValue":null` (JSON.stringify's rendering of it).
      expect(old[0]?.attributes.largerThanInt64).toBe(10n ** 19n);
      expect(old[1]?.attributes.huge).toBeUndefined();
      for (const records of [old, encoded]) {
        delete records[0]?.attributes.largerThanInt64;
        delete records[1]?.attributes.huge;
      }
    }
    expect(encoded).toEqual(old);
  });

  it('takes the trace context only from valid, non-zero hex IDs, with the flags when they parse', () => {
    const base = { level: 30, time: 1_700_000_000_000 };
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const spanId = '00f067aa0ba902b7';
    const lines = [
      { ...base, msg: 'sampled', trace_id: traceId, span_id: spanId, trace_flags: '01' },
      { ...base, msg: 'not sampled', trace_id: traceId, span_id: spanId, trace_flags: '00' },
      { ...base, msg: 'no flags', trace_id: traceId, span_id: spanId },
      { ...base, msg: 'flags not hex', trace_id: traceId, span_id: spanId, trace_flags: 'zz' },
      { ...base, msg: 'flags as a number', trace_id: traceId, span_id: spanId, trace_flags: 1 },
      { ...base, msg: 'uppercase', trace_id: traceId.toUpperCase(), span_id: spanId, trace_flags: '01' },
      { ...base, msg: 'short trace id', trace_id: traceId.slice(2), span_id: spanId, trace_flags: '01' },
      { ...base, msg: 'zero trace id', trace_id: '0'.repeat(32), span_id: spanId, trace_flags: '01' },
      { ...base, msg: 'zero span id', trace_id: traceId, span_id: '0'.repeat(16), trace_flags: '01' },
      { ...base, msg: 'no span id', trace_id: traceId, trace_flags: '01' },
      { ...base, msg: 'ids not strings', trace_id: 1, span_id: 2, trace_flags: '01' },
    ].map((fields) => JSON.stringify(fields));
    const { old, encoded, raw } = bothPaths(lines, protocol);
    expect(encoded).toEqual(old);
    expect(raw.map((record) => [record.traceId !== undefined, record.flags ?? 0])).toEqual([
      [true, 1],
      [true, 0],
      [true, 0],
      [true, 0],
      [true, 0],
      [false, 0],
      [false, 0],
      [false, 0],
      [false, 0],
      [false, 0],
      [false, 0],
    ]);
  });

  it('sends a line that is not a JSON object as the body, and one without a string msg without a body', () => {
    const lines = [
      'plain text from a custom serialiser',
      '{"truncated":',
      '42',
      '"a JSON string"',
      '[1,"array line"]',
      '{"level":30,"time":1700000000000,"msg":42}',
      '{"level":30,"time":1700000000000,"msg":""}',
      '{"level":30,"time":"2023-11-14T22:13:20.000Z","msg":"time as text"}',
    ];
    const { old, encoded, raw } = bothPaths(lines, protocol);
    expect(encoded).toEqual(old);
    expect(raw.map((record) => record.body)).toEqual([
      'plain text from a custom serialiser',
      '{"truncated":',
      '42',
      '"a JSON string"',
      undefined,
      undefined,
      '',
      'time as text',
    ]);
  });

  it('keeps the first 128 attributes of a record, as the SDK’s default limit did', () => {
    const fields: Record<string, unknown> = { level: 30, time: 1_700_000_000_000, msg: 'wide' };
    for (let index = 0; index < 150; index += 1) fields[`field${index}`] = index;
    const { old, encoded, raw } = bothPaths([JSON.stringify(fields)], protocol);
    expect(encoded).toEqual(old);
    expect(Object.keys(raw[0]?.attributes ?? {})).toHaveLength(128);
  });

  it('matches the SDK for any JSON fields a line can carry', () => {
    // Left out, and tested on their own: `__proto__` (the SDK path copied attributes into
    // plain objects, where that key sets the prototype, so the field was lost; the encoder
    // writes it) and integers past int64 (the SDK's JSON serializer sent them as `intValue`).
    const key = fc.string({ unit: 'binary', maxLength: 12 }).filter((candidate) => candidate !== '__proto__');
    const value = fc
      .jsonValue({ maxDepth: 4 })
      .filter(
        (candidate) => !JSON.stringify(candidate).includes('"__proto__"') && !hasIntegerPastInt64(candidate),
      );
    const line = fc.record({
      level: fc.oneof(fc.constantFrom(10, 20, 30, 40, 50, 60, 'info', 'warn', 'custom'), fc.integer()),
      time: fc.integer({ min: 1_000_000_000_000, max: 4_102_444_800_000 }),
      msg: fc.string({ unit: 'binary' }),
      extra: fc.dictionary(key, value, { maxKeys: 8 }),
    });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 5 }), (records) => {
        const lines = records.map(({ extra, ...pino }) => JSON.stringify({ ...extra, ...pino }));
        const { old, encoded } = bothPaths(lines, protocol);
        expect(encoded).toEqual(old);
      }),
      { numRuns: 150 },
    );
  });
});

describe('the log encoder', () => {
  it('writes a field named __proto__, which the SDK path lost', () => {
    const batch = createLogBatchEncoder({ protocol: 'http/protobuf', resource: RESOURCE, version: VERSION });
    batch.add('{"level":30,"time":1700000000000,"msg":"m","__proto__":{"polluted":"yes"}}');
    // The sink's decoder builds plain objects too, so the bytes are what shows it.
    const body = Buffer.from(batch.finish());
    expect(body.includes('__proto__')).toBe(true);
    expect(body.includes('polluted')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(PROTOCOLS)('%s: a line it cannot encode throws and leaves the batch as it was', (protocol) => {
    const batch = createLogBatchEncoder({ protocol, resource: RESOURCE, version: VERSION });
    batch.observedAt(OBSERVED_MS);
    batch.add(benchLine);
    // Nested deeper than the stack: JSON.parse takes it, encoding it cannot.
    const depth = 200_000;
    expect(() => batch.add(`{"msg":"deep","value":${'['.repeat(depth)}${']'.repeat(depth)}}`)).toThrow(
      RangeError,
    );
    expect(batch.count).toBe(1);
    batch.add('{"level":40,"time":1700000000000,"msg":"after"}');
    const records = decodeOtlpLogs(batch.finish(), { format: format(protocol) });
    expect(records.map((record) => record.body)).toEqual(['hello', 'after']);
    // The next batch starts empty and is a whole request of its own.
    batch.add('{"level":30,"time":1700000000000,"msg":"next batch"}');
    const next = decodeOtlpLogs(batch.finish(), { format: format(protocol) });
    expect(next.map((record) => [record.body, record.resource['service.name']])).toEqual([
      ['next batch', 'checkout'],
    ]);
  });

  it('writes the request envelope once per batch, however many records it holds', () => {
    const batch = createLogBatchEncoder({ protocol: 'http/protobuf', resource: RESOURCE, version: VERSION });
    batch.observedAt(OBSERVED_MS);
    for (let index = 0; index < 1000; index += 1) batch.add(benchLine.replace('"42"', `"${index}"`));
    const body = batch.finish();
    const records = decodeOtlpLogs(body);
    expect(records.map((record) => record.attributes.id)).toEqual(
      Array.from({ length: 1000 }, (_, index) => String(index)),
    );
    // A resource and scope per record would add their ~400 bytes to each ~150-byte record.
    expect(body.length).toBeLessThan(1000 * 200);
  });
});
