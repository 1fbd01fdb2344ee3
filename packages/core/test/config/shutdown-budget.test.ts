import { afterAll, describe, expect, it } from 'vitest';
import { configRows, renderConfigTable } from '../../src/cli/render-config-table.ts';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS } from '../../src/config/defaults.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { SHUTDOWN_EXIT_MARGIN_MS, shutdownBudgetFor } from '../../src/config/shutdown-window-detection.ts';
import type { ConfigOptions } from '../../src/config/types.ts';
import { createAppDirectory } from './app-directory.ts';

const app = createAppDirectory({ name: 'budget-app', version: '1.0.0' });
afterAll(() => app.remove());

function budget(env: Record<string, string>, options: ConfigOptions = {}) {
  const result = loadConfig({ env, options, cwd: app.dir });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return {
    value: result.config.shutdownTimeoutMs,
    source: result.config.sources.shutdownTimeoutMs,
    warnings: result.warnings.map((warning) => warning.code),
    config: result.config,
  };
}

describe('shutdown budget inside the platform kill window', () => {
  it.each([
    [
      'Railway, draining time unset (3 s)',
      { RAILWAY_ENVIRONMENT_NAME: 'production' },
      2500,
      'detected:railway',
    ],
    ['Railway, draining time 2 s', { RAILWAY_DEPLOYMENT_DRAINING_SECONDS: '2' }, 1500, 'detected:railway'],
    [
      'Railway, draining time 20 s',
      { RAILWAY_ENVIRONMENT_NAME: 'production', RAILWAY_DEPLOYMENT_DRAINING_SECONDS: '20' },
      5000,
      'detected:railway',
    ],
    ['Railway, draining time 0 s', { RAILWAY_DEPLOYMENT_DRAINING_SECONDS: '0' }, 0, 'detected:railway'],
    ['Fly.io (kill_timeout 5 s)', { FLY_APP_NAME: 'checkout' }, 4500, 'detected:fly'],
    ['Cloud Run (10 s)', { K_SERVICE: 'checkout' }, 5000, 'detected:cloud-run'],
    ['Heroku (30 s)', { DYNO: 'web.1' }, 5000, 'detected:heroku'],
    ['Render (30 s)', { RENDER: 'true' }, 5000, 'detected:render'],
    ['no known platform', {}, DEFAULT_SHUTDOWN_TIMEOUT_MS, 'default'],
  ] as const)('%s', (_, env, expected, source) => {
    const found = budget({ ...env });
    expect([found.value, found.source]).toEqual([expected, source]);
  });

  it('leaves the margin for the process to exit and never exceeds the usual default', () => {
    for (const windowMs of [0, 400, 500, 1000, 3000, 5000, 5500, 6000, 30_000]) {
      const value = shutdownBudgetFor(windowMs);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(DEFAULT_SHUTDOWN_TIMEOUT_MS);
      if (windowMs >= SHUTDOWN_EXIT_MARGIN_MS)
        expect(value + SHUTDOWN_EXIT_MARGIN_MS).toBeLessThanOrEqual(windowMs);
      else expect(value).toBe(0);
    }
  });

  it('lets TRACEWIRE_SHUTDOWN_TIMEOUT_MS and the code option win over the platform', () => {
    const railway = { RAILWAY_ENVIRONMENT_NAME: 'production' };
    expect(budget({ ...railway, TRACEWIRE_SHUTDOWN_TIMEOUT_MS: '8000' })).toMatchObject({
      value: 8000,
      source: 'env:TRACEWIRE_SHUTDOWN_TIMEOUT_MS',
    });
    expect(
      budget({ ...railway, TRACEWIRE_SHUTDOWN_TIMEOUT_MS: '8000' }, { shutdownTimeoutMs: 1200 }),
    ).toMatchObject({ value: 1200, source: 'code' });
  });

  it('warns about an unreadable draining time and falls back to Railway’s default window', () => {
    const found = budget({
      RAILWAY_ENVIRONMENT_NAME: 'production',
      RAILWAY_DEPLOYMENT_DRAINING_SECONDS: 'soon',
    });
    expect([found.value, found.source]).toEqual([2500, 'detected:railway']);
    expect(found.warnings).toContain('TW_CONFIG_DETECTED_VALUE_IGNORED');
  });

  it('shows the detected budget in `tracewire config`', () => {
    const { config } = budget({ RAILWAY_ENVIRONMENT_NAME: 'production' });
    expect(configRows(config)).toContainEqual({
      field: 'shutdownTimeoutMs',
      value: '2500',
      source: 'detected:railway',
    });
    expect(renderConfigTable(configRows(config))).toMatch(/^shutdownTimeoutMs\s+2500\s+detected:railway$/m);
  });
});
