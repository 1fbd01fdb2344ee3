import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { initObservability, type ObservabilityHandle } from '@tracewire/core';
import type { TestSink } from '@tracewire/testing';
import {
  type MemoryDestination,
  plainRequest as sendPlainRequest,
  startTracedSink,
  traceOf,
} from '@tracewire/testing/fixtures';

export { traceOf };

/** One initialised tracewire, its sink and its log lines, for one test file. */
export interface TelemetryHarness {
  sink: TestSink;
  handle: ObservabilityHandle;
  logs: MemoryDestination;
  /** Serves an Express app on 127.0.0.1 and returns its base URL; closed by `close()`. */
  serve(app: http.RequestListener): Promise<string>;
  close(): Promise<void>;
}

export async function startTelemetryHarness(serviceName: string): Promise<TelemetryHarness> {
  const traced = await startTracedSink({ init: initObservability, serviceName });
  const servers: http.Server[] = [];
  return {
    sink: traced.sink,
    handle: traced.handle,
    logs: traced.logs,
    async serve(app) {
      const server = http.createServer(app);
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async close() {
      for (const server of servers) server.closeAllConnections();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
      await traced.close();
    },
  };
}

/**
 * A request sent with `node:http`, which nothing instruments in these tests: unlike
 * `fetch` (traced by the undici instrumentation, which injects its own client span's
 * `traceparent`), the server sees exactly the headers given here.
 */
export async function plainRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Headers; body: string }> {
  const response = await sendPlainRequest(url, options);
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (typeof value === 'string') headers.set(name, value);
  }
  return { status: response.status, headers, body: response.body };
}
