import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { CaptureContext } from '@sentry/core';
import type { DestinationStream, Logger } from 'pino';
import type { ConfigOptions, TracewireConfig } from '../config/types.ts';
import type { LogRecordCounts, LogsPipelineStatus } from '../logging/otlp-log-pipeline.ts';
import type { SentryOptions } from '../sentry/init-sentry.ts';

/** Options for `initObservability()`. Every config field overrides its environment variable. */
export interface InitObservabilityOptions extends ConfigOptions, SentryOptions {
  /** Environment to read instead of `process.env` (tests, embedded use). */
  env?: Record<string, string | undefined>;
  /** Directory whose package.json names the service and release. Defaults to `process.cwd()`. */
  cwd?: string;
  /** Where log lines go. Defaults to stdout. */
  logDestination?: DestinationStream;
  /** Extra log keys whose values are redacted. */
  redactKeys?: string[];
  /** OpenTelemetry instrumentations to add to tracewire's http/undici set. */
  instrumentations?: Instrumentation[];
  /** Flush on SIGTERM/SIGINT before the process ends. Default true. */
  handleSignals?: boolean;
  /** Send `logger.error({ err })` to Sentry. Default true. */
  captureErrorLogs?: boolean;
}

/** Which pipelines are running; a pipeline whose config is invalid is off. */
export interface PipelineStatus {
  tracing: boolean;
  metrics: boolean;
  sentry: boolean;
  /** Where spans are exported: `otlp`, `sentry`. */
  spanDestinations: string[];
  /** Whether log lines are exported over OTLP, where to, and whether they also go to stdout. */
  logs: LogsPipelineStatus;
}

/** Counts of telemetry tracewire could not deliver, also exported as `tracewire.telemetry.dropped`. */
export interface DroppedTelemetry {
  spans: number;
  sentryItems: number;
  /** Log records not delivered over OTLP (queue full, export failed, written after shutdown). */
  logs: number;
}

/**
 * What `initObservability()` returns: the logger, the resolved config and the
 * lifecycle controls. The same object is returned by every later call.
 */
export interface ObservabilityHandle {
  /** pino logger: JSON lines with `trace_id`/`span_id` inside spans. */
  readonly logger: Logger;
  /** The resolved configuration; `JSON.stringify(config)` masks secrets. */
  readonly config: TracewireConfig;
  readonly pipelines: PipelineStatus;
  /** Sends an error to Sentry once (repeat calls return the first event ID). Undefined when Sentry is off. */
  captureException(error: unknown, context?: CaptureContext): string | undefined;
  /** Exports everything buffered; resolves false when the deadline passed first. */
  flush(timeoutMs?: number): Promise<boolean>;
  /** Flushes and stops every pipeline. Idempotent; never rejects. */
  shutdown(timeoutMs?: number): Promise<void>;
  /** True for a path that produces no span, metric or access log (health checks, scrapes). */
  isIgnoredPath(path: string): boolean;
  /** Grafana Explore link for a trace, when `TRACEWIRE_GRAFANA_URL` is set. */
  traceUrl(traceId: string): string | undefined;
  /** The Prometheus scrape endpoint once it listens (metrics mode `prometheus`). */
  metricsEndpoint(): Promise<{ port: number; url: string } | undefined>;
  /** Telemetry that could not be delivered so far. */
  dropped(): DroppedTelemetry;
  /** Lines counted by the OTLP log export; after a flush, written = delivered + dropped. All zero when logs are not exported. */
  logRecords(): LogRecordCounts;
}
