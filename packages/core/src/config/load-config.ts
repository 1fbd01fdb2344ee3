import { createConfigIssue, createConfigWarning } from './config-problems.ts';
import { ConfigResolution, type Lookup } from './config-resolution.ts';
import { closestMatch } from './edit-distance.ts';
import { detectEnvironment, ENVIRONMENT_DETECTION_VARIABLES } from './environment-detection.ts';
import { findMisspeltVariables } from './find-misspelt-variables.ts';
import { maskSecretsInText } from '../privacy/mask-secrets-in-text.ts';
import { OTLP_BASE_ENDPOINT_VARIABLE } from './otlp-endpoints.ts';
import type { DetectionOutcome } from './platform-detection.ts';
import { readAppPackage } from './read-app-package.ts';
import { type EnvSource, readEnvValue } from './read-env.ts';
import { detectRelease, RELEASE_DETECTION_VARIABLES } from './release-detection.ts';
import { resolveOtlpSettings } from './resolve-otlp-settings.ts';
import { type PipelineName, SETTING, SETTINGS, settingNamed } from './settings.ts';
import { detectShutdownBudget, SHUTDOWN_WINDOW_VARIABLES } from './shutdown-window-detection.ts';
import { createResolvedConfig } from './resolved-config.ts';
import type {
  ConfigIssue,
  ConfigOptions,
  ConfigWarning,
  LoadConfigInput,
  LoadConfigResult,
  TracewireConfig,
} from './types.ts';
import { CONFIG_VARIABLES } from './variables.ts';

/**
 * Every key `ConfigOptions` accepts. Callers that take more options than configuration
 * (a logger, a tracer provider) pass only these to `loadConfig()`.
 *
 * @example
 * import { CONFIG_OPTION_NAMES } from '@tracewire/core';
 * const configOptions = Object.fromEntries(Object.entries(all).filter(([key]) => CONFIG_OPTION_NAMES.includes(key)));
 */
export const CONFIG_OPTION_NAMES: readonly (keyof ConfigOptions)[] = Object.freeze(
  SETTINGS.flatMap((entry) => (entry.option === undefined ? [] : [entry.option])),
);

// Option names people bring from the Sentry and OpenTelemetry SDKs.
const OPTION_SHORTHANDS: Readonly<Record<string, keyof ConfigOptions>> = Object.freeze({
  tracesSampleRate: 'sampleRate',
  env: 'environment',
  version: 'release',
  serviceVersion: 'release',
  endpoint: 'otlpEndpoint',
  headers: 'otlpHeaders',
  level: 'logLevel',
});

const KNOWN_VARIABLE_NAMES: readonly string[] = Object.freeze([
  ...new Set([
    ...CONFIG_VARIABLES.map((variable) => variable.name),
    ...RELEASE_DETECTION_VARIABLES.map((variable) => variable.variable),
    ...ENVIRONMENT_DETECTION_VARIABLES.map((variable) => variable.variable),
    ...SHUTDOWN_WINDOW_VARIABLES.map((variable) => variable.variable),
  ]),
]);

/**
 * Reads tracewire's configuration from code options, environment variables, platform
 * detection and defaults, in that order of precedence. It never throws: it returns the
 * resolved config, or every problem at once, each naming the variable, the expected form
 * and the fix, with secrets masked.
 *
 * @example
 * import { formatConfigIssues, loadConfig } from '@tracewire/core';
 * const result = loadConfig({ options: { serviceName: 'checkout-api' } });
 * if (!result.ok) {
 *   console.error(formatConfigIssues(result.issues));
 *   process.exit(1);
 * }
 * console.log(result.config.sources.sampleRate); // 'env:SENTRY_TRACE_SAMPLE_RATE'
 */
export function loadConfig(input: LoadConfigInput = {}): LoadConfigResult {
  const { config, issues, warnings } = resolveConfiguration(input);
  return issues.length > 0 ? { ok: false, issues, warnings } : { ok: true, config, warnings };
}

/**
 * What one pass over the configuration produces: the config with every rejected value
 * at its default, every issue, the warnings, and the pipelines the issues switch off.
 *
 * @example
 * const { config, issues, disabled } = resolveConfiguration({ env: { SENTRY_DSN: 'nope' } });
 * disabled.has('sentry'); // true: config.sentry.dsn is undefined and issues names SENTRY_DSN
 */
export interface ConfigResolutionResult {
  config: TracewireConfig;
  issues: ConfigIssue[];
  warnings: ConfigWarning[];
  disabled: Set<PipelineName>;
}

/**
 * Resolves the configuration in one pass. A rejected value falls back to its default, is
 * reported with its code and fix, and switches off the pipelines its setting names in
 * the settings table. Never throws.
 *
 * @example
 * const { config, issues, disabled } = resolveConfiguration({ env: process.env });
 */
export function resolveConfiguration(input: LoadConfigInput = {}): ConfigResolutionResult {
  try {
    return withDisabledPipelines(resolveConfig(input ?? {}));
  } catch (error) {
    // A bug or an exotic input (an env object whose getters throw) must still not crash
    // startup: report it, and run on defaults alone.
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
    const defaults = resolveConfig({ env: {}, options: {}, cwd: input?.cwd });
    return withDisabledPipelines({
      config: defaults.config,
      issues: [
        createConfigIssue('TW_CONFIG_LOAD_FAILED', {
          variable: '(configuration)',
          received: JSON.stringify(maskSecretsInText(detail).slice(0, 200)),
          expected: 'an environment map of strings and a plain options object',
          hint: 'If the input looks right, this is a tracewire bug: please report it with this message.',
        }),
      ],
      warnings: [],
    });
  }
}

function withDisabledPipelines(resolved: Omit<ConfigResolutionResult, 'disabled'>): ConfigResolutionResult {
  const disabled = new Set<PipelineName>();
  for (const issue of resolved.issues) {
    for (const pipeline of settingNamed(issue.variable)?.pipelines ?? []) disabled.add(pipeline);
  }
  return { ...resolved, disabled };
}

function resolveConfig(input: LoadConfigInput): Omit<ConfigResolutionResult, 'disabled'> {
  const env: EnvSource = input.env ?? process.env;
  const cwd = input.cwd ?? process.cwd();
  const options = readOptions(input.options);

  const resolution = new ConfigResolution(env, options.ok ? options.value : {});
  if (!options.ok) resolution.issues.push(options.issue);
  warnAboutUnknownOptions(resolution);
  const appPackage = readAppPackage(cwd);

  // Resource attributes come first: detection reads service.name, service.version and
  // deployment.environment.name from them.
  const { merged: resourceAttributes, fromEnv: envResourceAttributes } =
    resolveResourceAttributes(resolution);

  const serviceName = resolution.resolve({
    ...SETTING.serviceName,
    detect: (): Lookup<string> => {
      const fromAttributes = envResourceAttributes['service.name']?.trim();
      if (fromAttributes)
        return { found: true, value: fromAttributes, source: 'env:OTEL_RESOURCE_ATTRIBUTES' };
      if (appPackage.name) return { found: true, value: appPackage.name, source: 'detected:package.json' };
      return { found: false };
    },
  });

  const environment = resolution.resolve({
    ...SETTING.environment,
    detect: () => adoptDetection(resolution, detectEnvironment(env, envResourceAttributes)),
  });

  const release = resolution.resolve<string | undefined>({
    ...SETTING.release,
    detect: () => adoptDetection(resolution, detectRelease(env, envResourceAttributes, appPackage)),
  });
  if (release === undefined && !resolution.wasRejected('release')) {
    resolution.warnings.push(createConfigWarning('TW_CONFIG_RELEASE_UNDETECTED', 'SENTRY_RELEASE', {}));
  }

  const dsn = resolveDsn(resolution);
  const sampleRate = resolution.resolve(SETTING.sampleRate);
  const sentryTraces = resolveSentryTraces(resolution, dsn);
  const authToken = resolution.resolve(SETTING.authToken);
  const internalUrl = resolution.resolve(SETTING.internalUrl);

  const otlp = resolveOtlpSettings(resolution);
  const sdkDisabled = resolveSdkDisabled(resolution);
  const metrics = resolveMetrics(resolution, otlp.metricsEndpoint);
  const logs = resolveLogs(resolution, otlp.logsEndpoint);

  const values = {
    serviceName,
    environment,
    release,
    sentry: { dsn, traces: sentryTraces, authToken, internalUrl },
    sampleRate,
    otlp,
    sdkDisabled,
    resourceAttributes,
    logLevel: resolution.resolve(SETTING.logLevel),
    ignoredPaths: resolution.resolve(SETTING.ignoredPaths),
    metrics,
    logs,
    strict: resolution.resolve(SETTING.strict),
    shutdownTimeoutMs: resolution.resolve({
      ...SETTING.shutdownTimeoutMs,
      detect: () => adoptBudget(resolution, detectShutdownBudget(env)),
    }),
    grafanaUrl: resolution.resolve(SETTING.grafanaUrl),
    instrumentationSet: resolution.resolve(SETTING.instrumentationSet),
    dbStatements: resolution.resolve(SETTING.dbStatements),
  } satisfies Omit<TracewireConfig, 'sources' | 'toJSON'>;

  warnAboutFullSamplingInProduction(resolution, values.environment, values.sampleRate);
  resolution.warnings.push(...findMisspeltVariables(Object.keys(env), KNOWN_VARIABLE_NAMES));

  return {
    config: createResolvedConfig(values, resolution.sources),
    issues: resolution.issues,
    warnings: resolution.warnings,
  };
}

type OptionsRead =
  | { ok: true; value: Readonly<Record<string, unknown>> }
  | { ok: false; issue: ReturnType<typeof createConfigIssue> };

function readOptions(options: unknown): OptionsRead {
  if (options === undefined || options === null) return { ok: true, value: {} };
  if (typeof options === 'object' && !Array.isArray(options)) {
    return { ok: true, value: options as Readonly<Record<string, unknown>> };
  }
  return {
    ok: false,
    issue: createConfigIssue('TW_CONFIG_LOAD_FAILED', {
      variable: 'options',
      received: Array.isArray(options) ? 'an array' : `a ${typeof options}`,
      expected: 'an object of tracewire options',
      hint: 'Pass options as an object, for example { serviceName: "checkout-api" }.',
    }),
  };
}

function warnAboutUnknownOptions(resolution: ConfigResolution): void {
  for (const option of Object.keys(resolution.options)) {
    if ((CONFIG_OPTION_NAMES as readonly string[]).includes(option)) continue;
    const suggestion = OPTION_SHORTHANDS[option] ?? closestMatch(option, CONFIG_OPTION_NAMES, 3);
    resolution.warnings.push(
      createConfigWarning('TW_CONFIG_UNKNOWN_OPTION', `options.${option}`, { option, suggestion }),
    );
  }
}

/** Keeps detection warnings and turns a detection into a lookup. */
function adoptDetection(resolution: ConfigResolution, outcome: DetectionOutcome): Lookup<string> {
  resolution.warnings.push(...outcome.warnings);
  return outcome.detected ? { found: true, ...outcome.detected } : { found: false };
}

/** Keeps warnings about the platform's kill window and turns the budget into a lookup. */
function adoptBudget(
  resolution: ConfigResolution,
  outcome: ReturnType<typeof detectShutdownBudget>,
): Lookup<number> {
  resolution.warnings.push(...outcome.warnings);
  return outcome.detected ? { found: true, ...outcome.detected } : { found: false };
}

/**
 * Code attributes are merged over `OTEL_RESOURCE_ATTRIBUTES`, key by key. The variable's
 * own attributes are returned too: detection reads them, and labels what it finds with
 * the variable's name, which would be wrong for attributes given in code.
 */
function resolveResourceAttributes(resolution: ConfigResolution): {
  merged: Record<string, string>;
  fromEnv: Record<string, string>;
} {
  const setting = SETTING.resourceAttributes;
  const raw = readEnvValue(resolution.env, 'OTEL_RESOURCE_ATTRIBUTES');
  const envLookup =
    raw === undefined ? undefined : resolution.fromEnv(setting, 'OTEL_RESOURCE_ATTRIBUTES', raw);
  const codeLookup =
    resolution.options.resourceAttributes === undefined
      ? undefined
      : resolution.fromOption(setting, 'resourceAttributes');
  const fromEnv = envLookup?.found ? envLookup.value : {};
  const merged = { ...fromEnv, ...(codeLookup?.found ? codeLookup.value : {}) };
  const source = codeLookup?.found ? 'code' : envLookup?.found ? envLookup.source : 'default';
  resolution.record('resourceAttributes', merged, source);
  return { merged, fromEnv };
}

/** An empty DSN in code is an explicit "no Sentry", and wins over `SENTRY_DSN`. */
function resolveDsn(resolution: ConfigResolution): string | undefined {
  const dsn = resolution.resolve(SETTING.dsn);
  return dsn === '' ? undefined : dsn;
}

function resolveSentryTraces(resolution: ConfigResolution, dsn: string | undefined): boolean {
  const given = resolution.lookup(SETTING.sentryTraces);
  if (!given.found) return resolution.record('sentry.traces', dsn !== undefined, 'default');
  if (given.value && dsn === undefined && !resolution.wasRejected('sentry.dsn')) {
    const variable = given.source === 'code' ? 'options.sentryTraces' : 'TRACEWIRE_SENTRY_TRACES';
    resolution.warnings.push(
      createConfigWarning('TW_CONFIG_SENTRY_TRACES_WITHOUT_DSN', variable, { variable }),
    );
  }
  return resolution.record('sentry.traces', given.value, given.source);
}

/**
 * `OTEL_SDK_DISABLED` follows the OpenTelemetry specification, not tracewire's boolean
 * spellings: only "true" disables, anything else is false, with a warning.
 */
function resolveSdkDisabled(resolution: ConfigResolution): boolean {
  if (resolution.options.sdkDisabled !== undefined) {
    const fromCode = resolution.fromOption(SETTING.sdkDisabled, 'sdkDisabled');
    return fromCode.found ? resolution.record('sdkDisabled', fromCode.value, 'code') : false;
  }
  const variable = SETTING.sdkDisabled.variables[0]?.name ?? 'OTEL_SDK_DISABLED';
  const raw = readEnvValue(resolution.env, variable);
  if (raw === undefined) return resolution.record('sdkDisabled', false, 'default');
  const normalised = raw.toLowerCase();
  if (normalised !== 'true' && normalised !== 'false') {
    resolution.warnings.push(
      createConfigWarning('TW_CONFIG_SDK_DISABLED_IGNORED', variable, {
        variable,
        received: JSON.stringify(raw),
      }),
    );
  }
  return resolution.record('sdkDisabled', normalised === 'true', `env:${variable}`);
}

function resolveMetrics(
  resolution: ConfigResolution,
  metricsEndpoint: string | undefined,
): TracewireConfig['metrics'] {
  const given = resolution.lookup(SETTING.metricsMode);
  let mode = given.found
    ? resolution.record('metrics.mode', given.value, given.source)
    : resolution.record('metrics.mode', metricsEndpoint === undefined ? 'prometheus' : 'otlp', 'default');
  const endpointRejected = resolution.wasRejected('otlp.metricsEndpoint');
  if (given.found && given.value === 'otlp' && metricsEndpoint === undefined && !endpointRejected) {
    const variable = given.source === 'code' ? 'options.metrics' : 'TRACEWIRE_METRICS';
    resolution.markRejected('metrics.mode');
    resolution.issues.push(
      createConfigIssue('TW_CONFIG_MISSING_OTLP_ENDPOINT', {
        variable,
        received: '"otlp"',
        expected: `a metrics endpoint in ${OTLP_BASE_ENDPOINT_VARIABLE} or OTEL_EXPORTER_OTLP_METRICS_ENDPOINT when metrics are otlp`,
        hint: `Set ${OTLP_BASE_ENDPOINT_VARIABLE} (for example http://otel-collector:4318), or use prometheus or none.`,
      }),
    );
    // Rejected, so at its default like every other rejected value.
    mode = resolution.record('metrics.mode', SETTING.metricsMode.fallback, 'default');
  }
  const prometheusPort = resolution.resolve(SETTING.prometheusPort);
  return { mode, prometheusPort };
}

/**
 * Log export defaults to otlp once a logs endpoint is known, like metrics. Asking for otlp
 * without one is an issue that switches off only the log export (the table maps it).
 */
function resolveLogs(
  resolution: ConfigResolution,
  logsEndpoint: string | undefined,
): TracewireConfig['logs'] {
  const given = resolution.lookup(SETTING.logsExporter);
  let exporter = given.found
    ? resolution.record('logs.exporter', given.value, given.source)
    : resolution.record('logs.exporter', logsEndpoint === undefined ? 'none' : 'otlp', 'default');
  if (
    given.found &&
    given.value === 'otlp' &&
    logsEndpoint === undefined &&
    !resolution.wasRejected('otlp.logsEndpoint')
  ) {
    const variable = given.source === 'code' ? 'options.logsExporter' : 'OTEL_LOGS_EXPORTER';
    resolution.markRejected('logs.exporter');
    resolution.issues.push(
      createConfigIssue('TW_CONFIG_MISSING_OTLP_ENDPOINT', {
        variable,
        received: '"otlp"',
        expected: `a logs endpoint in ${OTLP_BASE_ENDPOINT_VARIABLE} or OTEL_EXPORTER_OTLP_LOGS_ENDPOINT when logs are exported over otlp`,
        hint: `Set ${OTLP_BASE_ENDPOINT_VARIABLE} (for example http://otel-collector:4318), or use none.`,
      }),
    );
    exporter = resolution.record('logs.exporter', SETTING.logsExporter.fallback, 'default');
  }
  return {
    exporter,
    stdout: resolution.resolve(SETTING.logStdout),
    maxQueueSize: resolution.resolve(SETTING.logsMaxQueueSize),
    maxExportBatchSize: resolution.resolve(SETTING.logsMaxExportBatchSize),
    scheduleDelayMs: resolution.resolve(SETTING.logsScheduleDelayMs),
    exportTimeoutMs: resolution.resolve(SETTING.logsExportTimeoutMs),
  };
}

function warnAboutFullSamplingInProduction(
  resolution: ConfigResolution,
  environment: string,
  sampleRate: number,
): void {
  if (environment !== 'production' || sampleRate !== 1) return;
  if (resolution.wasRejected('environment') || resolution.wasRejected('sampleRate')) return;
  const source = resolution.sources.sampleRate;
  const variable = source === 'code' ? 'options.sampleRate' : 'SENTRY_TRACE_SAMPLE_RATE';
  resolution.warnings.push(
    createConfigWarning('TW_CONFIG_PRODUCTION_FULL_SAMPLING', variable, {
      variable: source === 'default' ? `${variable} (unset, so the default)` : variable,
      environment,
    }),
  );
}
