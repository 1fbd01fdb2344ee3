import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventEmitter } from 'node:events';
import {
  EXPRESS_OBSERVED_REQUEST_KEY,
  EXPRESS_PREVIOUS_ADD_LISTENER_KEY,
  EXPRESS_PREVIOUS_ON_KEY,
  EXPRESS_RESPONSE_KEY,
  EXPRESS_SHARED_LISTENERS_KEY,
  type ObservedRequest,
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
// context) rather than for every request. The capture is switched on once per Express,
// not per request: Express gives every request and response its app's prototypes, so
// `on` and `addListener` are wrapped there, and a request pays nothing until a listener
// is added. Properties written on each request and response instead (the wrappers and
// what they need) cost several kilobytes of garbage per request: these objects carry
// dozens of properties, and every addition copies their property storage.

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

/** An Express request or response as the shared wrappers see it: Express links the two. */
interface ExpressExchangeSide {
  req?: ExpressExchangeSide;
  res?: { writableFinished?: boolean };
  writableFinished?: boolean;
  [EXPRESS_OBSERVED_REQUEST_KEY]?: ObservedRequest;
}

/**
 * Whether a listener added through a shared wrapper runs in its adder's context: as for
 * a bound emitter, and only for requests `observability()` follows (an ignored health
 * check, or a request the middleware has not seen yet, keeps Node's behaviour).
 */
function sharedNeedsRequestContext(
  request: ExpressExchangeSide | undefined,
  response: ExpressExchangeSide | undefined,
  event: string | symbol,
  listener: unknown,
): boolean {
  if (typeof listener !== 'function' || !CONNECTION_EVENTS.has(event)) return false;
  const observed = request?.[EXPRESS_OBSERVED_REQUEST_KEY];
  return observed !== undefined && !observed.ignored && response?.writableFinished !== true;
}

/**
 * Wraps `on` and `addListener` on the prototype Express gives every request (or every
 * response) of its apps. The next prototype's method is looked up on each call, so a
 * patch another library makes to Node's classes later still runs.
 */
function shareListenerWrappers(
  shared: Record<PropertyKey, unknown> & object,
  side: 'request' | 'response',
): void {
  const next = Object.getPrototypeOf(shared) as { on: AddListener; addListener: AddListener };
  const needsContext =
    side === 'request'
      ? (emitter: ExpressExchangeSide, event: string | symbol, listener: unknown) =>
          sharedNeedsRequestContext(emitter, emitter.res, event, listener)
      : (emitter: ExpressExchangeSide, event: string | symbol, listener: unknown) =>
          sharedNeedsRequestContext(emitter.req, emitter, event, listener);
  function on(this: EventEmitter & ExpressExchangeSide, event: string | symbol, listener: Listener) {
    return next.on.call(
      this,
      event,
      needsContext(this, event, listener) ? inAddersContext(listener) : listener,
    );
  }
  function addListener(this: EventEmitter & ExpressExchangeSide, event: string | symbol, listener: Listener) {
    return next.addListener.call(
      this,
      event,
      needsContext(this, event, listener) ? inAddersContext(listener) : listener,
    );
  }
  Object.defineProperty(shared, 'on', { value: on, writable: true, configurable: true });
  Object.defineProperty(shared, 'addListener', { value: addListener, writable: true, configurable: true });
  Object.defineProperty(shared, EXPRESS_SHARED_LISTENERS_KEY, { value: true });
}

/**
 * The prototype Express shares between all requests (or responses) of its apps:
 * `Object.getPrototypeOf(req)` is the app's `app.request` (with an own `app`), and its
 * prototype is Express's request object (with `accepts`; the response's has `send`).
 * Undefined for anything else, which keeps per-emitter binding.
 */
function sharedExpressPrototype(
  emitter: object,
  marker: 'accepts' | 'send',
): (Record<PropertyKey, unknown> & object) | undefined {
  const appPrototype = Object.getPrototypeOf(emitter) as object | null;
  if (appPrototype === null || !Object.hasOwn(appPrototype, 'app')) return undefined;
  const shared = Object.getPrototypeOf(appPrototype) as (Record<PropertyKey, unknown> & object) | null;
  if (shared === null || shared === Object.prototype || !Object.hasOwn(shared, marker)) return undefined;
  if (shared[EXPRESS_SHARED_LISTENERS_KEY] === true) return shared;
  if (Object.hasOwn(shared, 'on') || Object.hasOwn(shared, 'addListener') || !Object.isExtensible(shared)) {
    return undefined;
  }
  shareListenerWrappers(shared, marker === 'accepts' ? 'request' : 'response');
  return shared;
}

/** Whether the emitter's listeners go through the shared wrappers (nothing then to do per request). */
function hasSharedWrappers(emitter: EventEmitter & BoundEmitter, marker: 'accepts' | 'send'): boolean {
  if (Object.hasOwn(emitter, 'on') || Object.hasOwn(emitter, 'addListener')) return false;
  return sharedExpressPrototype(emitter, marker) !== undefined;
}

/**
 * Makes connection-driven listeners added later to the request and response (`data`,
 * `end`, `finish`, `close`, …) run in the async context of the code that added them: the
 * request's trace context and Sentry scope. For Express's own request and response
 * objects this is switched on once, on their shared prototypes; anything else gets its
 * own bound methods.
 */
export function bindRequestContext(
  request: EventEmitter,
  response: EventEmitter & { writableFinished?: boolean },
): void {
  if (!hasSharedWrappers(request, 'accepts')) bindEmitter(request, response);
  if (!hasSharedWrappers(response, 'send')) bindEmitter(response, response);
}
