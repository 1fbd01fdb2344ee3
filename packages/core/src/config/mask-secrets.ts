import { MASK } from '../privacy/mask.ts';
import { maskSecretsInText } from '../privacy/mask-secrets-in-text.ts';

// The config's maskers print with the privacy module's mask and judge names by its rule.
export { MASK };

/**
 * Masks credentials embedded anywhere in `text`: URL userinfo (`user:pass@`, a DSN's
 * public key), secret query parameters and `name=value` pairs, `Bearer` credentials.
 * The privacy module's `maskSecretsInText`, under the name the config code knows.
 *
 * @example
 * maskUrlCredentials('https://abc123@o1.ingest.sentry.io/123'); // 'https://***@o1.ingest.sentry.io/123'
 * maskUrlCredentials('http://user:pw@collector:4318'); // 'http://***@collector:4318'
 */
export const maskUrlCredentials: (text: string) => string = maskSecretsInText;

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
    ? maskUrlCredentials(value)
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
