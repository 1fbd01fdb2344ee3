import {
  DEFAULT_ENVIRONMENT,
  DEFAULT_IGNORED_PATHS,
  DEFAULT_LOG_LEVEL,
  DEFAULT_LOGS_EXPORT_TIMEOUT_MS,
  DEFAULT_LOGS_MAX_EXPORT_BATCH_SIZE,
  DEFAULT_LOGS_MAX_QUEUE_SIZE,
  DEFAULT_LOGS_SCHEDULE_DELAY_MS,
  DEFAULT_OTLP_PROTOCOL,
  DEFAULT_PROMETHEUS_PORT,
  DEFAULT_SAMPLE_RATE,
  DEFAULT_SENTRY_INTERNAL_URL,
  DEFAULT_SERVICE_NAME,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
} from './defaults.ts';
import {
  DATABASE_INSTRUMENTATION_NAMES,
  type DatabaseStatements,
} from '../tracing/database-instrumentations.ts';
import { dbStatementsKind, instrumentationSelectionKind } from '../tracing/instrumentation-settings.ts';
import type { SecretShape } from './describe-received.ts';
import { MASK } from '../privacy/mask.ts';
import { maskHeaderValues } from '../privacy/mask-secret-values.ts';
import { maskSecretsInText } from '../privacy/mask-secrets-in-text.ts';
import type { ConfigOptions, LogLevel, LogsExporter, MetricsMode, OtlpProtocol } from './types.ts';
import {
  batchSizeKind,
  booleanKind,
  dsnKind,
  environmentKind,
  headersKind,
  httpUrlKind,
  logLevelKind,
  logsExporterKind,
  metricsModeKind,
  pathListKind,
  portKind,
  protocolKind,
  releaseKind,
  resourceAttributesKind,
  sampleRateKind,
  serviceNameKind,
  timeoutKind,
  tokenKind,
  type ValueKind,
} from './value-kinds.ts';

/** A pipeline that is switched off, with strict mode off, when one of its settings is invalid. */
export type PipelineName = 'sentry' | 'sentryTraces' | 'tracing' | 'metrics' | 'logs';

/** One environment variable of a setting, as the configuration reference shows it. */
export interface SettingVariable {
  name: string;
  example: string;
  description: string;
}

/**
 * One setting: every fact about it, in one place. The option list, the variable list,
 * the configuration reference, the masked dump and the pipeline an invalid value
 * switches off are all read from these entries.
 */
export interface SettingDefinition<T = unknown> {
  /** The dotted config path resolution records the value under (`config.sources`). */
  field: string;
  /** Every config path the setting sets, when more than `field` (a base URL sets three). */
  fields?: readonly string[];
  /** The `ConfigOptions` key that overrides the variables in code. */
  option?: keyof ConfigOptions;
  /** Its environment variables, in precedence order. */
  variables: readonly SettingVariable[];
  kind: ValueKind<T>;
  /** How a wrong value is shown; set for every secret setting. */
  secret?: SecretShape;
  /** The pipelines switched off when a value given for it is invalid. */
  pipelines: readonly PipelineName[];
  /** The value used when nothing is given, or when what was given is rejected. */
  fallback: T;
  /** Type and default as the configuration reference words them. */
  type: string;
  default: string;
  /** Overrides the kind's fix with advice specific to this setting. */
  hint?: string;
  /** How the value is printed in the masked dump; as-is when absent. */
  dump?(value: T): unknown;
}

const NONE = '(unset)';
const SENTRY: readonly PipelineName[] = ['sentry'];
const OPEN_TELEMETRY: readonly PipelineName[] = ['tracing', 'metrics'];
// Settings every OTLP signal shares: a wrong one also stops the OTLP log export.
const EVERY_OTLP_SIGNAL: readonly PipelineName[] = ['tracing', 'metrics', 'logs'];
const LOGS: readonly PipelineName[] = ['logs'];
const NO_PIPELINE: readonly PipelineName[] = [];

const maskUrl = (value: string | undefined): string | undefined =>
  value === undefined ? undefined : maskSecretsInText(value);

/** Keeps each entry's value type, so resolution returns a typed value. */
function setting<T>(definition: SettingDefinition<T>): SettingDefinition<T> {
  return Object.freeze(definition);
}

const ENDPOINT_HINT =
  'Point it at an OTLP/HTTP receiver, for example http://otel-collector:4318 (a collector or Tempo).';

/**
 * Every tracewire setting, in the order the config and the configuration reference
 * list them. Adding a setting is one entry here plus the code that uses it: its field in
 * `TracewireConfig` (and `ConfigOptions` if it has an option), and one
 * `resolution.resolve(SETTING.name)` in `loadConfig()`. The docs row, the option and
 * variable lists, the masked dump and the pipeline mapping follow from the entry; the
 * docs test then fails until docs/configuration.md has the row.
 *
 * @example
 * import { SETTING } from './settings.ts';
 * SETTING.sampleRate.variables[0].name; // 'SENTRY_TRACE_SAMPLE_RATE'
 */
export const SETTING = Object.freeze({
  serviceName: setting<string>({
    field: 'serviceName',
    option: 'serviceName',
    variables: [
      {
        name: 'OTEL_SERVICE_NAME',
        example: 'checkout-api',
        description:
          'The service.name of every span, metric and log line. When unset, service.name from OTEL_RESOURCE_ATTRIBUTES, then the name in package.json.',
      },
    ],
    kind: serviceNameKind,
    pipelines: EVERY_OTLP_SIGNAL,
    fallback: DEFAULT_SERVICE_NAME,
    type: 'string',
    default: `package.json name, else ${DEFAULT_SERVICE_NAME}`,
  }),
  environment: setting<string>({
    field: 'environment',
    option: 'environment',
    variables: [
      {
        name: 'SENTRY_ENVIRONMENT',
        example: 'staging',
        description:
          'Environment of events and telemetry. At most 64 characters, no slash, space or line break, not None (Sentry rules). When unset, detected from the platform, else production.',
      },
    ],
    kind: environmentKind,
    pipelines: SENTRY,
    fallback: DEFAULT_ENVIRONMENT,
    type: 'environment name',
    default: DEFAULT_ENVIRONMENT,
  }),
  release: setting<string | undefined>({
    field: 'release',
    option: 'release',
    variables: [
      {
        name: 'SENTRY_RELEASE',
        example: 'checkout-api@1.4.2',
        description:
          'Release of events, also the service.version. At most 200 characters, no slash, backslash, tab or line break. When unset, SENTRY_VERSION, then detection, then name@version from package.json.',
      },
      {
        name: 'SENTRY_VERSION',
        example: '1.4.2',
        description: 'Used as the release when SENTRY_RELEASE is unset.',
      },
    ],
    kind: releaseKind,
    pipelines: SENTRY,
    fallback: undefined,
    type: 'release name',
    default: '(detected)',
  }),
  dsn: setting<string | undefined>({
    field: 'sentry.dsn',
    option: 'dsn',
    variables: [
      {
        name: 'SENTRY_DSN',
        example: 'https://abc123@o1.ingest.sentry.io/123',
        description:
          'Where Sentry events go. Empty or unset disables Sentry; logs, traces and metrics still work. The public key is masked in every message and dump.',
      },
    ],
    kind: dsnKind,
    secret: 'dsn',
    pipelines: SENTRY,
    fallback: undefined,
    type: 'Sentry DSN',
    default: '(empty: Sentry disabled)',
    dump: maskUrl,
  }),
  authToken: setting<string | undefined>({
    field: 'sentry.authToken',
    variables: [
      {
        name: 'SENTRY_AUTH_TOKEN',
        example: 'sntrys_abc123',
        description:
          'Sentry API token for the Grafana Sentry datasource and the CLI. Never sent with events; masked in every message and dump.',
      },
    ],
    kind: tokenKind,
    secret: 'opaque',
    pipelines: SENTRY,
    fallback: undefined,
    type: 'token',
    default: NONE,
    dump: (value: string | undefined) => (value === undefined ? undefined : MASK),
  }),
  internalUrl: setting<string>({
    field: 'sentry.internalUrl',
    variables: [
      {
        name: 'SENTRY_INTERNAL_URL',
        example: 'https://sentry.example.com',
        description: 'Sentry API base URL, for self-hosted Sentry. Credentials in the URL are masked.',
      },
    ],
    kind: httpUrlKind,
    pipelines: SENTRY,
    fallback: DEFAULT_SENTRY_INTERNAL_URL,
    type: 'URL',
    default: DEFAULT_SENTRY_INTERNAL_URL,
    hint: `Use the Sentry base URL, for example ${DEFAULT_SENTRY_INTERNAL_URL}.`,
    dump: maskUrl,
  }),
  sampleRate: setting<number>({
    field: 'sampleRate',
    option: 'sampleRate',
    variables: [
      {
        name: 'SENTRY_TRACE_SAMPLE_RATE',
        example: '0.1',
        description:
          'Share of new traces recorded; the OpenTelemetry sampler alone decides, and errors reach Sentry either way. Suggested: development 1.0, staging 0.5, production 0.1.',
      },
    ],
    kind: sampleRateKind,
    // A bad rate turns tracing off rather than silently sampling at a default.
    pipelines: ['tracing'],
    fallback: DEFAULT_SAMPLE_RATE,
    type: 'number 0-1',
    default: '1.0',
  }),
  otlpEndpoint: setting<string | undefined>({
    field: 'otlp.endpoint',
    fields: ['otlp.tracesEndpoint', 'otlp.metricsEndpoint', 'otlp.logsEndpoint'],
    option: 'otlpEndpoint',
    variables: [
      {
        name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
        example: 'http://otel-collector:4318',
        description:
          'Base OTLP/HTTP URL; /v1/traces, /v1/metrics and /v1/logs are appended. With no endpoint at all, nothing is exported over OTLP.',
      },
    ],
    kind: httpUrlKind,
    pipelines: EVERY_OTLP_SIGNAL,
    fallback: undefined,
    type: 'URL',
    default: '(unset: no OTLP export)',
    hint: ENDPOINT_HINT,
    dump: maskUrl,
  }),
  otlpTracesEndpoint: setting<string | undefined>({
    field: 'otlp.tracesEndpoint',
    variables: [
      {
        name: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
        example: 'http://tempo:4318/v1/traces',
        description: 'Full URL for spans, used as given. Wins over the base endpoint.',
      },
    ],
    kind: httpUrlKind,
    pipelines: OPEN_TELEMETRY,
    fallback: undefined,
    type: 'URL',
    default: '(base endpoint + /v1/traces)',
    hint: ENDPOINT_HINT,
    dump: maskUrl,
  }),
  otlpMetricsEndpoint: setting<string | undefined>({
    field: 'otlp.metricsEndpoint',
    variables: [
      {
        name: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
        example: 'http://prometheus:9090/api/v1/otlp/v1/metrics',
        description: 'Full URL for metrics, used as given. Wins over the base endpoint.',
      },
    ],
    kind: httpUrlKind,
    pipelines: OPEN_TELEMETRY,
    fallback: undefined,
    type: 'URL',
    default: '(base endpoint + /v1/metrics)',
    hint: ENDPOINT_HINT,
    dump: maskUrl,
  }),
  otlpLogsEndpoint: setting<string | undefined>({
    field: 'otlp.logsEndpoint',
    variables: [
      {
        name: 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT',
        example: 'http://loki:3100/otlp/v1/logs',
        description: 'Full URL for logs, used as given. Wins over the base endpoint.',
      },
    ],
    kind: httpUrlKind,
    pipelines: LOGS,
    fallback: undefined,
    type: 'URL',
    default: '(base endpoint + /v1/logs)',
    hint: ENDPOINT_HINT,
    dump: maskUrl,
  }),
  otlpHeaders: setting<Record<string, string>>({
    field: 'otlp.headers',
    option: 'otlpHeaders',
    variables: [
      {
        name: 'OTEL_EXPORTER_OTLP_HEADERS',
        example: 'authorization=Basic%20dXNlcjpwYXNz',
        description:
          'Headers sent with every OTLP export, comma-separated, values percent-encoded. Values are secrets: only the names are ever printed.',
      },
    ],
    kind: headersKind,
    secret: 'header-list',
    pipelines: EVERY_OTLP_SIGNAL,
    fallback: {},
    type: 'key=value list',
    default: NONE,
    dump: (value: Record<string, string>) => maskHeaderValues(value),
  }),
  otlpProtocol: setting<OtlpProtocol>({
    field: 'otlp.protocol',
    option: 'otlpProtocol',
    variables: [
      {
        name: 'OTEL_EXPORTER_OTLP_PROTOCOL',
        example: 'http/json',
        description: 'OTLP encoding. grpc is not supported: use http/protobuf on port 4318.',
      },
    ],
    kind: protocolKind,
    pipelines: EVERY_OTLP_SIGNAL,
    fallback: DEFAULT_OTLP_PROTOCOL,
    type: 'http/protobuf or http/json',
    default: DEFAULT_OTLP_PROTOCOL,
  }),
  sdkDisabled: setting<boolean>({
    field: 'sdkDisabled',
    option: 'sdkDisabled',
    variables: [
      {
        name: 'OTEL_SDK_DISABLED',
        example: 'true',
        description:
          'true (any case) turns off tracing, metrics and the OTLP log export; log lines on stdout and Sentry errors keep working. Any other value leaves the SDK on, as the OpenTelemetry specification says.',
      },
    ],
    kind: booleanKind,
    pipelines: EVERY_OTLP_SIGNAL,
    fallback: false,
    type: 'boolean (only true)',
    default: 'false',
  }),
  resourceAttributes: setting<Record<string, string>>({
    field: 'resourceAttributes',
    option: 'resourceAttributes',
    variables: [
      {
        name: 'OTEL_RESOURCE_ATTRIBUTES',
        example: 'deployment.environment.name=staging,team=payments',
        description:
          'Extra resource attributes, comma-separated, values percent-encoded. service.version and deployment.environment.name are also used to detect the release and environment.',
      },
    ],
    kind: resourceAttributesKind,
    pipelines: EVERY_OTLP_SIGNAL,
    fallback: {},
    type: 'key=value list',
    default: NONE,
    dump: (value: Record<string, string>) =>
      Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, maskSecretsInText(entry)])),
  }),
  logLevel: setting<LogLevel>({
    field: 'logLevel',
    option: 'logLevel',
    variables: [
      {
        name: 'LOG_LEVEL',
        example: 'debug',
        description: 'Lowest level the pino logger writes. Upper case is accepted.',
      },
    ],
    kind: logLevelKind,
    pipelines: NO_PIPELINE,
    fallback: DEFAULT_LOG_LEVEL,
    type: 'trace, debug, info, warn, error, fatal or silent',
    default: DEFAULT_LOG_LEVEL,
  }),
  ignoredPaths: setting<string[]>({
    field: 'ignoredPaths',
    option: 'ignoredPaths',
    variables: [
      {
        name: 'TRACEWIRE_IGNORED_PATHS',
        example: '/health,/internal/*',
        description:
          'Request paths that produce no span, metric or access log line. Exact match; a trailing * matches a prefix; the query string is ignored. none ignores no path.',
      },
    ],
    kind: pathListKind,
    pipelines: NO_PIPELINE,
    fallback: [...DEFAULT_IGNORED_PATHS],
    type: 'comma-separated paths',
    default: DEFAULT_IGNORED_PATHS.join(','),
    dump: (value: readonly string[]) => [...value],
  }),
  metricsMode: setting<MetricsMode>({
    field: 'metrics.mode',
    option: 'metrics',
    variables: [
      {
        name: 'TRACEWIRE_METRICS',
        example: 'none',
        description:
          'How metrics leave the process: pushed over OTLP, scraped from a Prometheus endpoint, or not at all. otlp needs a metrics endpoint.',
      },
    ],
    kind: metricsModeKind,
    pipelines: ['metrics'],
    fallback: 'prometheus',
    type: 'otlp, prometheus or none',
    default: 'otlp when a metrics OTLP endpoint is set, else prometheus',
  }),
  prometheusPort: setting<number>({
    field: 'metrics.prometheusPort',
    option: 'prometheusPort',
    variables: [
      {
        name: 'TRACEWIRE_PROMETHEUS_PORT',
        example: '9100',
        description:
          'Port of the Prometheus scrape endpoint when metrics are prometheus. 0 picks a free port.',
      },
    ],
    kind: portKind,
    pipelines: ['metrics'],
    fallback: DEFAULT_PROMETHEUS_PORT,
    type: 'integer 0-65535',
    default: String(DEFAULT_PROMETHEUS_PORT),
  }),
  logsExporter: setting<LogsExporter>({
    field: 'logs.exporter',
    option: 'logsExporter',
    variables: [
      {
        name: 'OTEL_LOGS_EXPORTER',
        example: 'none',
        description:
          'Where log records go besides stdout: otlp sends every line the logger writes to the OTLP logs endpoint, from a worker thread; none does not export them.',
      },
    ],
    kind: logsExporterKind,
    pipelines: LOGS,
    fallback: 'none',
    type: 'otlp or none',
    default: 'otlp when a logs OTLP endpoint is set, else none',
  }),
  logStdout: setting<boolean>({
    field: 'logs.stdout',
    option: 'logStdout',
    variables: [
      {
        name: 'TRACEWIRE_LOG_STDOUT',
        example: 'false',
        description:
          'false stops writing log lines to stdout while they are exported over OTLP, for platforms that would store them twice. Ignored when logs are not exported.',
      },
    ],
    kind: booleanKind,
    pipelines: NO_PIPELINE,
    fallback: true,
    type: 'boolean',
    default: 'true',
  }),
  logsMaxQueueSize: setting<number>({
    field: 'logs.maxQueueSize',
    option: 'logsMaxQueueSize',
    variables: [
      {
        name: 'OTEL_BLRP_MAX_QUEUE_SIZE',
        example: '8192',
        description:
          'Log lines waiting for export at most; when full, new lines are dropped and counted (tracewire.telemetry.dropped, signal logs), never blocking the app.',
      },
    ],
    kind: batchSizeKind,
    pipelines: LOGS,
    fallback: DEFAULT_LOGS_MAX_QUEUE_SIZE,
    type: 'integer 1-1000000',
    default: String(DEFAULT_LOGS_MAX_QUEUE_SIZE),
  }),
  logsMaxExportBatchSize: setting<number>({
    field: 'logs.maxExportBatchSize',
    option: 'logsMaxExportBatchSize',
    variables: [
      {
        name: 'OTEL_BLRP_MAX_EXPORT_BATCH_SIZE',
        example: '512',
        description: 'Log records per export request; at most the queue size.',
      },
    ],
    kind: batchSizeKind,
    pipelines: LOGS,
    fallback: DEFAULT_LOGS_MAX_EXPORT_BATCH_SIZE,
    type: 'integer 1-1000000',
    default: String(DEFAULT_LOGS_MAX_EXPORT_BATCH_SIZE),
  }),
  logsScheduleDelayMs: setting<number>({
    field: 'logs.scheduleDelayMs',
    option: 'logsScheduleDelayMs',
    variables: [
      {
        name: 'OTEL_BLRP_SCHEDULE_DELAY',
        example: '1000',
        description: 'Milliseconds between two log exports when the batch is not full.',
      },
    ],
    kind: timeoutKind,
    pipelines: LOGS,
    fallback: DEFAULT_LOGS_SCHEDULE_DELAY_MS,
    type: 'integer milliseconds 0-600000',
    default: String(DEFAULT_LOGS_SCHEDULE_DELAY_MS),
    hint: 'Leave it unset for the OpenTelemetry default, 1000.',
  }),
  logsExportTimeoutMs: setting<number>({
    field: 'logs.exportTimeoutMs',
    option: 'logsExportTimeoutMs',
    variables: [
      {
        name: 'OTEL_BLRP_EXPORT_TIMEOUT',
        example: '30000',
        description:
          'Milliseconds one log export may take, retries included; its records are then counted as dropped.',
      },
    ],
    kind: timeoutKind,
    pipelines: LOGS,
    fallback: DEFAULT_LOGS_EXPORT_TIMEOUT_MS,
    type: 'integer milliseconds 0-600000',
    default: String(DEFAULT_LOGS_EXPORT_TIMEOUT_MS),
    hint: 'Leave it unset for the OpenTelemetry default, 30000.',
  }),
  sentryTraces: setting<boolean>({
    field: 'sentry.traces',
    option: 'sentryTraces',
    variables: [
      {
        name: 'TRACEWIRE_SENTRY_TRACES',
        example: 'false',
        description: "Also send spans to Sentry's OTLP endpoint, so Sentry shows the same traces as Tempo.",
      },
    ],
    kind: booleanKind,
    pipelines: ['sentryTraces'],
    fallback: false,
    type: 'boolean',
    default: 'true when SENTRY_DSN is set, else false',
  }),
  strict: setting<boolean>({
    field: 'strict',
    option: 'strict',
    variables: [
      {
        name: 'TRACEWIRE_STRICT',
        example: 'true',
        description:
          'Make initObservability() throw TW_CONFIG_INVALID with every issue, instead of logging them and starting without the misconfigured pipeline.',
      },
    ],
    kind: booleanKind,
    pipelines: NO_PIPELINE,
    fallback: false,
    type: 'boolean',
    default: 'false',
  }),
  shutdownTimeoutMs: setting<number>({
    field: 'shutdownTimeoutMs',
    option: 'shutdownTimeoutMs',
    variables: [
      {
        name: 'TRACEWIRE_SHUTDOWN_TIMEOUT_MS',
        example: '10000',
        description:
          'How long shutdown waits for exporters and Sentry to flush before giving up. When unset on a platform whose kill window is known, the window minus 500 ms, at most 5000 (see Shutdown budget).',
      },
    ],
    kind: timeoutKind,
    pipelines: NO_PIPELINE,
    fallback: DEFAULT_SHUTDOWN_TIMEOUT_MS,
    type: 'integer milliseconds 0-600000',
    default: `${DEFAULT_SHUTDOWN_TIMEOUT_MS}, or detected from the platform`,
  }),
  grafanaUrl: setting<string | undefined>({
    field: 'grafanaUrl',
    option: 'grafanaUrl',
    variables: [
      {
        name: 'TRACEWIRE_GRAFANA_URL',
        example: 'https://grafana.example.com',
        description: 'Grafana base URL; Sentry events get a link to their trace in Grafana.',
      },
    ],
    kind: httpUrlKind,
    pipelines: NO_PIPELINE,
    fallback: undefined,
    type: 'URL',
    default: NONE,
    hint: 'Use the address Grafana is opened at, for example https://grafana.example.com.',
    dump: maskUrl,
  }),
  // An invalid selection switches nothing off: the default set is used and the issue
  // is reported, like an invalid ignored-paths list.
  instrumentationSet: setting<string[]>({
    field: 'instrumentationSet',
    option: 'instrumentationSet',
    variables: [
      {
        name: 'TRACEWIRE_INSTRUMENTATIONS',
        example: 'default,-mongodb',
        description:
          'Database instrumentations tracewire may load. Each loads only when the app can resolve its library. -name removes one; a misspelt name is an issue with a suggestion.',
      },
    ],
    kind: instrumentationSelectionKind,
    pipelines: NO_PIPELINE,
    fallback: [...DATABASE_INSTRUMENTATION_NAMES],
    type: 'comma-separated names: pg, mysql2, ioredis, redis, mongodb, default, none, -name',
    default: 'default',
  }),
  dbStatements: setting<DatabaseStatements>({
    field: 'dbStatements',
    option: 'dbStatements',
    variables: [
      {
        name: 'TRACEWIRE_DB_STATEMENTS',
        example: 'full',
        description:
          'sanitized records statements with literal values replaced by ? and Redis commands with their key only. full records values, bound parameters and every Redis argument: a privacy risk.',
      },
    ],
    kind: dbStatementsKind,
    pipelines: NO_PIPELINE,
    fallback: 'sanitized',
    type: 'sanitized or full',
    default: 'sanitized',
  }),
});

/**
 * The settings as a list, in documentation order.
 *
 * @example
 * SETTINGS.filter((entry) => entry.secret !== undefined).map((entry) => entry.field); // ['sentry.dsn', ...]
 */
export const SETTINGS: readonly SettingDefinition[] = Object.freeze(
  Object.values(SETTING) as SettingDefinition[],
);

/**
 * The config paths a setting sets.
 *
 * @example
 * settingFields(SETTING.otlpEndpoint); // ['otlp.tracesEndpoint', 'otlp.metricsEndpoint', 'otlp.logsEndpoint']
 */
export function settingFields(entry: SettingDefinition): readonly string[] {
  return entry.fields ?? [entry.field];
}

/**
 * The setting an issue names: `options.<option>` or one of its variables.
 *
 * @example
 * settingNamed('options.sampleRate') === SETTING.sampleRate; // true
 */
export function settingNamed(name: string): SettingDefinition | undefined {
  const option = name.startsWith('options.') ? name.slice('options.'.length) : undefined;
  return SETTINGS.find((entry) =>
    option === undefined
      ? entry.variables.some((variable) => variable.name === name)
      : entry.option === option,
  );
}
