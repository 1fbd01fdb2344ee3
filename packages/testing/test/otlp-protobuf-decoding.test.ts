// The protobuf decoder on the bytes the real exporters send: every AnyValue kind, 64-bit
// integers and timestamps, packed repeated fields, fields the schema does not declare, and
// malformed bodies. Cases no exporter produces (summaries, exemplars, a oneof sent twice,
// unpacked lists) are written by field number with @bufbuild/protobuf's wire writer.
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { SeverityNumber } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import {
  decodeOtlpLogs,
  decodeOtlpMetrics,
  decodeOtlpTraces,
  startTestSink,
  type TestSink,
} from '../src/index.ts';

let sink: TestSink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

/** The decompressed body the exporter posted to `path`, exactly as it came off the wire. */
function bodyAt(path: string): Uint8Array {
  const bodies = sink!.rawBodies().filter(({ request }) => request.path === path);
  expect(bodies).toHaveLength(1);
  return new Uint8Array(bodies[0]!.body);
}

/** Appends a field of a newer OTLP to a message: a schema-less reader must skip it. */
function withFutureFields(message: Uint8Array): Uint8Array {
  const future = new BinaryWriter()
    .tag(99, WireType.LengthDelimited)
    .string('from a future OTLP')
    .tag(100, WireType.Bit64)
    .fixed64(1n)
    .tag(101, WireType.Varint)
    .uint64(2n ** 63n)
    .tag(102, WireType.Bit32)
    .fixed32(7)
    .finish();
  return Uint8Array.from([...message, ...future]);
}

async function exportedTrace(): Promise<{ body: Uint8Array; span: ReadableSpan }> {
  sink = await startTestSink();
  const ended: ReadableSpan[] = [];
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'svc' }),
    // A limit of 9 attributes makes the exporter send `dropped_attributes_count`, a field
    // the decoder's schema leaves out.
    spanLimits: { attributeCountLimit: 9 },
    spanProcessors: [
      new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: sink.endpoints.traces }) }),
      {
        onStart() {},
        onEnd: (span) => void ended.push(span),
        forceFlush: async () => {},
        shutdown: async () => {},
      },
    ],
  });
  const span = provider.getTracer('scope').startSpan('edge values', {
    attributes: {
      s: 'text',
      t: true,
      f: false,
      small: -42,
      big: 2 ** 60,
      'negative big': -(2 ** 60),
      d: 0.25,
      nan: Number.NaN,
      list: ['a', 'b'],
      dropped: 'over the limit',
    },
  });
  span.end();
  await provider.shutdown();
  return { body: bodyAt('/v1/traces'), span: ended[0]! };
}

describe('traces from the protobuf exporter', () => {
  it('decodes every attribute kind, with int64 beyond 2^53 as bigint and IDs as hex', async () => {
    const { body, span } = await exportedTrace();
    const [decoded] = decodeOtlpTraces(body);
    expect(decoded!.traceId).toBe(span.spanContext().traceId);
    expect(decoded!.spanId).toBe(span.spanContext().spanId);
    expect(decoded!.attributes).toEqual({
      s: 'text',
      t: true,
      f: false,
      small: -42,
      big: 2n ** 60n,
      'negative big': -(2n ** 60n),
      d: 0.25,
      nan: Number.NaN,
      list: ['a', 'b'],
    });
    expect(decoded!.resource).toEqual(expect.objectContaining({ 'service.name': 'svc' }));
    expect(decoded!.scope).toEqual({ name: 'scope', version: undefined, attributes: {} });
  });

  it('decodes 64-bit timestamps exactly, as decimal strings', async () => {
    const { body, span } = await exportedTrace();
    const nanos = ([seconds, nanoseconds]: [number, number]) =>
      (BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds)).toString();
    const [decoded] = decodeOtlpTraces(body);
    expect(decoded!.startTimeUnixNano).toBe(nanos(span.startTime));
    expect(decoded!.endTimeUnixNano).toBe(nanos(span.endTime));
    expect(BigInt(decoded!.startTimeUnixNano)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
  });

  it('skips fields the schema does not declare, sent by the exporter or a newer OTLP', async () => {
    const { body } = await exportedTrace();
    const expected = decodeOtlpTraces(body);
    expect(decodeOtlpTraces(withFutureFields(body))).toEqual(expected);
  });

  it('applies proto3 defaults to what the exporter leaves out', async () => {
    const { body } = await exportedTrace();
    expect(decodeOtlpTraces(body)[0]).toMatchObject({
      parentSpanId: undefined,
      traceState: undefined,
      kind: 'internal',
      status: { code: 0, message: '' },
      events: [],
      links: [],
    });
  });

  it('names what is wrong with a truncated or non-UTF-8 request', async () => {
    const { body } = await exportedTrace();
    expect(() => decodeOtlpTraces(body.subarray(0, body.length - 3))).toThrow(
      expect.objectContaining({
        name: 'OtlpDecodeError',
        message: expect.stringContaining('ExportTraceServiceRequest'),
      }),
    );
    // A span whose name (field 5) is not UTF-8.
    const badName = new BinaryWriter()
      .tag(1, WireType.LengthDelimited)
      .fork()
      .tag(2, WireType.LengthDelimited)
      .fork()
      .tag(2, WireType.LengthDelimited)
      .fork()
      .tag(5, WireType.LengthDelimited)
      .bytes(Uint8Array.from([0xff, 0xfe]))
      .join()
      .join()
      .join()
      .finish();
    expect(() => decodeOtlpTraces(badName)).toThrow(expect.objectContaining({ name: 'OtlpDecodeError' }));
  });

  it.each([
    ['a length that overruns the body', [0x0a, 0x05, 0x01]],
    ['a truncated 64-bit field', [0x09, 0x01, 0x02, 0x03]],
    ['a truncated 32-bit field', [0x0d, 0x01]],
    ['a truncated varint', [0x08, 0x80, 0x80]],
    ['field number 0', [0x00, 0x00]],
    ['an unmatched end-group tag', [0x0c]],
    ['a known field with the wrong wire type', [0x08, 0x01]],
  ])('rejects a request with %s', (_case, bytes) => {
    for (const decode of [decodeOtlpTraces, decodeOtlpMetrics, decodeOtlpLogs]) {
      expect(() => decode(Uint8Array.from(bytes))).toThrow(
        expect.objectContaining({ name: 'OtlpDecodeError' }),
      );
    }
  });
});

describe('logs from the protobuf exporter', () => {
  it('decodes structured bodies: maps, arrays, bytes, empty values and large integers', async () => {
    sink = await startTestSink();
    const provider = new LoggerProvider({
      processors: [
        new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: sink.endpoints.logs }) }),
      ],
    });
    provider.getLogger('scope').emit({
      severityNumber: SeverityNumber.WARN,
      eventName: 'edge.values',
      body: {
        map: { inner: { x: true } },
        arr: ['a', 1, null],
        raw: new Uint8Array([0, 255]),
        empty: null,
        big: 2 ** 62,
        ratio: -1.5,
      },
    });
    await provider.shutdown();
    const body = bodyAt('/v1/logs');
    const [record] = decodeOtlpLogs(withFutureFields(body));
    expect(record).toMatchObject({
      severityNumber: SeverityNumber.WARN,
      eventName: 'edge.values',
      traceId: undefined,
      spanId: undefined,
      body: {
        map: { inner: { x: true } },
        arr: ['a', 1, undefined],
        raw: new Uint8Array([0, 255]),
        empty: undefined,
        big: 2n ** 62n,
        ratio: -1.5,
      },
    });
    expect(decodeOtlpLogs(body)).toEqual(decodeOtlpLogs(withFutureFields(body)));
  });
});

describe('metrics from the protobuf exporter', () => {
  async function exportedHistograms(): Promise<Uint8Array> {
    sink = await startTestSink();
    const reader = new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: sink.endpoints.metrics }),
      exportIntervalMillis: 60_000,
    });
    const provider = new MeterProvider({ readers: [reader] });
    const meter = provider.getMeter('scope');
    const histogram = meter.createHistogram('latency', {
      advice: { explicitBucketBoundaries: [0.1, 0.5, 1, 2 ** 40] },
    });
    for (const value of [0.05, 0.2, 0.3, 5, 2 ** 41]) histogram.record(value);
    meter.createCounter('bytes').add(2 ** 40);
    await provider.shutdown();
    return bodyAt('/v1/metrics');
  }

  it('decodes packed repeated bucket counts and bounds and large sums', async () => {
    const body = await exportedHistograms();
    const points = decodeOtlpMetrics(body);
    expect(points.find((point) => point.name === 'latency')).toMatchObject({
      type: 'histogram',
      count: 5,
      min: 0.05,
      max: 2 ** 41,
      explicitBounds: [0.1, 0.5, 1, 2 ** 40],
      bucketCounts: [1, 2, 0, 1, 1],
    });
    expect(points.find((point) => point.name === 'bytes')).toMatchObject({ type: 'sum', value: 2 ** 40 });
    expect(decodeOtlpMetrics(withFutureFields(body))).toEqual(points);
  });

  it('appends unpacked elements after packed ones, as the wire format allows', async () => {
    const body = await exportedHistograms();
    // A second ResourceMetrics > ScopeMetrics > Metric > Histogram > HistogramDataPoint
    // whose bucket counts (field 6) come packed and then one by one.
    const point = new BinaryWriter()
      .tag(6, WireType.LengthDelimited)
      .fork()
      .fixed64(1n)
      .fixed64(2n)
      .join()
      .tag(6, WireType.Bit64)
      .fixed64(3n)
      .tag(7, WireType.Bit64)
      .double(0.5)
      .tag(7, WireType.Bit64)
      .double(8)
      .finish();
    const extra = nest([1, 2, 2], new BinaryWriter().tag(1, WireType.LengthDelimited).string('unpacked'), [
      9,
      1,
      point,
    ]);
    const points = decodeOtlpMetrics(Uint8Array.from([...body, ...extra]));
    expect(points.find((p) => p.name === 'unpacked')).toMatchObject({
      bucketCounts: [1, 2, 3],
      explicitBounds: [0.5, 8],
    });
  });
});

/**
 * Wraps `inner` in length-delimited fields: `outer` are the field numbers from the request
 * down to the message that `head` starts; `tail` continues inside it with more numbers and
 * ends with the innermost bytes.
 */
function nest(outer: number[], head: BinaryWriter, tail: [...number[], Uint8Array]): Uint8Array {
  const innermost = tail.at(-1) as Uint8Array;
  let bytes = innermost;
  for (const number of (tail.slice(0, -1) as number[]).reverse()) {
    bytes = new BinaryWriter().tag(number, WireType.LengthDelimited).bytes(bytes).finish();
  }
  bytes = Uint8Array.from([...head.finish(), ...bytes]);
  for (const number of [...outer].reverse()) {
    bytes = new BinaryWriter().tag(number, WireType.LengthDelimited).bytes(bytes).finish();
  }
  return bytes;
}

describe('messages no exporter sends', () => {
  it('decodes summaries, exemplars and the last oneof member on the wire', () => {
    const exemplar = new BinaryWriter()
      .tag(2, WireType.Bit64)
      .fixed64(10n)
      .tag(3, WireType.Bit64)
      .double(0.25)
      .tag(4, WireType.LengthDelimited)
      .bytes(new Uint8Array(8).fill(0x11))
      .tag(5, WireType.LengthDelimited)
      .bytes(new Uint8Array(16).fill(0x22))
      .finish();
    // Summary (Metric field 11) > SummaryDataPoint: count 3, sum 9, one quantile.
    const summary = nest(
      [1, 2, 2],
      new BinaryWriter().tag(1, WireType.LengthDelimited).string('rpc.duration'),
      [
        11,
        1,
        new BinaryWriter()
          .tag(4, WireType.Bit64)
          .fixed64(3n)
          .tag(5, WireType.Bit64)
          .double(9)
          .tag(6, WireType.LengthDelimited)
          .fork()
          .tag(1, WireType.Bit64)
          .double(0.5)
          .tag(2, WireType.Bit64)
          .double(2)
          .join()
          .finish(),
      ],
    );
    // Gauge (Metric field 5) > NumberDataPoint whose value is sent as double, then as int.
    const gauge = nest([1, 2, 2], new BinaryWriter().tag(1, WireType.LengthDelimited).string('g'), [
      5,
      1,
      new BinaryWriter()
        .tag(4, WireType.Bit64)
        .double(1.5)
        .tag(6, WireType.Bit64)
        .sfixed64(-7n)
        .tag(5, WireType.LengthDelimited)
        .bytes(exemplar)
        .finish(),
    ]);
    const [summaryPoint, gaugePoint] = decodeOtlpMetrics(Uint8Array.from([...summary, ...gauge]));
    expect(summaryPoint).toMatchObject({
      type: 'summary',
      count: 3,
      sum: 9,
      quantileValues: [{ quantile: 0.5, value: 2 }],
      exemplars: [],
    });
    expect(gaugePoint).toMatchObject({
      type: 'gauge',
      value: -7,
      exemplars: [{ traceId: '22'.repeat(16), spanId: '11'.repeat(8), timeUnixNano: '10', value: 0.25 }],
    });
  });
});
