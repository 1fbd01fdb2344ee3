import { SETTINGS, settingFields } from './settings.ts';
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

/**
 * Every environment variable tracewire reads, in documentation order: the variables of
 * the settings table, one row each.
 *
 * @example
 * import { CONFIG_VARIABLES } from '@tracewire/core';
 * const secrets = CONFIG_VARIABLES.filter((variable) => variable.secret).map((variable) => variable.name);
 */
export const CONFIG_VARIABLES: readonly ConfigVariableDescriptor[] = Object.freeze(
  SETTINGS.flatMap((entry) =>
    entry.variables.map((variable) =>
      Object.freeze({
        name: variable.name,
        fields: settingFields(entry),
        option: entry.option,
        type: entry.type,
        default: entry.default,
        example: variable.example,
        secret: entry.secret !== undefined,
        description: variable.description,
      }),
    ),
  ),
);
