// Turns pino's serialised lines into the body of an OTLP `ExportLogsServiceRequest`, in
// protobuf or OTLP/JSON, without OpenTelemetry's logs SDK: each line is parsed once and
// its record written straight into the batch's body, so a line costs a parse and the
// bytes it becomes, and no record objects, attribute copies or per-export conversions.
//
// Used by the log export worker, which runs from src under Node's type stripping in
// tests: only syntax that type stripping accepts.
import { ProtobufWriter } from '../otlp/protobuf-writer.ts';
import type { LogWorkerData } from './otlp-log-worker-protocol.ts';

/**
 * One batch of log records on its way to becoming a request body.
 *
 * @example
 * const batch = createLogBatchEncoder({ protocol: 'http/protobuf', resource, version: '1.0.0' });
 * batch.observedAt(Date.now());
 * batch.add('{"level":30,"time":1700000000000,"msg":"hello"}');
 * const body = batch.finish(); // an ExportLogsServiceRequest with one record
 */
export interface LogBatchEncoder {
  /** Records added since the last `finish()`. */
  readonly count: number;
  /** The observed time of the lines added from now on (epoch milliseconds). */
  observedAt(epochMs: number): void;
  /** Adds one line. When it throws, the batch is as it was before the call. */
  add(line: string): void;
  /** The request body of every record added since the last call; the next batch starts empty. */
  finish(): Uint8Array;
}

export interface LogBatchEncoderOptions {
  protocol: LogWorkerData['protocol'];
  resource: LogWorkerData['resource'];
  /** tracewire's version, the instrumentation scope's version. */
  version: string;
}

/**
 * A batch encoder for the export's protocol: protobuf for `http/protobuf` (and `grpc`,
 * which is sent as OTLP/HTTP), OTLP/JSON for `http/json`.
 *
 * @example
 * const batch = createLogBatchEncoder({ protocol: 'http/json', resource: { 'service.name': 'api' }, version });
 */
export function createLogBatchEncoder(options: LogBatchEncoderOptions): LogBatchEncoder {
  return options.protocol === 'http/json' ? new JsonLogBatch(options) : new ProtobufLogBatch(options);
}

/** The instrumentation scope of every record. */
const SCOPE_NAME = 'tracewire';

// Fields that are not attributes of the record: pino's own (level, time, msg), the trace
// fields that become the record's trace context, and the base fields the resource holds.
const NOT_ATTRIBUTES = new Set([
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

/**
 * OpenTelemetry's default limit on a log record's attributes; the ones past it are
 * counted in `dropped_attributes_count`, as the logs SDK did.
 */
const ATTRIBUTE_COUNT_LIMIT = 128;

// OTLP SeverityNumber for pino's levels, by label and by number.
const SEVERITY_BY_LABEL: Readonly<Record<string, number>> = {
  trace: 1,
  debug: 5,
  info: 9,
  warn: 13,
  error: 17,
  fatal: 21,
};
const LABEL_BY_NUMBER: Readonly<Record<number, string>> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const INVALID_TRACE_ID = '0'.repeat(32);
const INVALID_SPAN_ID = '0'.repeat(16);

// Integers in this range are `int_value`; others, and non-integers, `double_value`.
const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63;

// Protobuf field numbers (opentelemetry-proto: collector/logs/v1, logs/v1, common/v1, resource/v1).
const REQUEST_RESOURCE_LOGS = 1;
const RESOURCE_LOGS_RESOURCE = 1;
const RESOURCE_LOGS_SCOPE_LOGS = 2;
const RESOURCE_ATTRIBUTES = 1;
const SCOPE_LOGS_SCOPE = 1;
const SCOPE_LOGS_LOG_RECORDS = 2;
const SCOPE_NAME_FIELD = 1;
const SCOPE_VERSION_FIELD = 2;
const RECORD_TIME = 1;
const RECORD_SEVERITY_NUMBER = 2;
const RECORD_SEVERITY_TEXT = 3;
const RECORD_BODY = 5;
const RECORD_ATTRIBUTES = 6;
const RECORD_DROPPED_ATTRIBUTES = 7;
const RECORD_FLAGS = 8;
const RECORD_TRACE_ID = 9;
const RECORD_SPAN_ID = 10;
const RECORD_OBSERVED_TIME = 11;
const KEY_VALUE_KEY = 1;
const KEY_VALUE_VALUE = 2;
const ANY_STRING = 1;
const ANY_BOOL = 2;
const ANY_INT = 3;
const ANY_DOUBLE = 4;
const ANY_ARRAY = 5;
const ANY_KVLIST = 6;
const ARRAY_VALUES = 1;
const KVLIST_VALUES = 1;

type Fields = Record<string, unknown>;

/** The line's fields; a line that is not a JSON object (a custom serialiser) is the message. */
function fieldsOf(line: string): Fields {
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed === 'object' && parsed !== null) return parsed as Fields;
  } catch {
    // Not JSON: handled below.
  }
  return { msg: line };
}

/** pino's level as a label: the label itself, or the label of a standard level number. */
function levelLabel(level: unknown): string | undefined {
  if (typeof level === 'string') return level;
  if (typeof level === 'number') return LABEL_BY_NUMBER[level];
  return undefined;
}

/** True when the line carries a trace context a record can have (valid, non-zero IDs). */
function hasTraceContext(fields: Fields): boolean {
  const traceId = fields.trace_id;
  const spanId = fields.span_id;
  return (
    typeof traceId === 'string' &&
    typeof spanId === 'string' &&
    TRACE_ID.test(traceId) &&
    SPAN_ID.test(spanId) &&
    traceId !== INVALID_TRACE_ID &&
    spanId !== INVALID_SPAN_ID
  );
}

function traceFlagsOf(fields: Fields): number {
  const flags = typeof fields.trace_flags === 'string' ? Number.parseInt(fields.trace_flags, 16) : 0;
  return Number.isNaN(flags) ? 0 : flags;
}

/** pino's `time` (epoch milliseconds); a line without one was written now. */
function timeOf(fields: Fields): number {
  const time = fields.time;
  return typeof time === 'number' && time >= 0 && Number.isFinite(time) ? time : Date.now();
}

function isAttribute(key: string, value: unknown): boolean {
  return value !== null && value !== undefined && key !== '' && !NOT_ATTRIBUTES.has(key);
}

function isInt64(value: number): boolean {
  return Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64;
}

/** Epoch milliseconds as whole seconds and nanoseconds, rounded as OpenTelemetry rounds them. */
function secondsOf(epochMs: number): number {
  return Math.trunc(epochMs / 1000);
}
function nanosecondsOf(epochMs: number): number {
  return Math.round((epochMs % 1000) * 1e6);
}

class ProtobufLogBatch implements LogBatchEncoder {
  count = 0;
  private readonly writer = new ProtobufWriter(64 * 1024);
  private readonly resource: LogWorkerData['resource'];
  private readonly version: string;
  private opened = false;
  private resourceLogsStart = 0;
  private scopeLogsStart = 0;
  private observedSeconds = 0;
  private observedNanoseconds = 0;

  constructor(options: LogBatchEncoderOptions) {
    this.resource = options.resource;
    this.version = options.version;
  }

  observedAt(epochMs: number): void {
    this.observedSeconds = secondsOf(epochMs);
    this.observedNanoseconds = nanosecondsOf(epochMs);
  }

  add(line: string): void {
    const fields = fieldsOf(line);
    if (!this.opened) this.open();
    const writer = this.writer;
    const before = writer.length;
    try {
      this.writeRecord(fields);
    } catch (error) {
      writer.truncate(before);
      throw error;
    }
    this.count += 1;
  }

  finish(): Uint8Array {
    if (!this.opened) this.open();
    this.writer.endMessage(this.scopeLogsStart);
    this.writer.endMessage(this.resourceLogsStart);
    this.opened = false;
    this.count = 0;
    return this.writer.finish();
  }

  /** The records of a batch are written inside one ResourceLogs and ScopeLogs, opened first. */
  private open(): void {
    const writer = this.writer;
    this.resourceLogsStart = writer.beginMessage(REQUEST_RESOURCE_LOGS);
    const resource = writer.beginMessage(RESOURCE_LOGS_RESOURCE);
    for (const key in this.resource) this.keyValue(RESOURCE_ATTRIBUTES, key, this.resource[key]);
    writer.endMessage(resource);
    this.scopeLogsStart = writer.beginMessage(RESOURCE_LOGS_SCOPE_LOGS);
    const scope = writer.beginMessage(SCOPE_LOGS_SCOPE);
    writer.stringAlways(SCOPE_NAME_FIELD, SCOPE_NAME);
    writer.string(SCOPE_VERSION_FIELD, this.version);
    writer.endMessage(scope);
    this.opened = true;
  }

  private writeRecord(fields: Fields): void {
    const writer = this.writer;
    const record = writer.beginMessage(SCOPE_LOGS_LOG_RECORDS);
    const time = timeOf(fields);
    writer.fixed64Time(RECORD_TIME, secondsOf(time), nanosecondsOf(time));
    const label = levelLabel(fields.level);
    if (label !== undefined) {
      writer.uint32(RECORD_SEVERITY_NUMBER, SEVERITY_BY_LABEL[label] ?? 0);
      writer.string(RECORD_SEVERITY_TEXT, label);
    }
    const message = fields.msg;
    if (typeof message === 'string') {
      const body = writer.beginMessage(RECORD_BODY);
      writer.stringAlways(ANY_STRING, message);
      writer.endMessage(body);
    }
    let attributes = 0;
    let dropped = 0;
    for (const key in fields) {
      const value = fields[key];
      if (!isAttribute(key, value)) continue;
      if (attributes === ATTRIBUTE_COUNT_LIMIT) {
        dropped += 1;
        continue;
      }
      attributes += 1;
      this.keyValue(RECORD_ATTRIBUTES, key, value);
    }
    writer.uint32(RECORD_DROPPED_ATTRIBUTES, dropped);
    if (hasTraceContext(fields)) {
      writer.fixed32(RECORD_FLAGS, traceFlagsOf(fields));
      writer.hexBytes(RECORD_TRACE_ID, fields.trace_id as string);
      writer.hexBytes(RECORD_SPAN_ID, fields.span_id as string);
    }
    writer.fixed64Time(RECORD_OBSERVED_TIME, this.observedSeconds, this.observedNanoseconds);
    writer.endMessage(record);
  }

  private keyValue(field: number, key: string, value: unknown): void {
    const writer = this.writer;
    const keyValue = writer.beginMessage(field);
    writer.stringAlways(KEY_VALUE_KEY, key);
    this.anyValue(KEY_VALUE_VALUE, value);
    writer.endMessage(keyValue);
  }

  /** A JSON value as an AnyValue; null is the empty AnyValue. */
  private anyValue(field: number, value: unknown): void {
    const writer = this.writer;
    const anyValue = writer.beginMessage(field);
    switch (typeof value) {
      case 'string':
        writer.stringAlways(ANY_STRING, value);
        break;
      case 'number':
        if (isInt64(value)) writer.int64Always(ANY_INT, value);
        else writer.doubleAlways(ANY_DOUBLE, value);
        break;
      case 'boolean':
        writer.boolAlways(ANY_BOOL, value);
        break;
      case 'object':
        if (value === null) break;
        if (Array.isArray(value)) {
          const array = writer.beginMessage(ANY_ARRAY);
          for (const item of value) this.anyValue(ARRAY_VALUES, item);
          writer.endMessage(array);
        } else {
          const list = writer.beginMessage(ANY_KVLIST);
          const entries = value as Fields;
          for (const key in entries) this.keyValue(KVLIST_VALUES, key, entries[key]);
          writer.endMessage(list);
        }
        break;
    }
    writer.endMessage(anyValue);
  }
}

/** An OTLP/JSON AnyValue, KeyValue or LogRecord, as the object JSON.stringify writes. */
type JsonValue = Record<string, unknown>;

/**
 * OTLP/JSON: the proto3 JSON mapping with OTLP's rules: lowerCamelCase keys, trace and
 * span IDs as hex strings, enums as numbers, 64-bit integers (times, `intValue`) as
 * decimal strings. Records are kept as plain objects and the batch is stringified once
 * at the end, by JSON.stringify, which is cheaper than building the text piece by piece.
 */
class JsonLogBatch implements LogBatchEncoder {
  private records: JsonValue[] = [];
  private readonly resource: JsonValue;
  private readonly scope: JsonValue;
  private observedTime = '0';

  constructor(options: LogBatchEncoderOptions) {
    const attributes: JsonValue[] = [];
    for (const key in options.resource) attributes.push(jsonKeyValue(key, options.resource[key]));
    this.resource = { attributes };
    this.scope =
      options.version === '' ? { name: SCOPE_NAME } : { name: SCOPE_NAME, version: options.version };
  }

  get count(): number {
    return this.records.length;
  }

  observedAt(epochMs: number): void {
    this.observedTime = jsonNanoseconds(epochMs);
  }

  add(line: string): void {
    const fields = fieldsOf(line);
    const record: JsonValue = {
      timeUnixNano: jsonNanoseconds(timeOf(fields)),
      observedTimeUnixNano: this.observedTime,
    };
    const label = levelLabel(fields.level);
    if (label !== undefined) {
      const severity = SEVERITY_BY_LABEL[label];
      if (severity !== undefined) record.severityNumber = severity;
      if (label !== '') record.severityText = label;
    }
    if (typeof fields.msg === 'string') record.body = { stringValue: fields.msg };
    const attributes: JsonValue[] = [];
    let dropped = 0;
    for (const key in fields) {
      const value = fields[key];
      if (!isAttribute(key, value)) continue;
      if (attributes.length === ATTRIBUTE_COUNT_LIMIT) dropped += 1;
      else attributes.push(jsonKeyValue(key, value));
    }
    if (attributes.length > 0) record.attributes = attributes;
    if (dropped > 0) record.droppedAttributesCount = dropped;
    if (hasTraceContext(fields)) {
      record.flags = traceFlagsOf(fields) >>> 0;
      record.traceId = fields.trace_id;
      record.spanId = fields.span_id;
    }
    this.records.push(record);
  }

  finish(): Uint8Array {
    const body = JSON.stringify({
      resourceLogs: [
        { resource: this.resource, scopeLogs: [{ scope: this.scope, logRecords: this.records }] },
      ],
    });
    this.records = [];
    return Buffer.from(body, 'utf8');
  }
}

/** A time in epoch milliseconds as OTLP/JSON's fixed64 nanoseconds: a decimal string. */
function jsonNanoseconds(epochMs: number): string {
  const seconds = secondsOf(epochMs);
  const nanoseconds = nanosecondsOf(epochMs);
  if (seconds === 0) return String(nanoseconds);
  return `${seconds}${String(nanoseconds).padStart(9, '0')}`;
}

function jsonKeyValue(key: string, value: unknown): JsonValue {
  return { key, value: jsonAnyValue(value) };
}

function jsonAnyValue(value: unknown): JsonValue {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'number':
      if (isInt64(value)) return { intValue: value.toFixed(0) };
      // proto3 JSON writes the doubles JSON has no number for as strings.
      if (Number.isFinite(value)) return { doubleValue: value };
      return { doubleValue: Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity' };
    case 'boolean':
      return { boolValue: value };
    case 'object': {
      if (value === null) return {};
      if (Array.isArray(value)) return { arrayValue: { values: value.map(jsonAnyValue) } };
      const entries = value as Fields;
      const values: JsonValue[] = [];
      for (const key in entries) values.push(jsonKeyValue(key, entries[key]));
      return { kvlistValue: { values } };
    }
    default:
      return {};
  }
}
