export type {
  ConfigIssue,
  ConfigOptions,
  ConfigSource,
  ConfigWarning,
  LoadConfigInput,
  LoadConfigResult,
  LogLevel,
  MetricsMode,
  OtlpProtocol,
  TracewireConfig,
} from './config/types.ts';
export { formatConfigIssues, formatConfigWarnings } from './config/format-config-issues.ts';
export { CONFIG_OPTION_NAMES, loadConfig } from './config/load-config.ts';
export { CONFIG_VARIABLES, type ConfigVariableDescriptor } from './config/variables.ts';
export {
  type ConfigIssueCode,
  type ConfigIssueParams,
  errorCatalogue,
  TRACEWIRE_ERROR_CODES,
  type TracewireErrorCode,
  type TracewireErrorDefinition,
  type TracewireErrorParams,
  type TracewireErrorSeverity,
} from './errors/catalogue.ts';
export { isTracewireError, TracewireError } from './errors/tracewire-error.ts';
export { TRACEWIRE_VERSION } from './version.ts';
