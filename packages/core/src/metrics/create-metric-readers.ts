import http from 'node:http';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { type IMetricReader, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { TracewireConfig } from '../config/types.ts';
import type { ProblemReporter } from '../diagnostics/rate-limited-reporter.ts';
import { createOtlpMetricExporter } from './otlp-metric-exporter.ts';
import { withUnitSuffixes } from './prometheus-names.ts';

/** Interval of OTLP metric pushes; matches Prometheus' default scrape interval. */
export const METRIC_EXPORT_INTERVAL_MS = 15_000;

export interface MetricsPipeline {
  mode: TracewireConfig['metrics']['mode'];
  readers: IMetricReader[];
  /** The scrape endpoint, once listening (prometheus mode). */
  prometheusEndpoint: Promise<{ port: number; url: string } | undefined>;
  /** True for a request that arrived on the scrape endpoint's port: scrapes are never traced. */
  isScrapeRequest(localPort: number | undefined): boolean;
  close(): Promise<void>;
}

/**
 * The metric readers for the configured mode: an OTLP push reader, or a Prometheus
 * scrape endpoint served by tracewire's own server (so the port can be 0 in tests, a
 * busy port is reported instead of thrown, and scrapes are never traced).
 */
export function createMetricsPipeline(
  config: TracewireConfig,
  enabled: boolean,
  reporter: ProblemReporter,
): MetricsPipeline {
  const mode = enabled ? config.metrics.mode : 'none';
  if (mode === 'otlp' && config.otlp.metricsEndpoint) {
    const exporter = createOtlpMetricExporter({
      url: config.otlp.metricsEndpoint,
      headers: config.otlp.headers,
      protocol: config.otlp.protocol,
    });
    const reader = new PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis: METRIC_EXPORT_INTERVAL_MS,
    });
    return {
      mode,
      readers: [reader],
      prometheusEndpoint: Promise.resolve(undefined),
      isScrapeRequest: () => false,
      close: async () => {},
    };
  }
  if (mode === 'prometheus') {
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const serializer = new PrometheusSerializer();
    let listeningPort: number | undefined;
    const server = http.createServer((request, response) => {
      if ((request.url ?? '/').split('?')[0] === '/metrics') {
        exporter.collect().then(
          ({ resourceMetrics }) => {
            response.setHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8');
            response.end(serializer.serialize(withUnitSuffixes(resourceMetrics)));
          },
          (error: unknown) => {
            response.statusCode = 500;
            response.end(
              `# metrics collection failed: ${error instanceof Error ? error.message : String(error)}\n`,
            );
          },
        );
      } else {
        response.statusCode = 404;
        response.end('Not found: metrics are served at /metrics\n');
      }
    });
    const prometheusEndpoint = new Promise<{ port: number; url: string } | undefined>((resolve) => {
      server.once('error', (error) => {
        reporter.report('TW_METRICS_ENDPOINT_FAILED', {
          port: config.metrics.prometheusPort,
          reason: error.message,
        });
        resolve(undefined);
      });
      server.listen(config.metrics.prometheusPort, () => {
        const address = server.address();
        const port = typeof address === 'object' && address ? address.port : config.metrics.prometheusPort;
        listeningPort = port;
        resolve({ port, url: `http://127.0.0.1:${port}/metrics` });
      });
    });
    // The scrape server must never keep a process alive that would otherwise exit.
    server.unref();
    return {
      mode,
      readers: [exporter],
      prometheusEndpoint,
      isScrapeRequest: (localPort) => localPort !== undefined && localPort === listeningPort,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections?.();
        }),
    };
  }
  return {
    mode: 'none',
    readers: [],
    prometheusEndpoint: Promise.resolve(undefined),
    isScrapeRequest: () => false,
    close: async () => {},
  };
}
