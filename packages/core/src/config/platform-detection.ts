import { createConfigWarning } from './config-problems.ts';
import type { EnvSource } from './read-env.ts';
import { readEnvValue } from './read-env.ts';
import type { ConfigSource, ConfigWarning } from './types.ts';
import type { ValueKind } from './value-kinds.ts';

/** A variable a platform sets that tells tracewire something it was not told directly. */
export interface DetectionVariable {
  variable: string;
  /** For `OTEL_RESOURCE_ATTRIBUTES`: the attribute that holds the value. */
  attribute?: string;
  /** Only read when these variables hold these values (Netlify's generic `CONTEXT`). */
  requires?: Readonly<Record<string, string>>;
  platform: string;
}

export interface Detection {
  value: string;
  source: ConfigSource;
}

export interface DetectionOutcome {
  detected: Detection | undefined;
  warnings: ConfigWarning[];
}

/**
 * Returns the first usable value among `candidates`, in order. A value that breaks
 * Sentry's rules, or that is just the variable's own name (an unexpanded placeholder in
 * a build config), is skipped with a warning rather than failing startup: the user did
 * not set it and cannot fix it at the source.
 *
 * @example
 * detectFromPlatform([{ variable: 'VERCEL_ENV', platform: 'Vercel' }], { VERCEL_ENV: 'preview' }, {}, environmentKind, 'environment');
 * // { detected: { value: 'preview', source: 'detected:VERCEL_ENV' }, warnings: [] }
 */
export function detectFromPlatform(
  candidates: readonly DetectionVariable[],
  env: EnvSource,
  resourceAttributes: Readonly<Record<string, string>>,
  kind: ValueKind<string>,
  field: string,
): DetectionOutcome {
  const warnings: ConfigWarning[] = [];
  for (const candidate of candidates) {
    if (!requirementsMet(candidate, env)) continue;
    const value =
      candidate.attribute === undefined
        ? readEnvValue(env, candidate.variable)
        : resourceAttributes[candidate.attribute]?.trim() || undefined;
    if (value === undefined) continue;
    const label = candidate.attribute
      ? `${candidate.attribute} in ${candidate.variable}`
      : candidate.variable;
    if (value === candidate.variable) {
      warnings.push(
        createConfigWarning('TW_CONFIG_DETECTED_VALUE_IGNORED', candidate.variable, {
          variable: label,
          field,
          reason: 'its value is its own name, an unexpanded placeholder.',
        }),
      );
      continue;
    }
    const check = kind.fromEnv(value);
    if (!check.ok) {
      warnings.push(
        createConfigWarning('TW_CONFIG_DETECTED_VALUE_IGNORED', candidate.variable, {
          variable: label,
          field,
          reason: check.reason ?? `it is not ${kind.expected}.`,
        }),
      );
      continue;
    }
    return { detected: { value: check.value, source: `detected:${candidate.variable}` }, warnings };
  }
  return { detected: undefined, warnings };
}

function requirementsMet(candidate: DetectionVariable, env: EnvSource): boolean {
  if (!candidate.requires) return true;
  return Object.entries(candidate.requires).every(
    ([name, expected]) => readEnvValue(env, name)?.toLowerCase() === expected,
  );
}
