// No imports but the key rule: @tracewire/testing bundles this file at build time.
import { isSecretQueryKey } from './secret-keys.ts';
import { URL_MASK } from './mask.ts';

function isSecretParameter(rawName: string): boolean {
  let name = rawName;
  try {
    name = decodeURIComponent(rawName.replace(/\+/g, ' '));
  } catch {
    // An undecodable name is judged as written.
  }
  return isSecretQueryKey(name);
}

/**
 * Masks the values of secret parameters in a query string without its `?`
 * (`a=1&token=x`), as OpenTelemetry's `url.query` holds it. Parameters without `=` and
 * ordinary ones are kept byte for byte.
 *
 * @example
 * maskQueryParameters('page=2&api_key=abc'); // 'page=2&api_key=%5BFiltered%5D'
 */
export function maskQueryParameters(query: string, mask: string = URL_MASK): string {
  if (!query.includes('=')) return query;
  let changed = false;
  const parts = query.split('&');
  for (let index = 0; index < parts.length; index += 1) {
    const part = parts[index] as string;
    const equals = part.indexOf('=');
    if (equals > 0 && isSecretParameter(part.slice(0, equals))) {
      const masked = `${part.slice(0, equals)}=${mask}`;
      if (masked !== part) {
        parts[index] = masked;
        changed = true;
      }
    }
  }
  return changed ? parts.join('&') : query;
}

/**
 * Redacts the values of query parameters whose names suggest secrets; the names stay
 * so the URL still reads. `?token=abc&page=2` becomes `?token=%5BFiltered%5D&page=2`.
 * Which names are secret is decided by the one privacy rule (`isSecretKey`, plus `code`,
 * `key` and `sig`, credentials by convention in URLs).
 *
 * @example
 * import { redactQueryString } from '@tracewire/core';
 * redactQueryString('/cb?code=xyz&state=1'); // '/cb?code=%5BFiltered%5D&state=1'
 */
export function redactQueryString(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  const hashStart = url.indexOf('#', queryStart);
  const query = url.slice(queryStart + 1, hashStart === -1 ? undefined : hashStart);
  const masked = maskQueryParameters(query);
  if (masked === query) return url;
  return `${url.slice(0, queryStart)}?${masked}${hashStart === -1 ? '' : url.slice(hashStart)}`;
}
