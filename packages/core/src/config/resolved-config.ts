import { type SettingDefinition, SETTINGS, settingFields } from './settings.ts';
import type { ConfigSource, TracewireConfig } from './types.ts';

/** The resolved values, before the dump methods are attached. */
export type ResolvedValues = Omit<TracewireConfig, 'sources' | 'toJSON'>;

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Every field path `sources` holds, in the order the settings table declares them. */
export const CONFIG_FIELD_PATHS: readonly string[] = Object.freeze([
  ...new Set(SETTINGS.flatMap((entry) => settingFields(entry))),
]);

// The first setting that declares a field decides how the dump prints it.
const DUMP_SETTING: ReadonlyMap<string, SettingDefinition> = new Map(
  [...SETTINGS].reverse().flatMap((entry) => settingFields(entry).map((field) => [field, entry] as const)),
);

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
    instrumentationSet: Object.freeze([...values.instrumentationSet]) as string[],
    metrics: Object.freeze({ ...values.metrics }),
    logs: Object.freeze({ ...values.logs }),
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

/**
 * The printable form of a config: every field of the settings table, printed through
 * its setting's `dump` (which masks secrets), unset values as null.
 */
function maskedDump(config: TracewireConfig): Record<string, unknown> {
  const dump: Record<string, unknown> = {};
  for (const field of CONFIG_FIELD_PATHS) {
    const value = readPath(config, field);
    const entry = DUMP_SETTING.get(field);
    const printed = value === undefined || !entry?.dump ? value : entry.dump(value);
    writePath(dump, field, printed === undefined ? null : printed);
  }
  dump.sources = { ...config.sources };
  return dump;
}

function readPath(config: TracewireConfig, field: string): unknown {
  let value: unknown = config;
  for (const key of field.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

function writePath(target: Record<string, unknown>, field: string, value: unknown): void {
  const keys = field.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
}
