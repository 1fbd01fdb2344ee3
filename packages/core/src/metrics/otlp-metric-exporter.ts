import {
  AggregationTemporalityPreference,
  OTLPMetricExporterBase,
} from '@opentelemetry/exporter-metrics-otlp-http';
import {
  createOtlpHttpExportDelegate,
  httpAgentFactoryFromOptions,
} from '@opentelemetry/otlp-exporter-base/node-http';
import {
  type IExportMetricsServiceResponse,
  JsonMetricsSerializer,
  MetricsExporterMetricsHelper,
  ProtobufMetricsSerializer,
} from '@opentelemetry/otlp-transformer';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { OtlpProtocol } from '../config/types.ts';

export interface OtlpMetricExporterOptions {
  url: string;
  headers: Record<string, string>;
  protocol: OtlpProtocol;
}

/**
 * An OTLP/HTTP metric exporter configured from tracewire's resolved config only.
 *
 * OpenTelemetry's stock metric exporters merge `OTEL_EXPORTER_OTLP_HEADERS`,
 * `OTEL_EXPORTER_OTLP_METRICS_HEADERS`, timeouts, compression, certificates and the
 * temporality preference from the environment into every instance, so headers
 * tracewire rejected or never read would still be sent. The export delegate is built
 * here with exactly the configured URL and headers, as the span exporter is.
 *
 * @example
 * const exporter = createOtlpMetricExporter({ url: 'http://collector:4318/v1/metrics', headers: {}, protocol: 'http/protobuf' });
 */
export function createOtlpMetricExporter(options: OtlpMetricExporterOptions): PushMetricExporter {
  const json = options.protocol === 'http/json';
  const headers = {
    ...options.headers,
    'Content-Type': json ? 'application/json' : 'application/x-protobuf',
  };
  const delegate = createOtlpHttpExportDelegate<ResourceMetrics, IExportMetricsServiceResponse>(
    {
      url: options.url,
      headers: async () => headers,
      timeoutMillis: 10_000,
      concurrencyLimit: 30,
      compression: 'none',
      agentFactory: httpAgentFactoryFromOptions({ keepAlive: true }),
    },
    json ? JsonMetricsSerializer : ProtobufMetricsSerializer,
    'otlp_http_metric_exporter',
    MetricsExporterMetricsHelper,
    undefined,
  );
  // Given explicitly so OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE is not read either.
  return new OTLPMetricExporterBase(delegate, {
    temporalityPreference: AggregationTemporalityPreference.CUMULATIVE,
  });
}
