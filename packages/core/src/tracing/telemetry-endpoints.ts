/**
 * Recognises requests that carry telemetry itself: OTLP exports and Sentry envelope
 * POSTs. The http and undici instrumentations would otherwise trace their own export
 * traffic, producing spans about telemetry that then need exporting in turn.
 */
export interface TelemetryRequestMatcher {
  /** Host (without port), port and path of an outgoing request. */
  matches(host: string | undefined, port: string | number | undefined, path: string | undefined): boolean;
  /** Same, from an absolute origin such as `http://127.0.0.1:4318`. */
  matchesOrigin(origin: string, path: string): boolean;
}

interface Endpoint {
  host: string;
  port: string;
  pathPrefix: string;
}

export function createTelemetryRequestMatcher(
  urls: readonly (string | undefined)[],
): TelemetryRequestMatcher {
  const endpoints: Endpoint[] = [];
  for (const url of urls) {
    if (!url) continue;
    try {
      const parsed = new URL(url);
      endpoints.push({
        host: parsed.hostname.toLowerCase(),
        port: parsed.port || (parsed.protocol === 'https:' ? '443' : '80'),
        // Sentry's envelope and OTLP paths all live under `/api/<project>/`; an OTLP
        // collector's paths under its base URL. Matching the base path is enough.
        pathPrefix: parsed.pathname.replace(/\/v1\/(traces|metrics|logs)\/?$/, '/').replace(/\/+$/, '') || '',
      });
    } catch {
      // An unparsable URL is reported by config validation; nothing to match here.
    }
  }

  const matches = (host: string | undefined, port: string | number | undefined, path: string | undefined) => {
    if (endpoints.length === 0 || !host) return false;
    const normalizedHost = host.toLowerCase().replace(/^\[|\]$/g, '');
    const normalizedPort = port === undefined || port === '' ? undefined : String(port);
    for (const endpoint of endpoints) {
      if (endpoint.host !== normalizedHost) continue;
      if (normalizedPort !== undefined && normalizedPort !== endpoint.port) continue;
      if ((path ?? '/').startsWith(endpoint.pathPrefix)) return true;
    }
    return false;
  };

  return {
    matches,
    matchesOrigin(origin, path) {
      try {
        const parsed = new URL(origin);
        return matches(parsed.hostname, parsed.port || (parsed.protocol === 'https:' ? '443' : '80'), path);
      } catch {
        return false;
      }
    },
  };
}
