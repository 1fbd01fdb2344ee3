import type { DatabaseStatements } from '../tracing/database-instrumentations.ts';
/**
 * Where a resolved configuration value came from, in precedence order:
 * code options, then environment variables, then platform detection, then defaults.
 *
 * @example
 * const source: ConfigSource = config.sources['sentry.dsn']; // 'env:SENTRY_DSN'
 */
export type ConfigSource = 'code' | `env:${string}` | `detected:${string}` | 'default';

/**
 * `LOG_LEVEL` values: pino's levels plus `silent`.
 *
 * @example
 * const level: LogLevel = 'debug';
 */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/**
 * How metrics leave the process.
 *
 * @example
 * if (config.metrics.mode === 'prometheus') console.log(`scrape :${config.metrics.prometheusPort}/metrics`);
 */
export type MetricsMode = 'otlp' | 'prometheus' | 'none';

/**
 * `OTEL_LOGS_EXPORTER` values tracewire supports: log records over OTLP, or not exported.
 *
 * @example
 * if (config.logs.exporter === 'otlp') console.log(`log records go to ${config.otlp.logsEndpoint}`);
 */
export type LogsExporter = 'otlp' | 'none';

/**
 * `OTEL_EXPORTER_OTLP_PROTOCOL` values tracewire supports.
 *
 * @example
 * const protocol: OtlpProtocol = 'http/json';
 */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

/**
 * Options given in code to `loadConfig()` / `initObservability()`. Each overrides the
 * matching environment variable.
 *
 * @example
 * const options: ConfigOptions = { serviceName: 'checkout-api', sampleRate: 0.1 };
 */
export interface ConfigOptions {
  /** Overrides `OTEL_SERVICE_NAME`. */
  serviceName?: string;
  /** Overrides `SENTRY_DSN`. An empty string disables Sentry. */
  dsn?: string;
  /** Overrides `SENTRY_ENVIRONMENT`. */
  environment?: string;
  /** Overrides `SENTRY_RELEASE` / `SENTRY_VERSION`. */
  release?: string;
  /** Overrides `SENTRY_TRACE_SAMPLE_RATE` (0–1). */
  sampleRate?: number;
  /** Overrides `LOG_LEVEL`. */
  logLevel?: LogLevel;
  /** Overrides `OTEL_EXPORTER_OTLP_ENDPOINT` (base URL; `/v1/traces` etc. are appended). */
  otlpEndpoint?: string;
  /** Overrides `OTEL_EXPORTER_OTLP_HEADERS`. */
  otlpHeaders?: Record<string, string>;
  /** Overrides `OTEL_EXPORTER_OTLP_PROTOCOL`. */
  otlpProtocol?: OtlpProtocol;
  /** Extra resource attributes, merged over `OTEL_RESOURCE_ATTRIBUTES`. */
  resourceAttributes?: Record<string, string>;
  /** Overrides `TRACEWIRE_IGNORED_PATHS`. */
  ignoredPaths?: string[];
  /** Overrides `TRACEWIRE_METRICS`. */
  metrics?: MetricsMode;
  /** Overrides `TRACEWIRE_PROMETHEUS_PORT`. */
  prometheusPort?: number;
  /** Overrides `TRACEWIRE_SENTRY_TRACES`: also send spans to Sentry's OTLP endpoint. */
  sentryTraces?: boolean;
  /** Overrides `TRACEWIRE_STRICT`: throw on invalid configuration instead of disabling a pipeline. */
  strict?: boolean;
  /** Overrides `TRACEWIRE_SHUTDOWN_TIMEOUT_MS`. */
  shutdownTimeoutMs?: number;
  /** Overrides `TRACEWIRE_GRAFANA_URL`: base URL for trace links put on Sentry events. */
  grafanaUrl?: string;
  /** Overrides `OTEL_SDK_DISABLED`. */
  sdkDisabled?: boolean;
  /**
   * Overrides `TRACEWIRE_INSTRUMENTATIONS`: which database instrumentations tracewire may
   * load (`'default,-mongodb'` or `['pg', 'ioredis']`). Not `instrumentations`, which adds
   * the app's own Instrumentation objects to whatever this selects.
   */
  instrumentationSet?: string | string[];
  /** Overrides `TRACEWIRE_DB_STATEMENTS`: `'full'` records statement values (a privacy risk). */
  dbStatements?: DatabaseStatements;
  /** Overrides `OTEL_LOGS_EXPORTER`: export log lines as OTLP log records, or not. */
  logsExporter?: LogsExporter;
  /** Overrides `TRACEWIRE_LOG_STDOUT`: false stops writing log lines to stdout while they are exported. */
  logStdout?: boolean;
  /** Overrides `OTEL_BLRP_MAX_QUEUE_SIZE`: log lines waiting for export before new ones are dropped. */
  logsMaxQueueSize?: number;
  /** Overrides `OTEL_BLRP_MAX_EXPORT_BATCH_SIZE`: log records per export request. */
  logsMaxExportBatchSize?: number;
  /** Overrides `OTEL_BLRP_SCHEDULE_DELAY`: milliseconds between two exports. */
  logsScheduleDelayMs?: number;
  /** Overrides `OTEL_BLRP_EXPORT_TIMEOUT`: milliseconds one export may take, retries included. */
  logsExportTimeoutMs?: number;
}

/**
 * The fully resolved configuration. Secret fields are masked by `toJSON()`.
 *
 * @example
 * const result = loadConfig();
 * if (result.ok) logger.info({ config: result.config }, 'config loaded'); // masked through toJSON()
 */
export interface TracewireConfig {
  serviceName: string;
  environment: string;
  /** Release; also the OTel `service.version`. Undefined when nothing could be found. */
  release: string | undefined;
  sentry: {
    /** Undefined when `SENTRY_DSN` is empty or absent: Sentry is disabled. */
    dsn: string | undefined;
    /** Send spans to Sentry's OTLP traces endpoint too (only meaningful with a DSN). */
    traces: boolean;
    /** `SENTRY_AUTH_TOKEN`: for the Grafana datasource and CLI only, never sent with events. */
    authToken: string | undefined;
    /** `SENTRY_INTERNAL_URL`: Sentry API base URL. */
    internalUrl: string;
  };
  /** `SENTRY_TRACE_SAMPLE_RATE`, 0–1. */
  sampleRate: number;
  otlp: {
    /** Full URL for traces, or undefined when no OTLP endpoint is configured. */
    tracesEndpoint: string | undefined;
    metricsEndpoint: string | undefined;
    logsEndpoint: string | undefined;
    /** Header values are secrets. */
    headers: Record<string, string>;
    protocol: OtlpProtocol;
  };
  /** `OTEL_SDK_DISABLED`: no tracing or metrics SDK; logs and Sentry still work. */
  sdkDisabled: boolean;
  /** Parsed `OTEL_RESOURCE_ATTRIBUTES` merged with code options. */
  resourceAttributes: Record<string, string>;
  logLevel: LogLevel;
  /** Paths that produce no span, metric or access log line. */
  ignoredPaths: string[];
  metrics: {
    mode: MetricsMode;
    prometheusPort: number;
  };
  /** Log export: OTLP log records sent from a worker thread, beside (or instead of) stdout. */
  logs: {
    exporter: LogsExporter;
    /** Lines still go to stdout; only false when the lines are exported. */
    stdout: boolean;
    maxQueueSize: number;
    maxExportBatchSize: number;
    scheduleDelayMs: number;
    exportTimeoutMs: number;
  };
  strict: boolean;
  shutdownTimeoutMs: number;
  grafanaUrl: string | undefined;
  /** Database instrumentations tracewire may load, in catalogue order. */
  instrumentationSet: string[];
  /** How much of a database statement spans record. */
  dbStatements: DatabaseStatements;
  /** Where each resolved value came from, keyed by dotted field path (`sentry.dsn`). */
  sources: Record<string, ConfigSource>;
  /** A dump with every secret masked: safe to log. */
  toJSON(): Record<string, unknown>;
}

/**
 * One configuration problem, with enough to fix it without reading the docs.
 *
 * @example
 * for (const issue of result.issues) console.error(`${issue.variable}: ${issue.hint}`);
 */
export interface ConfigIssue {
  /** Catalogue code, `TW_CONFIG_*`. */
  code: string;
  /** The environment variable (or `options.<name>`) at fault. */
  variable: string;
  /** What was received; masked when the variable is secret. */
  received: string;
  /** The expected form. */
  expected: string;
  /** How to fix it. */
  hint: string;
}

/**
 * A non-fatal finding: a likely typo, a risky production setting.
 *
 * @example
 * for (const warning of result.warnings) console.warn(warning.message);
 */
export interface ConfigWarning {
  code: string;
  variable: string;
  message: string;
}

/**
 * What `loadConfig()` returns: the config, or every issue; warnings either way.
 *
 * @example
 * const result: LoadConfigResult = loadConfig();
 * if (!result.ok) console.error(formatConfigIssues(result.issues));
 */
export type LoadConfigResult =
  | { ok: true; config: TracewireConfig; warnings: ConfigWarning[] }
  | { ok: false; issues: ConfigIssue[]; warnings: ConfigWarning[] };

/**
 * What `loadConfig()` reads. Every field is optional.
 *
 * @example
 * loadConfig({ env: { LOG_LEVEL: 'debug' }, options: { serviceName: 'api' }, cwd: '/srv/api' });
 */
export interface LoadConfigInput {
  env?: Record<string, string | undefined>;
  options?: ConfigOptions;
  /** Directory whose package.json gives the default service name and release. Defaults to `process.cwd()`. */
  cwd?: string;
}
