// OTLP/HTTP protobuf bodies (`application/x-protobuf`) into the sink's plain objects. The
// wire format is read by @bufbuild/protobuf over the OTLP schema in otlp-proto-schema.ts;
// this module only maps the decoded messages to the types the JSON decoder also produces.
import { type DescMessage, fromBinary } from '@bufbuild/protobuf';
import {
  ExportLogsServiceRequestSchema,
  ExportMetricsServiceRequestSchema,
  ExportTraceServiceRequestSchema,
} from './otlp-proto-schema.ts';
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

// The shapes @bufbuild/protobuf gives the schema's messages: proto3 defaults for absent
// scalars, `undefined` for absent messages and `optional` fields, `bigint` for 64-bit
// integers, and a oneof as `{ case, value }` holding the member that came last on the wire.

type OneOf<Members> =
  | { [K in keyof Members]: { case: K; value: Members[K] } }[keyof Members]
  | { case: undefined };

interface PbAnyValue {
  value: OneOf<{
    stringValue: string;
    boolValue: boolean;
    intValue: bigint;
    doubleValue: number;
    arrayValue: { values: PbAnyValue[] };
    kvlistValue: { values: PbKeyValue[] };
    bytesValue: Uint8Array;
  }>;
}
interface PbKeyValue {
  key: string;
  value?: PbAnyValue;
}
interface PbScope {
  name: string;
  version: string;
  attributes: PbKeyValue[];
}
interface PbResource {
  attributes: PbKeyValue[];
}

interface PbSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  traceState: string;
  parentSpanId: Uint8Array;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: PbKeyValue[];
  events: { timeUnixNano: bigint; name: string; attributes: PbKeyValue[] }[];
  links: { traceId: Uint8Array; spanId: Uint8Array; traceState: string; attributes: PbKeyValue[] }[];
  status?: { message: string; code: number };
  flags?: number;
}
interface PbTraceRequest {
  resourceSpans: { resource?: PbResource; scopeSpans: { scope?: PbScope; spans: PbSpan[] }[] }[];
}

type PbNumberValue = OneOf<{ asDouble: number; asInt: bigint }>;
interface PbExemplar {
  timeUnixNano: bigint;
  value: PbNumberValue;
  spanId: Uint8Array;
  traceId: Uint8Array;
  filteredAttributes: PbKeyValue[];
}
interface PbPointBase {
  attributes: PbKeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
}
interface PbNumberDataPoint extends PbPointBase {
  value: PbNumberValue;
  exemplars: PbExemplar[];
}
interface PbHistogramDataPoint extends PbPointBase {
  count: bigint;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts: bigint[];
  explicitBounds: number[];
  exemplars: PbExemplar[];
}
interface PbBuckets {
  offset: number;
  bucketCounts: bigint[];
}
interface PbExponentialHistogramDataPoint extends PbPointBase {
  count: bigint;
  sum?: number;
  min?: number;
  max?: number;
  scale: number;
  zeroCount: bigint;
  positive?: PbBuckets;
  negative?: PbBuckets;
  exemplars: PbExemplar[];
}
interface PbSummaryDataPoint extends PbPointBase {
  count: bigint;
  sum: number;
  quantileValues: { quantile: number; value: number }[];
}
interface PbMetric {
  name: string;
  description: string;
  unit: string;
  data: OneOf<{
    gauge: { dataPoints: PbNumberDataPoint[] };
    sum: { dataPoints: PbNumberDataPoint[]; aggregationTemporality: number; isMonotonic: boolean };
    histogram: { dataPoints: PbHistogramDataPoint[]; aggregationTemporality: number };
    exponentialHistogram: { dataPoints: PbExponentialHistogramDataPoint[]; aggregationTemporality: number };
    summary: { dataPoints: PbSummaryDataPoint[] };
  }>;
}
interface PbMetricsRequest {
  resourceMetrics: { resource?: PbResource; scopeMetrics: { scope?: PbScope; metrics: PbMetric[] }[] }[];
}

interface PbLogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body?: PbAnyValue;
  attributes: PbKeyValue[];
  flags?: number;
  traceId: Uint8Array;
  spanId: Uint8Array;
  eventName: string;
}
interface PbLogsRequest {
  resourceLogs: { resource?: PbResource; scopeLogs: { scope?: PbScope; logRecords: PbLogRecord[] }[] }[];
}

function decodeRequest<T>(schema: DescMessage, body: Uint8Array, what: string): T {
  try {
    // Unknown fields (from a newer OTLP) are skipped, not kept: nothing reads them.
    return fromBinary(schema, body, { readUnknownFields: false }) as unknown as T;
  } catch (error) {
    throw new OtlpDecodeError(`not a protobuf ${what}: ${(error as Error).message}`);
  }
}

// --- common/v1/common.proto, resource/v1/resource.proto --------------------------------

function anyValue(message: PbAnyValue | undefined): AttributeValue {
  const chosen = message?.value ?? { case: undefined };
  switch (chosen.case) {
    case 'intValue':
      return int64ToJs(chosen.value);
    case 'arrayValue':
      return chosen.value.values.map(anyValue);
    case 'kvlistValue':
      return keyValues(chosen.value.values);
    case 'bytesValue':
      // A copy, so the value does not pin (or see changes to) the whole request body.
      return Uint8Array.from(chosen.value);
    case undefined:
      return undefined;
    default:
      return chosen.value;
  }
}

function keyValues(list: PbKeyValue[]): Attributes {
  const attributes: Attributes = {};
  for (const { key, value } of list) attributes[key] = anyValue(value);
  return attributes;
}

function instrumentationScope(scope: PbScope | undefined): InstrumentationScope {
  return {
    name: scope?.name ?? '',
    version: scope?.version || undefined,
    attributes: keyValues(scope?.attributes ?? []),
  };
}

const nanos = (value: bigint): string => value.toString();

// --- trace/v1/trace.proto -------------------------------------------------------------

function span(
  message: PbSpan,
  resource: Attributes,
  scope: InstrumentationScope,
  receiver: OtlpReceiver,
): ReceivedSpan {
  return {
    traceId: bytesToHex(message.traceId),
    spanId: bytesToHex(message.spanId),
    parentSpanId: optionalId(bytesToHex(message.parentSpanId)),
    traceState: message.traceState || undefined,
    flags: message.flags,
    name: message.name,
    kind: spanKindName(message.kind),
    startTimeUnixNano: nanos(message.startTimeUnixNano),
    endTimeUnixNano: nanos(message.endTimeUnixNano),
    attributes: keyValues(message.attributes),
    status: { code: message.status?.code ?? 0, message: message.status?.message ?? '' },
    events: message.events.map((event) => ({
      name: event.name,
      timeUnixNano: nanos(event.timeUnixNano),
      attributes: keyValues(event.attributes),
    })),
    links: message.links.map((link) => ({
      traceId: bytesToHex(link.traceId),
      spanId: bytesToHex(link.spanId),
      traceState: link.traceState || undefined,
      attributes: keyValues(link.attributes),
    })),
    resource,
    scope,
    receiver,
  };
}

/** Decodes an `ExportTraceServiceRequest` into a flat list of spans. */
export function decodeTracesProtobuf(body: Uint8Array, receiver: OtlpReceiver = 'otlp'): ReceivedSpan[] {
  const request = decodeRequest<PbTraceRequest>(
    ExportTraceServiceRequestSchema,
    body,
    'ExportTraceServiceRequest',
  );
  return request.resourceSpans.flatMap((resourceSpans) => {
    const resource = keyValues(resourceSpans.resource?.attributes ?? []);
    return resourceSpans.scopeSpans.flatMap((scopeSpans) => {
      const scope = instrumentationScope(scopeSpans.scope);
      return scopeSpans.spans.map((message) => span(message, resource, scope, receiver));
    });
  });
}

// --- metrics/v1/metrics.proto -----------------------------------------------------------

function numberValue(value: PbNumberValue): number | bigint | undefined {
  if (value.case === 'asInt') return int64ToJs(value.value);
  return value.case === 'asDouble' ? value.value : undefined;
}

function exemplarList(list: PbExemplar[]): ReceivedExemplar[] {
  return list.map((exemplar) => ({
    traceId: optionalId(bytesToHex(exemplar.traceId)),
    spanId: optionalId(bytesToHex(exemplar.spanId)),
    timeUnixNano: nanos(exemplar.timeUnixNano),
    value: numberValue(exemplar.value),
    filteredAttributes: keyValues(exemplar.filteredAttributes),
  }));
}

function buckets(message: PbBuckets | undefined): ExponentialBuckets | undefined {
  return message && { offset: message.offset, bucketCounts: message.bucketCounts.map(countToNumber) };
}

type PointBase = Omit<ReceivedMetricPoint, 'attributes' | 'startTimeUnixNano' | 'timeUnixNano' | 'exemplars'>;
type PointFields = Partial<ReceivedMetricPoint> &
  Pick<ReceivedMetricPoint, 'attributes' | 'startTimeUnixNano' | 'timeUnixNano' | 'exemplars'>;

function pointTimes(
  point: PbPointBase,
): Pick<ReceivedMetricPoint, 'attributes' | 'startTimeUnixNano' | 'timeUnixNano'> {
  return {
    attributes: keyValues(point.attributes),
    startTimeUnixNano: nanos(point.startTimeUnixNano),
    timeUnixNano: nanos(point.timeUnixNano),
  };
}

function dataPoints(data: PbMetric['data']): PointFields[] {
  switch (data.case) {
    case 'gauge':
    case 'sum':
      return data.value.dataPoints.map((point) => ({
        ...pointTimes(point),
        value: numberValue(point.value),
        exemplars: exemplarList(point.exemplars),
      }));
    case 'histogram':
      return data.value.dataPoints.map((point) => ({
        ...pointTimes(point),
        count: countToNumber(point.count),
        sum: point.sum,
        min: point.min,
        max: point.max,
        bucketCounts: point.bucketCounts.map(countToNumber),
        explicitBounds: point.explicitBounds,
        exemplars: exemplarList(point.exemplars),
      }));
    case 'exponentialHistogram':
      return data.value.dataPoints.map((point) => ({
        ...pointTimes(point),
        count: countToNumber(point.count),
        sum: point.sum,
        min: point.min,
        max: point.max,
        scale: point.scale,
        zeroCount: countToNumber(point.zeroCount),
        positive: buckets(point.positive),
        negative: buckets(point.negative),
        exemplars: exemplarList(point.exemplars),
      }));
    case 'summary':
      return data.value.dataPoints.map((point) => ({
        ...pointTimes(point),
        count: countToNumber(point.count),
        sum: point.sum,
        quantileValues: point.quantileValues.map(({ quantile, value }) => ({ quantile, value })),
        exemplars: [],
      }));
    default:
      return [];
  }
}

function metricPoints(
  metric: PbMetric,
  resource: Attributes,
  scope: InstrumentationScope,
  receiver: OtlpReceiver,
): ReceivedMetricPoint[] {
  const { data } = metric;
  if (data.case === undefined) return [];
  const base: PointBase = {
    name: metric.name,
    unit: metric.unit,
    description: metric.description,
    type: data.case satisfies MetricType,
    temporality:
      data.case === 'gauge' || data.case === 'summary'
        ? undefined
        : temporalityName(data.value.aggregationTemporality),
    isMonotonic: data.case === 'sum' ? data.value.isMonotonic : undefined,
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
  return dataPoints(data).map((point) => ({ ...base, ...point }));
}

/** Decodes an `ExportMetricsServiceRequest` into a flat list of data points. */
export function decodeMetricsProtobuf(
  body: Uint8Array,
  receiver: OtlpReceiver = 'otlp',
): ReceivedMetricPoint[] {
  const request = decodeRequest<PbMetricsRequest>(
    ExportMetricsServiceRequestSchema,
    body,
    'ExportMetricsServiceRequest',
  );
  return request.resourceMetrics.flatMap((resourceMetrics) => {
    const resource = keyValues(resourceMetrics.resource?.attributes ?? []);
    return resourceMetrics.scopeMetrics.flatMap((scopeMetrics) => {
      const scope = instrumentationScope(scopeMetrics.scope);
      return scopeMetrics.metrics.flatMap((metric) => metricPoints(metric, resource, scope, receiver));
    });
  });
}

// --- logs/v1/logs.proto -----------------------------------------------------------------

function logRecord(
  record: PbLogRecord,
  resource: Attributes,
  scope: InstrumentationScope,
  receiver: OtlpReceiver,
): ReceivedLogRecord {
  return {
    timeUnixNano: nanos(record.timeUnixNano),
    observedTimeUnixNano: nanos(record.observedTimeUnixNano),
    severityNumber: record.severityNumber,
    severityText: record.severityText,
    body: anyValue(record.body),
    attributes: keyValues(record.attributes),
    traceId: optionalId(bytesToHex(record.traceId)),
    spanId: optionalId(bytesToHex(record.spanId)),
    flags: record.flags,
    eventName: record.eventName || undefined,
    resource,
    scope,
    receiver,
  };
}

/** Decodes an `ExportLogsServiceRequest` into a flat list of log records. */
export function decodeLogsProtobuf(body: Uint8Array, receiver: OtlpReceiver = 'otlp'): ReceivedLogRecord[] {
  const request = decodeRequest<PbLogsRequest>(
    ExportLogsServiceRequestSchema,
    body,
    'ExportLogsServiceRequest',
  );
  return request.resourceLogs.flatMap((resourceLogs) => {
    const resource = keyValues(resourceLogs.resource?.attributes ?? []);
    return resourceLogs.scopeLogs.flatMap((scopeLogs) => {
      const scope = instrumentationScope(scopeLogs.scope);
      return scopeLogs.logRecords.map((record) => logRecord(record, resource, scope, receiver));
    });
  });
}
