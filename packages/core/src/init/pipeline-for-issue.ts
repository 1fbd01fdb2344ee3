import type { ConfigIssue } from '../config/types.ts';

/** A pipeline that is switched off when its configuration is invalid. */
export type Pipeline = 'sentry' | 'sentryTraces' | 'tracing' | 'metrics';

/**
 * Which pipeline an invalid variable belongs to. With strict mode off, tracewire keeps
 * running what is valid: a bad DSN turns Sentry off but leaves traces and logs on; a
 * bad sample rate turns tracing off rather than silently sampling at a default.
 */
export function pipelinesAffectedBy(issue: ConfigIssue): Pipeline[] {
  const name = issue.variable.replace(/^options\./, '');
  if (/^SENTRY_TRACE_SAMPLE_RATE$|^sampleRate$/.test(name)) return ['tracing'];
  if (/^TRACEWIRE_SENTRY_TRACES$|^sentryTraces$/.test(name)) return ['sentryTraces'];
  if (/^SENTRY_|^(dsn|environment|release)$/.test(name)) return ['sentry'];
  if (/^OTEL_|^otlp|^(serviceName|resourceAttributes|sdkDisabled)$/.test(name)) return ['tracing', 'metrics'];
  if (/^TRACEWIRE_(METRICS|PROMETHEUS_PORT)$|^(metrics|prometheusPort)$/.test(name)) return ['metrics'];
  return [];
}
