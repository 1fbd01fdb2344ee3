import type { ConfigResolution, Lookup } from './config-resolution.ts';
import { createConfigWarning } from './config-problems.ts';
import { maskSecretsInText } from '../privacy/mask-secrets-in-text.ts';
import {
  OTLP_BASE_ENDPOINT_VARIABLE,
  OTLP_SIGNALS,
  type OtlpSignalField,
  signalUrlFromBase,
  usesGrpcPort,
} from './otlp-endpoints.ts';
import { readEnvValue } from './read-env.ts';
import { SETTING } from './settings.ts';
import type { TracewireConfig } from './types.ts';
import { httpUrlKind } from './value-kinds.ts';

/**
 * Resolves the OTLP settings. A base endpoint given in code wins over every variable; a
 * per-signal variable wins over the base variable and is used as given, while the base
 * gets `/v1/<signal>` appended (OpenTelemetry specification).
 *
 * @example
 * resolveOtlpSettings(resolution).tracesEndpoint; // 'http://collector:4318/v1/traces'
 */
export function resolveOtlpSettings(resolution: ConfigResolution): TracewireConfig['otlp'] {
  const endpoints = resolveEndpoints(resolution);
  const headers = resolution.resolve(SETTING.otlpHeaders);
  const protocol = resolution.resolve(SETTING.otlpProtocol);
  return {
    tracesEndpoint: endpoints['otlp.tracesEndpoint'],
    metricsEndpoint: endpoints['otlp.metricsEndpoint'],
    logsEndpoint: endpoints['otlp.logsEndpoint'],
    headers,
    protocol,
  };
}

function resolveEndpoints(resolution: ConfigResolution): Record<OtlpSignalField, string | undefined> {
  const endpoints = {} as Record<OtlpSignalField, string | undefined>;
  const signalFields = OTLP_SIGNALS.map((signal) => signal.field);
  // The base URL is never undefined once found: check it as the string it is.
  const baseSetting = { ...SETTING.otlpEndpoint, kind: httpUrlKind };

  if (resolution.options.otlpEndpoint !== undefined) {
    const base = resolution.fromOption(baseSetting, 'otlpEndpoint');
    if (!base.found) resolution.markRejected(...signalFields);
    for (const signal of OTLP_SIGNALS) {
      endpoints[signal.field] = base.found ? signalUrlFromBase(base.value, signal.path) : undefined;
      resolution.record(signal.field, endpoints[signal.field], base.found ? 'code' : 'default');
    }
    if (base.found) warnOnGrpcPort(resolution, 'options.otlpEndpoint', base.value);
    return endpoints;
  }

  // The base variable is read lazily: when every signal has its own endpoint it is unused.
  let base: Lookup<string> | undefined;
  const readBase = (): Lookup<string> => {
    if (base) return base;
    const raw = readEnvValue(resolution.env, OTLP_BASE_ENDPOINT_VARIABLE);
    base =
      raw === undefined
        ? { found: false }
        : resolution.fromEnv(baseSetting, OTLP_BASE_ENDPOINT_VARIABLE, raw);
    if (raw !== undefined && !base.found) resolution.markRejected(...signalFields);
    if (base.found) warnOnGrpcPort(resolution, OTLP_BASE_ENDPOINT_VARIABLE, base.value);
    return base;
  };

  for (const signal of OTLP_SIGNALS) {
    const raw = readEnvValue(resolution.env, signal.variable);
    if (raw !== undefined) {
      const own = resolution.fromEnv({ ...baseSetting, field: signal.field }, signal.variable, raw);
      endpoints[signal.field] = own.found ? own.value : undefined;
      resolution.record(signal.field, endpoints[signal.field], own.found ? own.source : 'default');
      if (own.found) warnOnGrpcPort(resolution, signal.variable, own.value);
      continue;
    }
    const fromBase = readBase();
    endpoints[signal.field] = fromBase.found ? signalUrlFromBase(fromBase.value, signal.path) : undefined;
    resolution.record(signal.field, endpoints[signal.field], fromBase.found ? fromBase.source : 'default');
  }
  return endpoints;
}

function warnOnGrpcPort(resolution: ConfigResolution, variable: string, url: string): void {
  if (!usesGrpcPort(url)) return;
  resolution.warnings.push(
    createConfigWarning('TW_CONFIG_GRPC_PORT', variable, { variable, endpoint: maskSecretsInText(url) }),
  );
}
