import type { ConfigIssue } from '../config/types.ts';
import { formatConfigIssues } from '../config/format-config-issues.ts';
import { maskSecretsInText } from '../privacy/mask-secrets-in-text.ts';

/**
 * What a configuration issue says: the variable at fault, what came in, what should, and the fix.
 *
 * @example
 * const params: ConfigIssueParams = { variable: 'LOG_LEVEL', received: '"loud"', expected: 'one of …', hint: 'Use info.' };
 */
export interface ConfigIssueParams {
  variable: string;
  received: string;
  expected: string;
  hint: string;
}

/**
 * The parameters each code's message is built from. This interface is the one list of
 * codes: `TracewireErrorCode` is its keys, and the catalogue must have exactly one entry
 * per key (the compiler checks both directions).
 *
 * @example
 * const params: TracewireErrorParams['TW_EXPORT_FAILED'] = { signal: 'traces', endpoint: url, reason: 'ECONNREFUSED' };
 */
export interface TracewireErrorParams {
  // Configuration issues: each one stops `loadConfig()` from returning a config.
  TW_CONFIG_INVALID_DSN: ConfigIssueParams;
  TW_CONFIG_INVALID_ENVIRONMENT: ConfigIssueParams;
  TW_CONFIG_INVALID_SAMPLE_RATE: ConfigIssueParams;
  TW_CONFIG_INVALID_RELEASE: ConfigIssueParams;
  TW_CONFIG_INVALID_SERVICE_NAME: ConfigIssueParams;
  TW_CONFIG_INVALID_URL: ConfigIssueParams;
  TW_CONFIG_INVALID_KEY_VALUE_LIST: ConfigIssueParams;
  TW_CONFIG_UNSUPPORTED_PROTOCOL: ConfigIssueParams;
  TW_CONFIG_INVALID_LOG_LEVEL: ConfigIssueParams;
  TW_CONFIG_INVALID_BOOLEAN: ConfigIssueParams;
  TW_CONFIG_INVALID_METRICS_MODE: ConfigIssueParams;
  TW_CONFIG_INVALID_LOGS_EXPORTER: ConfigIssueParams;
  TW_CONFIG_INVALID_BATCH_SIZE: ConfigIssueParams;
  TW_CONFIG_INVALID_PORT: ConfigIssueParams;
  TW_CONFIG_INVALID_TIMEOUT: ConfigIssueParams;
  TW_CONFIG_INVALID_PATHS: ConfigIssueParams;
  TW_CONFIG_INVALID_INSTRUMENTATIONS: ConfigIssueParams;
  TW_CONFIG_INVALID_DB_STATEMENTS: ConfigIssueParams;
  TW_CONFIG_INVALID_TOKEN: ConfigIssueParams;
  TW_CONFIG_MISSING_OTLP_ENDPOINT: ConfigIssueParams;
  TW_CONFIG_LOAD_FAILED: ConfigIssueParams;
  // Configuration warnings: reported, never fatal.
  TW_CONFIG_UNKNOWN_VARIABLE: {
    variable: string;
    suggestion: string | undefined;
    knownNames?: readonly string[];
  };
  TW_CONFIG_IGNORED_VARIABLE: { variable: string; replacement: string; reason: string };
  TW_CONFIG_UNKNOWN_OPTION: { option: string; suggestion: string | undefined };
  TW_CONFIG_PRODUCTION_FULL_SAMPLING: { variable: string; environment: string };
  TW_CONFIG_SENTRY_TRACES_WITHOUT_DSN: { variable: string };
  TW_CONFIG_RELEASE_UNDETECTED: Record<string, never>;
  TW_CONFIG_DETECTED_VALUE_IGNORED: { variable: string; field: string; reason: string };
  TW_CONFIG_SDK_DISABLED_IGNORED: { variable: string; received: string };
  TW_CONFIG_GRPC_PORT: { variable: string; endpoint: string };
  // Runtime: raised or logged by `initObservability()` and the pipelines.
  TW_CONFIG_INVALID: { issues: readonly ConfigIssue[] };
  TW_ALREADY_INITIALIZED: Record<string, never>;
  TW_EXPORT_FAILED: { signal: string; endpoint: string; reason: string };
  TW_SENTRY_DELIVERY_FAILED: { reason: string };
  TW_SHUTDOWN_TIMEOUT: { timeoutMs: number; pending: readonly string[] };
  TW_INCOMING_HEADER_INVALID: { header: string; reason: string };
  TW_LOCAL_VARIABLES_ENABLED: Record<string, never>;
  TW_METRICS_ENDPOINT_FAILED: { port: number; reason: string };
  TW_CALLBACK_FAILED: { callback: string; fallback: string; reason: string };
}

/**
 * Every tracewire error and warning code.
 *
 * @example
 * function isConfigProblem(code: TracewireErrorCode): boolean { return code.startsWith('TW_CONFIG_'); }
 */
export type TracewireErrorCode = keyof TracewireErrorParams;

/**
 * Codes of problems `loadConfig()` reports as issues (`ok: false`).
 *
 * @example
 * const code: ConfigIssueCode = 'TW_CONFIG_INVALID_DSN';
 */
export type ConfigIssueCode = {
  [C in TracewireErrorCode]: TracewireErrorParams[C] extends ConfigIssueParams ? C : never;
}[TracewireErrorCode];

/**
 * Whether a code stops startup (`error`) or is only reported (`warning`).
 *
 * @example
 * const severity: TracewireErrorSeverity = errorCatalogue.TW_EXPORT_FAILED.severity; // 'warning'
 */
export type TracewireErrorSeverity = 'error' | 'warning';

/**
 * One catalogue entry: a title for docs and listings, a severity, and the message builder.
 *
 * @example
 * const entry: TracewireErrorDefinition<{ reason: string }> = errorCatalogue.TW_SENTRY_DELIVERY_FAILED;
 * entry.message({ reason: 'HTTP 429' });
 */
export interface TracewireErrorDefinition<Params> {
  title: string;
  severity: TracewireErrorSeverity;
  message: (params: Params) => string;
}

const configIssueMessage =
  (title: string) =>
  ({ variable, received, expected, hint }: ConfigIssueParams): string =>
    `${title}: ${variable} is ${received}; expected ${expected}. ${hint}`;

const configIssue = (title: string): TracewireErrorDefinition<ConfigIssueParams> => ({
  title,
  severity: 'error',
  message: configIssueMessage(title),
});

/**
 * Every code tracewire reports, with its title, severity and message builder.
 * `docs/errors.md` documents each one; a test keeps the two in sync.
 *
 * @example
 * import { errorCatalogue } from '@tracewire/core';
 * console.log(errorCatalogue.TW_CONFIG_INVALID_DSN.title); // "Invalid Sentry DSN"
 */
export const errorCatalogue: {
  readonly [C in TracewireErrorCode]: TracewireErrorDefinition<TracewireErrorParams[C]>;
} = {
  TW_CONFIG_INVALID_DSN: configIssue('Invalid Sentry DSN'),
  TW_CONFIG_INVALID_ENVIRONMENT: configIssue('Invalid environment name'),
  TW_CONFIG_INVALID_SAMPLE_RATE: configIssue('Invalid trace sample rate'),
  TW_CONFIG_INVALID_RELEASE: configIssue('Invalid release name'),
  TW_CONFIG_INVALID_SERVICE_NAME: configIssue('Invalid service name'),
  TW_CONFIG_INVALID_URL: configIssue('Invalid URL'),
  TW_CONFIG_INVALID_KEY_VALUE_LIST: configIssue('Invalid key=value list'),
  TW_CONFIG_UNSUPPORTED_PROTOCOL: configIssue('Unsupported OTLP protocol'),
  TW_CONFIG_INVALID_LOG_LEVEL: configIssue('Invalid log level'),
  TW_CONFIG_INVALID_BOOLEAN: configIssue('Invalid boolean'),
  TW_CONFIG_INVALID_METRICS_MODE: configIssue('Invalid metrics mode'),
  TW_CONFIG_INVALID_LOGS_EXPORTER: configIssue('Invalid logs exporter'),
  TW_CONFIG_INVALID_BATCH_SIZE: configIssue('Invalid log batch size'),
  TW_CONFIG_INVALID_PORT: configIssue('Invalid port'),
  TW_CONFIG_INVALID_TIMEOUT: configIssue('Invalid timeout'),
  TW_CONFIG_INVALID_PATHS: configIssue('Invalid path list'),
  TW_CONFIG_INVALID_INSTRUMENTATIONS: configIssue('Unknown instrumentation'),
  TW_CONFIG_INVALID_DB_STATEMENTS: configIssue('Invalid database statement mode'),
  TW_CONFIG_INVALID_TOKEN: configIssue('Invalid token'),
  TW_CONFIG_MISSING_OTLP_ENDPOINT: configIssue('OTLP export without an endpoint'),
  TW_CONFIG_LOAD_FAILED: configIssue('Configuration could not be read'),

  TW_CONFIG_UNKNOWN_VARIABLE: {
    title: 'Unknown or misspelt variable',
    severity: 'warning',
    message: ({ variable, suggestion, knownNames }) => {
      if (suggestion) return `${variable} is not a variable tracewire reads. Did you mean ${suggestion}?`;
      const known = knownNames && knownNames.length > 0 ? ` Known: ${knownNames.join(', ')}.` : '';
      return `${variable} is not a variable tracewire reads; it is ignored.${known}`;
    },
  },
  TW_CONFIG_IGNORED_VARIABLE: {
    title: 'Variable ignored by tracewire',
    severity: 'warning',
    message: ({ variable, replacement, reason }) =>
      `${variable} is ignored by tracewire: ${reason} Use ${replacement} instead.`,
  },
  TW_CONFIG_UNKNOWN_OPTION: {
    title: 'Unknown option',
    severity: 'warning',
    message: ({ option, suggestion }) =>
      suggestion
        ? `options.${option} is not a tracewire option. Did you mean options.${suggestion}?`
        : `options.${option} is not a tracewire option; it is ignored.`,
  },
  TW_CONFIG_PRODUCTION_FULL_SAMPLING: {
    title: 'Production records every trace',
    severity: 'warning',
    message: ({ variable, environment }) =>
      `${variable} is 1.0 in "${environment}": every request is traced. ` +
      'Suggested rates: development 1.0, staging 0.5, production 0.1.',
  },
  TW_CONFIG_SENTRY_TRACES_WITHOUT_DSN: {
    title: 'Sentry traces requested without a DSN',
    severity: 'warning',
    message: ({ variable }) =>
      `${variable} is true but SENTRY_DSN is empty, so no span goes to Sentry. Set SENTRY_DSN or remove ${variable}.`,
  },
  TW_CONFIG_RELEASE_UNDETECTED: {
    title: 'No release found',
    severity: 'warning',
    message: () =>
      'No release found: SENTRY_RELEASE and SENTRY_VERSION are unset, no platform commit variable is set, ' +
      'and package.json has no name and version. Events will not be tied to a release; set SENTRY_RELEASE.',
  },
  TW_CONFIG_DETECTED_VALUE_IGNORED: {
    title: 'Detected value ignored',
    severity: 'warning',
    message: ({ variable, field, reason }) =>
      `${variable} was not used as the ${field}: ${reason} Set the ${field} explicitly to silence this.`,
  },
  TW_CONFIG_SDK_DISABLED_IGNORED: {
    title: 'OTEL_SDK_DISABLED value not recognised',
    severity: 'warning',
    message: ({ variable, received }) =>
      `${variable} is ${received}: only "true" (any case) disables the SDK, as the OpenTelemetry ` +
      'specification requires, so tracing and metrics stay enabled. Use "true" or "false".',
  },
  TW_CONFIG_GRPC_PORT: {
    title: 'OTLP endpoint on the gRPC port',
    severity: 'warning',
    message: ({ variable, endpoint }) =>
      `${variable} is ${endpoint}: port 4317 is OTLP/gRPC, but tracewire sends OTLP over HTTP, ` +
      'which collectors and Tempo receive on port 4318.',
  },

  TW_CONFIG_INVALID: {
    title: 'Invalid configuration (strict mode)',
    severity: 'error',
    message: ({ issues }) => formatConfigIssues(issues),
  },
  TW_ALREADY_INITIALIZED: {
    title: 'Already initialised',
    severity: 'warning',
    message: () =>
      'initObservability() was called again; the handle from the first call is returned and the new options are ignored.',
  },
  TW_EXPORT_FAILED: {
    title: 'Export failed',
    severity: 'warning',
    message: ({ signal, endpoint, reason }) =>
      `Exporting ${signal} to ${maskSecretsInText(endpoint)} failed: ${reason}. ` +
      'The data is dropped; the application keeps running.',
  },
  TW_SENTRY_DELIVERY_FAILED: {
    title: 'Sentry delivery failed',
    severity: 'warning',
    message: ({ reason }) => `Sentry did not accept an envelope: ${reason}. The event is dropped.`,
  },
  TW_SHUTDOWN_TIMEOUT: {
    title: 'Shutdown timed out',
    severity: 'warning',
    message: ({ timeoutMs, pending }) =>
      `Shutdown did not finish within ${timeoutMs} ms` +
      (pending.length > 0 ? ` (still flushing: ${pending.join(', ')})` : '') +
      '; buffered telemetry may be lost.',
  },
  TW_INCOMING_HEADER_INVALID: {
    title: 'Invalid incoming trace header',
    severity: 'warning',
    message: ({ header, reason }) =>
      `Ignored the incoming ${header} header: ${reason}. The request starts a new trace.`,
  },
  TW_METRICS_ENDPOINT_FAILED: {
    title: 'Prometheus endpoint could not start',
    severity: 'warning',
    message: ({ port, reason }) =>
      `The Prometheus scrape endpoint could not listen on port ${port}: ${reason}. Metrics are not served; ` +
      'set TRACEWIRE_PROMETHEUS_PORT to a free port, or TRACEWIRE_METRICS to otlp or none.',
  },
  TW_CALLBACK_FAILED: {
    title: 'An option callback threw',
    severity: 'warning',
    // The reason comes last: the rate limit keys on the start of the message, and a
    // callback that throws a different message per request is still one problem.
    message: ({ callback, fallback, reason }) =>
      `The ${callback} callback threw and was skipped: the request's response and the app's own ` +
      `error handling went on unchanged, and tracewire's default decided (${fallback}). ` +
      `Fix the callback. It threw ${reason}`,
  },
  TW_LOCAL_VARIABLES_ENABLED: {
    title: 'Local variables capture enabled',
    severity: 'warning',
    message: () =>
      'Sentry includeLocalVariables is on: the inspector is opened and local variable values are sent with ' +
      'error events. Make sure they hold no personal data or secrets.',
  },
};

/**
 * Every code, in catalogue order.
 *
 * @example
 * import { TRACEWIRE_ERROR_CODES } from '@tracewire/core';
 * TRACEWIRE_ERROR_CODES.includes('TW_CONFIG_INVALID_DSN'); // true
 */
export const TRACEWIRE_ERROR_CODES = Object.freeze(
  Object.keys(errorCatalogue),
) as readonly TracewireErrorCode[];

/**
 * Builds the message for a code from its parameters.
 *
 * @example
 * formatTracewireMessage('TW_SHUTDOWN_TIMEOUT', { timeoutMs: 5000, pending: ['traces'] });
 */
export function formatTracewireMessage<C extends TracewireErrorCode>(
  code: C,
  params: TracewireErrorParams[C],
): string {
  const definition = errorCatalogue[code] as TracewireErrorDefinition<TracewireErrorParams[C]>;
  return definition.message(params);
}
