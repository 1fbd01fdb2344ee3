import { diag } from '@opentelemetry/api';
import { formatConfigIssues } from '../config/format-config-issues.ts';
import { resolveObservabilityConfig } from '../config/resolve-observability-config.ts';
import { createSecretScrubber, knownSecretValues } from '../privacy/create-secret-scrubber.ts';
import { formatTracewireMessage } from '../errors/catalogue.ts';
import { installExitHooks } from '../lifecycle/install-exit-hooks.ts';
import { createPipelineLifecycle } from '../lifecycle/pipeline-lifecycle.ts';
import { captureOnce } from '../sentry/capture-once.ts';
import { grafanaTraceUrl } from '../sentry/grafana-trace-link.ts';
import { createIgnoredPathMatcher } from '../tracing/ignored-paths.ts';
import { REQUEST_DURATIONS_KEY, SERVER_SPANS_KEY } from '../global-symbols.ts';
import { getObservability, setObservability } from './global-state.ts';
import type { DroppedTelemetry, InitObservabilityOptions, ObservabilityHandle } from './handle.ts';
import { startPipelines } from './start-pipelines.ts';
import { logStartupSummary } from './startup-summary.ts';

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
    const message = formatTracewireMessage('TW_ALREADY_INITIALIZED', {});
    existing.logger.warn({ code: 'TW_ALREADY_INITIALIZED' }, `TW_ALREADY_INITIALIZED: ${message}`);
    return existing;
  }

  const { config, issues, disabled, warnings } = resolveObservabilityConfig(options);
  const scrub = createSecretScrubber(knownSecretValues(config));
  const dropped: DroppedTelemetry = { spans: 0, sentryItems: 0, logs: 0 };
  const isIgnoredPath = createIgnoredPathMatcher(config.ignoredPaths);
  const started = startPipelines({ config, options, disabled, scrub, dropped, isIgnoredPath });
  const { tracing, sentry, reporter, logsExport } = started;
  const log = started.logging.logger;

  const lifecycle = createPipelineLifecycle({
    pipelines: started.all,
    logPipelines: started.logs,
    reporter,
    defaultTimeoutMs: config.shutdownTimeoutMs,
    afterShutdown: () => {
      removeExitHooks();
      if (started.routesDiagnostics) diag.disable();
      if (getObservability() === handle) setObservability(undefined);
    },
  });
  const handle: ObservabilityHandle = {
    logger: log,
    config,
    pipelines: {
      tracing: tracing.status.enabled,
      metrics: started.metrics.status.enabled,
      sentry: sentry.status.enabled,
      spanDestinations: tracing.status.destinations,
      logs: logsExport.status,
    },
    captureException: (error, context) => (sentry.status.enabled ? captureOnce(error, context) : undefined),
    flush: lifecycle.flush,
    shutdown: lifecycle.shutdown,
    isIgnoredPath,
    traceUrl: (traceId) => (config.grafanaUrl ? grafanaTraceUrl(config.grafanaUrl, traceId) : undefined),
    metricsEndpoint: () => started.metrics.prometheusEndpoint,
    dropped: () => ({ ...dropped, logs: logsExport.counts().dropped }),
    logRecords: () => logsExport.counts(),
  };
  // Non-enumerable: the handle's public shape stays as documented.
  Object.defineProperty(handle, REQUEST_DURATIONS_KEY, { value: started.metrics.requestDurations });
  Object.defineProperty(handle, SERVER_SPANS_KEY, { value: tracing.serverSpans });
  setObservability(handle);
  const removeExitHooks = installExitHooks({
    handleSignals: options.handleSignals !== false,
    reportCrash: sentry.status.enabled
      ? (error, kind, fatal) =>
          captureOnce(error, {
            mechanism: { handled: false, type: `auto.node.${kind.toLowerCase()}` },
            captureContext: { level: fatal ? 'fatal' : 'error' },
          })
      : undefined,
    shutdown: () => lifecycle.shutdown(),
    flush: () => lifecycle.flush(),
    isShuttingDown: lifecycle.isShuttingDown,
  });

  for (const warning of warnings)
    log.warn({ code: warning.code, variable: warning.variable }, warning.message);
  if (issues.length > 0) {
    const disabledList = [...disabled].join(', ') || 'nothing';
    log.error(
      { code: 'TW_CONFIG_INVALID', issues, disabled: [...disabled] },
      scrub(`${formatConfigIssues(issues)}\nDisabled until fixed: ${disabledList}`),
    );
  }
  logStartupSummary(log, config, handle.pipelines, tracing.instrumentationNames, scrub);
  return handle;
}
