import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Shared by the example apps' tests; each names its own folder.
const examplesDir = fileURLToPath(new URL('..', import.meta.url));
const packagesDir = path.join(examplesDir, '..', 'packages');

/**
 * Why the example cannot run yet, or undefined when it can: it loads the built packages,
 * as a deployed service does, and `pnpm test` builds them first.
 */
export function missingBuild(adapter: string): string | undefined {
  const register = path.join(packagesDir, 'core', 'dist', 'register.mjs');
  if (!fs.existsSync(register)) return `${register} is missing: run \`pnpm build\``;
  const built = path.join(packagesDir, adapter, 'dist', 'index.mjs');
  if (!fs.existsSync(built) || !fs.readFileSync(built, 'utf8').includes('observability')) {
    return `${built} is missing or predates the adapter: run \`pnpm build\``;
  }
  return undefined;
}

/** How the example's process ended. */
export interface ExampleExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The example's server.mjs running in a child process. */
export interface RunningExample {
  url: string;
  /** The JSON log lines it wrote to stdout so far. */
  lines(): Record<string, unknown>[];
  /** SIGTERM, then resolves once the process is gone; tracewire flushes before it ends. */
  stop(): Promise<ExampleExit>;
}

/**
 * Starts `node --import @tracewire/core/register server.mjs` in the example's folder, the
 * way its `start` script does, on port 0, and waits for its "listening" line.
 */
export async function startExample(example: string, env: Record<string, string>): Promise<RunningExample> {
  const exampleDir = path.join(examplesDir, example);
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', '@tracewire/core/register', 'server.mjs'],
    {
      cwd: exampleDir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        PORT: '0',
        HOST: '127.0.0.1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: Record<string, unknown>[] = [];
  let output = '';
  let partial = '';
  const exited = new Promise<ExampleExit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      partial += chunk;
      const complete = partial.split('\n');
      partial = complete.pop() ?? '';
      for (const text of complete) {
        try {
          const line = JSON.parse(text) as Record<string, unknown>;
          lines.push(line);
          if (line.msg === 'listening' && typeof line.port === 'number') resolve(line.port);
        } catch {
          // Not a JSON line; kept in the output shown on failure.
        }
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`the example exited (${signal ?? code}) before listening:\n${output}`)),
    );
  });
  return {
    url: `http://127.0.0.1:${port}`,
    lines: () => [...lines],
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
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

/** The trace and span ID of a response's `traceresponse` header. */
export function traceOf(response: Response): { traceId: string; spanId: string } {
  const header = response.headers.get('traceresponse') ?? '';
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/.exec(header);
  if (!match) throw new Error(`no valid traceresponse header: "${header}"`);
  return { traceId: match[1]!, spanId: match[2]! };
}
