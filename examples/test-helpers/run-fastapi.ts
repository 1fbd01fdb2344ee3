import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChildApp } from '@tracewire/testing/fixtures';
import type { RunningExample } from './run-example.ts';

const appDir = fileURLToPath(new URL('../fastapi-app', import.meta.url));

/**
 * Starts examples/fastapi-app (`<python> main.py`) on a free port of 127.0.0.1 and waits for
 * its "listening" line. Only the given variables reach it.
 */
export function startFastApiApp(python: string, env: Record<string, string>): Promise<RunningExample> {
  return startChildApp(path.join(appDir, 'main.py'), {
    command: python,
    cwd: appDir,
    env: { PYTHONUNBUFFERED: '1', PORT: '0', ...env },
  });
}
