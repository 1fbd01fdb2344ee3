import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';

// OpenTelemetry units (UCUM) and the Prometheus suffix each becomes, as the
// OpenTelemetry-to-Prometheus compatibility rules and Prometheus' own OTLP receiver
// spell them.
const UNIT_SUFFIXES: Record<string, string> = {
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  min: 'minutes',
  h: 'hours',
  d: 'days',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  '%': 'percent',
  Hz: 'hertz',
};

/**
 * The metric name with its unit as a suffix (`http.server.request.duration` in `s`
 * becomes `http.server.request.duration_seconds`, exposed as
 * `http_server_request_duration_seconds`). A metric then has the same Prometheus name
 * whether it is scraped from tracewire or pushed over OTLP and translated by
 * Prometheus or the collector. Annotations (`{request}`) and dimensionless units add
 * nothing.
 *
 * @example
 * withUnitSuffix('v8js.memory.heap.used', 'By'); // 'v8js.memory.heap.used_bytes'
 */
export function withUnitSuffix(name: string, unit: string | undefined): string {
  const suffix = unit ? UNIT_SUFFIXES[unit] : undefined;
  if (!suffix) return name;
  const normalized = name.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  return normalized.endsWith(`_${suffix}`) ? name : `${name}_${suffix}`;
}

/** A copy of collected metrics with unit suffixes on every metric name. */
export function withUnitSuffixes(resourceMetrics: ResourceMetrics): ResourceMetrics {
  return {
    ...resourceMetrics,
    scopeMetrics: resourceMetrics.scopeMetrics.map((scope) => ({
      ...scope,
      metrics: scope.metrics.map((metric) => ({
        ...metric,
        descriptor: {
          ...metric.descriptor,
          name: withUnitSuffix(metric.descriptor.name, metric.descriptor.unit),
        },
      })),
    })),
  };
}
