// A stand-in for the part of Sentry's web API that tools read before they query anything:
// `GET /api/0/`, which answers with the scopes of the token that authenticated the request.
// `tracewire doctor` reads it to name the scopes a Grafana datasource token is missing.

/**
 * Serve a fake Sentry web API on the sink: `GET /api/0/` answers like Sentry does, with
 * `auth.scopes` for a request that sends `Authorization: Bearer <token>`, `auth: null`
 * without credentials, and 401 for any other token.
 *
 * @example
 * ```ts
 * const sink = await startTestSink({ sentryApi: { token: 'sntryu_canary', scopes: ['org:read'] } });
 * // SENTRY_INTERNAL_URL=sink.url, SENTRY_AUTH_TOKEN=sntryu_canary
 * ```
 */
export interface SentryApiStubOptions {
  /** The one token the API accepts. */
  token: string;
  /** The scopes `GET /api/0/` reports for it. */
  scopes: readonly string[];
}

/** The web API's prefix; everything under it goes to the stub when one is configured. */
export const SENTRY_API_PREFIX = '/api/0/';

/** What the stub answers with. */
export interface SentryApiAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Whether a request path belongs to the web API rather than to ingest (`/api/<project id>/…`). */
export function isSentryApiPath(pathname: string): boolean {
  return pathname === '/api/0' || pathname.startsWith(SENTRY_API_PREFIX);
}

/**
 * Answers one request to the web API. Only `GET /api/0/` is served; other API paths get
 * Sentry's 404 shape, so a client that asks for more than the stub knows fails loudly.
 */
export function answerSentryApi(
  method: string,
  pathname: string,
  authorization: string | undefined,
  options: SentryApiStubOptions,
): SentryApiAnswer {
  const json = (status: number, value: unknown): SentryApiAnswer => ({
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value),
  });
  if (pathname !== '/api/0' && pathname !== SENTRY_API_PREFIX) {
    return json(404, { detail: 'The requested resource does not exist' });
  }
  if (method !== 'GET' && method !== 'HEAD') return json(405, { detail: `Method "${method}" not allowed.` });
  if (authorization === undefined) return json(200, { version: '0', auth: null, user: null });
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  if (!bearer || bearer[1] !== options.token) return json(401, { detail: 'Invalid token' });
  return json(200, { version: '0', auth: { scopes: [...options.scopes] }, user: null });
}
