import { type DiagLogger, DiagLogLevel, diag, metrics } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { formatConfigIssues } from '../config/format-config-issues.ts';
import { resolveObservabilityConfig } from '../config/resolve-observability-config.ts';
import { createRateLimitedReporter } from '../diagnostics/rate-limited-reporter.ts';
import { createSecretScrubber } from '../diagnostics/secret-scrubber.ts';
import { formatTracewireMessage } from '../errors/catalogue.ts';
import { installSignalHandlers } from '../lifecycle/signal-handlers.ts';
import { createLogger } from '../logging/create-logger.ts';
import { startOtlpLogPipeline } from '../logging/otlp-log-pipeline.ts';
import { createMetricsPipeline } from '../metrics/create-metric-readers.ts';
import { captureOnce } from '../sentry/capture-once.ts';
import { grafanaTraceUrl } from '../sentry/grafana-trace-link.ts';
import { initSentry } from '../sentry/init-sentry.ts';
import { createIgnoredPathMatcher } from '../tracing/ignored-paths.ts';
import { type OpenTelemetryPipeline, startOpenTelemetry } from '../tracing/start-opentelemetry.ts';
import { createTelemetryRequestMatcher } from '../tracing/telemetry-endpoints.ts';
import { getObservability, setObservability } from './global-state.ts';
import type {
  DroppedTelemetry,
  InitObservabilityOptions,
  ObservabilityHandle,
  PipelineStatus,
} from './handle.ts';
import { logStartupSummary } from './startup-summary.ts';

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

function describeDiagArguments(message: string, args: unknown[]): string {
  const parts = [message];
  for (const arg of args) {
    if (arg instanceof Error) parts.push(arg.message);
    else if (typeof arg === 'string') parts.push(arg);
    else {
      try {
        parts.push(JSON.stringify(arg)?.slice(0, 500) ?? String(arg));
      } catch {
        parts.push(String(arg));
      }
    }
  }
  return parts.join(' ');
}

/**
 * Initialises tracewire once, at startup: OpenTelemetry tracing and metrics, Sentry
 * linked to the active span, and a pino logger whose lines carry the trace ID.
 * Synchronous; a second call returns the first handle and warns.
 *
 * Invalid configuration never half-starts: every problem is logged in one line and
 * the affected pipeline is switched off, or, in strict mode, this throws a
 * `TracewireError` with code `TW_CONFIG_INVALID` listing every issue.
 *
 * @example
 * import { initObservability } from '@tracewire/core';
 *
 * const observability = initObservability();
 * observability.logger.info('service starting');
 */
export function initObservability(options: InitObservabilityOptions = {}): ObservabilityHandle {
  const existing = getObservability();
  if (existing) {
    existing.logger.warn(
      { code: 'TW_ALREADY_INITIALIZED' },
      `TW_ALREADY_INITIALIZED: ${formatTracewireMessage('TW_ALREADY_INITIALIZED', {})}`,
    );
    return existing;
  }

  const { config, issues, disabled, warnings } = resolveObservabilityConfig(options);
  const env = options.env ?? process.env;
  const scrub = createSecretScrubber([
    config.sentry.dsn ? (new URL(config.sentry.dsn).username ?? undefined) : undefined,
    config.sentry.authToken,
    ...Object.values(config.otlp.headers),
  ]);
  const sentryEnabled = Boolean(config.sentry.dsn) && !disabled.has('sentry');
  const dropped: DroppedTelemetry = { spans: 0, sentryItems: 0, logs: 0 };
  let droppedCounter: { add(value: number, attributes: Record<string, string>): void } | undefined;

  let logger: Logger | undefined;
  const reporter = createRateLimitedReporter(
    (level, fields, message) => logger?.[level](fields, message),
    scrub,
  );
  const logsPipeline = startOtlpLogPipeline({
    config,
    enabled: !config.sdkDisabled && !disabled.has('logs'),
    reporter,
    onDropped: (count) => {
      droppedCounter?.add(count, { 'tracewire.signal': 'logs', 'tracewire.destination': 'otlp' });
    },
  });
  logger = createLogger(config, {
    destination: logsPipeline.destination(options.logDestination),
    redactKeys: options.redactKeys,
    captureErrorLog:
      sentryEnabled && options.captureErrorLogs !== false
        ? (error, message) => captureOnce(error, message ? { extra: { log_message: message } } : undefined)
        : undefined,
  });
  const log = logger;

  // OpenTelemetry reports exporter failures through `diag`; route them to the app's log,
  // scrubbed and rate-limited, unless the user asked for OTel's own console output.
  const userDiagLevel = env.OTEL_LOG_LEVEL;
  if (!userDiagLevel) {
    const destinations = [
      config.otlp.tracesEndpoint,
      config.otlp.metricsEndpoint,
      sentryIngestBase(config.sentry.dsn),
    ]
      .filter((endpoint): endpoint is string => endpoint !== undefined)
      .join(', ');
    const report = (message: string, ...args: unknown[]) =>
      reporter.report('TW_EXPORT_FAILED', {
        signal: 'telemetry',
        endpoint: destinations || 'the configured endpoint',
        reason: describeDiagArguments(message, args),
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

  const pipelines: PipelineStatus = {
    tracing: !config.sdkDisabled && !disabled.has('tracing'),
    metrics: !config.sdkDisabled && !disabled.has('metrics') && config.metrics.mode !== 'none',
    sentry: sentryEnabled,
    spanDestinations: [],
    logs: logsPipeline.status,
  };

  const isIgnoredPath = createIgnoredPathMatcher(config.ignoredPaths);
  const metricsPipeline = createMetricsPipeline(config, pipelines.metrics, reporter);
  let openTelemetry: OpenTelemetryPipeline | undefined;
  if (!config.sdkDisabled) {
    openTelemetry = startOpenTelemetry({
      config:
        disabled.has('sentryTraces') || disabled.has('sentry')
          ? { ...config, sentry: { ...config.sentry, traces: false } }
          : config,
      tracingEnabled: pipelines.tracing,
      isIgnoredPath,
      telemetryRequests: createTelemetryRequestMatcher([
        config.otlp.tracesEndpoint,
        config.otlp.metricsEndpoint,
        config.otlp.logsEndpoint,
        sentryIngestBase(config.sentry.dsn),
      ]),
      metricReaders: metricsPipeline.readers,
      isScrapeRequest: metricsPipeline.isScrapeRequest,
      instrumentations: options.instrumentations ?? [],
      onInvalidHeader: (header, reason) => reporter.report('TW_INCOMING_HEADER_INVALID', { header, reason }),
      onDroppedSpans: (count, destination) => {
        dropped.spans += count;
        droppedCounter?.add(count, { 'tracewire.signal': 'spans', 'tracewire.destination': destination });
      },
    });
    pipelines.spanDestinations = openTelemetry.spanDestinations;
    if (pipelines.metrics) {
      droppedCounter = metrics.getMeter('tracewire').createCounter('tracewire.telemetry.dropped', {
        unit: '{item}',
        description:
          'Telemetry items tracewire could not deliver (spans, Sentry envelope items, log records).',
      });
    }
  }

  const sentry = sentryEnabled
    ? initSentry(config, options, reporter, (count) => {
        dropped.sentryItems += count;
        droppedCounter?.add(count, { 'tracewire.signal': 'sentry_items', 'tracewire.destination': 'sentry' });
      })
    : undefined;
  if (sentryEnabled && options.includeLocalVariables === true) {
    log.warn(
      { code: 'TW_LOCAL_VARIABLES_ENABLED' },
      `TW_LOCAL_VARIABLES_ENABLED: ${formatTracewireMessage('TW_LOCAL_VARIABLES_ENABLED', {})}`,
    );
  }

  let shutdownPromise: Promise<void> | undefined;
  let removeSignalHandlers = () => {};
  const flush = async (timeoutMs = config.shutdownTimeoutMs): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const work = Promise.allSettled([
      openTelemetry?.forceFlush(),
      sentry?.flush(timeoutMs),
      logsPipeline.flush(Date.now() + timeoutMs),
    ]).then(
      ([otel, sentryFlush, logs]) =>
        otel?.status === 'fulfilled' &&
        (sentryFlush?.status !== 'fulfilled' || sentryFlush.value !== false) &&
        logs?.status === 'fulfilled' &&
        logs.value,
    );
    try {
      return await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
  };

  const handle: ObservabilityHandle = {
    logger: log,
    config,
    pipelines,
    captureException(error, context) {
      return sentryEnabled ? captureOnce(error, context) : undefined;
    },
    flush,
    shutdown(timeoutMs = config.shutdownTimeoutMs) {
      shutdownPromise ??= (async () => {
        const pending = new Set(['tracing', 'sentry', 'metrics', 'logs']);
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            reporter.report('TW_SHUTDOWN_TIMEOUT', { timeoutMs, pending: [...pending] });
            resolve();
          }, timeoutMs);
        });
        const track = (name: string, work: Promise<unknown> | undefined) =>
          Promise.resolve(work)
            .catch(() => {})
            .finally(() => pending.delete(name));
        await Promise.race([
          Promise.all([
            track('tracing', openTelemetry?.shutdown()),
            track('sentry', sentry?.close(timeoutMs)),
            track('metrics', metricsPipeline.close()),
            track('logs', logsPipeline.shutdown(Date.now() + timeoutMs)),
          ]),
          deadline,
        ]);
        clearTimeout(timer);
        // Signal handlers stay until the flush is done: a second signal (Ctrl-C, then a
        // supervisor's SIGTERM) must wait for it instead of killing the process mid-flush.
        removeSignalHandlers();
        if (!userDiagLevel) diag.disable();
        if (getObservability() === handle) setObservability(undefined);
      })();
      return shutdownPromise;
    },
    isIgnoredPath,
    traceUrl: (traceId) => (config.grafanaUrl ? grafanaTraceUrl(config.grafanaUrl, traceId) : undefined),
    metricsEndpoint: () => metricsPipeline.prometheusEndpoint,
    dropped: () => ({ ...dropped, logs: logsPipeline.counts().dropped }),
    logRecords: () => logsPipeline.counts(),
  };
  setObservability(handle);

  if (options.handleSignals !== false) {
    removeSignalHandlers = installSignalHandlers(['SIGTERM', 'SIGINT'], () => handle.shutdown());
  }
  // Spans wait up to 5 s in the batch queue; a process that simply runs out of work
  // would exit with them unsent. Flush once when the event loop empties.
  const flushBeforeExit = () => {
    if (!shutdownPromise) void flush();
  };
  process.once('beforeExit', flushBeforeExit);
  const removeSignals = removeSignalHandlers;
  removeSignalHandlers = () => {
    removeSignals();
    process.removeListener('beforeExit', flushBeforeExit);
  };

  for (const warning of warnings)
    log.warn({ code: warning.code, variable: warning.variable }, warning.message);
  if (issues.length > 0) {
    log.error(
      { code: 'TW_CONFIG_INVALID', issues, disabled: [...disabled] },
      scrub(`${formatConfigIssues(issues)}\nDisabled until fixed: ${[...disabled].join(', ') || 'nothing'}`),
    );
  }
  logStartupSummary(log, config, pipelines, openTelemetry?.instrumentationNames ?? [], scrub);
  return handle;
}
