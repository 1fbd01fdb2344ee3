import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const fixturesDir = fileURLToPath(new URL('../fixtures', import.meta.url));
const coreDir = path.join(packageDir, '..', 'core');

/** Why the child-process tests cannot run yet, or undefined when both packages are built. */
export const notBuiltReason = [
  [path.join(coreDir, 'dist', 'register.mjs'), '@tracewire/core'],
  [path.join(packageDir, 'dist', 'index.mjs'), '@tracewire/express'],
]
  .filter(([file]) => !fs.existsSync(file as string))
  .map(([, name]) => `${name} is not built (run \`pnpm build\`; \`pnpm test\` does)`)
  .join('; ');

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildApp {
  url: string;
  /** Parsed JSON log lines the app wrote to stdout so far. */
  lines(): Record<string, unknown>[];
  /** Sends SIGTERM (tracewire flushes, then the signal ends the process) and resolves with how it exited. */
  stop(): Promise<ChildExit>;
}

/**
 * Starts a fixture with `node --import @tracewire/core/register` from this package's
 * directory (where `@tracewire/core` and `express` resolve, and `@tracewire/express`
 * resolves to its own built `dist/` by self-reference), and waits for its "listening" line.
 */
export function startChildApp(script: string, env: Record<string, string>): Promise<ChildApp> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', '@tracewire/core/register', path.join(fixturesDir, script)],
    {
      cwd: packageDir,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const parsed: Record<string, unknown>[] = [];
  let output = '';
  let partial = '';
  const exited = new Promise<ChildExit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      partial += chunk;
      const complete = partial.split('\n');
      partial = complete.pop() ?? '';
      for (const line of complete) {
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          parsed.push(entry);
          if (entry.msg === 'listening' && typeof entry.port === 'number') {
            resolve({
              url: `http://127.0.0.1:${entry.port}`,
              lines: () => [...parsed],
              stop: () => {
                child.kill('SIGTERM');
                return exited;
              },
            });
          }
        } catch {
          // Not a JSON line; kept in the output shown on failure.
        }
      }
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`fixture exited (${code ?? signal}) before listening:\n${output}`)),
    );
  });
}
