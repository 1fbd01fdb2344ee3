import type { DataCollection, Event } from '@sentry/core';

/** Request headers worth having on an error event; everything else stays out. */
export const SAFE_REQUEST_HEADERS = [
  'accept',
  'accept-encoding',
  'accept-language',
  'content-length',
  'content-type',
  'host',
  'referer',
  'user-agent',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-request-id',
  'traceparent',
  'tracestate',
  'sentry-trace',
  'baggage',
];

const SECRET_HEADER =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token|x-sentry-auth|x-csrf-token)$/i;
const SECRET_QUERY_KEY =
  /(token|secret|password|passwd|api[-_]?key|auth|signature|sig|code|session|sentry_key|credential)/i;

/**
 * Sentry 11 collects cookies, headers, bodies, user IPs and query strings by default.
 * tracewire turns each of those off unless the user opts in; headers are an allow-list.
 */
export function privacyDefaults(includeLocalVariables: boolean): DataCollection {
  return {
    userInfo: false,
    cookies: false,
    httpHeaders: { request: { allow: SAFE_REQUEST_HEADERS }, response: false },
    httpBodies: [],
    urlQueryParams: false,
    stackFrameVariables: includeLocalVariables,
    databaseQueryData: false,
    genAI: { inputs: false, outputs: false },
    mcp: { inputs: false, outputs: false },
    graphQL: { document: false, variables: false },
  };
}

/**
 * Redacts the values of query parameters whose names suggest secrets; the names stay
 * so the URL still reads. `?token=abc&page=2` becomes `?token=%5BFiltered%5D&page=2`.
 *
 * @example
 * redactQueryString('/cb?code=xyz&state=1'); // '/cb?code=%5BFiltered%5D&state=1'
 */
export function redactQueryString(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  const hashStart = url.indexOf('#', queryStart);
  const query = url.slice(queryStart + 1, hashStart === -1 ? undefined : hashStart);
  const parts = query.split('&').map((part) => {
    const equals = part.indexOf('=');
    const key = equals === -1 ? part : part.slice(0, equals);
    let decodedKey = key;
    try {
      decodedKey = decodeURIComponent(key);
    } catch {
      // An undecodable key is judged as written.
    }
    return equals !== -1 && SECRET_QUERY_KEY.test(decodedKey) ? `${key}=%5BFiltered%5D` : part;
  });
  return `${url.slice(0, queryStart)}?${parts.join('&')}${hashStart === -1 ? '' : url.slice(hashStart)}`;
}

/**
 * The last line of defence before an event leaves the process: whatever an
 * integration or the app put on it, secret headers, cookies, IP addresses and secret
 * query values are removed.
 */
export function scrubEvent<T extends Event>(event: T): T {
  const request = event.request;
  if (request) {
    delete request.cookies;
    if (request.headers) {
      for (const name of Object.keys(request.headers)) {
        if (SECRET_HEADER.test(name)) delete request.headers[name];
      }
    }
    if (typeof request.url === 'string') request.url = redactQueryString(request.url);
    if (typeof request.query_string === 'string') {
      request.query_string = redactQueryString(`?${request.query_string}`).slice(1);
    } else if (request.query_string) {
      delete request.query_string;
    }
    delete request.data;
  }
  if (event.user) {
    delete event.user.ip_address;
  }
  return event;
}
