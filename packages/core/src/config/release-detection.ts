import { createConfigWarning } from './config-problems.ts';
import { type DetectionOutcome, type DetectionVariable, detectFromPlatform } from './platform-detection.ts';
import type { AppPackage } from './read-app-package.ts';
import type { EnvSource } from './read-env.ts';
import { releaseKind } from './value-kinds.ts';

/**
 * Where the release comes from when neither `SENTRY_RELEASE` nor `SENTRY_VERSION` is set,
 * in order. Each name is the one its platform documents. Fly.io is absent on purpose:
 * it exposes only an image reference (`FLY_IMAGE_REF`) and a machine version, neither a commit.
 */
export const RELEASE_DETECTION_VARIABLES: readonly DetectionVariable[] = Object.freeze([
  {
    variable: 'OTEL_RESOURCE_ATTRIBUTES',
    attribute: 'service.version',
    platform: 'Kubernetes: the OpenTelemetry Operator sets it from the app.kubernetes.io/version label',
  },
  { variable: 'RAILWAY_GIT_COMMIT_SHA', platform: 'Railway' },
  { variable: 'VERCEL_GIT_COMMIT_SHA', platform: 'Vercel' },
  { variable: 'RENDER_GIT_COMMIT', platform: 'Render' },
  { variable: 'HEROKU_BUILD_COMMIT', platform: 'Heroku, with the runtime-dyno-build-metadata feature' },
  {
    variable: 'HEROKU_SLUG_COMMIT',
    platform: 'Heroku, with the runtime-dyno-metadata feature (deprecated by Heroku)',
  },
  { variable: 'SOURCE_VERSION', platform: 'Heroku builds' },
  { variable: 'CF_PAGES_COMMIT_SHA', platform: 'Cloudflare Pages' },
  { variable: 'COMMIT_REF', platform: 'Netlify' },
  { variable: 'GITHUB_SHA', platform: 'GitHub Actions' },
  { variable: 'CI_COMMIT_SHA', platform: 'GitLab CI' },
  { variable: 'CIRCLE_SHA1', platform: 'CircleCI' },
  { variable: 'BITBUCKET_COMMIT', platform: 'Bitbucket Pipelines' },
]);

/**
 * Detects the release: a platform's commit SHA first, then `name@version` from the
 * application's package.json. Sentry forbids "/" in release names, so a scoped package
 * `@acme/api` becomes `acme-api@1.2.3`.
 *
 * @example
 * detectRelease({ RAILWAY_GIT_COMMIT_SHA: 'd0beb8f5' }, {}, { name: 'api', version: '1.0.0' });
 * // { detected: { value: 'd0beb8f5', source: 'detected:RAILWAY_GIT_COMMIT_SHA' }, warnings: [] }
 */
export function detectRelease(
  env: EnvSource,
  resourceAttributes: Readonly<Record<string, string>>,
  appPackage: AppPackage,
): DetectionOutcome {
  const fromPlatform = detectFromPlatform(
    RELEASE_DETECTION_VARIABLES,
    env,
    resourceAttributes,
    releaseKind,
    'release',
  );
  if (fromPlatform.detected || !appPackage.name || !appPackage.version) return fromPlatform;

  const release = `${releaseNameOf(appPackage.name)}@${appPackage.version}`;
  const check = releaseKind.fromEnv(release);
  if (!check.ok) {
    const warning = createConfigWarning('TW_CONFIG_DETECTED_VALUE_IGNORED', 'package.json', {
      variable: 'name@version from package.json',
      field: 'release',
      reason: check.reason ?? `it is not ${releaseKind.expected}.`,
    });
    return { detected: undefined, warnings: [...fromPlatform.warnings, warning] };
  }
  return {
    detected: { value: check.value, source: 'detected:package.json' },
    warnings: fromPlatform.warnings,
  };
}

/** `@scope/name` → `scope-name`: the scope stays recognisable and the "/" Sentry rejects goes. */
function releaseNameOf(packageName: string): string {
  return packageName.replace(/^@/, '').replaceAll('/', '-');
}
