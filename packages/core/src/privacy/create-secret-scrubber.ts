import type { TracewireConfig } from '../config/types.ts';
import { MASK } from './mask.ts';
import { maskSecretsInText } from './mask-secrets-in-text.ts';

/**
 * Replaces every known secret value (DSN public keys, auth tokens, OTLP header values)
 * with `***` in text tracewire is about to print, then masks what
 * {@link maskSecretsInText} recognises by shape. Exporter errors and SDK diagnostics
 * quote URLs and headers verbatim, so their messages are scrubbed before logging.
 */
export type SecretScrubber = (text: string) => string;

// Shorter values would match ordinary words.
const MIN_SECRET_LENGTH = 4;

/**
 * The secret values a resolved config holds: what must never be printed even where it
 * appears without a tell-tale name around it.
 *
 * @example
 * createSecretScrubber(knownSecretValues(config));
 */
export function knownSecretValues(config: TracewireConfig): string[] {
  const values: string[] = [];
  if (config.sentry.dsn) {
    try {
      const { username, password } = new URL(config.sentry.dsn);
      values.push(username, password);
    } catch {
      // A DSN that is not a URL never reaches a resolved config.
    }
  }
  if (config.sentry.authToken) values.push(config.sentry.authToken);
  for (const value of Object.values(config.otlp.headers)) {
    values.push(value);
    // `Bearer abc` also travels as `abc` alone.
    const credential = /^\S+\s+(\S+)$/.exec(value)?.[1];
    if (credential) values.push(credential);
  }
  return values.filter((value) => value.length >= MIN_SECRET_LENGTH);
}

/**
 * Builds the scrubber for known secret values.
 *
 * @example
 * const scrub = createSecretScrubber(['sntrys_abc']);
 * scrub('token sntrys_abc rejected'); // 'token *** rejected'
 */
export function createSecretScrubber(secrets: readonly (string | undefined)[]): SecretScrubber {
  const values = [
    ...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH)),
  ]
    // Longest first, so a secret that contains another is replaced whole.
    .sort((a, b) => b.length - a.length);
  return (text: string): string => {
    let scrubbed = text;
    for (const value of values) {
      if (scrubbed.includes(value)) scrubbed = scrubbed.split(value).join(MASK);
    }
    return maskSecretsInText(scrubbed);
  };
}
