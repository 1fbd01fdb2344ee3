import { TracewireError } from '../errors/tracewire-error.ts';
import { CONFIG_OPTION_NAMES, type ConfigResolutionResult, resolveConfiguration } from './load-config.ts';
import type { ConfigOptions } from './types.ts';

/** What `initObservability()` passes in: its own options, of which only the config keys are read. */
export interface ObservabilityConfigInput {
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/**
 * The configuration `initObservability()` starts from, in one pass: the config with
 * every rejected value at its default, the issues, the warnings, and the pipelines to
 * leave off. In strict mode (`TRACEWIRE_STRICT` or `strict`, read from the resolved
 * config), any issue throws `TW_CONFIG_INVALID` listing every issue instead.
 *
 * @example
 * const { config, issues, warnings, disabled } = resolveObservabilityConfig({ serviceName: 'api' });
 * if (disabled.has('sentry')) console.warn('Sentry is off until its configuration is fixed');
 */
export function resolveObservabilityConfig(input: ObservabilityConfigInput): ConfigResolutionResult {
  const resolved = resolveConfiguration({
    env: input.env ?? process.env,
    options: pickConfigOptions(input),
    cwd: input.cwd,
  });
  if (resolved.issues.length > 0 && resolved.config.strict) {
    throw new TracewireError('TW_CONFIG_INVALID', { issues: resolved.issues });
  }
  return resolved;
}

function pickConfigOptions(input: ObservabilityConfigInput): ConfigOptions {
  const picked: Record<string, unknown> = {};
  for (const key of CONFIG_OPTION_NAMES) {
    const value = (input as Readonly<Record<string, unknown>>)[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked as ConfigOptions;
}
