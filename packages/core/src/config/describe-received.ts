import { MASK } from '../privacy/mask.ts';
import { describeMaskedSecret, maskHeaderValues } from '../privacy/mask-secret-values.ts';
import { maskSecretsInText } from '../privacy/mask-secrets-in-text.ts';
import { maskKeyValueList } from './parse-key-value-list.ts';

/**
 * How a secret variable is shown when it is wrong: a DSN keeps its scheme, host and
 * project; a header list keeps its names; anything else keeps only its length.
 */
export type SecretShape = 'dsn' | 'header-list' | 'opaque';

const MAX_SHOWN_LENGTH = 200;

/**
 * Renders a received value for an issue: strings quoted (so blanks, newlines and
 * stray quotes are visible), other values as written in code, secrets masked. URL
 * credentials are masked even in variables not marked secret.
 *
 * @example
 * describeReceived('1.5', undefined); // '"1.5"'
 * describeReceived('not-a-dsn', 'dsn'); // '*** (9 characters)'
 */
export function describeReceived(value: unknown, secret: SecretShape | undefined): string {
  if (typeof value === 'string') return describeString(value, secret);
  if (secret !== undefined) {
    if (secret === 'header-list' && isPlainRecord(value))
      return truncate(JSON.stringify(maskHeaderValues(value)));
    return MASK;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  try {
    return truncate(maskSecretsInText(JSON.stringify(value) ?? String(value)));
  } catch {
    // Cyclic or exotic objects: the type is all an issue needs.
    return `an ${Array.isArray(value) ? 'array' : 'object'}`;
  }
}

function describeString(value: string, secret: SecretShape | undefined): string {
  switch (secret) {
    case 'dsn':
      // Only a `scheme://…@` value has a key in a known place to mask; anything else may be a bare key.
      return /^[a-z][a-z0-9+.-]*:\/\/[^\s/?#@]*@/i.test(value)
        ? JSON.stringify(truncate(maskSecretsInText(value)))
        : describeMaskedSecret(value);
    case 'header-list':
      return JSON.stringify(truncate(maskKeyValueList(value)));
    case 'opaque':
      return describeMaskedSecret(value);
    default:
      return JSON.stringify(truncate(maskSecretsInText(value)));
  }
}

function truncate(text: string): string {
  return text.length > MAX_SHOWN_LENGTH ? `${text.slice(0, MAX_SHOWN_LENGTH)}…` : text;
}

function isPlainRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
