/** The base variable the OpenTelemetry specification defines for all three signals. */
export const OTLP_BASE_ENDPOINT_VARIABLE = 'OTEL_EXPORTER_OTLP_ENDPOINT';

/** Per-signal endpoint variables and the path each signal gets under a base endpoint. */
export const OTLP_SIGNALS = Object.freeze([
  { field: 'otlp.tracesEndpoint', variable: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', path: 'v1/traces' },
  { field: 'otlp.metricsEndpoint', variable: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', path: 'v1/metrics' },
  { field: 'otlp.logsEndpoint', variable: 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT', path: 'v1/logs' },
] as const);

export type OtlpSignalField = (typeof OTLP_SIGNALS)[number]['field'];

/**
 * The signal URL under a base endpoint, as the OpenTelemetry specification builds it:
 * the signal path is appended to whatever path the base has (a query string, which some
 * gateways use for keys, stays at the end). Per-signal variables are used as given and
 * never go through this. `base` must be a valid URL.
 *
 * @example
 * signalUrlFromBase('http://collector:4318', 'v1/traces'); // 'http://collector:4318/v1/traces'
 * signalUrlFromBase('https://gw.example.com/otlp/', 'v1/logs'); // 'https://gw.example.com/otlp/v1/logs'
 */
export function signalUrlFromBase(base: string, signalPath: string): string {
  const url = new URL(base);
  url.pathname = `${url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`}${signalPath}`;
  return url.toString();
}

/**
 * Whether a URL points at 4317, the OTLP/gRPC port: tracewire speaks OTLP/HTTP (4318).
 *
 * @example
 * usesGrpcPort('http://collector:4317'); // true
 */
export function usesGrpcPort(url: string): boolean {
  try {
    return new URL(url).port === '4317';
  } catch {
    return false;
  }
}
