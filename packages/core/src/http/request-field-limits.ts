// A request's path, headers and ID are the caller's to choose, up to the 16 KiB Node
// accepts for a request head. Everything tracewire writes from them (log fields, span
// attributes, Sentry request data) is cut to one of these lengths, so a caller cannot
// make a log line, span or event grow with what it sends. The core README ("Bounded
// request fields") documents the numbers; tests hold the README and every line to them.

/**
 * The longest value, in characters, tracewire writes for each field taken from request
 * data. A longer value is cut and ends in `…[truncated N chars]`, N being how many
 * characters were dropped; the marker counts towards the limit.
 *
 * @example
 * import { REQUEST_FIELD_LIMITS } from '@tracewire/core/adapter';
 * REQUEST_FIELD_LIMITS.path; // 2048
 */
export const REQUEST_FIELD_LIMITS = Object.freeze({
  /** `http.path` in the access log, `url.path` on the server span. */
  path: 2048,
  /** Sentry's `request.url` (scheme, host, path and the redacted query). */
  url: 2048,
  /** The route template: Express builds it partly from the raw mount path. */
  route: 512,
  /** `user_agent.original` and the header values Sentry events carry. */
  header: 512,
  /** `server.address`, from the Host header (a DNS name is at most 253 characters). */
  host: 255,
  /** A caller's `X-Request-Id` longer than this is replaced by a fresh UUID, never cut. */
  requestId: 128,
});

/**
 * The longest access log line tracewire writes, in UTF-8 bytes, not counting the
 * service, environment and version names from the configuration: every field above at
 * its limit, each character escaped, fits.
 *
 * @example
 * import { ACCESS_LOG_LINE_LIMIT } from '@tracewire/core/adapter';
 * ACCESS_LOG_LINE_LIMIT; // 8192
 */
export const ACCESS_LOG_LINE_LIMIT = 8192;

/**
 * `value` when it fits in `limit` characters, else its start followed by
 * `…[truncated N chars]`, `limit` characters in all. Never splits a surrogate pair.
 *
 * @example
 * truncateRequestField('/a'.repeat(2000), REQUEST_FIELD_LIMITS.path).length; // 2048
 */
export function truncateRequestField(value: string, limit: number): string {
  if (value.length <= limit) return value;
  // The marker's own length depends on N; its longest form for this value is assumed.
  const marker = `…[truncated ${value.length} chars]`;
  let keep = Math.max(0, limit - marker.length);
  const code = value.charCodeAt(keep - 1);
  if (code >= 0xd800 && code <= 0xdbff) keep -= 1;
  return `${value.slice(0, keep)}…[truncated ${value.length - keep} chars]`;
}
