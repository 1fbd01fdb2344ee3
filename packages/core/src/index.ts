export type {
  ConfigIssue,
  ConfigOptions,
  ConfigSource,
  ConfigWarning,
  LoadConfigInput,
  LoadConfigResult,
  LogLevel,
  LogsExporter,
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
export { getObservability } from './init/global-state.ts';
export type {
  DroppedTelemetry,
  InitObservabilityOptions,
  ObservabilityHandle,
  PipelineStatus,
} from './init/handle.ts';
export { initObservability } from './init/init-observability.ts';
export type { LogRecordCounts, LogsPipelineStatus } from './logging/otlp-log-pipeline.ts';
export { activeTraceFields, type TraceFields } from './logging/trace-fields.ts';
export { capturedEventId } from './sentry/capture-once.ts';
export { grafanaTraceUrl, TEMPO_DATASOURCE_UID } from './sentry/grafana-trace-link.ts';
export { redactQueryString } from './privacy/redact-query-string.ts';
export { SAFE_REQUEST_HEADERS } from './privacy/safe-request-headers.ts';
export { isSecretKey, SECRET_HEADER_NAMES, SECRET_KEYS } from './privacy/secret-keys.ts';
export {
  DATABASE_INSTRUMENTATION_NAMES,
  DATABASE_INSTRUMENTATIONS,
  type DatabaseInstrumentation,
  type DatabaseStatements,
} from './tracing/database-instrumentations.ts';
export { createIgnoredPathMatcher } from './tracing/ignored-paths.ts';
export {
  type DatabaseInstrumentationStatus,
  describeDatabaseInstrumentations,
} from './tracing/load-database-instrumentations.ts';
export { SentryTracePropagator } from './tracing/sentry-trace-propagator.ts';
export { TRACEWIRE_VERSION } from './version.ts';
