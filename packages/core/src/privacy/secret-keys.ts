// The one place that says which names carry secrets. Log redaction, Sentry events, span
// attributes, config dumps and messages, and the test sink's descriptions all ask here,
// so a name added once is masked everywhere.
//
// This file has no imports: @tracewire/testing bundles it at build time (see
// docs/decisions.md, "One privacy module").

/**
 * Request and response headers whose values are credentials. Matched case-insensitively;
 * every name here is also a secret key (see {@link isSecretKey}).
 *
 * @example
 * import { SECRET_HEADER_NAMES } from '@tracewire/core';
 * SECRET_HEADER_NAMES.includes('authorization'); // true
 */
export const SECRET_HEADER_NAMES: readonly string[] = Object.freeze([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-auth-token',
  'x-access-token',
  'x-sentry-auth',
  'x-csrf-token',
  'x-xsrf-token',
  'x-amz-security-token',
]);

/**
 * Keys whose values are secrets wherever they appear: log fields, JSON bodies, query
 * parameters, header names. Matched after lowercasing and dropping `-` and `_`
 * (`api_key`, `API-Key` and `apiKey` are one name), as a whole name or, for the words in
 * {@link SECRET_KEY_ENDINGS}, as the end of one (`db_password`, `x-auth-token`).
 *
 * @example
 * import { SECRET_KEYS } from '@tracewire/core';
 * SECRET_KEYS.includes('password'); // true
 */
export const SECRET_KEYS: readonly string[] = Object.freeze([
  'authorization',
  'proxy_authorization',
  'cookie',
  'set_cookie',
  'password',
  'passwd',
  'pwd',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'auth_token',
  'api_key',
  'apikey',
  'secret',
  'client_secret',
  'session',
  'session_id',
  'sessionid',
  'auth',
  'credentials',
  'private_key',
  'signature',
  'dsn',
  'sentry_dsn',
  'sentry_key',
  'aws_access_key_id',
]);

/**
 * Word endings that make a key secret (`github_token`, `db_password`, `client_secret`,
 * `x-api-key`, `x-amz-signature`). `token` ends a secret but `tokens` does not, so usage
 * counts such as `prompt_tokens` stay readable.
 */
export const SECRET_KEY_ENDINGS: readonly string[] = Object.freeze([
  'token',
  'secret',
  'password',
  'passwd',
  'apikey',
  'accesskey',
  'secretkey',
  'privatekey',
  'sentrykey',
  'signature',
  'credential',
  'credentials',
  'authorization',
  'auth',
  'cookie',
]);

/**
 * Short names that are credentials by convention in a URL's query string but ordinary
 * fields elsewhere: OAuth's `code` (a log line's `code` is an error code), `key` for API
 * keys (a cache key in a log line), `sig` for signed URLs.
 */
export const SECRET_QUERY_ONLY_KEYS: readonly string[] = Object.freeze(['code', 'key', 'sig']);

// Dots stay: `sentry.dsn` is a field path (the config dump's `sources` map is keyed by
// them), not the DSN itself.
function normalise(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

const EXACT = new Set([...SECRET_KEYS, ...SECRET_HEADER_NAMES].map(normalise));
const ENDINGS = SECRET_KEY_ENDINGS.map(normalise);

function judge(normalised: string, extra: ReadonlySet<string> | undefined): boolean {
  if (EXACT.has(normalised) || extra?.has(normalised)) return true;
  // A name containing `password` (`password_confirmation`, `passwordHash`) is never printable.
  if (normalised.includes('password') || normalised.includes('passwd')) return true;
  for (const ending of ENDINGS) if (normalised.endsWith(ending)) return true;
  return false;
}

// Log lines repeat the same few keys millions of times: a name is judged once. The cache
// is bounded so keys made from data (IDs as keys) cannot grow it without limit.
const MAX_CACHED_NAMES = 2000;

/** A predicate over key names: the shared rule plus extra names of the caller's own. */
export type SecretKeyMatcher = (name: string) => boolean;

/**
 * Builds the rule {@link isSecretKey} applies, with extra names (matched like the built-in
 * ones, after normalising) added, and a bounded cache so a log line's keys are judged
 * with one map lookup each.
 *
 * @example
 * const isSecret = createSecretKeyMatcher(['ssn']);
 * isSecret('SSN'); // true
 * isSecret('db_password'); // true
 */
export function createSecretKeyMatcher(extraKeys: readonly string[] = []): SecretKeyMatcher {
  const extra = extraKeys.length > 0 ? new Set(extraKeys.map(normalise)) : undefined;
  const cache = new Map<string, boolean>();
  return (name) => {
    const known = cache.get(name);
    if (known !== undefined) return known;
    const secret = judge(normalise(name), extra);
    if (cache.size >= MAX_CACHED_NAMES) cache.clear();
    cache.set(name, secret);
    return secret;
  };
}

/**
 * Whether a key (a log field, a body property, a header or query parameter name) holds
 * a secret. Case, `-` and `_` do not matter.
 *
 * @example
 * import { isSecretKey } from '@tracewire/core';
 * isSecretKey('Authorization'); // true
 * isSecretKey('refreshToken'); // true
 * isSecretKey('prompt_tokens'); // false
 */
export const isSecretKey: SecretKeyMatcher = createSecretKeyMatcher();

/**
 * Whether a query parameter holds a secret: every secret key, plus the short names that
 * are credentials by convention in URLs (`code`, `key`, `sig`).
 *
 * @example
 * isSecretQueryKey('code'); // true (an OAuth authorization code)
 * isSecretQueryKey('page'); // false
 */
export const isSecretQueryKey: SecretKeyMatcher = createSecretKeyMatcher(SECRET_QUERY_ONLY_KEYS);
