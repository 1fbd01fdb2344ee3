import { afterAll, describe, expect, it } from 'vitest';
import { ENVIRONMENT_DETECTION_VARIABLES } from '../../src/config/environment-detection.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { RELEASE_DETECTION_VARIABLES } from '../../src/config/release-detection.ts';
import { createAppDirectory } from './app-directory.ts';

const emptyApp = createAppDirectory();
const plainApp = createAppDirectory({ name: 'checkout-api', version: '1.4.2' });
const scopedApp = createAppDirectory({ name: '@acme/api', version: '2.0.0-rc.1' });
afterAll(() => {
  for (const app of [emptyApp, plainApp, scopedApp]) app.remove();
});

const SHA = '2c3a0b24069af49b3de35b8e8c26765c1dba9ff0';

function resolve(env: Record<string, string>, cwd = emptyApp.dir) {
  const result = loadConfig({ env, cwd });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return { config: result.config, warnings: result.warnings };
}

describe('release detection', () => {
  const platformVariables = RELEASE_DETECTION_VARIABLES.filter(
    (candidate) => candidate.attribute === undefined,
  );

  it.each(platformVariables.map((candidate) => [candidate.variable, candidate.platform]))(
    'takes the commit from %s (%s)',
    (variable) => {
      const { config } = resolve({ [variable]: SHA }, plainApp.dir);
      expect([config.release, config.sources.release]).toEqual([SHA, `detected:${variable}`]);
    },
  );

  it('reads service.version from OTEL_RESOURCE_ATTRIBUTES, as the Kubernetes operator sets it', () => {
    const { config } = resolve({ OTEL_RESOURCE_ATTRIBUTES: 'service.version=3.1.0', GITHUB_SHA: SHA });
    expect([config.release, config.sources.release]).toEqual(['3.1.0', 'detected:OTEL_RESOURCE_ATTRIBUTES']);
  });

  it('follows the documented order when several platforms are present', () => {
    const env = Object.fromEntries(
      platformVariables.map((candidate, index) => [candidate.variable, `sha${index}`]),
    );
    for (const [index, candidate] of platformVariables.entries()) {
      const present = Object.fromEntries(Object.entries(env).slice(index));
      expect(resolve(present).config.sources.release).toBe(`detected:${candidate.variable}`);
    }
  });

  it('never detects when SENTRY_RELEASE or SENTRY_VERSION is set', () => {
    expect(resolve({ SENTRY_RELEASE: 'r1', RAILWAY_GIT_COMMIT_SHA: SHA }).config.release).toBe('r1');
    expect(resolve({ SENTRY_VERSION: 'v1', VERCEL_GIT_COMMIT_SHA: SHA }).config.release).toBe('v1');
  });

  it('falls back to name@version from package.json', () => {
    const { config } = resolve({}, plainApp.dir);
    expect([config.release, config.sources.release]).toEqual(['checkout-api@1.4.2', 'detected:package.json']);
  });

  it('drops the "/" of a scoped package name, which Sentry rejects', () => {
    expect(resolve({}, scopedApp.dir).config.release).toBe('acme-api@2.0.0-rc.1');
  });

  it('skips a value that is its own variable name, with a warning', () => {
    const { config, warnings } = resolve({ RENDER_GIT_COMMIT: 'RENDER_GIT_COMMIT', CIRCLE_SHA1: SHA });
    expect(config.release).toBe(SHA);
    expect(warnings.find((warning) => warning.code === 'TW_CONFIG_DETECTED_VALUE_IGNORED')?.variable).toBe(
      'RENDER_GIT_COMMIT',
    );
  });

  it('skips a detected value Sentry would reject, instead of failing startup', () => {
    const { config, warnings } = resolve({ SOURCE_VERSION: 'feature/x', GITHUB_SHA: SHA });
    expect(config.release).toBe(SHA);
    expect(warnings.map((warning) => warning.code)).toContain('TW_CONFIG_DETECTED_VALUE_IGNORED');
  });

  it('does not read Fly.io’s image reference as a release', () => {
    expect(resolve({ FLY_IMAGE_REF: 'registry.fly.io/app:deployment-01H9' }).config.release).toBeUndefined();
  });
});

describe('environment detection', () => {
  it.each([
    ['RAILWAY_ENVIRONMENT_NAME', 'staging'],
    ['VERCEL_ENV', 'preview'],
  ])('takes the environment from %s', (variable, value) => {
    const { config } = resolve({ [variable]: value });
    expect([config.environment, config.sources.environment]).toEqual([value, `detected:${variable}`]);
  });

  it.each(['deployment.environment.name', 'deployment.environment'])(
    'takes the environment from %s in OTEL_RESOURCE_ATTRIBUTES',
    (attribute) => {
      const { config } = resolve({ OTEL_RESOURCE_ATTRIBUTES: `${attribute}=qa`, VERCEL_ENV: 'preview' });
      expect([config.environment, config.sources.environment]).toEqual([
        'qa',
        'detected:OTEL_RESOURCE_ATTRIBUTES',
      ]);
    },
  );

  it('reads Netlify’s CONTEXT only on Netlify', () => {
    expect(resolve({ CONTEXT: 'deploy-preview', NETLIFY: 'true' }).config.environment).toBe('deploy-preview');
    expect(resolve({ CONTEXT: 'deploy-preview' }).config.environment).toBe('production');
  });

  it('lists every detection variable it implements', () => {
    const names = ENVIRONMENT_DETECTION_VARIABLES.map(
      (candidate) => candidate.attribute ?? candidate.variable,
    );
    expect(names).toEqual([
      'deployment.environment.name',
      'deployment.environment',
      'RAILWAY_ENVIRONMENT_NAME',
      'VERCEL_ENV',
      'CONTEXT',
    ]);
  });

  it('never detects when SENTRY_ENVIRONMENT is set', () => {
    expect(resolve({ SENTRY_ENVIRONMENT: 'production', VERCEL_ENV: 'preview' }).config.environment).toBe(
      'production',
    );
  });

  it('skips a detected environment Sentry would reject', () => {
    const { config, warnings } = resolve({ RAILWAY_ENVIRONMENT_NAME: 'pr 12/feature' });
    expect(config.environment).toBe('production');
    expect(warnings.map((warning) => warning.code)).toContain('TW_CONFIG_DETECTED_VALUE_IGNORED');
  });
});
