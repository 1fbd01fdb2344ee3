import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { initObservability, type ObservabilityHandle } from '@tracewire/core';
import { startTestSink, type TestSink } from '@tracewire/testing';
import { memoryDestination } from './memory-destination.ts';

/** One initialised tracewire, its sink and its log lines, for one test file. */
export interface TelemetryHarness {
  sink: TestSink;
  handle: ObservabilityHandle;
  logs: ReturnType<typeof memoryDestination>;
  /** Serves an Express app on 127.0.0.1 and returns its base URL; closed by `close()`. */
  serve(app: http.RequestListener): Promise<string>;
  close(): Promise<void>;
}

export async function startTelemetryHarness(serviceName: string): Promise<TelemetryHarness> {
  const sink = await startTestSink();
  const logs = memoryDestination();
  const handle = initObservability({
    env: { ...sink.env, TRACEWIRE_METRICS: 'otlp', OTEL_SERVICE_NAME: serviceName },
    // The sink runs in this process: its own receiver paths are not app traffic.
    ignoredPaths: ['/healthz', '/v1/*', '/api/*'],
    logDestination: logs,
    handleSignals: false,
  });
  const servers: http.Server[] = [];
  return {
    sink,
    handle,
    logs,
    async serve(app) {
      const server = http.createServer(app);
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async close() {
      for (const server of servers) server.closeAllConnections();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
      await handle.shutdown();
      await sink.close();
    },
  };
}

/** The trace and span ID of a response's `traceresponse` header. */
export function traceOf(response: { headers: { get(name: string): string | null } }): {
  traceId: string;
  spanId: string;
} {
  const value = response.headers.get('traceresponse');
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(value ?? '');
  if (!match) throw new Error(`no traceresponse header on the response (got ${String(value)})`);
  return { traceId: match[1] as string, spanId: match[2] as string };
}

/**
 * A request sent with `node:http`, which nothing instruments in these tests: unlike
 * `fetch` (traced by the undici instrumentation, which injects its own client span's
 * `traceparent`), the server sees exactly the headers given here.
 */
export function plainRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Headers; body: string }> {
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
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (typeof value === 'string') headers.set(name, value);
          }
          resolve({ status: response.statusCode ?? 0, headers, body });
        });
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}
