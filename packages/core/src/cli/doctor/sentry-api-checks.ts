import { maskSecretsInText } from '../../privacy/mask-secrets-in-text.ts';
import { bodyExcerpt, describeConnectionFailure } from './connection-failures.ts';
import { type DoctorCheck, type DoctorContext, doctorLine } from './doctor-types.ts';

const DESTINATION = 'Sentry API (Grafana datasource)';

/** The scopes the Grafana Sentry datasource needs to list issues, events and stats. */
export const GRAFANA_SENTRY_SCOPES = Object.freeze(['org:read', 'project:read', 'team:read', 'event:read']);

const TOKEN_FIX =
  'Create a token with org:read, project:read, team:read and event:read (Settings → Developer Settings → Custom Integrations → Internal Integration, or a personal token) and set it as SENTRY_AUTH_TOKEN.';

/**
 * With `SENTRY_AUTH_TOKEN` set: `SENTRY_INTERNAL_URL` is the API base (not the DSN's
 * ingest host), the token is valid there, and it has every scope the Grafana datasource
 * needs. Scopes are read from `GET /api/0/`, which answers with the scopes of the token
 * that authenticated it.
 *
 * @example
 * const lines = await checkSentryApi(context);
 */
export async function checkSentryApi(context: DoctorContext): Promise<DoctorCheck[]> {
  const { config } = context;
  const token = config.sentry.authToken;
  const internalUrl = config.sentry.internalUrl;
  const shown = maskSecretsInText(internalUrl);
  const line = doctorLine(DESTINATION, shown);
  if (token === undefined) {
    return config.sources['sentry.internalUrl']?.startsWith('env:')
      ? [
          line(
            'sentry.api.token',
            'warn',
            'SENTRY_INTERNAL_URL is set but SENTRY_AUTH_TOKEN is not: the API was not checked.',
            TOKEN_FIX,
          ),
        ]
      : [];
  }

  const url = new URL(internalUrl);
  const shape = misusedUrl(url, config.sentry.dsn);
  if (shape) return [line('sentry.api.url', 'fail', shape.message, shape.fix)];

  const base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  const outcome = await context.network.request(`${base}/api/0/`, {
    method: 'GET',
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    timeoutMs: context.timeoutMs,
  });
  if (outcome.kind !== 'response') {
    const diagnosis = describeConnectionFailure(outcome, url, 'Sentry');
    return [
      line('sentry.api.token', 'fail', `the Sentry API is unreachable: ${diagnosis.message}`, diagnosis.fix),
    ];
  }
  const detail = bodyExcerpt(outcome.body);
  const quoted = detail ? ` ("${detail}")` : '';
  if (outcome.status === 401 || outcome.status === 403) {
    return [
      line(
        'sentry.api.token',
        'fail',
        `the token was refused (${outcome.status}${quoted}): it is invalid, revoked or for another Sentry.`,
        TOKEN_FIX,
      ),
    ];
  }
  let answer: { version?: unknown; auth?: { scopes?: unknown } | null } | undefined;
  try {
    answer = JSON.parse(outcome.body) as typeof answer;
  } catch {
    answer = undefined;
  }
  if (outcome.status !== 200 || typeof answer !== 'object' || answer === null || !('version' in answer)) {
    return [
      line(
        'sentry.api.url',
        'fail',
        `${base}/api/0/ is not the Sentry API (answered ${outcome.status}${quoted}).`,
        "Set SENTRY_INTERNAL_URL to the address of Sentry's web UI and API (self-hosted: http://sentry.railway.internal:9000; sentry.io: https://sentry.io), not the DSN's ingest host or a proxy path.",
      ),
    ];
  }
  if (!answer.auth || !Array.isArray(answer.auth.scopes)) {
    return [
      line('sentry.api.token', 'fail', 'the API did not recognise the token (auth is null).', TOKEN_FIX),
    ];
  }
  const granted = answer.auth.scopes.filter((scope): scope is string => typeof scope === 'string');
  const missing = GRAFANA_SENTRY_SCOPES.filter((scope) => !grants(granted, scope));
  if (missing.length > 0) {
    const orgToken = token.startsWith('sntrys_')
      ? ' Organization auth tokens (sntrys_…) carry only org:ci and cannot read events.'
      : '';
    return [
      line(
        'sentry.api.scopes',
        'fail',
        `the token is valid but lacks ${missing.join(', ')} (has ${granted.length === 0 ? 'no scopes' : granted.join(', ')}).`,
        `Give the token ${missing.join(', ')}, or create one with all of ${GRAFANA_SENTRY_SCOPES.join(', ')}.${orgToken}`,
      ),
    ];
  }
  return [
    line('sentry.api.scopes', 'pass', `the token is valid and has ${GRAFANA_SENTRY_SCOPES.join(', ')}.`),
  ];
}

/** A write or admin scope includes read on the same resource, as Sentry's scope hierarchy has it. */
function grants(granted: readonly string[], wanted: string): boolean {
  const [resource] = wanted.split(':');
  return granted.some(
    (scope) => scope === wanted || scope === `${resource}:write` || scope === `${resource}:admin`,
  );
}

/** URLs that are certainly not the API base, told apart without contacting them. */
function misusedUrl(url: URL, dsn: string | undefined): { message: string; fix: string } | undefined {
  if (url.username !== '' || url.password !== '') {
    return {
      message: 'SENTRY_INTERNAL_URL carries credentials (user@host): it looks like a DSN, not the API base.',
      fix: 'Set SENTRY_INTERNAL_URL to the base address only (http://sentry.railway.internal:9000); the token goes in SENTRY_AUTH_TOKEN.',
    };
  }
  if (/(^|\.)ingest(\.[a-z]+)?\.sentry\.io$/i.test(url.hostname)) {
    return {
      message: `${url.hostname} is the DSN's ingest host, which serves no API.`,
      fix: 'Set SENTRY_INTERNAL_URL to https://sentry.io (or your region, https://us.sentry.io / https://de.sentry.io).',
    };
  }
  const dsnProject = dsn === undefined ? undefined : new URL(dsn).pathname.split('/').filter(Boolean).pop();
  if (
    /\/api(\/|$)/.test(url.pathname) ||
    (dsnProject !== undefined && url.pathname.replace(/\/+$/, '').endsWith(`/${dsnProject}`))
  ) {
    return {
      message: `SENTRY_INTERNAL_URL has a path (${url.pathname}): it must be the base address, /api/0/ is added by the clients.`,
      fix: `Set SENTRY_INTERNAL_URL to ${url.origin}.`,
    };
  }
  return undefined;
}
