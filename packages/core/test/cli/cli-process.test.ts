// The built bin, run as users run it. `pnpm test` builds before vitest; a bare vitest
// run without a build skips this file rather than testing stale output.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createAppDirectory } from '../config/app-directory.ts';

const builtCli = fileURLToPath(new URL('../../dist/cli.mjs', import.meta.url));
const isBuilt = fs.existsSync(builtCli);
const app = createAppDirectory({ name: 'bin-app', version: '1.0.0' });
afterAll(() => app.remove());

function runBin(args: string[], env: Record<string, string>) {
  // Only PATH is inherited: the host's own SENTRY_/OTEL_ variables must not leak into the check.
  return spawnSync(process.execPath, [builtCli, ...args], {
    cwd: app.dir,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

const suiteName = isBuilt
  ? 'the tracewire bin (dist/cli.mjs)'
  : 'the tracewire bin: skipped because packages/core/dist/cli.mjs is missing (run pnpm -C packages/core build)';

describe.skipIf(!isBuilt)(suiteName, () => {
  it('starts with a node shebang', () => {
    expect(fs.readFileSync(builtCli, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
  });

  it('exits 1 and prints every issue for a bad environment', () => {
    const result = runBin(['check'], {
      SENTRY_DSN: 'not-a-dsn',
      SENTRY_TRACE_SAMPLE_RATE: '1.5',
      LOG_LEVEL: 'loud',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('tracewire configuration has 3 problems');
    expect(result.stdout).not.toContain('not-a-dsn');
  });

  it('exits 0 for a valid environment and prints the config as JSON', () => {
    const result = runBin(['config', '--json'], { SENTRY_ENVIRONMENT: 'staging' });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ serviceName: 'bin-app', environment: 'staging' });
  });

  it('exits 2 on an unknown command', () => {
    expect(runBin(['deploy'], {}).status).toBe(2);
  });
});
