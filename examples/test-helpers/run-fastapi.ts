import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ExampleExit, RunningExample } from './run-example.ts';

const appDir = fileURLToPath(new URL('../fastapi-app', import.meta.url));

/**
 * Starts examples/fastapi-app (`<python> main.py`) on a free port of 127.0.0.1 and waits for
 * its "listening" line. Only the given variables reach it.
 */
export async function startFastApiApp(python: string, env: Record<string, string>): Promise<RunningExample> {
  const child: ChildProcess = spawn(python, ['main.py'], {
    cwd: appDir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PYTHONUNBUFFERED: '1',
      PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
    child.once('error', (error) => reject(error));
    void exited.then(({ code, signal }) =>
      reject(new Error(`fastapi-app exited (${signal ?? code}) before listening:\n${output}`)),
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
