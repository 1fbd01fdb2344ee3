import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventEmitter } from 'node:events';
import {
  EXPRESS_PREVIOUS_ADD_LISTENER_KEY,
  EXPRESS_PREVIOUS_ON_KEY,
  EXPRESS_RESPONSE_KEY,
} from '@tracewire/core/adapter';

// Body data and 'end' events reach the request from the connection's HTTP parser, which
// was created before the request existed: a listener registered inside the request
// (a multipart parser, `req.on('data')`, `res.on('finish')`) would run outside its trace
// context and Sentry scope, and its log lines would lose `trace_id`. OpenTelemetry's http
// instrumentation binds the two emitters for its own context only, and only when it saw
// the server start.
//
// Capturing a context is not free, and most requests never add such a listener, so the
// capture happens when a listener is added (the adding code runs in the request's
// context) rather than for every request: binding costs two property writes per emitter.

type Listener = (...args: unknown[]) => unknown;
type AddListener = (this: EventEmitter, event: string | symbol, listener: Listener) => EventEmitter;

// Events whose listeners run from the connection rather than from the request's code.
const CONNECTION_EVENTS = new Set<string | symbol>([
  'data',
  'end',
  'readable',
  'close',
  'error',
  'aborted',
  'finish',
  'drain',
]);

interface BoundEmitter {
  [EXPRESS_PREVIOUS_ON_KEY]?: AddListener;
  [EXPRESS_PREVIOUS_ADD_LISTENER_KEY]?: AddListener;
  [EXPRESS_RESPONSE_KEY]?: { writableFinished?: boolean };
}

/**
 * Whether a listener should run in the context of the code adding it. Once the response
 * has finished, the request is over: Node itself then adds listeners (draining an unread
 * body), and those need no request context.
 */
function needsRequestContext(emitter: BoundEmitter, event: string | symbol, listener: unknown): boolean {
  return (
    typeof listener === 'function' &&
    CONNECTION_EVENTS.has(event) &&
    emitter[EXPRESS_RESPONSE_KEY]?.writableFinished !== true
  );
}

function inAddersContext(listener: Listener): Listener {
  const runInContext = AsyncLocalStorage.snapshot();
  const bound = function runInAddersContext(this: unknown, ...args: unknown[]) {
    return runInContext(() => listener.apply(this, args));
  };
  // EventEmitter#removeListener also matches a wrapper's `listener` property, so removing
  // the original listener still works.
  return Object.assign(bound, { listener });
}

function onInAddersContext(this: EventEmitter & BoundEmitter, event: string | symbol, listener: Listener) {
  const add = this[EXPRESS_PREVIOUS_ON_KEY] as AddListener;
  return add.call(
    this,
    event,
    needsRequestContext(this, event, listener) ? inAddersContext(listener) : listener,
  );
}

function addListenerInAddersContext(
  this: EventEmitter & BoundEmitter,
  event: string | symbol,
  listener: Listener,
) {
  const add = this[EXPRESS_PREVIOUS_ADD_LISTENER_KEY] as AddListener;
  return add.call(
    this,
    event,
    needsRequestContext(this, event, listener) ? inAddersContext(listener) : listener,
  );
}

function bindEmitter(
  emitter: EventEmitter & BoundEmitter,
  response: BoundEmitter[typeof EXPRESS_RESPONSE_KEY],
): void {
  if (emitter[EXPRESS_PREVIOUS_ON_KEY]) return;
  emitter[EXPRESS_RESPONSE_KEY] = response;
  // Whatever `on` is now (the prototype's, or another instrumentation's wrapper) stays
  // in the chain.
  emitter[EXPRESS_PREVIOUS_ON_KEY] = emitter.on as AddListener;
  emitter[EXPRESS_PREVIOUS_ADD_LISTENER_KEY] = emitter.addListener as AddListener;
  emitter.on = onInAddersContext as EventEmitter['on'];
  emitter.addListener = addListenerInAddersContext as EventEmitter['addListener'];
}

/**
 * Makes connection-driven listeners added later to the request and response (`data`,
 * `end`, `finish`, `close`, …) run in the async context of the code that added them: the
 * request's trace context and Sentry scope.
 */
export function bindRequestContext(
  request: EventEmitter,
  response: EventEmitter & { writableFinished?: boolean },
): void {
  bindEmitter(request, response);
  bindEmitter(response, response);
}
