import { describe, expect, it } from 'vitest';
import {
  createSecretKeyMatcher,
  isSecretKey,
  isSecretQueryKey,
  SECRET_HEADER_NAMES,
  SECRET_KEYS,
} from '../../src/privacy/secret-keys.ts';

describe('the secret key rule', () => {
  it('holds every listed header name and key, in any case and spelling', () => {
    for (const name of [...SECRET_HEADER_NAMES, ...SECRET_KEYS]) {
      expect(isSecretKey(name), name).toBe(true);
      expect(isSecretKey(name.toUpperCase()), name).toBe(true);
    }
    for (const name of ['apiKey', 'API-Key', 'refreshToken', 'X-Auth-Token', 'clientSecret', 'AccessToken'])
      expect(isSecretKey(name), name).toBe(true);
  });

  it('holds names that end in a secret word or contain a password', () => {
    for (const name of [
      'github_token',
      'db_password',
      'passwordConfirmation',
      'stripe_secret',
      'x-amz-signature',
    ])
      expect(isSecretKey(name), name).toBe(true);
  });

  it('leaves ordinary names readable', () => {
    for (const name of [
      'prompt_tokens',
      'author',
      'monkey',
      'code',
      'key',
      'status',
      'sentry.dsn',
      'msg',
      'id',
    ])
      expect(isSecretKey(name), name).toBe(false);
  });

  it('treats code, key and sig as secret only in a query string', () => {
    for (const name of ['code', 'key', 'sig', 'token']) expect(isSecretQueryKey(name), name).toBe(true);
    expect(isSecretQueryKey('page')).toBe(false);
  });

  it('adds a caller’s names, normalised the same way', () => {
    const matcher = createSecretKeyMatcher(['national-id']);
    expect(matcher('National_ID')).toBe(true);
    expect(matcher('password')).toBe(true);
    expect(matcher('nation')).toBe(false);
  });
});
