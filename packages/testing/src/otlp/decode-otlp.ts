import { decodeLogsJson, decodeMetricsJson, decodeTracesJson } from './decode-otlp-json.ts';
import { decodeLogsProtobuf, decodeMetricsProtobuf, decodeTracesProtobuf } from './decode-otlp-protobuf.ts';
import type {
  OtlpFormat,
  OtlpReceiver,
  ReceivedLogRecord,
  ReceivedMetricPoint,
  ReceivedSpan,
} from './otlp-types.ts';

/**
 * Options for the `decodeOtlp*` functions.
 *
 * @example
 * ```ts
 * const logs = decodeOtlpLogs(body, { format: 'json', receiver: 'otlp' });
 * ```
 */
export interface DecodeOtlpOptions {
  /** The body's encoding: `'protobuf'` (`application/x-protobuf`, the default) or `'json'`. */
  format?: OtlpFormat;
  /** Recorded as `receiver` on each decoded item. Default `'otlp'`. */
  receiver?: OtlpReceiver;
}

/**
 * Decodes an OTLP `ExportTraceServiceRequest` body (uncompressed) into a flat list of spans,
 * the same objects `sink.spans` holds. Throws an error named `OtlpDecodeError` when the body
 * is not a valid request.
 *
 * @example
 * ```ts
 * import { decodeOtlpTraces } from '@tracewire/testing';
 *
 * const spans = decodeOtlpTraces(capturedBody, { format: 'protobuf' });
 * expect(spans.map((span) => span.name)).toContain('GET /users/:id');
 * ```
 */
export function decodeOtlpTraces(body: Uint8Array, options: DecodeOtlpOptions = {}): ReceivedSpan[] {
  const receiver = options.receiver ?? 'otlp';
  return options.format === 'json' ? decodeTracesJson(body, receiver) : decodeTracesProtobuf(body, receiver);
}

/**
 * Decodes an OTLP `ExportMetricsServiceRequest` body (uncompressed) into a flat list of data
 * points, the same objects `sink.metrics` holds. Throws an error named `OtlpDecodeError` when
 * the body is not a valid request.
 *
 * @example
 * ```ts
 * import { decodeOtlpMetrics } from '@tracewire/testing';
 *
 * const points = decodeOtlpMetrics(capturedBody, { format: 'json' });
 * const duration = points.find((point) => point.name === 'http.server.request.duration');
 * expect(duration?.type).toBe('histogram');
 * ```
 */
export function decodeOtlpMetrics(body: Uint8Array, options: DecodeOtlpOptions = {}): ReceivedMetricPoint[] {
  const receiver = options.receiver ?? 'otlp';
  return options.format === 'json'
    ? decodeMetricsJson(body, receiver)
    : decodeMetricsProtobuf(body, receiver);
}

/**
 * Decodes an OTLP `ExportLogsServiceRequest` body (uncompressed) into a flat list of log
 * records, the same objects `sink.logs` holds. Throws an error named `OtlpDecodeError` when
 * the body is not a valid request.
 *
 * @example
 * ```ts
 * import { decodeOtlpLogs } from '@tracewire/testing';
 *
 * const [record] = decodeOtlpLogs(capturedBody);
 * expect(record?.severityText).toBe('INFO');
 * ```
 */
export function decodeOtlpLogs(body: Uint8Array, options: DecodeOtlpOptions = {}): ReceivedLogRecord[] {
  const receiver = options.receiver ?? 'otlp';
  return options.format === 'json' ? decodeLogsJson(body, receiver) : decodeLogsProtobuf(body, receiver);
}
