import { describe, expect, it } from 'vitest';
import type { ConfigIssue } from '../../src/config/types.ts';
import { isTracewireError, TracewireError } from '../../src/errors/tracewire-error.ts';

const issue: ConfigIssue = {
  code: 'TW_CONFIG_INVALID_LOG_LEVEL',
  variable: 'LOG_LEVEL',
  received: '"loud"',
  expected: 'one of trace, debug, info',
  hint: 'Use info.',
};

describe('TracewireError', () => {
  it('carries the code, the issues and a message built from the catalogue', () => {
    const error = new TracewireError('TW_CONFIG_INVALID', { issues: [issue] });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TracewireError');
    expect(error.code).toBe('TW_CONFIG_INVALID');
    expect(error.issues).toEqual([issue]);
    expect(error.message).toContain('LOG_LEVEL  (TW_CONFIG_INVALID_LOG_LEVEL)');
    expect(error.message).toContain('fix       Use info.');
  });

  it('has no issues for codes other than TW_CONFIG_INVALID, and keeps the cause', () => {
    const cause = new Error('socket hang up');
    const error = new TracewireError('TW_SENTRY_DELIVERY_FAILED', { reason: 'HTTP 429' }, { cause });
    expect(error.issues).toBeUndefined();
    expect(error.cause).toBe(cause);
  });
});

describe('isTracewireError', () => {
  it('recognises errors by name and code, so a second copy of the package is recognised too', () => {
    const fromAnotherCopy = Object.assign(new Error('x'), {
      name: 'TracewireError',
      code: 'TW_SOME_FUTURE_CODE',
    });
    expect(isTracewireError(fromAnotherCopy)).toBe(true);
    expect(isTracewireError(new TracewireError('TW_ALREADY_INITIALIZED', {}))).toBe(true);
  });

  it.each([
    ['a plain Error', new Error('x')],
    [
      'a lookalike without a TW_ code',
      Object.assign(new Error('x'), { name: 'TracewireError', code: 'E_FAIL' }),
    ],
    ['a right code with another name', Object.assign(new Error('x'), { code: 'TW_CONFIG_INVALID' })],
    ['null', null],
    ['a string', 'TracewireError'],
  ])('rejects %s', (_, value) => {
    expect(isTracewireError(value)).toBe(false);
  });
});
