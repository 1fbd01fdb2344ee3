import type { DataCollection, Event } from '@sentry/core';
import { redactQueryString } from '../privacy/redact-query-string.ts';
import { SAFE_REQUEST_HEADERS } from '../privacy/safe-request-headers.ts';
import { isSecretKey } from '../privacy/secret-keys.ts';

// Importers of the Sentry privacy settings get the shared pieces from here too.
export { redactQueryString, SAFE_REQUEST_HEADERS };

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
        if (isSecretKey(name)) delete request.headers[name];
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
