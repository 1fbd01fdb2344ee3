import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { maskDsn } from '../../src/privacy/mask-secret-values.ts';
import { maskSecretsInText } from '../../src/privacy/mask-secrets-in-text.ts';
import { createAppDirectory } from './app-directory.ts';

const app = createAppDirectory();
afterAll(() => app.remove());

const KEY = '9f86d081884c7d659a2feaa0c55ad015';
const TOKEN = 'sntrys_eyJpYXQiOjE3MDAwMDAwMDB9_c2VjcmV0';
const HEADER_SECRET = 'dXNlcjpwYXNzd29yZA';

function loaded() {
  const result = loadConfig({
    env: {
      SENTRY_DSN: `https://${KEY}@o1.ingest.sentry.io/123`,
      SENTRY_AUTH_TOKEN: TOKEN,
      SENTRY_INTERNAL_URL: 'https://admin:pa55word@sentry.internal',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector:4318/?api_key=k3y',
      OTEL_EXPORTER_OTLP_HEADERS: `authorization=Basic%20${HEADER_SECRET}`,
      TRACEWIRE_GRAFANA_URL: 'https://viewer:v1ewer@grafana.example.com',
    },
    cwd: app.dir,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.config;
}

describe('the config dump', () => {
  const config = loaded();

  it('keeps the raw secrets available to the pipelines', () => {
    expect(config.sentry.dsn).toContain(KEY);
    expect(config.sentry.authToken).toBe(TOKEN);
    expect(config.otlp.headers.authorization).toBe(`Basic ${HEADER_SECRET}`);
  });

  it('masks the DSN key, tokens, header values and URL credentials in toJSON()', () => {
    const dump = config.toJSON() as { sentry: Record<string, unknown>; otlp: Record<string, unknown> };
    expect(dump.sentry).toMatchObject({
      dsn: 'https://***@o1.ingest.sentry.io/123',
      authToken: '***',
      internalUrl: 'https://***@sentry.internal',
    });
    expect(dump.otlp).toMatchObject({
      headers: { authorization: '***' },
      tracesEndpoint: 'https://collector:4318/v1/traces?api_key=***',
    });
    expect(dump).toMatchObject({ grafanaUrl: 'https://***@grafana.example.com' });
  });

  it.each([
    ['JSON.stringify', () => JSON.stringify(config)],
    ['util.inspect', () => inspect(config, { depth: 10 })],
    ['template literal of the dump', () => `${JSON.stringify(config.toJSON())}`],
  ])('never prints a secret through %s', (_, print) => {
    const text = print();
    for (const secret of [KEY, TOKEN, HEADER_SECRET, 'pa55word', 'v1ewer', 'k3y'])
      expect(text).not.toContain(secret);
  });

  it('includes the source of every value', () => {
    expect((config.toJSON() as { sources: Record<string, string> }).sources['sentry.dsn']).toBe(
      'env:SENTRY_DSN',
    );
  });

  it('is frozen, so no pipeline can change what another one sees', () => {
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.sentry)).toBe(true);
    expect(Object.isFrozen(config.otlp.headers)).toBe(true);
    expect(Object.isFrozen(config.ignoredPaths)).toBe(true);
  });

  it('keeps toJSON out of spreads and key lists', () => {
    expect(Object.keys(config)).not.toContain('toJSON');
  });
});

describe('maskSecretsInText and maskDsn', () => {
  it.each([
    ['https://abc@o1.ingest.sentry.io/1', 'https://***@o1.ingest.sentry.io/1'],
    ['http://user:pass@host:4318/v1', 'http://***@host:4318/v1'],
    ['see http://u:p@a and https://k@b/1', 'see http://***@a and https://***@b/1'],
    [
      'https://sentry.io/api/1/envelope/?sentry_key=abc&sentry_version=7',
      'https://sentry.io/api/1/envelope/?sentry_key=***&sentry_version=7',
    ],
    ['http://plain-host:4318', 'http://plain-host:4318'],
  ])('masks %s', (input, masked) => {
    expect(maskSecretsInText(input)).toBe(masked);
  });

  it('masks a value that is not DSN-shaped entirely, keeping only its length', () => {
    expect(maskDsn('abc123')).toBe('*** (6 characters)');
    expect(maskDsn('https://k@h/1')).toBe('https://***@h/1');
  });
});
