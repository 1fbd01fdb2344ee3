// `tracewire config` lists each database instrumentation and why it is active or not.
// A child process with a clean environment, so only the app directory decides what
// resolves (the test runner's NODE_PATH would otherwise make every client resolvable).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { coreDir, coreIsBuilt } from '../helpers/child-app.ts';

const emptyApp = fs.mkdtempSync(path.join(os.tmpdir(), 'tracewire-cli-no-db-'));
fs.writeFileSync(path.join(emptyApp, 'package.json'), JSON.stringify({ name: 'no-db', version: '1.0.0' }));
afterAll(() => fs.rmSync(emptyApp, { recursive: true, force: true }));

function config(cwd: string, env: Record<string, string> = {}, json = false) {
  const result = spawnSync(
    process.execPath,
    [path.join(coreDir, 'dist', 'cli.mjs'), 'config', ...(json ? ['--json'] : [])],
    {
      cwd,
      env: { PATH: process.env.PATH ?? '', SENTRY_ENVIRONMENT: 'test', ...env },
      encoding: 'utf8',
    },
  );
  return result;
}

/** The rows of the instrumentation table: name → [state, why]. */
function instrumentationRows(stdout: string): Record<string, [string, string]> {
  const table = stdout.slice(stdout.indexOf('\nINSTRUMENTATION ') + 1);
  const rows = table.trim().split('\n').slice(1);
  return Object.fromEntries(
    rows.map((row) => {
      const [name = '', state = '', why = ''] = row.split(/\s{2,}/);
      return [name, [state, why]];
    }),
  );
}

describe.skipIf(!coreIsBuilt)('tracewire config and database instrumentations', () => {
  it('says not installed for every library an app without a database lacks', () => {
    const result = config(emptyApp);
    expect(result.status).toBe(0);
    const rows = instrumentationRows(result.stdout);
    expect(Object.keys(rows)).toEqual(['pg', 'mysql2', 'ioredis', 'redis', 'mongodb']);
    for (const [state, why] of Object.values(rows)) {
      expect(state).toBe('not installed');
      expect(why).toContain('not found from');
    }
    expect(rows.pg?.[1]).toContain('pg / pg-pool not found');
  });

  it('says found for the libraries the app has, and switched off for the ones deselected', () => {
    const result = config(coreDir, { TRACEWIRE_INSTRUMENTATIONS: 'default,-mongodb,-mysql2' });
    const rows = instrumentationRows(result.stdout);
    expect(rows).toEqual({
      pg: ['active', 'found pg'],
      mysql2: ['switched off', 'not in TRACEWIRE_INSTRUMENTATIONS'],
      ioredis: ['active', 'found ioredis'],
      redis: ['active', 'found redis'],
      mongodb: ['switched off', 'not in TRACEWIRE_INSTRUMENTATIONS'],
    });
    expect(result.stdout).toMatch(
      /^instrumentationSet\s+pg,ioredis,redis\s+env:TRACEWIRE_INSTRUMENTATIONS$/m,
    );
  });

  it('puts the same statuses in the JSON dump', () => {
    const dump = JSON.parse(config(emptyApp, { TRACEWIRE_INSTRUMENTATIONS: 'pg' }, true).stdout);
    expect(dump.databaseInstrumentations.map((status: { state: string }) => status.state)).toEqual([
      'not installed',
      'switched off',
      'switched off',
      'switched off',
      'switched off',
    ]);
  });

  it('rejects a misspelt name with a suggestion and exit code 1', () => {
    const result = config(emptyApp, { TRACEWIRE_INSTRUMENTATIONS: 'pg,iordis' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('TW_CONFIG_INVALID_INSTRUMENTATIONS');
    expect(result.stderr).toContain('did you mean ioredis?');
  });
});
