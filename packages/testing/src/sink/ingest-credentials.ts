// Sentry's ingest rejects an envelope whose key or project does not match a known client
// key. The sink accepts any credentials by default (most tests care about payloads); with
// `checkCredentials` it answers the way Relay does, so a wrong DSN can be tested.

/** Why ingest refused a request's credentials, and the status it answered with. */
export interface CredentialRejection {
  status: 401 | 403;
  detail: string;
}

/**
 * Checks the `sentry_key` and project of an ingest request against the sink's own DSN:
 * no key is 401, an unknown key is 401, a known key sent to another project is 403, as
 * Relay answers ("event submission rejected with_reason: ProjectId").
 *
 * @example
 * checkIngestCredentials({ sentryKey: 'abc', projectId: '2' }, { publicKey: 'abc', projectId: '1' });
 * // { status: 403, detail: 'event submission rejected with_reason: ProjectId' }
 */
export function checkIngestCredentials(
  sent: { sentryKey: string | undefined; projectId: string },
  expected: { publicKey: string; projectId: string },
): CredentialRejection | undefined {
  if (sent.sentryKey === undefined || sent.sentryKey === '') {
    return { status: 401, detail: 'missing authorization information' };
  }
  if (sent.sentryKey !== expected.publicKey) return { status: 401, detail: 'invalid api key' };
  if (sent.projectId !== expected.projectId) {
    return { status: 403, detail: 'event submission rejected with_reason: ProjectId' };
  }
  return undefined;
}
