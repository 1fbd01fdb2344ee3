import { diag } from '@opentelemetry/api';
import { formatConfigIssues } from '../config/format-config-issues.ts';
import { CONFIG_OPTION_NAMES, loadConfig } from '../config/load-config.ts';
import type { ConfigIssue, ConfigOptions, TracewireConfig } from '../config/types.ts';
import { createSecretScrubber } from '../diagnostics/secret-scrubber.ts';
import { formatTracewireMessage } from '../errors/catalogue.ts';
import { TracewireError } from '../errors/tracewire-error.ts';
import { installExitHooks } from '../lifecycle/install-exit-hooks.ts';
import { createPipelineLifecycle } from '../lifecycle/pipeline-lifecycle.ts';
import { captureOnce } from '../sentry/capture-once.ts';
import { grafanaTraceUrl } from '../sentry/grafana-trace-link.ts';
import { createIgnoredPathMatcher } from '../tracing/ignored-paths.ts';
import { getObservability, setObservability } from './global-state.ts';
import type { DroppedTelemetry, InitObservabilityOptions, ObservabilityHandle } from './handle.ts';
import { type Pipeline, pipelinesAffectedBy } from './pipeline-for-issue.ts';
import { startPipelines } from './start-pipelines.ts';
import { logStartupSummary } from './startup-summary.ts';

function pickConfigOptions(
  options: InitObservabilityOptions,
  omit: ReadonlySet<string> = new Set(),
): ConfigOptions {
  const picked: Record<string, unknown> = {};
  for (const key of CONFIG_OPTION_NAMES) {
    if (options[key] !== undefined && !omit.has(key)) picked[key] = options[key];
  }
  return picked as ConfigOptions;
}

function isStrict(options: InitObservabilityOptions, env: Record<string, string | undefined>): boolean {
  if (options.strict !== undefined) return options.strict;
  // Same spellings loadConfig accepts for booleans; an invalid value is itself an issue.
  return /^(1|true|yes)$/i.test((env.TRACEWIRE_STRICT ?? '').trim());
}

interface ResolvedConfig {
  config: TracewireConfig;
  issues: ConfigIssue[];
  disabled: Set<Pipeline>;
  warnings: { code: string; variable: string; message: string }[];
}

/**
 * Loads the config; on invalid input, either throws (strict) or reloads without the
 * offending inputs and switches off the pipelines they belong to.
 */
function resolveConfig(options: InitObservabilityOptions): ResolvedConfig {
  const env = options.env ?? process.env;
  const configOptions = pickConfigOptions(options);
  const loaded = loadConfig({ env, options: configOptions, cwd: options.cwd });
  if (loaded.ok) return { config: loaded.config, issues: [], disabled: new Set(), warnings: loaded.warnings };

  if (isStrict(options, env)) throw new TracewireError('TW_CONFIG_INVALID', { issues: loaded.issues });

  const disabled = new Set<Pipeline>();
  const badVariables = new Set<string>();
  for (const issue of loaded.issues) {
    for (const pipeline of pipelinesAffectedBy(issue)) disabled.add(pipeline);
    badVariables.add(issue.variable);
  }
  const retryEnv = Object.fromEntries(Object.entries(env).filter(([name]) => !badVariables.has(name)));
  const badOptions = new Set([...badVariables].map((variable) => variable.replace(/^options\./, '')));
  const retry = loadConfig({
    env: retryEnv,
    options: pickConfigOptions(options, badOptions),
    cwd: options.cwd,
  });
  const fallback = retry.ok ? retry : loadConfig({ env: {}, options: {}, cwd: options.cwd });
  if (!fallback.ok) throw new TracewireError('TW_CONFIG_INVALID', { issues: loaded.issues });
  return { config: fallback.config, issues: loaded.issues, disabled, warnings: loaded.warnings };
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
    const message = formatTracewireMessage('TW_ALREADY_INITIALIZED', {});
    existing.logger.warn({ code: 'TW_ALREADY_INITIALIZED' }, `TW_ALREADY_INITIALIZED: ${message}`);
    return existing;
  }

  const { config, issues, disabled, warnings } = resolveConfig(options);
  const dsnKey = config.sentry.dsn ? new URL(config.sentry.dsn).username : undefined;
  const scrub = createSecretScrubber([
    dsnKey,
    config.sentry.authToken,
    ...Object.values(config.otlp.headers),
  ]);
  const dropped: DroppedTelemetry = { spans: 0, sentryItems: 0 };
  const isIgnoredPath = createIgnoredPathMatcher(config.ignoredPaths);
  const started = startPipelines({ config, options, disabled, scrub, dropped, isIgnoredPath });
  const { tracing, sentry, reporter } = started;
  const log = started.logging.logger;

  const lifecycle = createPipelineLifecycle({
    pipelines: started.all,
    logging: started.logging,
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
    },
    captureException: (error, context) => (sentry.status.enabled ? captureOnce(error, context) : undefined),
    flush: lifecycle.flush,
    shutdown: lifecycle.shutdown,
    isIgnoredPath,
    traceUrl: (traceId) => (config.grafanaUrl ? grafanaTraceUrl(config.grafanaUrl, traceId) : undefined),
    metricsEndpoint: () => started.metrics.prometheusEndpoint,
    dropped: () => ({ ...dropped }),
  };
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
