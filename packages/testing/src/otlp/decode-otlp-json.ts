// OTLP/HTTP JSON bodies (`application/json`) into the sink's plain objects; the protobuf
// decoder hands its messages here too, in the proto3 JSON mapping. OTLP/JSON is the proto3 JSON mapping with OTLP's own deviations: keys are
// lowerCamelCase, trace and span IDs are hex strings (not base64), enums are integers.
// From the proto3 mapping a receiver must also accept: 64-bit integers as strings or
// numbers, doubles as "NaN"/"Infinity", `bytes` as base64, enums by name.
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
import { int64ToJs, OtlpDecodeError, optionalId, spanKindName, temporalityName } from './otlp-values.ts';

export type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectAt(value: unknown): JsonObject {
  return isObject(value) ? value : {};
}

function listAt(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function stringAt(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function optionalStringAt(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function parseBody(body: Uint8Array, what: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (error) {
    throw new OtlpDecodeError(`not a JSON ${what}: ${(error as Error).message}`);
  }
  if (!isObject(parsed)) throw new OtlpDecodeError(`a JSON ${what} must be an object`);
  return parsed;
}

/** A 64-bit integer: JSON number or decimal string. */
function int64At(value: unknown): bigint | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  return undefined;
}

function nanosAt(value: unknown): string {
  return (int64At(value) ?? 0n).toString();
}

function countAt(value: unknown): number {
  return Number(int64At(value) ?? 0n);
}

function doubleAt(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

/** An enum: OTLP/JSON sends integers; the proto3 mapping also allows the value's name. */
function enumAt(value: unknown, names: readonly string[] = []): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const index = names.indexOf(value);
    if (index >= 0) return index;
    if (/^\d+$/.test(value)) return Number(value);
  }
  return 0;
}

const SPAN_KIND_NAMES = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
] as const;
const STATUS_CODE_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'] as const;
const TEMPORALITY_NAMES = [
  'AGGREGATION_TEMPORALITY_UNSPECIFIED',
  'AGGREGATION_TEMPORALITY_DELTA',
  'AGGREGATION_TEMPORALITY_CUMULATIVE',
] as const;
const SEVERITY_NAMES = [
  'SEVERITY_NUMBER_UNSPECIFIED',
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((level) =>
    ['', '2', '3', '4'].map((suffix) => `SEVERITY_NUMBER_${level}${suffix}`),
  ),
];

const HEX_ID = /^[0-9a-fA-F]*$/;

/**
 * A trace or span ID. OTLP/JSON requires hex; a sender that applied the plain proto3
 * mapping sends base64 instead, recognisable by its length, and is decoded too.
 */
function idAt(value: unknown, byteLength: number): string {
  if (typeof value !== 'string' || value === '') return '';
  if (value.length === byteLength * 2 && HEX_ID.test(value)) return value.toLowerCase();
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length === byteLength) return bytes.toString('hex');
  throw new OtlpDecodeError(
    `invalid ID ${JSON.stringify(value.slice(0, 40))}: expected ${byteLength * 2} hex digits`,
  );
}

const MAX_ANY_VALUE_DEPTH = 64;

function anyValueAt(value: unknown, depth = 0): AttributeValue {
  if (depth > MAX_ANY_VALUE_DEPTH) throw new OtlpDecodeError('AnyValue nested too deeply');
  if (!isObject(value)) return undefined;
  if ('stringValue' in value) return stringAt(value.stringValue);
  if ('boolValue' in value) return value.boolValue === true;
  if ('intValue' in value) {
    const int = int64At(value.intValue);
    return int === undefined ? undefined : int64ToJs(int);
  }
  if ('doubleValue' in value) return doubleAt(value.doubleValue);
  if ('arrayValue' in value) {
    return listAt(objectAt(value.arrayValue).values).map((item) => anyValueAt(item, depth + 1));
  }
  if ('kvlistValue' in value) return keyValuesAt(objectAt(value.kvlistValue).values, depth + 1);
  if ('bytesValue' in value) return new Uint8Array(Buffer.from(stringAt(value.bytesValue), 'base64'));
  return undefined;
}

function keyValuesAt(value: unknown, depth = 0): Attributes {
  const attributes: Attributes = {};
  for (const keyValue of listAt(value))
    attributes[stringAt(keyValue.key)] = anyValueAt(keyValue.value, depth);
  return attributes;
}

function scopeAt(value: unknown): InstrumentationScope {
  const scope = objectAt(value);
  return {
    name: stringAt(scope.name),
    version: optionalStringAt(scope.version),
    attributes: keyValuesAt(scope.attributes),
  };
}

function resourceAt(value: unknown): Attributes {
  return keyValuesAt(objectAt(value).attributes);
}

function wrapDecode<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof OtlpDecodeError) throw error;
    throw new OtlpDecodeError(`invalid JSON ${what}: ${(error as Error).message}`);
  }
}

/** Decodes a JSON `ExportTraceServiceRequest` into a flat list of spans. */
export function decodeTracesJson(body: Uint8Array, receiver: OtlpReceiver = 'otlp'): ReceivedSpan[] {
  return tracesFromJson(parseBody(body, 'ExportTraceServiceRequest'), receiver);
}

/**
 * The spans of an `ExportTraceServiceRequest` already parsed: OTLP/JSON, or the proto3 JSON mapping
 * that the protobuf decoder produces.
 */
export function tracesFromJson(request: JsonObject, receiver: OtlpReceiver): ReceivedSpan[] {
  return wrapDecode('ExportTraceServiceRequest', () => {
    const spans: ReceivedSpan[] = [];
    for (const resourceSpans of listAt(request.resourceSpans)) {
      const resource = resourceAt(resourceSpans.resource);
      for (const scopeSpans of listAt(resourceSpans.scopeSpans)) {
        const scope = scopeAt(scopeSpans.scope);
        for (const span of listAt(scopeSpans.spans)) {
          const status = objectAt(span.status);
          spans.push({
            traceId: idAt(span.traceId, 16),
            spanId: idAt(span.spanId, 8),
            parentSpanId: optionalId(idAt(span.parentSpanId, 8)),
            traceState: optionalStringAt(span.traceState),
            flags: typeof span.flags === 'number' ? span.flags : undefined,
            name: stringAt(span.name),
            kind: spanKindName(enumAt(span.kind, SPAN_KIND_NAMES)),
            startTimeUnixNano: nanosAt(span.startTimeUnixNano),
            endTimeUnixNano: nanosAt(span.endTimeUnixNano),
            attributes: keyValuesAt(span.attributes),
            status: { code: enumAt(status.code, STATUS_CODE_NAMES), message: stringAt(status.message) },
            events: listAt(span.events).map((event) => ({
              name: stringAt(event.name),
              timeUnixNano: nanosAt(event.timeUnixNano),
              attributes: keyValuesAt(event.attributes),
            })),
            links: listAt(span.links).map((link) => ({
              traceId: idAt(link.traceId, 16),
              spanId: idAt(link.spanId, 8),
              traceState: optionalStringAt(link.traceState),
              attributes: keyValuesAt(link.attributes),
            })),
            resource,
            scope,
            receiver,
          });
        }
      }
    }
    return spans;
  });
}

function numberValueAt(point: JsonObject): number | bigint | undefined {
  if ('asInt' in point) {
    const int = int64At(point.asInt);
    return int === undefined ? undefined : int64ToJs(int);
  }
  if ('asDouble' in point) return doubleAt(point.asDouble);
  return undefined;
}

function exemplarsAt(value: unknown): ReceivedExemplar[] {
  return listAt(value).map((exemplar) => ({
    traceId: optionalId(idAt(exemplar.traceId, 16)),
    spanId: optionalId(idAt(exemplar.spanId, 8)),
    timeUnixNano: nanosAt(exemplar.timeUnixNano),
    value: numberValueAt(exemplar),
    filteredAttributes: keyValuesAt(exemplar.filteredAttributes),
  }));
}

function bucketsAt(value: unknown): ExponentialBuckets | undefined {
  if (!isObject(value)) return undefined;
  return {
    offset: typeof value.offset === 'number' ? value.offset : 0,
    bucketCounts: (Array.isArray(value.bucketCounts) ? value.bucketCounts : []).map(countAt),
  };
}

const METRIC_TYPES: readonly MetricType[] = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'];

function metricPointsAt(
  metric: JsonObject,
  resource: Attributes,
  scope: InstrumentationScope,
  receiver: OtlpReceiver,
): ReceivedMetricPoint[] {
  const points: ReceivedMetricPoint[] = [];
  for (const type of METRIC_TYPES) {
    if (!isObject(metric[type])) continue;
    const data = metric[type] as JsonObject;
    for (const point of listAt(data.dataPoints)) {
      const isHistogram = type === 'histogram' || type === 'exponentialHistogram';
      points.push({
        name: stringAt(metric.name),
        unit: stringAt(metric.unit),
        description: stringAt(metric.description),
        type,
        temporality:
          type === 'sum' || isHistogram
            ? temporalityName(enumAt(data.aggregationTemporality, TEMPORALITY_NAMES))
            : undefined,
        isMonotonic: type === 'sum' ? data.isMonotonic === true : undefined,
        attributes: keyValuesAt(point.attributes),
        startTimeUnixNano: nanosAt(point.startTimeUnixNano),
        timeUnixNano: nanosAt(point.timeUnixNano),
        value: type === 'sum' || type === 'gauge' ? numberValueAt(point) : undefined,
        count: isHistogram || type === 'summary' ? countAt(point.count) : undefined,
        sum: isHistogram || type === 'summary' ? doubleAt(point.sum) : undefined,
        min: isHistogram ? doubleAt(point.min) : undefined,
        max: isHistogram ? doubleAt(point.max) : undefined,
        bucketCounts:
          type === 'histogram'
            ? (Array.isArray(point.bucketCounts) ? point.bucketCounts : []).map(countAt)
            : undefined,
        explicitBounds:
          type === 'histogram'
            ? (Array.isArray(point.explicitBounds) ? point.explicitBounds : []).map(
                (bound) => doubleAt(bound) ?? 0,
              )
            : undefined,
        scale:
          type === 'exponentialHistogram' ? (typeof point.scale === 'number' ? point.scale : 0) : undefined,
        zeroCount: type === 'exponentialHistogram' ? countAt(point.zeroCount) : undefined,
        positive: type === 'exponentialHistogram' ? bucketsAt(point.positive) : undefined,
        negative: type === 'exponentialHistogram' ? bucketsAt(point.negative) : undefined,
        quantileValues:
          type === 'summary'
            ? listAt(point.quantileValues).map((quantile) => ({
                quantile: doubleAt(quantile.quantile) ?? 0,
                value: doubleAt(quantile.value) ?? 0,
              }))
            : undefined,
        exemplars: exemplarsAt(point.exemplars),
        resource,
        scope,
        receiver,
      });
    }
  }
  return points;
}

/** Decodes a JSON `ExportMetricsServiceRequest` into a flat list of data points. */
export function decodeMetricsJson(body: Uint8Array, receiver: OtlpReceiver = 'otlp'): ReceivedMetricPoint[] {
  return metricsFromJson(parseBody(body, 'ExportMetricsServiceRequest'), receiver);
}

/**
 * The data points of an `ExportMetricsServiceRequest` already parsed: OTLP/JSON, or the proto3 JSON mapping
 * that the protobuf decoder produces.
 */
export function metricsFromJson(request: JsonObject, receiver: OtlpReceiver): ReceivedMetricPoint[] {
  return wrapDecode('ExportMetricsServiceRequest', () => {
    const points: ReceivedMetricPoint[] = [];
    for (const resourceMetrics of listAt(request.resourceMetrics)) {
      const resource = resourceAt(resourceMetrics.resource);
      for (const scopeMetrics of listAt(resourceMetrics.scopeMetrics)) {
        const scope = scopeAt(scopeMetrics.scope);
        for (const metric of listAt(scopeMetrics.metrics)) {
          points.push(...metricPointsAt(metric, resource, scope, receiver));
        }
      }
    }
    return points;
  });
}

/** Decodes a JSON `ExportLogsServiceRequest` into a flat list of log records. */
export function decodeLogsJson(body: Uint8Array, receiver: OtlpReceiver = 'otlp'): ReceivedLogRecord[] {
  return logsFromJson(parseBody(body, 'ExportLogsServiceRequest'), receiver);
}

/**
 * The log records of an `ExportLogsServiceRequest` already parsed: OTLP/JSON, or the proto3 JSON mapping
 * that the protobuf decoder produces.
 */
export function logsFromJson(request: JsonObject, receiver: OtlpReceiver): ReceivedLogRecord[] {
  return wrapDecode('ExportLogsServiceRequest', () => {
    const records: ReceivedLogRecord[] = [];
    for (const resourceLogs of listAt(request.resourceLogs)) {
      const resource = resourceAt(resourceLogs.resource);
      for (const scopeLogs of listAt(resourceLogs.scopeLogs)) {
        const scope = scopeAt(scopeLogs.scope);
        for (const record of listAt(scopeLogs.logRecords)) {
          records.push({
            timeUnixNano: nanosAt(record.timeUnixNano),
            observedTimeUnixNano: nanosAt(record.observedTimeUnixNano),
            severityNumber: enumAt(record.severityNumber, SEVERITY_NAMES),
            severityText: stringAt(record.severityText),
            body: anyValueAt(record.body),
            attributes: keyValuesAt(record.attributes),
            traceId: optionalId(idAt(record.traceId, 16)),
            spanId: optionalId(idAt(record.spanId, 8)),
            flags: typeof record.flags === 'number' ? record.flags : undefined,
            eventName: optionalStringAt(record.eventName),
            resource,
            scope,
            receiver,
          });
        }
      }
    }
    return records;
  });
}
