import type http from 'node:http';
import { plainRequest } from '@tracewire/testing/fixtures';
export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The `traceresponse` header's trace and span ID. */
  trace: { traceId: string; spanId: string } | undefined;
  json<T = Record<string, unknown>>(): T;
}

/**
 * One request over a real socket with node:http, which the test process does not
 * instrument (fetch would be, through undici's diagnostics channel, and would add a
 * `traceparent` of its own): the headers sent are exactly the ones given.
 */
export async function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpResponse> {
  const response = await plainRequest(url, options);
  const traceResponse = response.headers.traceresponse;
  const parts = typeof traceResponse === 'string' ? traceResponse.split('-') : [];
  return {
    ...response,
    trace: parts.length === 4 ? { traceId: parts[1]!, spanId: parts[2]! } : undefined,
    json: <T>() => JSON.parse(response.body) as T,
  };
}
