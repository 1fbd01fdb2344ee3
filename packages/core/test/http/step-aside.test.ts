import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { stepAsideForAdapter } from '../../src/http/step-aside.ts';

// A server class whose prototype `emit` is wrapped the way OpenTelemetry's http
// instrumentation wraps `http.Server.prototype.emit` (its shimmer marks the wrapper with
// `__wrapped` and `__original`; the wrapper function is named `incomingRequest`).
function instrumentedServerClass(wrapperName = 'incomingRequest') {
  const seen: string[] = [];
  class Server extends EventEmitter {}
  const original = EventEmitter.prototype.emit;
  const wrapper = {
    [wrapperName](this: EventEmitter, event: string | symbol, ...args: unknown[]) {
      if (event === 'request') seen.push('instrumentation');
      return original.apply(this, [event, ...args]);
    },
  }[wrapperName] as (...args: unknown[]) => boolean;
  Object.assign(wrapper, { __wrapped: true, __original: original });
  Object.defineProperty(Server.prototype, 'emit', { value: wrapper, writable: true, configurable: true });
  return { Server, seen };
}

describe('stepAsideForAdapter', () => {
  it("sends this server's requests past the instrumentation, and only this server's", () => {
    const { Server, seen } = instrumentedServerClass();
    const owned = new Server();
    const plain = new Server();
    const handled: string[] = [];
    owned.on('request', () => handled.push('owned'));
    plain.on('request', () => handled.push('plain'));

    expect(stepAsideForAdapter(owned)).toBe(true);
    owned.emit('request');
    plain.emit('request');
    expect(handled).toEqual(['owned', 'plain']);
    expect(seen).toEqual(['instrumentation']);
    // Other events still go through whatever `emit` the server had.
    const closed: string[] = [];
    owned.on('close', () => closed.push('close'));
    owned.emit('close');
    expect(closed).toEqual(['close']);
  });

  it('decides once per server', () => {
    const { Server, seen } = instrumentedServerClass();
    const server = new Server();
    expect(stepAsideForAdapter(server)).toBe(true);
    expect(stepAsideForAdapter(server)).toBe(true);
    server.emit('request');
    expect(seen).toEqual([]);
  });

  it('leaves a server alone when the wrapper is not the http instrumentation', () => {
    const { Server, seen } = instrumentedServerClass('somethingElse');
    const server = new Server();
    expect(stepAsideForAdapter(server)).toBe(false);
    server.emit('request');
    expect(seen).toEqual(['instrumentation']);
  });

  it('leaves a server alone when a second wrapper sits under the instrumentation', () => {
    const { Server, seen } = instrumentedServerClass();
    const wrapper = Server.prototype.emit as unknown as { __original: unknown };
    const inner = function inner(this: EventEmitter, ...args: Parameters<EventEmitter['emit']>) {
      return EventEmitter.prototype.emit.apply(this, args);
    };
    wrapper.__original = Object.assign(inner, { __wrapped: true });
    const server = new Server();
    expect(stepAsideForAdapter(server)).toBe(false);
    server.emit('request');
    expect(seen).toEqual(['instrumentation']);
  });

  it('leaves a server with its own emit, an uninstrumented server and non-objects alone', () => {
    const { Server, seen } = instrumentedServerClass();
    const custom = new Server();
    const ownEmit = function ownEmit(this: EventEmitter, ...args: Parameters<EventEmitter['emit']>) {
      return EventEmitter.prototype.emit.apply(this, args);
    };
    custom.emit = ownEmit;
    expect(stepAsideForAdapter(custom)).toBe(false);
    expect(custom.emit).toBe(ownEmit);
    expect(seen).toEqual([]);

    expect(stepAsideForAdapter(new EventEmitter())).toBe(false);
    expect(stepAsideForAdapter(undefined)).toBe(false);
    expect(stepAsideForAdapter('server')).toBe(false);
  });
});
