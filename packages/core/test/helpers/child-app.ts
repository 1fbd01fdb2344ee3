import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const coreDir = fileURLToPath(new URL('../..', import.meta.url));
export const fixturesDir = fileURLToPath(new URL('../fixtures', import.meta.url));

/** Skips child-process tests with a clear reason until `pnpm build` has produced dist/. */
export const coreIsBuilt = fs.existsSync(path.join(coreDir, 'dist', 'register.mjs'));

export interface ChildApp {
  child: ChildProcess;
  url: string;
  /** Parsed JSON lines the app wrote to stdout so far. */
  lines(): Record<string, unknown>[];
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once a stdout line satisfies the predicate. */
  waitForLine(
    predicate: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  kill(signal?: NodeJS.Signals): void;
}

/**
 * Starts a fixture app in a child process (the way users run services: `node
 * --import @tracewire/core/register app.mjs`) and waits for its "listening" line.
 */
export async function startChildApp(
  script: string,
  options: { env?: Record<string, string>; nodeArgs?: string[]; cwd?: string; fixturesDir?: string } = {},
): Promise<ChildApp> {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), path.join(options.fixturesDir ?? fixturesDir, script)],
    {
      cwd: options.cwd ?? coreDir,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  const parsed: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    partial += chunk;
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      try {
        parsed.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // Not a JSON line; kept in stdout().
      }
    }
    for (const wake of waiters) wake();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      for (const wake of waiters) wake();
      resolve({ code, signal });
    });
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });

  const waitForLine = (predicate: (line: Record<string, unknown>) => boolean, timeoutMs = 15_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const found = parsed.find(predicate);
        if (found) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        } else if (hasExited) {
          waiters.delete(check);
          clearTimeout(timer);
          reject(new Error(`app exited before the expected line.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for a log line.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  const listening = await waitForLine((line) => line.msg === 'listening' && typeof line.port === 'number');
  return {
    child,
    url: `http://127.0.0.1:${listening.port as number}`,
    lines: () => [...parsed],
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForLine,
    kill: (signal = 'SIGTERM') => {
      child.kill(signal);
    },
  };
}
