import type { LogLevel, OtlpProtocol } from './types.ts';

/** Sentry's own default, kept by the seed: unlabelled events are production events. */
export const DEFAULT_ENVIRONMENT = 'production';

/** The seed records every trace unless told otherwise. */
export const DEFAULT_SAMPLE_RATE = 1;

/** The seed's self-hosted Sentry on Railway's private network. */
export const DEFAULT_SENTRY_INTERNAL_URL = 'http://sentry.railway.internal:9000';

/** The OpenTelemetry specification's fallback: `unknown_service:` plus the executable name. */
export const DEFAULT_SERVICE_NAME = 'unknown_service:node';

export const DEFAULT_LOG_LEVEL: LogLevel = 'info';

export const DEFAULT_OTLP_PROTOCOL: OtlpProtocol = 'http/protobuf';

/** Health checks and scrapes: high volume, no diagnostic value. */
export const DEFAULT_IGNORED_PATHS: readonly string[] = Object.freeze([
  '/health',
  '/healthz',
  '/ready',
  '/readyz',
  '/livez',
  '/metrics',
  '/favicon.ico',
]);

/** The port OpenTelemetry's Prometheus exporter registered with Prometheus. */
export const DEFAULT_PROMETHEUS_PORT = 9464;

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5000;

/** The OpenTelemetry specification's batch log record processor defaults (`OTEL_BLRP_*`). */
export const DEFAULT_LOGS_MAX_QUEUE_SIZE = 2048;
export const DEFAULT_LOGS_MAX_EXPORT_BATCH_SIZE = 512;
export const DEFAULT_LOGS_SCHEDULE_DELAY_MS = 1000;
export const DEFAULT_LOGS_EXPORT_TIMEOUT_MS = 30_000;
