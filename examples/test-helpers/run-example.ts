import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
