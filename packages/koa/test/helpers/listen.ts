import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type PlainResponse, plainRequest as sendPlainRequest } from '@tracewire/testing/fixtures';

/** A Koa app listening on an ephemeral port on 127.0.0.1. */
export interface ListeningApp {
  url: string;
  close(): Promise<void>;
}

/** Starts `app.callback()` on 127.0.0.1:0. */
export async function listen(app: { callback(): http.RequestListener }): Promise<ListeningApp> {
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export type { PlainResponse };

/**
 * A request through `node:http`, which the test process loaded before tracewire
 * initialised, so nothing injects trace headers of its own: the server sees exactly the
 * headers given here (unlike `fetch`, whose instrumentation adds a `traceparent`).
 */
export function plainRequest(url: string, headers: Record<string, string> = {}): Promise<PlainResponse> {
  return sendPlainRequest(url, { headers });
}

/** The trace and span ID of a `traceresponse` header (`00-<trace>-<span>-<flags>`). */
export function parseTraceResponse(value: string | string[] | null | undefined): {
  traceId: string;
  spanId: string;
} {
  const text = Array.isArray(value) ? value[0] : value;
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(text ?? '');
  if (!match) throw new Error(`not a traceresponse header: ${String(text)}`);
  return { traceId: match[1]!, spanId: match[2]! };
}
