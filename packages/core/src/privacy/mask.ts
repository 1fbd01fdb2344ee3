/** What a masked value is printed as in logs, messages and config dumps. */
export const MASK = '***';

/**
 * What a masked query value is in a URL (Sentry request URLs, span `url.full` and
 * `url.query`): `[Filtered]` URL-encoded, as Sentry's own server-side scrubbing shows it,
 * so the URL stays parseable.
 */
export const URL_MASK = '%5BFiltered%5D';
