export type KeyValueListCheck =
  | { ok: true; entries: Record<string, string> }
  | { ok: false; problems: string[] };

export interface KeyValueListRules {
  /** Header names must be HTTP tokens; resource attribute keys may be any text. */
  keysAreHeaderNames: boolean;
}

// RFC 9110 token characters: what an HTTP header name may contain.
const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Parses the comma-separated `key=value` format the OpenTelemetry specification uses for
 * `OTEL_EXPORTER_OTLP_HEADERS` and `OTEL_RESOURCE_ATTRIBUTES` (W3C Baggage syntax without
 * properties): entries are trimmed, values are percent-decoded, empty entries are skipped.
 *
 * Unlike the OpenTelemetry SDK, which silently drops an entry it cannot read, every
 * problem is returned: a dropped `authorization` header means every export is refused.
 * Problems name the entry by position and key, never by value, because header values are
 * secrets.
 *
 * @example
 * parseKeyValueList('authorization=Bearer%20abc,x-team=core', { keysAreHeaderNames: true });
 * // { ok: true, entries: { authorization: 'Bearer abc', 'x-team': 'core' } }
 */
export function parseKeyValueList(raw: string, rules: KeyValueListRules): KeyValueListCheck {
  const entries: Record<string, string> = {};
  const problems: string[] = [];
  raw.split(',').forEach((rawEntry, index) => {
    const entry = rawEntry.trim();
    if (entry === '') return;
    const position = `entry ${index + 1}`;
    const separator = entry.indexOf('=');
    if (separator === -1) {
      problems.push(`${position} has no "=" (expected key=value)`);
      return;
    }
    const key = safeDecode(entry.slice(0, separator).trim());
    const rawValue = entry.slice(separator + 1).trim();
    if (key === undefined || key === '') {
      problems.push(`${position} has no key before "="`);
      return;
    }
    const label = `${position} (${key})`;
    if (rules.keysAreHeaderNames && !HTTP_TOKEN.test(key)) {
      problems.push(`${position} has a key that is not a valid header name`);
      return;
    }
    // In W3C Baggage a ";" starts metadata, which the OpenTelemetry SDK drops, cutting the value short.
    if (rawValue.includes(';')) {
      problems.push(`${label} contains ";": percent-encode it as %3B`);
      return;
    }
    const value = safeDecode(rawValue);
    if (value === undefined) {
      problems.push(`${label} is not valid percent-encoding (write a literal % as %25)`);
      return;
    }
    if (value === '') {
      problems.push(`${label} has an empty value`);
      return;
    }
    if (rules.keysAreHeaderNames && /[\r\n\0]/.test(value)) {
      problems.push(`${label} contains a line break, which no header value may hold`);
      return;
    }
    entries[key] = value;
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, entries };
}

/**
 * Renders a key=value list for a message with every value masked, so a malformed
 * header list can be shown without showing its secrets.
 *
 * @example
 * maskKeyValueList('authorization=Bearer abc,broken'); // 'authorization=***,<entry without "=">'
 */
export function maskKeyValueList(raw: string): string {
  return raw
    .split(',')
    .map((rawEntry) => {
      const entry = rawEntry.trim();
      if (entry === '') return '';
      const separator = entry.indexOf('=');
      if (separator === -1) return '<entry without "=">';
      // A key that is not a header name may be a value typed in the wrong place ("Bearer abc=").
      const key = entry.slice(0, separator).trim();
      return HTTP_TOKEN.test(key) ? `${key}=***` : '<invalid key>=***';
    })
    .join(',');
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
