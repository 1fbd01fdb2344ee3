// No imports but the key rule: @tracewire/testing bundles this file at build time.
import { MASK } from './mask.ts';
import { isSecretKey, isSecretQueryKey } from './secret-keys.ts';

// The userinfo part of any URL (`https://user:pass@host`, a DSN's `https://publicKey@host`).
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"']*@/gi;
// `?token=…` and `&api_key=…` inside URLs.
const QUERY_PARAMETER = /([?&])([^=&#\s"'?]+)=([^&#\s"']*)/g;
// `name=value` in lists (`sentry_key=abc, sentry_version=7`, `session=abc; theme=dark`).
const LISTED_PARAMETER = /(^|[\s,;])([A-Za-z0-9_.-]+)=([^&,;#\s"']*)/g;
// `"name":"value"` in JSON quoted into a message.
const JSON_STRING_FIELD = /"([^"\\]{1,100})"(\s*:\s*)"(?:[^"\\]|\\.)*"/g;
// Credentials of an Authorization-style value (`Bearer abc`, `Basic dXNlcjpw`).
// Case-sensitive, as the schemes are written in practice: prose ("basic usage") stays.
const AUTH_SCHEME_CREDENTIAL = /\b(Bearer|Basic)(\s+)[^\s"',;]+/g;

function decodedName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * Masks credentials that free text (an exporter error, a config message, a quoted URL
 * or JSON body) may carry: URL userinfo (`user:pass@`, a DSN's public key), values of
 * secret query parameters and `name=value` pairs, `"name":"value"` JSON fields under
 * secret keys, and `Bearer`/`Basic` credentials. Names are judged by the one privacy
 * rule (`isSecretKey`).
 *
 * @example
 * maskSecretsInText('POST https://abc@o1.ingest.sentry.io/1?sentry_key=abc failed');
 * // 'POST https://***@o1.ingest.sentry.io/1?sentry_key=*** failed'
 */
export function maskSecretsInText(text: string): string {
  return text
    .replace(URL_USERINFO, `$1${MASK}@`)
    .replace(AUTH_SCHEME_CREDENTIAL, `$1$2${MASK}`)
    .replace(QUERY_PARAMETER, (match, separator: string, name: string) =>
      isSecretQueryKey(decodedName(name)) ? `${separator}${name}=${MASK}` : match,
    )
    .replace(LISTED_PARAMETER, (match, before: string, name: string) =>
      isSecretKey(name) ? `${before}${name}=${MASK}` : match,
    )
    .replace(JSON_STRING_FIELD, (match, name: string, colon: string) =>
      isSecretKey(name) ? `"${name}"${colon}"${MASK}"` : match,
    );
}
