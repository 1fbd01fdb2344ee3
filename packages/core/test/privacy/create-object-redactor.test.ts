// The one redactor for structured data: by key on any plain-data object, whatever its
// prototype, and on Map and Headers; safe with cycles, throwing getters and huge
// objects; no copy when nothing needs masking.
import { describe, expect, it } from 'vitest';
import { createObjectRedactor } from '../../src/privacy/create-object-redactor.ts';

describe('createObjectRedactor', () => {
  const redact = createObjectRedactor(['ssn']);

  it('walks objects of any prototype that carry no class: Fastify’s query, null-prototype, another realm’s', async () => {
    // Fastify's query parser builds its objects from a constructor-less prototype.
    function Empty() {}
    Empty.prototype = Object.create(null);
    const fastifyQuery = new (Empty as unknown as new () => Record<string, string>)();
    fastifyQuery.token = 't';
    fastifyQuery.page = '2';
    const nullPrototype = Object.assign(Object.create(null) as Record<string, string>, { password: 'p' });
    const { runInNewContext } = await import('node:vm');
    const otherRealm = runInNewContext('({ api_key: "k", id: 1 })') as Record<string, unknown>;
    const redacted = redact({ query: fastifyQuery, nullPrototype, otherRealm });
    expect(redacted.query).toEqual({ token: '***', page: '2' });
    expect(redacted.nullPrototype).toEqual({ password: '***' });
    expect(redacted.otherRealm).toEqual({ api_key: '***', id: 1 });
    expect(fastifyQuery.token).toBe('t');
  });

  it('masks Map and Headers entries by name and prints them as objects', () => {
    const headers = new Headers({ authorization: 'Bearer h', accept: 'json' });
    const map = new Map<unknown, unknown>([
      ['cookie', 'c'],
      ['n', 1],
      [{}, 'object keys are not names'],
    ]);
    expect(redact({ headers, map })).toEqual({
      headers: { authorization: '***', accept: 'json' },
      map: { cookie: '***', n: 1 },
    });
  });

  it('returns the same object when nothing is secret, however deep', () => {
    const line = { a: { b: { c: ['x', { d: 1 }] } }, at: new Date(0), bytes: Buffer.from('x') };
    expect(redact(line)).toBe(line);
  });

  it('keeps cycles as [Circular] (what pino prints) and masks around them', () => {
    const node: Record<string, unknown> = { name: 'root', secret: 's' };
    node.self = node;
    node.child = { parent: node, token: 't' };
    const redacted = redact({ node }) as { node: Record<string, unknown> };
    expect(redacted.node).toEqual({
      name: 'root',
      secret: '***',
      self: '[Circular]',
      child: { parent: '[Circular]', token: '***' },
    });
    expect(JSON.stringify(redacted)).not.toMatch(/"s"|"t"/);
  });

  it('leaves a property whose getter throws and masks the rest', () => {
    const data = {
      get broken(): string {
        throw new Error('getter failed');
      },
      password: 'p',
    };
    const redacted = redact({ data }) as { data: Record<string, unknown> };
    expect(Object.getOwnPropertyDescriptor(redacted.data, 'password')?.value).toBe('***');
  });

  it('never throws, even for a Proxy whose traps throw', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys');
        },
        getPrototypeOf() {
          throw new Error('no prototype');
        },
      },
    );
    const line = { hostile };
    expect(() => redact(line)).not.toThrow();
  });

  it('bounds the walk of huge objects: keys per object and visits per line', () => {
    let reads = 0;
    const wide: Record<string, unknown> = {};
    for (let index = 0; index < 5000; index += 1) {
      Object.defineProperty(wide, `k${index}`, {
        enumerable: true,
        get: () => {
          reads += 1;
          return { v: index };
        },
      });
    }
    const line = { wide, token: 't' };
    const redacted = redact(line) as Record<string, unknown>;
    expect(redacted.token).toBe('***');
    expect(redacted.wide).toBe(wide);
    expect(reads).toBe(200);

    // Many levels of many keys: the whole walk stops at its visit budget.
    let visitedLeaves = 0;
    const leaf = () =>
      Object.defineProperty({}, 'x', {
        enumerable: true,
        get: () => {
          visitedLeaves += 1;
          return 1;
        },
      });
    const level = (depth: number): unknown =>
      depth === 0
        ? leaf()
        : Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`n${i}`, level(depth - 1)]));
    redact({ tree: level(2) });
    expect(visitedLeaves).toBeLessThan(2000);
    expect(visitedLeaves).toBeGreaterThan(0);
  });

  it('keeps errors for pino’s err serializer, and Buffers, Dates and class instances as they are', () => {
    const error = Object.assign(new Error('boom'), { token: 'kept for pino' });
    class Order {
      token = 'kept: not plain data';
    }
    const order = new Order();
    const bytes = Buffer.from('token');
    const line = { err: error, order, bytes, at: new Date(0), password: 'p' };
    const redacted = redact(line) as typeof line;
    expect(redacted.err).toBe(error);
    expect(redacted.order).toBe(order);
    expect(redacted.bytes).toBe(bytes);
    expect(redacted.password).toBe('***');
  });

  it('redacts the JSON form of an object that has one', () => {
    class Model {
      toJSON() {
        return { id: 1, secret: 's' };
      }
    }
    expect(redact({ model: new Model() })).toEqual({ model: { id: 1, secret: '***' } });
  });

  it('applies the caller’s extra keys like the built-in ones', () => {
    expect(redact({ SSN: '1', user_ssn: '2' })).toEqual({ SSN: '***', user_ssn: '2' });
  });
});
