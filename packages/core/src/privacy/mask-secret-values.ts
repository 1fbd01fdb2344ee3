// How configured secrets are shown in messages, dumps and `tracewire config`.
import { MASK } from './mask.ts';
import { maskSecretsInText } from './mask-secrets-in-text.ts';

/**
 * Masks a secret whose shape is unknown (a token, a malformed DSN): nothing of it is kept
 * but its length, which is enough to spot an empty or truncated value.
 *
 * @example
 * describeMaskedSecret('sntrys_abc'); // '*** (10 characters)'
 */
export function describeMaskedSecret(value: string): string {
  return `${MASK} (${value.length} character${value.length === 1 ? '' : 's'})`;
}

/**
 * Masks a DSN for display. A DSN-shaped value keeps its scheme, host and project so a
 * wrong host or project is still visible; anything without `scheme://…@` could be a bare
 * key, so it is masked whole.
 *
 * @example
 * maskDsn('https://abc@o1.ingest.sentry.io/123'); // 'https://***@o1.ingest.sentry.io/123'
 * maskDsn('abc123'); // '*** (6 characters)'
 */
export function maskDsn(value: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\/[^\s/?#@]*@/i.test(value)
    ? maskSecretsInText(value)
    : describeMaskedSecret(value);
}

/**
 * Masks the values of a header map, keeping the names: which header is set is useful,
 * its value (an API key, a bearer token) is not printable.
 *
 * @example
 * maskHeaderValues({ authorization: 'Bearer x' }); // { authorization: '***' }
 */
export function maskHeaderValues(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.keys(headers).map((name) => [name, MASK]));
}
