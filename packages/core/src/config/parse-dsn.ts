/** The parts of a Sentry DSN tracewire checks. */
export interface DsnParts {
  protocol: 'http' | 'https';
  publicKey: string;
  host: string;
  projectId: string;
}

export type DsnCheck = { ok: true; parts: DsnParts } | { ok: false; reason: string };

const DSN_SHAPE = 'https://<public key>@<host>/<project id>';

/**
 * Checks a DSN the way the Sentry SDK reads it (`https://<public key>@<host>[/path]/<project id>`)
 * and says precisely what is wrong, without repeating the value: a DSN carries a key.
 *
 * The SDK itself only logs a malformed DSN in debug builds and then sends nothing, which
 * is the silent half-instrumented start this check exists to prevent.
 *
 * @example
 * parseDsn('https://abc123@o1.ingest.sentry.io/42'); // { ok: true, parts: { projectId: '42', ... } }
 * parseDsn('not-a-dsn'); // { ok: false, reason: 'it is not a URL ...' }
 */
export function parseDsn(value: string): DsnCheck {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, reason: `It is not a URL. A DSN looks like ${DSN_SHAPE}.` };
  }
  const protocol = url.protocol.slice(0, -1);
  if (protocol !== 'http' && protocol !== 'https') {
    return {
      ok: false,
      reason: `It uses ${protocol}://; a DSN uses https:// (http:// for self-hosted Sentry).`,
    };
  }
  if (url.username === '') {
    return { ok: false, reason: `It has no public key before the @. A DSN looks like ${DSN_SHAPE}.` };
  }
  // The SDK's own parser accepts only word characters in the key parts.
  if (!/^\w+$/.test(url.username) || !/^\w*$/.test(url.password)) {
    return { ok: false, reason: 'Its public key contains characters a Sentry key never has.' };
  }
  if (url.hostname === '') {
    return { ok: false, reason: `It has no host. A DSN looks like ${DSN_SHAPE}.` };
  }
  if (url.search !== '' || url.hash !== '') {
    return { ok: false, reason: 'It has a query string or fragment; a DSN ends with the project id.' };
  }
  const projectId = url.pathname.split('/').pop() ?? '';
  if (!/^\d+$/.test(projectId)) {
    return { ok: false, reason: 'It does not end with a numeric project id (…/123).' };
  }
  return { ok: true, parts: { protocol, publicKey: url.username, host: url.host, projectId } };
}
