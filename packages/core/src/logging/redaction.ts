/** Keys whose values never reach a log line, at any of the first three levels. */
export const REDACTED_LOG_KEYS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-sentry-auth',
  'password',
  'passwd',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'accessToken',
  'refreshToken',
  'authToken',
  'auth_token',
  'secret',
  'client_secret',
  'clientSecret',
  'apiKey',
  'api_key',
  'dsn',
  'sentry_dsn',
  'sentryDsn',
];

/**
 * pino redaction paths for the keys above, on the log object itself and one and two
 * levels down (`req.headers.authorization`). pino compiles these once; the cost per
 * line is a few property checks.
 */
export function redactionPaths(extraKeys: readonly string[] = []): string[] {
  const paths: string[] = [];
  for (const key of [...REDACTED_LOG_KEYS, ...extraKeys]) {
    const segment = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    const join = (prefix: string) =>
      segment.startsWith('[') ? `${prefix}${segment}` : `${prefix}.${segment}`;
    paths.push(segment.startsWith('[') ? segment : segment, join('*'), join('*.*'));
  }
  return paths;
}
