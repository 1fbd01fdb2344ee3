import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestSink, type TestSink } from '@tracewire/testing';
import {
  type ChildApp,
  type ChildExit,
  missingBuild as findMissingBuild,
  startChildApp,
  traceOf,
} from '@tracewire/testing/fixtures';

// Shared by the example apps' tests; each names its own folder.
const examplesDir = fileURLToPath(new URL('..', import.meta.url));
const packagesDir = path.join(examplesDir, '..', 'packages');

export { traceOf };

/**
 * Why the example cannot run yet, or undefined when it can: it loads the built packages,
 * as a deployed service does, and `pnpm test` builds them first.
 */
export function missingBuild(adapter: string): string | undefined {
  return findMissingBuild([
    path.join(packagesDir, 'core', 'dist', 'register.mjs'),
    { path: path.join(packagesDir, adapter, 'dist', 'index.mjs'), contains: 'observability' },
  ]);
}

/** How the example's process ended. */
export type ExampleExit = ChildExit;

/** The example's server.mjs running in a child process. */
export type RunningExample = ChildApp;

/**
 * Starts `node --import @tracewire/core/register server.mjs` in the example's folder, the
 * way its `start` script does, on port 0, and waits for its "listening" line.
 */
export function startExample(example: string, env: Record<string, string>): Promise<RunningExample> {
  return startChildApp(path.join(examplesDir, example, 'server.mjs'), {
    env: { PORT: '0', HOST: '127.0.0.1', ...env },
    nodeArgs: ['--import', '@tracewire/core/register'],
  });
}

/** A stand-in for the next service: answers `/api/stock/:id` and records what it was sent. */
export interface FakeUpstream {
  url: string;
  requests: { path: string; traceparent: string | undefined }[];
  close(): Promise<void>;
}

/** Item 13 fails with 500, item 5 is out of stock, every other item has 3. */
export async function startFakeUpstream(): Promise<FakeUpstream> {
  const requests: FakeUpstream['requests'] = [];
  const server = http.createServer((req, res) => {
    const header = req.headers.traceparent;
    requests.push({ path: req.url ?? '', traceparent: typeof header === 'string' ? header : undefined });
    const id = /^\/api\/stock\/([^/?]+)/.exec(req.url ?? '')?.[1];
    if (id === undefined) res.writeHead(404).end();
    else if (id === '13') res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"boom"}');
    else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id, available: id === '5' ? 0 : 3 }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The requests the Fastify and Koa examples are run with (they serve the same routes): two
 * item lookups, the stock route itself (one failing), the item routes that call it, and `/error`.
 */
export const STOCK_ROUTE_REQUESTS = [
  '/api/items/1',
  '/api/items/999',
  '/api/stock/1',
  '/api/stock/13',
  '/api/items/2/stock',
  '/api/items/13/stock',
  '/error',
];

/** One response of the example, with the trace it answered for. */
export interface ExampleAnswer {
  status: number;
  body: Record<string, unknown>;
  traceId: string;
  spanId: string;
}

/** What one run of an example left behind for the assertions. */
export interface ExampleRun {
  sink: TestSink;
  upstream: FakeUpstream;
  /** The status `/health` answered. */
  healthStatus: number;
  /** Each requested path's answer. */
  answers: Record<string, ExampleAnswer>;
  exit: ExampleExit;
  lines: Record<string, unknown>[];
  /** The server spans the sink received over OTLP. */
  serverSpans(): TestSink['spans'][number][];
  /** The Sentry events on the trace that answered `path`. */
  eventsOf(path: string): TestSink['sentry']['events'][number][];
  close(): Promise<void>;
}

/**
 * Runs an example as it is deployed, pointed at a fresh sink and a stand-in for the next
 * service (its URL in `upstreamVariable`): asks `/health`, then each path in order (with the
 * headers given for it), and stops the example with SIGTERM so it flushes before it ends.
 */
export async function runExample(
  example: string,
  options: {
    upstreamVariable: string;
    requests: (string | [path: string, headers: Record<string, string>])[];
  },
): Promise<ExampleRun> {
  const sink = await startTestSink();
  const upstream = await startFakeUpstream();
  const answers: Record<string, ExampleAnswer> = {};
  const close = async () => {
    await upstream.close();
    await sink.close();
  };
  let running: RunningExample;
  try {
    running = await startExample(example, {
      ...sink.env,
      OTEL_SERVICE_NAME: example,
      SENTRY_ENVIRONMENT: 'test',
      TRACEWIRE_METRICS: 'none',
      [options.upstreamVariable]: upstream.url,
    });
  } catch (error) {
    await close();
    throw error;
  }
  let healthStatus = 0;
  try {
    healthStatus = (await fetch(`${running.url}/health`)).status;
    for (const request of options.requests) {
      const [path, headers] = typeof request === 'string' ? [request, {}] : request;
      const response = await fetch(`${running.url}${path}`, { headers });
      const body = (await response.json()) as Record<string, unknown>;
      answers[path] = { status: response.status, body, ...traceOf(response) };
    }
  } catch (error) {
    await running.stop();
    await close();
    throw error;
  }
  await running.stop();
  return {
    sink,
    upstream,
    healthStatus,
    answers,
    exit: await running.exited,
    lines: running.lines(),
    serverSpans: () => sink.spans.filter((span) => span.kind === 'server' && span.receiver === 'otlp'),
    eventsOf: (path) =>
      sink.sentry.events.filter((event) => event.contexts?.trace?.trace_id === answers[path]?.traceId),
    close,
  };
}
