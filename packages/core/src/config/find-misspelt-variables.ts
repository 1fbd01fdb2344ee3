import { createConfigWarning } from './config-problems.ts';
import { closestMatch } from './edit-distance.ts';
import type { ConfigWarning } from './types.ts';

const TRACEWIRE_PREFIX = 'TRACEWIRE_';

/**
 * Variables that look like settings tracewire honours but are not: each warning names
 * the variable that does the job.
 */
export const IGNORED_VARIABLES: Readonly<Record<string, { replacement: string; reason: string }>> =
  Object.freeze({
    SENTRY_TRACES_SAMPLE_RATE: {
      replacement: 'SENTRY_TRACE_SAMPLE_RATE',
      reason:
        'tracewire reads SENTRY_TRACE_SAMPLE_RATE (no S after TRACE), and Sentry must not sample on its own, or every operation is traced twice.',
    },
    OTEL_TRACES_SAMPLER: {
      replacement: 'SENTRY_TRACE_SAMPLE_RATE',
      reason: 'tracewire installs its own ParentBased(TraceIdRatioBased) sampler.',
    },
    OTEL_TRACES_SAMPLER_ARG: {
      replacement: 'SENTRY_TRACE_SAMPLE_RATE',
      reason:
        'tracewire installs its own ParentBased(TraceIdRatioBased) sampler, whose ratio is SENTRY_TRACE_SAMPLE_RATE.',
    },
    OTEL_EXPORTER_PROMETHEUS_PORT: {
      replacement: 'TRACEWIRE_PROMETHEUS_PORT',
      reason: 'tracewire passes the Prometheus port to the exporter itself.',
    },
  });

/**
 * Sentry SDK and sentry-cli variables that are close to tracewire's names but mean
 * something else: they are never reported as typos.
 */
export const KNOWN_SENTRY_VARIABLES: readonly string[] = Object.freeze([
  'SENTRY_ALLOW_FAILURE',
  'SENTRY_BAGGAGE',
  'SENTRY_DEBUG',
  'SENTRY_DISABLE_UPDATE_CHECK',
  'SENTRY_DIST',
  'SENTRY_HTTP_MAX_RETRIES',
  'SENTRY_LOAD_DOTENV',
  'SENTRY_LOG_LEVEL',
  'SENTRY_NAME',
  'SENTRY_NO_PROGRESS_BAR',
  'SENTRY_ORG',
  'SENTRY_PROJECT',
  'SENTRY_PROPERTIES',
  'SENTRY_SPOTLIGHT',
  'SENTRY_TRACE',
  'SENTRY_TRACE_LIFECYCLE',
  'SENTRY_URL',
  'SENTRY_USE_ENVIRONMENT',
]);

/** OpenTelemetry specification variables near tracewire's OTEL_ names: never reported as typos. */
export const KNOWN_OTEL_VARIABLES: readonly string[] = Object.freeze([
  'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  'OTEL_EXPORTER_OTLP_METRICS_HEADERS',
  'OTEL_EXPORTER_OTLP_LOGS_HEADERS',
  'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
  'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL',
  'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL',
  'OTEL_EXPORTER_OTLP_TIMEOUT',
  'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT',
  'OTEL_EXPORTER_OTLP_METRICS_TIMEOUT',
  'OTEL_EXPORTER_OTLP_LOGS_TIMEOUT',
  'OTEL_EXPORTER_OTLP_COMPRESSION',
  'OTEL_EXPORTER_OTLP_CERTIFICATE',
  'OTEL_EXPORTER_OTLP_CLIENT_KEY',
  'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE',
  'OTEL_EXPORTER_OTLP_INSECURE',
  'OTEL_BSP_MAX_QUEUE_SIZE',
  'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
  'OTEL_BSP_SCHEDULE_DELAY',
  'OTEL_BSP_EXPORT_TIMEOUT',
  'OTEL_LOG_LEVEL',
  'OTEL_PROPAGATORS',
  'OTEL_TRACES_EXPORTER',
  'OTEL_METRICS_EXPORTER',
  'OTEL_NODE_RESOURCE_DETECTORS',
  'OTEL_SEMCONV_STABILITY_OPT_IN',
]);

// Misspellings no edit distance catches, because the name is shortened rather than mistyped.
const SHORTHANDS: Readonly<Record<string, string>> = Object.freeze({
  SENTRY_ENV: 'SENTRY_ENVIRONMENT',
  SENTRY_SAMPLE_RATE: 'SENTRY_TRACE_SAMPLE_RATE',
  SENTRY_TRACE_RATE: 'SENTRY_TRACE_SAMPLE_RATE',
  OTEL_SERVICE: 'OTEL_SERVICE_NAME',
  OTEL_ENDPOINT: 'OTEL_EXPORTER_OTLP_ENDPOINT',
  OTEL_EXPORTER_ENDPOINT: 'OTEL_EXPORTER_OTLP_ENDPOINT',
  OTEL_OTLP_ENDPOINT: 'OTEL_EXPORTER_OTLP_ENDPOINT',
});

/** How far a name may be from a known one to count as its misspelling. */
const NEAR_MISS_DISTANCE = 2;
/** Any TRACEWIRE_ name is reported; a suggestion is offered when one is this close. */
const TRACEWIRE_SUGGESTION_DISTANCE = 4;

/**
 * Finds variables that were probably meant for tracewire but will be ignored: unknown
 * `TRACEWIRE_*` names, near misses of tracewire's `SENTRY_*` and `OTEL_*` names (and
 * wrong letter case), and real variables tracewire deliberately does not read. Values
 * are never looked at, so no warning can carry a secret.
 *
 * @example
 * findMisspeltVariables(['SENTRY_DNS'], ['SENTRY_DSN']);
 * // [{ code: 'TW_CONFIG_UNKNOWN_VARIABLE', variable: 'SENTRY_DNS', message: '... Did you mean SENTRY_DSN?' }]
 */
export function findMisspeltVariables(
  names: readonly string[],
  knownNames: readonly string[],
): ConfigWarning[] {
  const known = new Set(knownNames);
  const legitimate = new Set([...KNOWN_SENTRY_VARIABLES, ...KNOWN_OTEL_VARIABLES]);
  const tracewireNames = knownNames.filter((name) => name.startsWith(TRACEWIRE_PREFIX));
  const nearMissTargets = knownNames.filter((name) => name.startsWith('SENTRY_') || name.startsWith('OTEL_'));
  const warnings: ConfigWarning[] = [];

  for (const name of names) {
    if (known.has(name) || legitimate.has(name)) continue;
    const ignored = IGNORED_VARIABLES[name];
    if (ignored) {
      warnings.push(createConfigWarning('TW_CONFIG_IGNORED_VARIABLE', name, { variable: name, ...ignored }));
      continue;
    }
    const upper = name.toUpperCase();
    // Variable names are case-sensitive on Linux, so `sentry_dsn` is silently a different variable.
    if (known.has(upper)) {
      warnings.push(unknownVariable(name, upper));
      continue;
    }
    if (upper.startsWith(TRACEWIRE_PREFIX)) {
      const suggestion = closestMatch(upper, tracewireNames, TRACEWIRE_SUGGESTION_DISTANCE);
      warnings.push(
        createConfigWarning('TW_CONFIG_UNKNOWN_VARIABLE', name, {
          variable: name,
          suggestion,
          knownNames: suggestion ? undefined : tracewireNames,
        }),
      );
      continue;
    }
    if (!upper.startsWith('SENTRY_') && !upper.startsWith('OTEL_')) continue;
    if (legitimate.has(upper)) continue;
    const suggestion = SHORTHANDS[upper] ?? closestMatch(upper, nearMissTargets, NEAR_MISS_DISTANCE);
    if (suggestion) warnings.push(unknownVariable(name, suggestion));
  }
  return warnings;
}

function unknownVariable(name: string, suggestion: string): ConfigWarning {
  return createConfigWarning('TW_CONFIG_UNKNOWN_VARIABLE', name, { variable: name, suggestion });
}
