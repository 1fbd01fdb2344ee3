import { type PipelineName, settingNamed } from '../config/settings.ts';
import type { ConfigIssue } from '../config/types.ts';

/** A pipeline that is switched off when its configuration is invalid. */
export type Pipeline = PipelineName;

/**
 * Which pipelines an invalid variable or option switches off: the `pipelines` of its
 * entry in the settings table. With strict mode off, tracewire keeps running what is
 * valid: a bad DSN turns Sentry off but leaves traces and logs on; a bad sample rate
 * turns tracing off rather than silently sampling at a default.
 *
 * @example
 * pipelinesAffectedBy({ code: 'TW_CONFIG_INVALID_DSN', variable: 'SENTRY_DSN', received: '***', expected: '', hint: '' }); // ['sentry']
 */
export function pipelinesAffectedBy(issue: ConfigIssue): Pipeline[] {
  return [...(settingNamed(issue.variable)?.pipelines ?? [])];
}
