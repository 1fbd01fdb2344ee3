import {
  DEFAULT_ENVIRONMENT,
  DEFAULT_IGNORED_PATHS,
  DEFAULT_LOG_LEVEL,
  DEFAULT_OTLP_PROTOCOL,
  DEFAULT_PROMETHEUS_PORT,
  DEFAULT_SENTRY_INTERNAL_URL,
  DEFAULT_SERVICE_NAME,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
} from './defaults.ts';
import type { ConfigOptions } from './types.ts';

/**
 * One environment variable tracewire reads, described for people and tools: the
 * configuration reference in `docs/configuration.md` is this list, and a test fails when
 * the two disagree.
 *
 * @example
 * const dsn: ConfigVariableDescriptor | undefined = CONFIG_VARIABLES.find((variable) => variable.name === 'SENTRY_DSN');
 */
export interface ConfigVariableDescriptor {
  name: string;
  /** The resolved config fields it sets (dotted paths, as in `config.sources`). */
  fields: readonly string[];
  /** The `ConfigOptions` key that overrides it in code, if any. */
  option: keyof ConfigOptions | undefined;
  type: string;
  default: string;
  example: string;
  /** Whether its value is masked in every message and dump. */
  secret: boolean;
  description: string;
}

const NONE = '(unset)';

/**
 * Every environment variable tracewire reads, in documentation order.
 *
 * @example
 * import { CONFIG_VARIABLES } from '@tracewire/core';
 * const secrets = CONFIG_VARIABLES.filter((variable) => variable.secret).map((variable) => variable.name);
 */
export const CONFIG_VARIABLES: readonly ConfigVariableDescriptor[] = Object.freeze([
  {
    name: 'SENTRY_DSN',
    fields: ['sentry.dsn'],
    option: 'dsn',
    type: 'Sentry DSN',
    default: '(empty: Sentry disabled)',
    example: 'https://abc123@o1.ingest.sentry.io/123',
    secret: true,
    description:
      'Where Sentry events go. Empty or unset disables Sentry; logs, traces and metrics still work. The public key is masked in every message and dump.',
  },
  {
    name: 'SENTRY_ENVIRONMENT',
    fields: ['environment'],
    option: 'environment',
    type: 'environment name',
    default: DEFAULT_ENVIRONMENT,
    example: 'staging',
    secret: false,
    description:
      'Environment of events and telemetry. At most 64 characters, no slash, space or line break, not None (Sentry rules). When unset, detected from the platform, else production.',
  },
  {
    name: 'SENTRY_TRACE_SAMPLE_RATE',
    fields: ['sampleRate'],
    option: 'sampleRate',
    type: 'number 0-1',
    default: '1.0',
    example: '0.1',
    secret: false,
    description:
      'Share of new traces recorded; the OpenTelemetry sampler alone decides, and errors reach Sentry either way. Suggested: development 1.0, staging 0.5, production 0.1.',
  },
  {
    name: 'SENTRY_RELEASE',
    fields: ['release'],
    option: 'release',
    type: 'release name',
    default: '(detected)',
    example: 'checkout-api@1.4.2',
    secret: false,
    description:
      'Release of events, also the service.version. At most 200 characters, no slash, backslash, tab or line break. When unset, SENTRY_VERSION, then detection, then name@version from package.json.',
  },
  {
    name: 'SENTRY_VERSION',
    fields: ['release'],
    option: 'release',
    type: 'release name',
    default: '(detected)',
    example: '1.4.2',
    secret: false,
    description: 'Used as the release when SENTRY_RELEASE is unset.',
  },
  {
    name: 'SENTRY_AUTH_TOKEN',
    fields: ['sentry.authToken'],
    option: undefined,
    type: 'token',
    default: NONE,
    example: 'sntrys_abc123',
    secret: true,
    description:
      'Sentry API token for the Grafana Sentry datasource and the CLI. Never sent with events; masked in every message and dump.',
  },
  {
    name: 'SENTRY_INTERNAL_URL',
    fields: ['sentry.internalUrl'],
    option: undefined,
    type: 'URL',
    default: DEFAULT_SENTRY_INTERNAL_URL,
    example: 'https://sentry.example.com',
    secret: false,
    description: 'Sentry API base URL, for self-hosted Sentry. Credentials in the URL are masked.',
  },
  {
    name: 'OTEL_SERVICE_NAME',
    fields: ['serviceName'],
    option: 'serviceName',
    type: 'string',
    default: `package.json name, else ${DEFAULT_SERVICE_NAME}`,
    example: 'checkout-api',
    secret: false,
    description:
      'The service.name of every span, metric and log line. When unset, service.name from OTEL_RESOURCE_ATTRIBUTES, then the name in package.json.',
  },
  {
    name: 'OTEL_RESOURCE_ATTRIBUTES',
    fields: ['resourceAttributes'],
    option: 'resourceAttributes',
    type: 'key=value list',
    default: NONE,
    example: 'deployment.environment.name=staging,team=payments',
    secret: false,
    description:
      'Extra resource attributes, comma-separated, values percent-encoded. service.version and deployment.environment.name are also used to detect the release and environment.',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    fields: ['otlp.tracesEndpoint', 'otlp.metricsEndpoint', 'otlp.logsEndpoint'],
    option: 'otlpEndpoint',
    type: 'URL',
    default: '(unset: no OTLP export)',
    example: 'http://otel-collector:4318',
    secret: false,
    description:
      'Base OTLP/HTTP URL; /v1/traces, /v1/metrics and /v1/logs are appended. With no endpoint at all, nothing is exported over OTLP.',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    fields: ['otlp.tracesEndpoint'],
    option: undefined,
    type: 'URL',
    default: '(base endpoint + /v1/traces)',
    example: 'http://tempo:4318/v1/traces',
    secret: false,
    description: 'Full URL for spans, used as given. Wins over the base endpoint.',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
    fields: ['otlp.metricsEndpoint'],
    option: undefined,
    type: 'URL',
    default: '(base endpoint + /v1/metrics)',
    example: 'http://prometheus:9090/api/v1/otlp/v1/metrics',
    secret: false,
    description: 'Full URL for metrics, used as given. Wins over the base endpoint.',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT',
    fields: ['otlp.logsEndpoint'],
    option: undefined,
    type: 'URL',
    default: '(base endpoint + /v1/logs)',
    example: 'http://loki:3100/otlp/v1/logs',
    secret: false,
    description: 'Full URL for logs, used as given. Wins over the base endpoint.',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_HEADERS',
    fields: ['otlp.headers'],
    option: 'otlpHeaders',
    type: 'key=value list',
    default: NONE,
    example: 'authorization=Basic%20dXNlcjpwYXNz',
    secret: true,
    description:
      'Headers sent with every OTLP export, comma-separated, values percent-encoded. Values are secrets: only the names are ever printed.',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_PROTOCOL',
    fields: ['otlp.protocol'],
    option: 'otlpProtocol',
    type: 'http/protobuf or http/json',
    default: DEFAULT_OTLP_PROTOCOL,
    example: 'http/json',
    secret: false,
    description: 'OTLP encoding. grpc is not supported: use http/protobuf on port 4318.',
  },
  {
    name: 'OTEL_SDK_DISABLED',
    fields: ['sdkDisabled'],
    option: 'sdkDisabled',
    type: 'boolean (only true)',
    default: 'false',
    example: 'true',
    secret: false,
    description:
      'true (any case) turns off tracing and metrics; logs and Sentry errors keep working. Any other value leaves the SDK on, as the OpenTelemetry specification says.',
  },
  {
    name: 'LOG_LEVEL',
    fields: ['logLevel'],
    option: 'logLevel',
    type: 'trace, debug, info, warn, error, fatal or silent',
    default: DEFAULT_LOG_LEVEL,
    example: 'debug',
    secret: false,
    description: 'Lowest level the pino logger writes. Upper case is accepted.',
  },
  {
    name: 'TRACEWIRE_IGNORED_PATHS',
    fields: ['ignoredPaths'],
    option: 'ignoredPaths',
    type: 'comma-separated paths',
    default: DEFAULT_IGNORED_PATHS.join(','),
    example: '/health,/internal/*',
    secret: false,
    description:
      'Request paths that produce no span, metric or access log line. Exact match; a trailing * matches a prefix; the query string is ignored. none ignores no path.',
  },
  {
    name: 'TRACEWIRE_METRICS',
    fields: ['metrics.mode'],
    option: 'metrics',
    type: 'otlp, prometheus or none',
    default: 'otlp when a metrics OTLP endpoint is set, else prometheus',
    example: 'none',
    secret: false,
    description:
      'How metrics leave the process: pushed over OTLP, scraped from a Prometheus endpoint, or not at all. otlp needs a metrics endpoint.',
  },
  {
    name: 'TRACEWIRE_PROMETHEUS_PORT',
    fields: ['metrics.prometheusPort'],
    option: 'prometheusPort',
    type: 'integer 0-65535',
    default: String(DEFAULT_PROMETHEUS_PORT),
    example: '9100',
    secret: false,
    description: 'Port of the Prometheus scrape endpoint when metrics are prometheus. 0 picks a free port.',
  },
  {
    name: 'TRACEWIRE_SENTRY_TRACES',
    fields: ['sentry.traces'],
    option: 'sentryTraces',
    type: 'boolean',
    default: 'true when SENTRY_DSN is set, else false',
    example: 'false',
    secret: false,
    description: "Also send spans to Sentry's OTLP endpoint, so Sentry shows the same traces as Tempo.",
  },
  {
    name: 'TRACEWIRE_STRICT',
    fields: ['strict'],
    option: 'strict',
    type: 'boolean',
    default: 'false',
    example: 'true',
    secret: false,
    description:
      'Make initObservability() throw TW_CONFIG_INVALID with every issue, instead of logging them and starting without the misconfigured pipeline.',
  },
  {
    name: 'TRACEWIRE_SHUTDOWN_TIMEOUT_MS',
    fields: ['shutdownTimeoutMs'],
    option: 'shutdownTimeoutMs',
    type: 'integer milliseconds 0-600000',
    default: String(DEFAULT_SHUTDOWN_TIMEOUT_MS),
    example: '10000',
    secret: false,
    description: 'How long shutdown waits for exporters and Sentry to flush before giving up.',
  },
  {
    name: 'TRACEWIRE_GRAFANA_URL',
    fields: ['grafanaUrl'],
    option: 'grafanaUrl',
    type: 'URL',
    default: NONE,
    example: 'https://grafana.example.com',
    secret: false,
    description: 'Grafana base URL; Sentry events get a link to their trace in Grafana.',
  },
]);
