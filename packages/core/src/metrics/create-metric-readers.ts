import http from 'node:http';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { diag, metrics } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { type IMetricReader, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { TracewireConfig } from '../config/types.ts';
import type { ProblemReporter } from '../diagnostics/rate-limited-reporter.ts';
import { type Pipeline, remainingMs } from '../init/pipeline.ts';
import { createOtlpMetricExporter } from './otlp-metric-exporter.ts';
import { RequestDurationHistogram } from './request-duration-histogram.ts';
import { withUnitSuffixes } from './prometheus-names.ts';

/** Interval of OTLP metric pushes; matches Prometheus' default scrape interval. */
export const METRIC_EXPORT_INTERVAL_MS = 15_000;

/** The metrics pipeline: a meter provider with the reader of the configured mode. */
export interface MetricsPipeline
  extends Pipeline<{ enabled: boolean; mode: TracewireConfig['metrics']['mode'] }> {
  mode: TracewireConfig['metrics']['mode'];
  /** Registered as the global meter provider; absent when metrics are off. */
  meterProvider: MeterProvider | undefined;
  /** The scrape endpoint, once listening (prometheus mode). */
  prometheusEndpoint: Promise<{ port: number; url: string } | undefined>;
  /** True for a request that arrived on the scrape endpoint's port: scrapes are never traced. */
  isScrapeRequest(localPort: number | undefined): boolean;
  /** `http.server.request.duration` of the adapters' requests; absent when metrics are off. */
  requestDurations: RequestDurationHistogram | undefined;
}

interface MetricReaders {
  mode: TracewireConfig['metrics']['mode'];
  readers: IMetricReader[];
  prometheusEndpoint: Promise<{ port: number; url: string } | undefined>;
  isScrapeRequest(localPort: number | undefined): boolean;
  close(): Promise<void>;
}

/**
 * Starts the metrics pipeline: a meter provider (registered globally) with the reader
 * of the configured mode, an OTLP push reader or a Prometheus scrape endpoint.
 */
export function createMetricsPipeline(
  config: TracewireConfig,
  enabled: boolean,
  reporter: ProblemReporter,
  resource: Resource,
): MetricsPipeline {
  const requestDurations = new RequestDurationHistogram();
  const { readers, close, ...parts } = createMetricReaders(config, enabled, reporter, requestDurations);
  const meterProvider = readers.length > 0 ? new MeterProvider({ resource, readers }) : undefined;
  if (meterProvider) metrics.setGlobalMeterProvider(meterProvider);
  return {
    ...parts,
    name: 'metrics',
    status: { enabled: meterProvider !== undefined, mode: parts.mode },
    meterProvider,
    requestDurations: meterProvider ? requestDurations : undefined,
    async flush(deadline) {
      try {
        await meterProvider?.forceFlush({ timeoutMillis: remainingMs(deadline) });
        return true;
      } catch (error) {
        // A flush's failed export rejects here instead of reaching OpenTelemetry's error handler.
        diag.error('Metric export failed', error);
        return false;
      }
    },
    async shutdown(deadline) {
      try {
        await meterProvider?.shutdown({ timeoutMillis: remainingMs(deadline) });
      } catch (error) {
        diag.error('Metric export failed', error);
      }
      await close();
      if (meterProvider) metrics.disable();
    },
  };
}

/**
 * The metric readers for the configured mode: an OTLP push reader, or a Prometheus
 * scrape endpoint served by tracewire's own server (so the port can be 0 in tests, a
 * busy port is reported instead of thrown, and scrapes are never traced).
 */
function createMetricReaders(
  config: TracewireConfig,
  enabled: boolean,
  reporter: ProblemReporter,
  requestDurations: RequestDurationHistogram,
): MetricReaders {
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
      metricProducers: [requestDurations],
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
    const exporter = new PrometheusExporter({
      preventServerStart: true,
      metricProducers: [requestDurations],
    });
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
