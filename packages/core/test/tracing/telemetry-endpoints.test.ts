import { describe, expect, it } from 'vitest';
import { createIgnoredPathMatcher } from '../../src/tracing/ignored-paths.ts';
import { createTelemetryRequestMatcher } from '../../src/tracing/telemetry-endpoints.ts';

describe('createTelemetryRequestMatcher', () => {
  const matcher = createTelemetryRequestMatcher([
    'http://collector:4318/v1/traces',
    'https://o1.ingest.sentry.io/',
    undefined,
    'not a url',
  ]);

  it('recognises export and envelope requests by host, port and path', () => {
    expect(matcher.matches('collector', 4318, '/v1/traces')).toBe(true);
    expect(matcher.matches('collector', '4318', '/v1/metrics')).toBe(true);
    expect(matcher.matches('o1.ingest.sentry.io', 443, '/api/42/envelope/')).toBe(true);
    expect(matcher.matchesOrigin('https://o1.ingest.sentry.io', '/api/42/integration/otlp/v1/traces/')).toBe(
      true,
    );
  });

  it('leaves application traffic alone', () => {
    expect(matcher.matches('collector', 8080, '/v1/traces')).toBe(false);
    expect(matcher.matches('api.example.com', 443, '/v1/traces')).toBe(false);
    expect(matcher.matches(undefined, undefined, '/')).toBe(false);
    expect(matcher.matchesOrigin('not a url', '/')).toBe(false);
  });
});

describe('createIgnoredPathMatcher', () => {
  const isIgnored = createIgnoredPathMatcher(['/health', '/internal/*']);

  it('matches exact paths, ignoring query strings and a trailing slash', () => {
    expect(isIgnored('/health')).toBe(true);
    expect(isIgnored('/health/')).toBe(true);
    expect(isIgnored('/health?full=1')).toBe(true);
    expect(isIgnored('/healthy')).toBe(false);
  });

  it('matches prefixes ending in *', () => {
    expect(isIgnored('/internal/cache')).toBe(true);
    expect(isIgnored('/internals')).toBe(false);
  });

  it('matches nothing when the list is empty', () => {
    expect(createIgnoredPathMatcher([])('/health')).toBe(false);
  });
});
