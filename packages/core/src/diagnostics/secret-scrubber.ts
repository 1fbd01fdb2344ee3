/**
 * Replaces every known secret value (DSN public keys, auth tokens, OTLP header values)
 * with `***` in text tracewire is about to print. Exporter errors and SDK diagnostics
 * quote URLs and headers verbatim, so their messages are scrubbed before logging.
 */
export type SecretScrubber = (text: string) => string;

const MIN_SECRET_LENGTH = 4;

export function createSecretScrubber(secrets: readonly (string | undefined)[]): SecretScrubber {
  const values = [
    ...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH)),
  ]
    // Longest first, so a secret that contains another is replaced whole.
    .sort((a, b) => b.length - a.length);
  // Credentials in URLs are masked even when they are not a known secret.
  const urlCredentials = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s:]+(?::[^/@\s]*)?@/gi;
  return (text: string): string => {
    let scrubbed = text.replace(urlCredentials, '$1***@');
    for (const value of values) {
      if (scrubbed.includes(value)) scrubbed = scrubbed.split(value).join('***');
    }
    return scrubbed;
  };
}
