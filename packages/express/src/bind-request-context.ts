import { AsyncResource } from 'node:async_hooks';
import type { EventEmitter } from 'node:events';

// Body data and 'end' events reach the request from the connection's HTTP parser, which
// was created before the request existed: a listener registered inside the request
// (a multipart parser, `req.on('data')`, `res.on('finish')`) would run outside its trace
// context and Sentry scope, and its log lines would lose `trace_id`. OpenTelemetry's http
// instrumentation binds the two emitters for its own context only, and only when it saw
// the server start; binding them here restores every async-local store (trace context and
// the request's Sentry isolation scope) in both cases.

const ADD_METHODS = ['addListener', 'on', 'once', 'prependListener', 'prependOnceListener'] as const;
const REMOVE_METHODS = ['removeListener', 'off'] as const;
const BOUND = Symbol.for('tracewire.express.bound-emitter');

type Listener = (...args: unknown[]) => unknown;
type ListenerMethod = (event: string | symbol, listener: Listener) => EventEmitter;

function bindEmitter(emitter: EventEmitter, resource: AsyncResource): void {
  const fields = emitter as unknown as Record<string | symbol, unknown>;
  if (fields[BOUND]) return;
  Object.defineProperty(emitter, BOUND, { value: true, configurable: true });
  // Per event, the wrapper each original listener was registered as, so removing the
  // original removes the wrapper.
  const wrappers = new Map<string | symbol, WeakMap<Listener, Listener>>();

  for (const name of ADD_METHODS) {
    const original = fields[name] as ListenerMethod;
    fields[name] = function addBoundListener(this: EventEmitter, event: string | symbol, listener: Listener) {
      if (typeof listener !== 'function') return original.call(this, event, listener);
      let byListener = wrappers.get(event);
      if (!byListener) {
        byListener = new WeakMap();
        wrappers.set(event, byListener);
      }
      let wrapper = byListener.get(listener);
      if (!wrapper) {
        wrapper = function runInRequestContext(this: unknown, ...args: unknown[]) {
          return resource.runInAsyncScope(listener, this, ...args);
        };
        byListener.set(listener, wrapper);
      }
      return original.call(this, event, wrapper);
    };
  }
  for (const name of REMOVE_METHODS) {
    const original = fields[name] as ListenerMethod;
    fields[name] = function removeBoundListener(
      this: EventEmitter,
      event: string | symbol,
      listener: Listener,
    ) {
      const wrapper = typeof listener === 'function' ? wrappers.get(event)?.get(listener) : undefined;
      return original.call(this, event, wrapper ?? listener);
    };
  }
}

/**
 * Makes listeners registered later on the request and response run in the async context
 * that is active now (the request's trace context and Sentry scope). Listeners already
 * registered keep theirs.
 */
export function bindRequestContext(request: EventEmitter, response: EventEmitter): void {
  const resource = new AsyncResource('tracewire.express.request');
  bindEmitter(request, resource);
  bindEmitter(response, resource);
}
