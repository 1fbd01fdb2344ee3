import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import {
  createOtlpHttpExportDelegate,
  httpAgentFactoryFromOptions,
} from '@opentelemetry/otlp-exporter-base/node-http';
import {
  type IExportTraceServiceResponse,
  type ISerializer,
  JsonTraceSerializer,
  ProtobufTraceSerializer,
  TraceExporterMetricsHelper,
} from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { OtlpProtocol } from '../config/types.ts';

type TraceSerializer = ISerializer<ReadableSpan[], IExportTraceServiceResponse>;

/**
 * Wraps a serializer so one batch is encoded once however many destinations get it:
 * Tempo and Sentry's OTLP endpoint receive the same body, and encoding it was the
 * largest cost of exporting (it is per span, per destination).
 */
function encodeOncePerBatch(serializer: TraceSerializer): TraceSerializer {
  const encoded = new WeakMap<ReadableSpan[], Uint8Array | undefined>();
  return {
    serializeRequest(spans) {
      if (encoded.has(spans)) return encoded.get(spans);
      const body = serializer.serializeRequest(spans);
      encoded.set(spans, body);
      return body;
    },
    deserializeResponse: (data) => serializer.deserializeResponse(data),
  };
}

const PROTOBUF_ONCE = encodeOncePerBatch(ProtobufTraceSerializer);
const JSON_ONCE = encodeOncePerBatch(JsonTraceSerializer);

export interface OtlpSpanExporterOptions {
  url: string;
  headers: Record<string, string>;
  protocol: OtlpProtocol;
  timeoutMillis?: number;
}

/**
 * An OTLP/HTTP span exporter configured from tracewire's resolved config only.
 *
 * OpenTelemetry's stock exporters merge `OTEL_EXPORTER_OTLP_HEADERS` from the
 * environment into every instance. For the exporter that sends spans to Sentry that
 * would hand the Tempo/collector credentials to a third party, so tracewire builds its
 * exporters from the export delegate directly and passes exactly the headers each
 * destination should get.
 */
export function createOtlpSpanExporter(options: OtlpSpanExporterOptions): SpanExporter {
  const json = options.protocol === 'http/json';
  const contentType = json ? 'application/json' : 'application/x-protobuf';
  const headers = { ...options.headers, 'Content-Type': contentType };
  const delegate = createOtlpHttpExportDelegate<ReadableSpan[], IExportTraceServiceResponse>(
    {
      url: options.url,
      headers: async () => headers,
      timeoutMillis: options.timeoutMillis ?? 10_000,
      concurrencyLimit: 30,
      compression: 'none',
      agentFactory: httpAgentFactoryFromOptions({ keepAlive: true }),
    },
    json ? JSON_ONCE : PROTOBUF_ONCE,
    'otlp_http_span_exporter',
    TraceExporterMetricsHelper,
    undefined,
  );
  return new OTLPExporterBase<ReadableSpan[]>(delegate);
}
