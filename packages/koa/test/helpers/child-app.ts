import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const koaDir = fileURLToPath(new URL('../..', import.meta.url));
const coreDir = path.join(koaDir, '..', 'core');

/**
 * Why child-process tests cannot run yet, or undefined when they can: they load the
 * built packages, as users do, and `pnpm test` builds them first.
 */
export function missingBuild(): string | undefined {
  const register = path.join(coreDir, 'dist', 'register.mjs');
  const adapter = path.join(koaDir, 'dist', 'index.mjs');
  if (!fs.existsSync(register)) return `${register} is missing: run \`pnpm -C packages/core build\``;
  if (!fs.existsSync(adapter) || !fs.readFileSync(adapter, 'utf8').includes('tracewireObservability')) {
    return `${adapter} is missing or predates the middleware: run \`pnpm -C packages/koa build\``;
  }
  return undefined;
}

/** How a child process ended. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A fixture app running in a child process. */
export interface ChildApp {
  url: string;
  /** Parsed JSON lines the app wrote to stdout so far. */
  lines(): Record<string, unknown>[];
  /**
   * Sends SIGTERM and resolves once the process is gone. tracewire flushes on it, then
   * re-raises the signal, so a clean stop ends with signal SIGTERM.
   */
  stop(): Promise<ChildExit>;
}

/**
 * Starts `test/fixtures/<script>` with `node --import @tracewire/core/register` from
 * the package directory and waits for its "listening" line.
 */
export async function startChildApp(script: string, env: Record<string, string>): Promise<ChildApp> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', '@tracewire/core/register', path.join(koaDir, 'test', 'fixtures', script)],
    {
      cwd: koaDir,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: Record<string, unknown>[] = [];
  let output = '';
  let partial = '';
  const exited = new Promise<ChildExit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const listening = new Promise<number>((resolve, reject) => {
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
      reject(new Error(`fixture exited (${code ?? signal}) before listening:\n${output}`)),
    );
  });
  const port = await listening;
  return {
    url: `http://127.0.0.1:${port}`,
    lines: () => [...lines],
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
