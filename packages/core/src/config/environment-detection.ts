import { type DetectionOutcome, type DetectionVariable, detectFromPlatform } from './platform-detection.ts';
import type { EnvSource } from './read-env.ts';
import { environmentKind } from './value-kinds.ts';

/**
 * Where the environment comes from when `SENTRY_ENVIRONMENT` is unset, in order. Render,
 * Heroku and Fly.io expose no environment name, so they are absent.
 */
export const ENVIRONMENT_DETECTION_VARIABLES: readonly DetectionVariable[] = Object.freeze([
  {
    variable: 'OTEL_RESOURCE_ATTRIBUTES',
    attribute: 'deployment.environment.name',
    platform: 'OpenTelemetry semantic conventions',
  },
  {
    variable: 'OTEL_RESOURCE_ATTRIBUTES',
    attribute: 'deployment.environment',
    platform: 'OpenTelemetry semantic conventions, older attribute name',
  },
  { variable: 'RAILWAY_ENVIRONMENT_NAME', platform: 'Railway' },
  { variable: 'VERCEL_ENV', platform: 'Vercel: production, preview or development' },
  {
    variable: 'CONTEXT',
    // CONTEXT is too generic a name to trust anywhere but on Netlify.
    requires: { NETLIFY: 'true' },
    platform: 'Netlify, only when NETLIFY is true: production, deploy-preview, branch-deploy or dev',
  },
]);

/**
 * Detects the environment from the platform the service runs on.
 *
 * @example
 * detectEnvironment({ VERCEL_ENV: 'preview' }, {});
 * // { detected: { value: 'preview', source: 'detected:VERCEL_ENV' }, warnings: [] }
 */
export function detectEnvironment(
  env: EnvSource,
  resourceAttributes: Readonly<Record<string, string>>,
): DetectionOutcome {
  return detectFromPlatform(
    ENVIRONMENT_DETECTION_VARIABLES,
    env,
    resourceAttributes,
    environmentKind,
    'environment',
  );
}
