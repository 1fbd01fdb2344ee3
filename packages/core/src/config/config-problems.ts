import {
  type ConfigIssueCode,
  type ConfigIssueParams,
  formatTracewireMessage,
  type TracewireErrorCode,
  type TracewireErrorParams,
} from '../errors/catalogue.ts';
import type { ConfigIssue, ConfigWarning } from './types.ts';

/** Codes `loadConfig()` reports as warnings. */
export type ConfigWarningCode = Exclude<
  {
    [C in TracewireErrorCode]: C extends `TW_CONFIG_${string}` ? C : never;
  }[TracewireErrorCode],
  ConfigIssueCode | 'TW_CONFIG_INVALID'
>;

/**
 * Builds a configuration issue. `received` must already be masked when the variable is
 * secret: this is the last place before the value can be printed.
 */
export function createConfigIssue(code: ConfigIssueCode, params: ConfigIssueParams): ConfigIssue {
  return { code, ...params };
}

/** Builds a configuration warning whose message comes from the catalogue. */
export function createConfigWarning<C extends ConfigWarningCode>(
  code: C,
  variable: string,
  params: TracewireErrorParams[C],
): ConfigWarning {
  return { code, variable, message: formatTracewireMessage(code, params) };
}
