import { type DiagLogger, DiagLogLevel, diag, metrics } from '@opentelemetry/api';
import type { TracewireConfig } from '../config/types.ts';
import { describeExportFailure } from '../diagnostics/describe-export-failure.ts';
import { createRateLimitedReporter, type ProblemReporter } from '../diagnostics/rate-limited-reporter.ts';
import { createLoggingPipeline, type LoggingPipeline } from '../logging/logging-pipeline.ts';
import { type OtlpLogPipeline, startOtlpLogPipeline } from '../logging/otlp-log-pipeline.ts';
import { createMetricsPipeline, type MetricsPipeline } from '../metrics/create-metric-readers.ts';
import { captureOnce } from '../sentry/capture-once.ts';
import { initSentry, type SentryPipeline } from '../sentry/init-sentry.ts';
import { createResource } from '../tracing/resource.ts';
import { type OpenTelemetryPipeline, startOpenTelemetry } from '../tracing/start-opentelemetry.ts';
import { createTelemetryRequestMatcher } from '../tracing/telemetry-endpoints.ts';
import type { DroppedTelemetry, InitObservabilityOptions } from './handle.ts';
import type { Pipeline } from './pipeline.ts';
import type { Pipeline as ConfigPipeline } from './pipeline-for-issue.ts';

export interface StartPipelinesInput {
  config: TracewireConfig;
  options: InitObservabilityOptions;
  /** Pipelines switched off because their configuration is invalid. */
  disabled: ReadonlySet<ConfigPipeline>;
  /** Removes secrets from tracewire's own reports. */
  scrub: (text: string) => string;
  /** Counts of undelivered telemetry, updated as drops happen. */
  dropped: DroppedTelemetry;
  isIgnoredPath: (path: string) => boolean;
}

export interface StartedPipelines {
  logging: LoggingPipeline;
  /** The OTLP log export: every line the logger writes, as a log record. */
  logsExport: OtlpLogPipeline;
  metrics: MetricsPipeline;
  tracing: OpenTelemetryPipeline;
  sentry: SentryPipeline;
  /** tracewire's own problems, rate-limited, into the logger. */
  reporter: ProblemReporter;
  /** Every pipeline, in one list: flush and shutdown are one pass over it. */
  all: Pipeline[];
  /** The pipelines tracewire's own reports go to, flushed once more at the end of a shutdown. */
  logs: Pipeline[];
  /** tracewire routes OpenTelemetry's `diag` to the app's log (no `OTEL_LOG_LEVEL` set). */
  routesDiagnostics: boolean;
}

/** The Sentry host's API base for a DSN: the DSN's path minus the project ID. */
function sentryIngestBase(dsn: string | undefined): string | undefined {
  if (!dsn) return undefined;
  try {
    const url = new URL(dsn);
    url.username = '';
    url.password = '';
    url.pathname = url.pathname.replace(/\/[^/]*$/, '/');
    return url.toString();
  } catch {
    return undefined;
  }
}

/**
 * OpenTelemetry reports exporter failures through `diag`; they go to the app's log as
 * one readable, scrubbed and rate-limited `TW_EXPORT_FAILED` line.
 */
function reportDiagnostics(reporter: ProblemReporter, endpoints: (string | undefined)[]): void {
  const endpoint = endpoints.filter((url): url is string => url !== undefined).join(', ');
  const report = (message: string, ...args: unknown[]) =>
    reporter.report('TW_EXPORT_FAILED', {
      signal: 'telemetry',
      endpoint: endpoint || 'the configured endpoint',
      reason: describeExportFailure(message, args),
    });
  const diagLogger: DiagLogger = {
    error: report,
    warn: report,
    info: () => {},
    debug: () => {},
    verbose: () => {},
  };
  diag.setLogger(diagLogger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
}

/** With OpenTelemetry off (`OTEL_SDK_DISABLED`), spans are not even created. */
const TRACING_OFF: OpenTelemetryPipeline = {
  name: 'tracing',
  status: { enabled: false, destinations: [] },
  spanDestinations: [],
  instrumentationNames: [],
  databaseInstrumentations: [],
  serverSpans: undefined,
  flush: async () => true,
  shutdown: async () => {},
};

/**
 * Starts every pipeline from its own module, in the order they depend on each other:
 * logging first (everything else reports into it), metrics before tracing (the
 * instrumentations record into its meter provider), Sentry after OpenTelemetry.
 * A new pipeline is one more start here and one more entry in `all` (and in `logs`
 * for one that carries log lines).
 */
export function startPipelines({
  config,
  options,
  disabled,
  scrub,
  dropped,
  isIgnoredPath,
}: StartPipelinesInput): StartedPipelines {
  let logging: LoggingPipeline | undefined;
  const reporter = createRateLimitedReporter(
    (level, fields, message) => logging?.logger[level](fields, message),
    scrub,
  );
  const sentryEnabled = Boolean(config.sentry.dsn) && !disabled.has('sentry');
  const otelOn = !config.sdkDisabled;
  const sentryIngest = sentryIngestBase(config.sentry.dsn);
  const { tracesEndpoint, metricsEndpoint, logsEndpoint } = config.otlp;

  const logsExport = startOtlpLogPipeline({
    config,
    enabled: otelOn && !disabled.has('logs'),
    reporter,
    onDropped: (count) => {
      droppedCounter?.add(count, { 'tracewire.signal': 'logs', 'tracewire.destination': 'otlp' });
    },
  });
  logging = createLoggingPipeline(config, {
    destination: logsExport.destination(options.logDestination),
    redactKeys: options.redactKeys,
    captureErrorLog:
      sentryEnabled && options.captureErrorLogs !== false
        ? (error, message) => captureOnce(error, message ? { extra: { log_message: message } } : undefined)
        : undefined,
  });
  // Unless the user asked for OpenTelemetry's own console output.
  const routesDiagnostics = !(options.env ?? process.env).OTEL_LOG_LEVEL;
  if (routesDiagnostics) reportDiagnostics(reporter, [tracesEndpoint, metricsEndpoint, sentryIngest]);

  const resource = createResource(config);
  const metricsOn = otelOn && !disabled.has('metrics') && config.metrics.mode !== 'none';
  const metricsPipeline = createMetricsPipeline(config, metricsOn, reporter, resource);
  const droppedCounter = metricsPipeline.status.enabled
    ? metrics.getMeter('tracewire').createCounter('tracewire.telemetry.dropped', {
        unit: '{item}',
        description:
          'Telemetry items tracewire could not deliver (spans, Sentry envelope items, log records).',
      })
    : undefined;

  // Sentry switched off by an invalid setting gets neither spans nor a sampling context
  // in outgoing baggage: OpenTelemetry sees no DSN at all.
  const tracingSentry = !sentryEnabled
    ? { ...config.sentry, dsn: undefined, traces: false }
    : disabled.has('sentryTraces')
      ? { ...config.sentry, traces: false }
      : config.sentry;
  const tracing = otelOn
    ? startOpenTelemetry({
        config: tracingSentry === config.sentry ? config : { ...config, sentry: tracingSentry },
        tracingEnabled: !disabled.has('tracing'),
        isIgnoredPath,
        telemetryRequests: createTelemetryRequestMatcher([
          tracesEndpoint,
          metricsEndpoint,
          logsEndpoint,
          sentryIngest,
        ]),
        resource,
        meterProvider: metricsPipeline.meterProvider,
        isScrapeRequest: metricsPipeline.isScrapeRequest,
        instrumentations: options.instrumentations ?? [],
        appDirectory: options.cwd,
        onInvalidHeader: (header, reason) =>
          reporter.report('TW_INCOMING_HEADER_INVALID', { header, reason }),
        onDroppedSpans: (count, destination) => {
          dropped.spans += count;
          droppedCounter?.add(count, { 'tracewire.signal': 'spans', 'tracewire.destination': destination });
        },
      })
    : TRACING_OFF;

  const sentry = initSentry({
    config,
    options,
    enabled: sentryEnabled,
    reporter,
    onDroppedEvents: (count) => {
      dropped.sentryItems += count;
      droppedCounter?.add(count, { 'tracewire.signal': 'sentry_items', 'tracewire.destination': 'sentry' });
    },
  });

  if (sentry.status.enabled && options.includeLocalVariables === true) {
    reporter.report('TW_LOCAL_VARIABLES_ENABLED', {});
  }

  return {
    logging,
    reporter,
    metrics: metricsPipeline,
    tracing,
    sentry,
    logsExport,
    // The logger last: while the others stop, tracewire's reports about them go into it.
    all: [tracing, metricsPipeline, sentry, logsExport, logging],
    logs: [logsExport, logging],
    routesDiagnostics,
  };
}
