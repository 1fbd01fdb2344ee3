import { describe, expect, it } from 'vitest';
import { maskSecretsInText } from '../../src/privacy/mask-secrets-in-text.ts';
import { maskQueryParameters, redactQueryString } from '../../src/privacy/redact-query-string.ts';

describe('maskSecretsInText', () => {
  it.each([
    ['https://abc@o1.ingest.sentry.io/1', 'https://***@o1.ingest.sentry.io/1'],
    ['GET /cb?code=xyz&state=1 failed', 'GET /cb?code=***&state=1 failed'],
    ['Sentry sentry_key=abc, sentry_version=7', 'Sentry sentry_key=***, sentry_version=7'],
    ['cookie: session=abc; theme=dark', 'cookie: session=***; theme=dark'],
    ['body {"password":"p","name":"ada"}', 'body {"password":"***","name":"ada"}'],
    ['authorization: Bearer abc.def', 'authorization: Bearer ***'],
    ['code=TW_EXPORT_FAILED status=503', 'code=TW_EXPORT_FAILED status=503'],
    ['basic usage of http://plain-host:4318', 'basic usage of http://plain-host:4318'],
  ])('masks %s', (input, masked) => {
    expect(maskSecretsInText(input)).toBe(masked);
  });
});

describe('redactQueryString and maskQueryParameters', () => {
  it('masks secret parameters by the shared rule and keeps everything else byte for byte', () => {
    expect(redactQueryString('/cb?code=xyz&state=1#top')).toBe('/cb?code=%5BFiltered%5D&state=1#top');
    expect(redactQueryString('/x?session=s&Page=%20&flag')).toBe('/x?session=%5BFiltered%5D&Page=%20&flag');
    expect(redactQueryString('/x?a%5Fkey=1')).toBe('/x?a%5Fkey=1');
    expect(redactQueryString('/x?api%5Fkey=1')).toBe('/x?api%5Fkey=%5BFiltered%5D');
    expect(maskQueryParameters('page=2&X-Amz-Signature=abc')).toBe('page=2&X-Amz-Signature=%5BFiltered%5D');
    const plain = '/users?page=2';
    expect(redactQueryString(plain)).toBe(plain);
  });
});
