import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventEmitter } from 'node:events';

// Body data and 'end' events reach the request from the connection's HTTP parser, which
// was created before the request existed: a listener registered inside the request
// (a multipart parser, `req.on('data')`, `res.on('finish')`) would run outside its trace
// context and Sentry scope, and its log lines would lose `trace_id`. OpenTelemetry's http
// instrumentation binds the two emitters for its own context only, and only when it saw
// the server start.
//
// Patching `emit` once per emitter with a snapshot of every async-local store (trace
// context and the request's Sentry isolation scope) restores them for all listeners at
// the cost of one closure, instead of wrapping every listener as it is added.

const BOUND = Symbol.for('tracewire.express.bound-emitter');

type Emit = EventEmitter['emit'];
type RunInSnapshot = <R>(callback: (...args: unknown[]) => R, ...args: unknown[]) => R;

function bindEmitter(emitter: EventEmitter, runInRequestContext: RunInSnapshot): void {
  const fields = emitter as unknown as Record<symbol, unknown>;
  if (fields[BOUND]) return;
  fields[BOUND] = true;
  const originalEmit: Emit = emitter.emit;
  emitter.emit = function emitInRequestContext(this: EventEmitter, ...args: Parameters<Emit>): boolean {
    return runInRequestContext(() => originalEmit.apply(this, args));
  };
}

/**
 * Makes every listener of the request and response run in the async context that is
 * active now (the request's trace context and Sentry scope).
 */
export function bindRequestContext(request: EventEmitter, response: EventEmitter): void {
  const runInRequestContext = AsyncLocalStorage.snapshot() as RunInSnapshot;
  bindEmitter(request, runInRequestContext);
  bindEmitter(response, runInRequestContext);
}
