import { afterAll, describe, expect, it } from 'vitest';
import { resolveObservabilityConfig } from '../../src/config/resolve-observability-config.ts';
import { createAppDirectory } from './app-directory.ts';

const app = createAppDirectory({ name: 'observed-app', version: '1.0.0' });
afterAll(() => app.remove());

const BAD = { SENTRY_DSN: 'not-a-dsn', SENTRY_TRACE_SAMPLE_RATE: '2', LOG_LEVEL: 'debug' };

describe('resolveObservabilityConfig', () => {
  it('resolves invalid configuration in one pass: defaults for what was rejected, the rest as given', () => {
    const { config, issues, disabled } = resolveObservabilityConfig({ env: BAD, cwd: app.dir });
    expect(issues.map((issue) => issue.variable)).toEqual(['SENTRY_DSN', 'SENTRY_TRACE_SAMPLE_RATE']);
    expect([...disabled].sort()).toEqual(['sentry', 'tracing']);
    expect(config.sentry.dsn).toBeUndefined();
    expect([config.sampleRate, config.sources.sampleRate]).toEqual([1, 'default']);
    expect([config.logLevel, config.sources.logLevel]).toEqual(['debug', 'env:LOG_LEVEL']);
    expect(JSON.stringify(issues)).not.toContain('not-a-dsn');
  });

  it('reads only config options from a wider options object', () => {
    const { config, warnings } = resolveObservabilityConfig({
      env: {},
      cwd: app.dir,
      serviceName: 'from-code',
      handleSignals: false,
    } as never);
    expect([config.serviceName, config.sources.serviceName]).toEqual(['from-code', 'code']);
    expect(warnings.map((warning) => warning.code)).not.toContain('TW_CONFIG_UNKNOWN_OPTION');
  });

  it.each([
    ['TRACEWIRE_STRICT=yes', { TRACEWIRE_STRICT: 'yes' }, {}],
    ['TRACEWIRE_STRICT=TRUE', { TRACEWIRE_STRICT: ' TRUE ' }, {}],
    ['strict: true in code', { TRACEWIRE_STRICT: 'false' }, { strict: true }],
  ])('in strict mode (%s) throws TW_CONFIG_INVALID with every issue', (_, strictEnv, options) => {
    let thrown: unknown;
    try {
      resolveObservabilityConfig({ env: { ...BAD, ...strictEnv }, cwd: app.dir, ...options });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'TW_CONFIG_INVALID' });
    const issues = (thrown as { issues?: { variable: string }[] }).issues ?? [];
    expect(issues.map((issue) => issue.variable)).toEqual(['SENTRY_DSN', 'SENTRY_TRACE_SAMPLE_RATE']);
    expect(String((thrown as Error).message)).not.toContain('not-a-dsn');
  });

  it('does not throw when strict mode is on and everything is valid, nor when TRACEWIRE_STRICT itself is invalid', () => {
    expect(
      resolveObservabilityConfig({ env: { TRACEWIRE_STRICT: 'true' }, cwd: app.dir }).config.strict,
    ).toBe(true);
    const invalidStrict = resolveObservabilityConfig({
      env: { ...BAD, TRACEWIRE_STRICT: 'maybe' },
      cwd: app.dir,
    });
    expect(invalidStrict.config.strict).toBe(false);
    expect(invalidStrict.issues.map((issue) => issue.variable)).toContain('TRACEWIRE_STRICT');
  });
});
