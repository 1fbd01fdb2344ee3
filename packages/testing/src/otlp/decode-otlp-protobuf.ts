// OTLP/HTTP protobuf bodies (`application/x-protobuf`) into the sink's plain objects.
// @bufbuild/protobuf reads the wire format over the OTLP schema in otlp-proto-schema.ts and
// writes the message in the proto3 JSON mapping (64-bit integers as decimal strings, bytes
// as base64, doubles such as NaN as strings), which the JSON decoder already accepts: one
// mapping to the sink's types serves both encodings, so they cannot drift apart.
import { type DescMessage, fromBinary, type JsonValue, toJson } from '@bufbuild/protobuf';
import { type JsonObject, logsFromJson, metricsFromJson, tracesFromJson } from './decode-otlp-json.ts';
import {
  ExportLogsServiceRequestSchema,
  ExportMetricsServiceRequestSchema,
  ExportTraceServiceRequestSchema,
} from './otlp-proto-schema.ts';
import type { OtlpReceiver, ReceivedLogRecord, ReceivedMetricPoint, ReceivedSpan } from './otlp-types.ts';
import { OtlpDecodeError } from './otlp-values.ts';

function decodeRequest(schema: DescMessage, body: Uint8Array): JsonObject {
  let json: JsonValue;
  try {
    // Fields a newer OTLP adds are skipped: nothing would read them. Enums stay numbers, as
    // OTLP/JSON sends them.
    json = toJson(schema, fromBinary(schema, body, { readUnknownFields: false }), { enumAsInteger: true });
  } catch (error) {
    throw new OtlpDecodeError(`not a protobuf ${schema.name}: ${(error as Error).message}`);
  }
  return json as JsonObject;
}

/** Decodes an `ExportTraceServiceRequest` into a flat list of spans. */
export function decodeTracesProtobuf(body: Uint8Array, receiver: OtlpReceiver = 'otlp'): ReceivedSpan[] {
  return tracesFromJson(decodeRequest(ExportTraceServiceRequestSchema, body), receiver);
}

/** Decodes an `ExportMetricsServiceRequest` into a flat list of data points. */
export function decodeMetricsProtobuf(
  body: Uint8Array,
  receiver: OtlpReceiver = 'otlp',
): ReceivedMetricPoint[] {
  return metricsFromJson(decodeRequest(ExportMetricsServiceRequestSchema, body), receiver);
}

/** Decodes an `ExportLogsServiceRequest` into a flat list of log records. */
export function decodeLogsProtobuf(body: Uint8Array, receiver: OtlpReceiver = 'otlp'): ReceivedLogRecord[] {
  return logsFromJson(decodeRequest(ExportLogsServiceRequestSchema, body), receiver);
}
