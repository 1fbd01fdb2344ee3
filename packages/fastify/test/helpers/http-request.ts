import http from 'node:http';

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
export function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => {
          const traceResponse = response.headers.traceresponse;
          const parts = typeof traceResponse === 'string' ? traceResponse.split('-') : [];
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body,
            trace: parts.length === 4 ? { traceId: parts[1]!, spanId: parts[2]! } : undefined,
            json: <T>() => JSON.parse(body) as T,
          });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}
