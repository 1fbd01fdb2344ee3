// What a plain node:http server hands the request observer, as an adapter would.
import type http from 'node:http';
import type { IncomingRequestInfo } from '../../src/adapter.ts';

/**
 * The request's method, URL and headers for `observer.start()`, with the response (so the
 * observer ends the request when it finishes) and a way to set its headers.
 *
 * @example
 * const observed = observer.start(nodeRequestInfo(request, response));
 */
export function nodeRequestInfo(
  request: http.IncomingMessage,
  response: http.ServerResponse,
): IncomingRequestInfo {
  return {
    method: request.method,
    url: request.url,
    headers: request.headers,
    response,
    setResponseHeader: (name, value) => response.setHeader(name, value),
  };
}
