// OTLP/HTTP protobuf bodies (`application/x-protobuf`) into plain objects. Field numbers
// follow opentelemetry-proto: collector/{trace,metrics,logs}/v1/*_service.proto (the
// Export*ServiceRequest messages), trace/v1/trace.proto, metrics/v1/metrics.proto,
// logs/v1/logs.proto, common/v1/common.proto and resource/v1/resource.proto.
import {
  asBool,
  asBytes,
  asDouble,
  asFixed32,
  asFixed64,
  asRepeatedDouble,
  asRepeatedFixed64,
  asRepeatedUnsignedVarint,
  asSfixed64,
  asSignedVarint,
  asString,
  asZigZagVarint,
  ProtobufDecodeError,
  ProtobufMessage,
} from '../protobuf/protobuf-reader.ts';
import type {
  AttributeValue,
  Attributes,
  ExponentialBuckets,
  InstrumentationScope,
  MetricType,
  OtlpReceiver,
  ReceivedExemplar,
  ReceivedLogRecord,
  ReceivedMetricPoint,
  ReceivedSpan,
  ReceivedSpanEvent,
  ReceivedSpanLink,
} from './otlp-types.ts';
import {
  bytesToHex,
  countToNumber,
  int64ToJs,
  OtlpDecodeError,
  optionalId,
  spanKindName,
  temporalityName,
} from './otlp-values.ts';

// --- common/v1/common.proto, resource/v1/resource.proto --------------------------------

const AnyValueField = {
  stringValue: 1,
  boolValue: 2,
  intValue: 3,
  doubleValue: 4,
  arrayValue: 5,
  kvlistValue: 6,
  bytesValue: 7,
} as const;
const ANY_VALUE_MEMBERS = Object.values(AnyValueField);
const ArrayValueField = { values: 1 } as const;
const KeyValueListField = { values: 1 } as const;
const KeyValueField = { key: 1, value: 2 } as const;
const InstrumentationScopeField = { name: 1, version: 2, attributes: 3 } as const;
const ResourceField = { attributes: 1 } as const;

// The nesting depth protects the decoder from a hostile body of nested arrays; no real
// attribute comes close.
const MAX_ANY_VALUE_DEPTH = 64;

function decodeAnyValue(message: ProtobufMessage, depth = 0): AttributeValue {
  if (depth > MAX_ANY_VALUE_DEPTH) throw new OtlpDecodeError('AnyValue nested too deeply');
  const chosen = message.lastOf(ANY_VALUE_MEMBERS);
  if (!chosen) return undefined;
  switch (chosen.number) {
    case AnyValueField.stringValue:
      return asString(chosen);
    case AnyValueField.boolValue:
      return asBool(chosen);
    case AnyValueField.intValue:
      return int64ToJs(asSignedVarint(chosen));
    case AnyValueField.doubleValue:
      return asDouble(chosen);
    case AnyValueField.arrayValue:
      return new ProtobufMessage(asBytes(chosen))
        .messages(ArrayValueField.values)
        .map((item) => decodeAnyValue(item, depth + 1));
    case AnyValueField.kvlistValue:
      return decodeKeyValues(
        new ProtobufMessage(asBytes(chosen)).messages(KeyValueListField.values),
        depth + 1,
      );
    default:
      return Uint8Array.from(asBytes(chosen));
  }
}

function decodeKeyValues(keyValues: ProtobufMessage[], depth = 0): Attributes {
  const attributes: Attributes = {};
  for (const keyValue of keyValues) {
    const value = keyValue.message(KeyValueField.value);
    attributes[stringField(keyValue, KeyValueField.key)] = value ? decodeAnyValue(value, depth) : undefined;
  }
  return attributes;
}

function decodeScope(message: ProtobufMessage | undefined): InstrumentationScope {
  return {
    name: message ? stringField(message, InstrumentationScopeField.name) : '',
    version: message ? optionalString(message, InstrumentationScopeField.version) : undefined,
    attributes: message ? decodeKeyValues(message.messages(InstrumentationScopeField.attributes)) : {},
  };
}

function decodeResource(message: ProtobufMessage | undefined): Attributes {
  return message ? decodeKeyValues(message.messages(ResourceField.attributes)) : {};
}

// Scalar readers with proto3 defaults for absent fields.

function stringField(message: ProtobufMessage, number: number): string {
  const field = message.last(number);
  return field ? asString(field) : '';
}

function optionalString(message: ProtobufMessage, number: number): string | undefined {
  const field = message.last(number);
  return field ? asString(field) || undefined : undefined;
}

function hexField(message: ProtobufMessage, number: number): string {
  const field = message.last(number);
  return field ? bytesToHex(asBytes(field)) : '';
}

function nanosField(message: ProtobufMessage, number: number): string {
  const field = message.last(number);
  return field ? asFixed64(field).toString() : '0';
}

function enumField(message: ProtobufMessage, number: number): number {
  const field = message.last(number);
  return field ? Number(asSignedVarint(field)) : 0;
}

function optionalDouble(message: ProtobufMessage, number: number): number | undefined {
  const field = message.last(number);
  return field ? asDouble(field) : undefined;
}

function optionalFixed32(message: ProtobufMessage, number: number): number | undefined {
  const field = message.last(number);
  return field ? asFixed32(field) : undefined;
}

function fixed64Count(message: ProtobufMessage, number: number): number {
  const field = message.last(number);
  return field ? countToNumber(asFixed64(field)) : 0;
}

function decodeRequest(body: Uint8Array, what: string): ProtobufMessage {
  try {
    return new ProtobufMessage(body);
  } catch (error) {
    throw new OtlpDecodeError(`not a protobuf ${what}: ${(error as Error).message}`);
  }
}

function wrapDecode<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof OtlpDecodeError) throw error;
    if (error instanceof ProtobufDecodeError) throw new OtlpDecodeError(`invalid ${what}: ${error.message}`);
    throw error;
  }
}

// --- trace/v1/trace.proto -------------------------------------------------------------

const ExportTraceServiceRequestField = { resourceSpans: 1 } as const;
const ResourceSpansField = { resource: 1, scopeSpans: 2 } as const;
const ScopeSpansField = { scope: 1, spans: 2 } as const;
const SpanField = {
  traceId: 1,
  spanId: 2,
  traceState: 3,
  parentSpanId: 4,
  name: 5,
  kind: 6,
  startTimeUnixNano: 7,
  endTimeUnixNano: 8,
  attributes: 9,
  events: 11,
  links: 13,
  status: 15,
  flags: 16,
} as const;
const SpanEventField = { timeUnixNano: 1, name: 2, attributes: 3 } as const;
const SpanLinkField = { traceId: 1, spanId: 2, traceState: 3, attributes: 4 } as const;
const StatusField = { message: 2, code: 3 } as const;

function decodeSpan(
  span: ProtobufMessage,
  resource: Attributes,
  scope: InstrumentationScope,
  receiver: OtlpReceiver,
): ReceivedSpan {
  const status = span.message(SpanField.status);
  return {
    traceId: hexField(span, SpanField.traceId),
    spanId: hexField(span, SpanField.spanId),
    parentSpanId: optionalId(hexField(span, SpanField.parentSpanId)),
    traceState: optionalString(span, SpanField.traceState),
    flags: optionalFixed32(span, SpanField.flags),
    name: stringField(span, SpanField.name),
    kind: spanKindName(enumField(span, SpanField.kind)),
    startTimeUnixNano: nanosField(span, SpanField.startTimeUnixNano),
    endTimeUnixNano: nanosField(span, SpanField.endTimeUnixNano),
    attributes: decodeKeyValues(span.messages(SpanField.attributes)),
    status: {
      code: status ? enumField(status, StatusField.code) : 0,
      message: status ? stringField(status, StatusField.message) : '',
    },
    events: span.messages(SpanField.events).map(
      (event): ReceivedSpanEvent => ({
        name: stringField(event, SpanEventField.name),
        timeUnixNano: nanosField(event, SpanEventField.timeUnixNano),
        attributes: decodeKeyValues(event.messages(SpanEventField.attributes)),
      }),
    ),
    links: span.messages(SpanField.links).map(
      (link): ReceivedSpanLink => ({
        traceId: hexField(link, SpanLinkField.traceId),
        spanId: hexField(link, SpanLinkField.spanId),
        traceState: optionalString(link, SpanLinkField.traceState),
        attributes: decodeKeyValues(link.messages(SpanLinkField.attributes)),
      }),
    ),
    resource,
    scope,
    receiver,
  };
}

/** Decodes an `ExportTraceServiceRequest` into a flat list of spans. */
export function decodeTracesProtobuf(body: Uint8Array, receiver: OtlpReceiver = 'otlp'): ReceivedSpan[] {
  return wrapDecode('ExportTraceServiceRequest', () => {
    const request = decodeRequest(body, 'ExportTraceServiceRequest');
    const spans: ReceivedSpan[] = [];
    for (const resourceSpans of request.messages(ExportTraceServiceRequestField.resourceSpans)) {
      const resource = decodeResource(resourceSpans.message(ResourceSpansField.resource));
      for (const scopeSpans of resourceSpans.messages(ResourceSpansField.scopeSpans)) {
        const scope = decodeScope(scopeSpans.message(ScopeSpansField.scope));
        for (const span of scopeSpans.messages(ScopeSpansField.spans)) {
          spans.push(decodeSpan(span, resource, scope, receiver));
        }
      }
    }
    return spans;
  });
}

// --- metrics/v1/metrics.proto -----------------------------------------------------------

const ExportMetricsServiceRequestField = { resourceMetrics: 1 } as const;
const ResourceMetricsField = { resource: 1, scopeMetrics: 2 } as const;
const ScopeMetricsField = { scope: 1, metrics: 2 } as const;
const MetricField = {
  name: 1,
  description: 2,
  unit: 3,
  gauge: 5,
  sum: 7,
  histogram: 9,
  exponentialHistogram: 10,
  summary: 11,
} as const;
// Gauge, Sum, Histogram, ExponentialHistogram and Summary share these numbers.
const MetricDataField = { dataPoints: 1, aggregationTemporality: 2, isMonotonic: 3 } as const;
const NumberDataPointField = {
  startTimeUnixNano: 2,
  timeUnixNano: 3,
  asDouble: 4,
  exemplars: 5,
  asInt: 6,
  attributes: 7,
} as const;
const HistogramDataPointField = {
  startTimeUnixNano: 2,
  timeUnixNano: 3,
  count: 4,
  sum: 5,
  bucketCounts: 6,
  explicitBounds: 7,
  exemplars: 8,
  attributes: 9,
  min: 11,
  max: 12,
} as const;
const ExponentialHistogramDataPointField = {
  attributes: 1,
  startTimeUnixNano: 2,
  timeUnixNano: 3,
  count: 4,
  sum: 5,
  scale: 6,
  zeroCount: 7,
  positive: 8,
  negative: 9,
  exemplars: 11,
  min: 12,
  max: 13,
} as const;
const BucketsField = { offset: 1, bucketCounts: 2 } as const;
const SummaryDataPointField = {
  startTimeUnixNano: 2,
  timeUnixNano: 3,
  count: 4,
  sum: 5,
  quantileValues: 6,
  attributes: 7,
} as const;
const ValueAtQuantileField = { quantile: 1, value: 2 } as const;
const ExemplarField = {
  timeUnixNano: 2,
  asDouble: 3,
  spanId: 4,
  traceId: 5,
  asInt: 6,
  filteredAttributes: 7,
} as const;

/** The `oneof value { double as_double; sfixed64 as_int; }` of data points and exemplars. */
function numberValue(
  message: ProtobufMessage,
  asDoubleField: number,
  asIntField: number,
): number | bigint | undefined {
  const chosen = message.lastOf([asDoubleField, asIntField]);
  if (!chosen) return undefined;
  return chosen.number === asIntField ? int64ToJs(asSfixed64(chosen)) : asDouble(chosen);
}

function decodeExemplars(messages: ProtobufMessage[]): ReceivedExemplar[] {
  return messages.map((exemplar) => ({
    traceId: optionalId(hexField(exemplar, ExemplarField.traceId)),
    spanId: optionalId(hexField(exemplar, ExemplarField.spanId)),
    timeUnixNano: nanosField(exemplar, ExemplarField.timeUnixNano),
    value: numberValue(exemplar, ExemplarField.asDouble, ExemplarField.asInt),
    filteredAttributes: decodeKeyValues(exemplar.messages(ExemplarField.filteredAttributes)),
  }));
}

function decodeBuckets(message: ProtobufMessage | undefined): ExponentialBuckets | undefined {
  if (!message) return undefined;
  const offset = message.last(BucketsField.offset);
  return {
    offset: offset ? Number(asZigZagVarint(offset)) : 0,
    bucketCounts: asRepeatedUnsignedVarint(message.all(BucketsField.bucketCounts)).map(countToNumber),
  };
}

type PointBase = Omit<ReceivedMetricPoint, 'attributes' | 'startTimeUnixNano' | 'timeUnixNano' | 'exemplars'>;

function emptyPoint(
  name: string,
  unit: string,
  description: string,
  type: MetricType,
  resource: Attributes,
  scope: InstrumentationScope,
  receiver: OtlpReceiver,
): PointBase {
  return {
    name,
    unit,
    description,
    type,
    temporality: undefined,
    isMonotonic: undefined,
    value: undefined,
    count: undefined,
    sum: undefined,
    min: undefined,
    max: undefined,
    bucketCounts: undefined,
    explicitBounds: undefined,
    scale: undefined,
    zeroCount: undefined,
    positive: undefined,
    negative: undefined,
    quantileValues: undefined,
    resource,
    scope,
    receiver,
  };
}

const METRIC_TYPES: readonly [MetricType, number][] = [
  ['gauge', MetricField.gauge],
  ['sum', MetricField.sum],
  ['histogram', MetricField.histogram],
  ['exponentialHistogram', MetricField.exponentialHistogram],
  ['summary', MetricField.summary],
];

function decodeMetric(
  metric: ProtobufMessage,
  resource: Attributes,
  scope: InstrumentationScope,
  receiver: OtlpReceiver,
): ReceivedMetricPoint[] {
  const name = stringField(metric, MetricField.name);
  const unit = stringField(metric, MetricField.unit);
  const description = stringField(metric, MetricField.description);
  const points: ReceivedMetricPoint[] = [];
  for (const [type, number] of METRIC_TYPES) {
    const data = metric.message(number);
    if (!data) continue;
    const base = emptyPoint(name, unit, description, type, resource, scope, receiver);
    if (type !== 'gauge' && type !== 'summary') {
      base.temporality = temporalityName(enumField(data, MetricDataField.aggregationTemporality));
    }
    if (type === 'sum') {
      const monotonic = data.last(MetricDataField.isMonotonic);
      base.isMonotonic = monotonic ? asBool(monotonic) : false;
    }
    for (const point of data.messages(MetricDataField.dataPoints)) {
      points.push(decodeDataPoint(type, point, base));
    }
  }
  return points;
}

function decodeDataPoint(type: MetricType, point: ProtobufMessage, base: PointBase): ReceivedMetricPoint {
  switch (type) {
    case 'gauge':
    case 'sum':
      return {
        ...base,
        attributes: decodeKeyValues(point.messages(NumberDataPointField.attributes)),
        startTimeUnixNano: nanosField(point, NumberDataPointField.startTimeUnixNano),
        timeUnixNano: nanosField(point, NumberDataPointField.timeUnixNano),
        value: numberValue(point, NumberDataPointField.asDouble, NumberDataPointField.asInt),
        exemplars: decodeExemplars(point.messages(NumberDataPointField.exemplars)),
      };
    case 'histogram':
      return {
        ...base,
        attributes: decodeKeyValues(point.messages(HistogramDataPointField.attributes)),
        startTimeUnixNano: nanosField(point, HistogramDataPointField.startTimeUnixNano),
        timeUnixNano: nanosField(point, HistogramDataPointField.timeUnixNano),
        count: fixed64Count(point, HistogramDataPointField.count),
        sum: optionalDouble(point, HistogramDataPointField.sum),
        min: optionalDouble(point, HistogramDataPointField.min),
        max: optionalDouble(point, HistogramDataPointField.max),
        bucketCounts: asRepeatedFixed64(point.all(HistogramDataPointField.bucketCounts)).map(countToNumber),
        explicitBounds: asRepeatedDouble(point.all(HistogramDataPointField.explicitBounds)),
        exemplars: decodeExemplars(point.messages(HistogramDataPointField.exemplars)),
      };
    case 'exponentialHistogram': {
      const scale = point.last(ExponentialHistogramDataPointField.scale);
      return {
        ...base,
        attributes: decodeKeyValues(point.messages(ExponentialHistogramDataPointField.attributes)),
        startTimeUnixNano: nanosField(point, ExponentialHistogramDataPointField.startTimeUnixNano),
        timeUnixNano: nanosField(point, ExponentialHistogramDataPointField.timeUnixNano),
        count: fixed64Count(point, ExponentialHistogramDataPointField.count),
        sum: optionalDouble(point, ExponentialHistogramDataPointField.sum),
        min: optionalDouble(point, ExponentialHistogramDataPointField.min),
        max: optionalDouble(point, ExponentialHistogramDataPointField.max),
        scale: scale ? Number(asZigZagVarint(scale)) : 0,
        zeroCount: fixed64Count(point, ExponentialHistogramDataPointField.zeroCount),
        positive: decodeBuckets(point.message(ExponentialHistogramDataPointField.positive)),
        negative: decodeBuckets(point.message(ExponentialHistogramDataPointField.negative)),
        exemplars: decodeExemplars(point.messages(ExponentialHistogramDataPointField.exemplars)),
      };
    }
    case 'summary':
      return {
        ...base,
        attributes: decodeKeyValues(point.messages(SummaryDataPointField.attributes)),
        startTimeUnixNano: nanosField(point, SummaryDataPointField.startTimeUnixNano),
        timeUnixNano: nanosField(point, SummaryDataPointField.timeUnixNano),
        count: fixed64Count(point, SummaryDataPointField.count),
        sum: optionalDouble(point, SummaryDataPointField.sum) ?? 0,
        quantileValues: point.messages(SummaryDataPointField.quantileValues).map((quantile) => ({
          quantile: optionalDouble(quantile, ValueAtQuantileField.quantile) ?? 0,
          value: optionalDouble(quantile, ValueAtQuantileField.value) ?? 0,
        })),
        exemplars: [],
      };
  }
}

/** Decodes an `ExportMetricsServiceRequest` into a flat list of data points. */
export function decodeMetricsProtobuf(
  body: Uint8Array,
  receiver: OtlpReceiver = 'otlp',
): ReceivedMetricPoint[] {
  return wrapDecode('ExportMetricsServiceRequest', () => {
    const request = decodeRequest(body, 'ExportMetricsServiceRequest');
    const points: ReceivedMetricPoint[] = [];
    for (const resourceMetrics of request.messages(ExportMetricsServiceRequestField.resourceMetrics)) {
      const resource = decodeResource(resourceMetrics.message(ResourceMetricsField.resource));
      for (const scopeMetrics of resourceMetrics.messages(ResourceMetricsField.scopeMetrics)) {
        const scope = decodeScope(scopeMetrics.message(ScopeMetricsField.scope));
        for (const metric of scopeMetrics.messages(ScopeMetricsField.metrics)) {
          points.push(...decodeMetric(metric, resource, scope, receiver));
        }
      }
    }
    return points;
  });
}

// --- logs/v1/logs.proto -----------------------------------------------------------------

const ExportLogsServiceRequestField = { resourceLogs: 1 } as const;
const ResourceLogsField = { resource: 1, scopeLogs: 2 } as const;
const ScopeLogsField = { scope: 1, logRecords: 2 } as const;
const LogRecordField = {
  timeUnixNano: 1,
  severityNumber: 2,
  severityText: 3,
  body: 5,
  attributes: 6,
  flags: 8,
  traceId: 9,
  spanId: 10,
  observedTimeUnixNano: 11,
  eventName: 12,
} as const;

function decodeLogRecord(
  record: ProtobufMessage,
  resource: Attributes,
  scope: InstrumentationScope,
  receiver: OtlpReceiver,
): ReceivedLogRecord {
  const body = record.message(LogRecordField.body);
  return {
    timeUnixNano: nanosField(record, LogRecordField.timeUnixNano),
    observedTimeUnixNano: nanosField(record, LogRecordField.observedTimeUnixNano),
    severityNumber: enumField(record, LogRecordField.severityNumber),
    severityText: stringField(record, LogRecordField.severityText),
    body: body ? decodeAnyValue(body) : undefined,
    attributes: decodeKeyValues(record.messages(LogRecordField.attributes)),
    traceId: optionalId(hexField(record, LogRecordField.traceId)),
    spanId: optionalId(hexField(record, LogRecordField.spanId)),
    flags: optionalFixed32(record, LogRecordField.flags),
    eventName: optionalString(record, LogRecordField.eventName),
    resource,
    scope,
    receiver,
  };
}

/** Decodes an `ExportLogsServiceRequest` into a flat list of log records. */
export function decodeLogsProtobuf(body: Uint8Array, receiver: OtlpReceiver = 'otlp'): ReceivedLogRecord[] {
  return wrapDecode('ExportLogsServiceRequest', () => {
    const request = decodeRequest(body, 'ExportLogsServiceRequest');
    const records: ReceivedLogRecord[] = [];
    for (const resourceLogs of request.messages(ExportLogsServiceRequestField.resourceLogs)) {
      const resource = decodeResource(resourceLogs.message(ResourceLogsField.resource));
      for (const scopeLogs of resourceLogs.messages(ResourceLogsField.scopeLogs)) {
        const scope = decodeScope(scopeLogs.message(ScopeLogsField.scope));
        for (const record of scopeLogs.messages(ScopeLogsField.logRecords)) {
          records.push(decodeLogRecord(record, resource, scope, receiver));
        }
      }
    }
    return records;
  });
}
