import { describe, expect, it } from 'vitest';
import { createLogRedactor } from '../../src/logging/redaction.ts';

describe('createLogRedactor', () => {
  const redact = createLogRedactor(['ssn']);

  it('returns the same object when nothing is sensitive, so ordinary lines allocate nothing', () => {
    const line = { id: 7, user: { name: 'ada' }, tags: ['a', 'b'] };
    expect(redact(line)).toBe(line);
  });

  it('masks sensitive keys at any case and depth up to the limit, without touching the original', () => {
    const original = {
      Authorization: 'Bearer a',
      req: { headers: { cookie: 'c', accept: 'json' } },
      list: [{ password: 'p' }, { ok: true }],
      user: { SSN: '123' },
    };
    const redacted = redact(original);
    expect(redacted).toEqual({
      Authorization: '***',
      req: { headers: { cookie: '***', accept: 'json' } },
      list: [{ password: '***' }, { ok: true }],
      user: { SSN: '***' },
    });
    expect(original.req.headers.cookie).toBe('c');
  });

  it('uses an object’s own JSON form and redacts that', () => {
    const config = { toJSON: () => ({ sentry: { dsn: 'https://key@host/1' }, service: 'x' }) };
    expect(redact({ config })).toEqual({ config: { sentry: { dsn: '***' }, service: 'x' } });
  });

  it('leaves errors, dates and class instances to pino', () => {
    const error = new Error('boom');
    const date = new Date(0);
    class Order {
      token = 'kept: not a plain object';
    }
    const order = new Order();
    const line = { err: error, at: date, order };
    const redacted = redact(line);
    expect(redacted.err).toBe(error);
    expect(redacted.at).toBe(date);
    expect(redacted.order).toBe(order);
  });

  it('stops at a bounded depth', () => {
    const deep = { a: { b: { c: { d: { e: { password: 'too deep' } } } } } };
    expect(redact(deep)).toBe(deep);
  });
});
