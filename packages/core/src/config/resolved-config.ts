import { MASK, maskHeaderValues, maskUrlCredentials } from './mask-secrets.ts';
import type { ConfigSource, TracewireConfig } from './types.ts';

/** The resolved values, before the dump methods are attached. */
export type ResolvedValues = Omit<TracewireConfig, 'sources' | 'toJSON'>;

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Every field path `sources` holds, in the order the config declares them. */
export const CONFIG_FIELD_PATHS: readonly string[] = Object.freeze([
  'serviceName',
  'environment',
  'release',
  'sentry.dsn',
  'sentry.traces',
  'sentry.authToken',
  'sentry.internalUrl',
  'sampleRate',
  'otlp.tracesEndpoint',
  'otlp.metricsEndpoint',
  'otlp.logsEndpoint',
  'otlp.headers',
  'otlp.protocol',
  'sdkDisabled',
  'resourceAttributes',
  'logLevel',
  'ignoredPaths',
  'metrics.mode',
  'metrics.prometheusPort',
  'strict',
  'shutdownTimeoutMs',
  'grafanaUrl',
]);

/**
 * Freezes the resolved values into a `TracewireConfig`. The raw secrets stay readable to
 * the pipelines that need them (`config.sentry.dsn`), but every way of printing the
 * object — `JSON.stringify`, pino, `console.log` / `util.inspect` — goes through the
 * masked dump instead.
 *
 * @example
 * const config = createResolvedConfig(values, sources);
 * JSON.stringify(config); // DSN key, auth token and OTLP header values appear as ***
 */
export function createResolvedConfig(
  values: ResolvedValues,
  sources: Record<string, ConfigSource>,
): TracewireConfig {
  const config = {
    ...values,
    sentry: Object.freeze({ ...values.sentry }),
    otlp: Object.freeze({ ...values.otlp, headers: Object.freeze({ ...values.otlp.headers }) }),
    resourceAttributes: Object.freeze({ ...values.resourceAttributes }),
    ignoredPaths: Object.freeze([...values.ignoredPaths]) as string[],
    metrics: Object.freeze({ ...values.metrics }),
    sources: Object.freeze(inFieldOrder(sources)),
  } as TracewireConfig;
  const dump = (): Record<string, unknown> => maskedDump(config);
  // Not enumerable: spreading or comparing the config should see only its values.
  Object.defineProperty(config, 'toJSON', { value: dump, enumerable: false });
  Object.defineProperty(config, INSPECT, { value: dump, enumerable: false });
  return Object.freeze(config);
}

function inFieldOrder(sources: Record<string, ConfigSource>): Record<string, ConfigSource> {
  const rank = (field: string): number => {
    const index = CONFIG_FIELD_PATHS.indexOf(field);
    return index === -1 ? CONFIG_FIELD_PATHS.length : index;
  };
  return Object.fromEntries(Object.entries(sources).sort(([a], [b]) => rank(a) - rank(b)));
}

function maskedDump(config: TracewireConfig): Record<string, unknown> {
  const url = (value: string | undefined): string | null =>
    value === undefined ? null : maskUrlCredentials(value);
  return {
    serviceName: config.serviceName,
    environment: config.environment,
    release: config.release ?? null,
    sentry: {
      dsn: url(config.sentry.dsn),
      traces: config.sentry.traces,
      authToken: config.sentry.authToken === undefined ? null : MASK,
      internalUrl: url(config.sentry.internalUrl),
    },
    sampleRate: config.sampleRate,
    otlp: {
      tracesEndpoint: url(config.otlp.tracesEndpoint),
      metricsEndpoint: url(config.otlp.metricsEndpoint),
      logsEndpoint: url(config.otlp.logsEndpoint),
      headers: maskHeaderValues(config.otlp.headers),
      protocol: config.otlp.protocol,
    },
    sdkDisabled: config.sdkDisabled,
    resourceAttributes: Object.fromEntries(
      Object.entries(config.resourceAttributes).map(([key, value]) => [key, maskUrlCredentials(value)]),
    ),
    logLevel: config.logLevel,
    ignoredPaths: [...config.ignoredPaths],
    metrics: { ...config.metrics },
    strict: config.strict,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    grafanaUrl: url(config.grafanaUrl),
    sources: { ...config.sources },
  };
}
