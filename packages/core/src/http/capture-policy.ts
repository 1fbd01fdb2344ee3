// What counts as a failed request, and which failures reach Sentry, is decided here
// for every adapter: a policy written once per adapter drifts (one guarded a throwing
// `shouldCapture`, two let it replace the app's own error).
import { createRateLimitedReporter, type ProblemReporter } from '../diagnostics/rate-limited-reporter.ts';
import type { ObservabilityHandle } from '../init/handle.ts';
import { maskSecretsInText } from '../privacy/mask-secrets-in-text.ts';
import { truncateRequestField } from './request-field-limits.ts';

/**
 * Decides whether a failed request's error reaches Sentry.
 *
 * @example
 * const shouldCapture: ShouldCapture = (_error, status) => status >= 500 || status === 409;
 */
export type ShouldCapture = (error: unknown, status: number) => boolean;

/**
 * A 5xx: the server failed. Such a response marks the server span ERROR (a 4xx is the
 * client's mistake, per the HTTP semantic conventions), logs its access line at `error`
 * and, unless `shouldCapture` says otherwise, reaches Sentry.
 *
 * @example
 * isServerError(503); // true
 * isServerError(404); // false
 */
export function isServerError(status: number): boolean {
  return status >= 500;
}

/**
 * The `shouldCapture` every adapter uses when the app gives none: 5xx only.
 *
 * @example
 * capturedByDefault(new Error('boom'), 500); // true
 * capturedByDefault(new Error('not found'), 404); // false
 */
export function capturedByDefault(_error: unknown, status: number): boolean {
  return isServerError(status);
}

const reporters = new WeakMap<ObservabilityHandle, ProblemReporter>();

function describeThrown(thrown: unknown): string {
  const text =
    thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : `a non-error value (${typeof thrown})`;
  return truncateRequestField(text, 200);
}

/**
 * `shouldCapture` guarded where it is called: a throw falls back to what tracewire does
 * without the option (`fallback`, `capturedByDefault` unless given) and is reported as
 * `TW_CALLBACK_FAILED` through one rate-limited reporter per handle, so a callback that
 * throws on every request is reported once a minute, not once a request.
 */
export function guardShouldCapture(
  shouldCapture: ShouldCapture | undefined,
  handle: ObservabilityHandle,
  fallback: ShouldCapture = capturedByDefault,
  fallbackDescription = 'status >= 500',
): ShouldCapture {
  if (shouldCapture === undefined) return fallback;
  return function guardedShouldCapture(error, status) {
    try {
      return Boolean(shouldCapture(error, status));
    } catch (thrown) {
      try {
        let reporter = reporters.get(handle);
        if (reporter === undefined) {
          // The thrown message is the app's and may quote a URL or a header.
          reporter = createRateLimitedReporter(
            (level, fields, message) => handle.logger[level](fields, message),
            maskSecretsInText,
          );
          reporters.set(handle, reporter);
        }
        reporter.report('TW_CALLBACK_FAILED', {
          callback: 'shouldCapture',
          fallback: fallbackDescription,
          reason: describeThrown(thrown),
        });
      } catch {
        // Reporting never fails a request.
      }
      return fallback(error, status);
    }
  };
}
