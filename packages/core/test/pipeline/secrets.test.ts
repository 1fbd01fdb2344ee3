// A canary put in every secret tracewire handles must not leak: not into what the sink
// receives (bodies, URLs, headers) beyond the one credential each destination needs,
// and not into the service's stdout or stderr.
import { childProcessSuite, registerImport } from '@tracewire/testing/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coreIsBuilt, startChildApp } from '../helpers/child-app.ts';

describe.skipIf(!coreIsBuilt)('secrets', () => {
  const canaries = {
    dsnKey: 'canarydsnkey0a1b2c3d4e5f',
    authToken: 'sntrys_canary_auth_token_9f8e7d',
    otlpHeader: 'canary-otlp-header-5c4b3a',
    authorization: 'canary-bearer-1122aabb',
    cookie: 'canary-cookie-3344ccdd',
  };
  const suite = childProcessSuite({
    hooks: { beforeEach, afterEach },
    startApp: startChildApp,
    sink: { publicKey: canaries.dsnKey },
  });

  it('never leak DSN keys, auth tokens, OTLP header values, Authorization or Cookie headers', async () => {
    const app = await suite.startApp('http-app.mjs', {
      env: {
        ...suite.sink.env,
        OTEL_SERVICE_NAME: 'fixture-secrets',
        TRACEWIRE_METRICS: 'otlp',
        SENTRY_AUTH_TOKEN: canaries.authToken,
        OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer ${canaries.otlpHeader}`,
      },
      nodeArgs: registerImport,
    });
    const response = await fetch(`${app.url}/headers?token=${canaries.authorization}`, {
      headers: { authorization: `Bearer ${canaries.authorization}`, cookie: `session=${canaries.cookie}` },
    });
    expect(response.status).toBe(500);
    app.kill('SIGTERM');
    await app.exited;
    expect(suite.sink.sentry.events.length).toBeGreaterThan(0);
    expect(suite.sink.spans.length).toBeGreaterThan(0);

    // The DSN key authenticates Sentry requests and goes nowhere else, except as the
    // public key of Sentry's sampling context in an envelope's `trace` header, where
    // Sentry requires it (and nowhere else in that envelope).
    for (const match of suite.sink.grep(canaries.dsnKey)) {
      expect(match.request.receiver).toBe('sentry');
      if (match.location === 'body') {
        const raw = suite.sink.rawBodies().find((candidate) => candidate.request === match.request);
        const [headerLine = '', ...itemLines] = raw?.body.toString('utf8').split('\n') ?? [];
        expect(JSON.parse(headerLine).trace.public_key).toBe(canaries.dsnKey);
        expect(headerLine.split(canaries.dsnKey)).toHaveLength(2);
        expect(itemLines.join('\n')).not.toContain(canaries.dsnKey);
      } else {
        expect(match.location === 'header' || match.location === 'url').toBe(true);
      }
    }
    // The OTLP header goes to the OTLP endpoint only, never to Sentry.
    const otlpHeaderMatches = suite.sink.grep(canaries.otlpHeader);
    expect(otlpHeaderMatches.length).toBeGreaterThan(0);
    for (const match of otlpHeaderMatches) {
      expect(match.request.receiver).toBe('otlp');
      expect(match.request.path.startsWith('/api/')).toBe(false);
      expect(match.location).toBe('header');
    }
    expect(suite.sink.grep(canaries.authToken)).toEqual([]);
    expect(suite.sink.grep(canaries.authorization)).toEqual([]);
    expect(suite.sink.grep(canaries.cookie)).toEqual([]);

    const output = app.stdout() + app.stderr();
    for (const canary of Object.values(canaries)) expect(output).not.toContain(canary);
    // The lines that tried to log secrets are there, with the secrets masked.
    expect(output).toContain('incoming headers');
    expect(output).toContain('config dump');
  });
});
