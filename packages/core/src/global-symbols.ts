// Every key tracewire keeps in the global symbol registry (`Symbol.for`), in one file.
// Two copies of tracewire in one process (a bundled adapter, a duplicate in node_modules)
// find each other's state through these names, so they are a contract between copies:
// they change only with a major version, and never in two places.

/**
 * The process-wide state of `initObservability()` (its handle), named after the major version.
 *
 * @example
 * (globalThis as Record<symbol, unknown>)[GLOBAL_STATE_KEY]; // { handle } once initialised
 */
export const GLOBAL_STATE_KEY = Symbol.for('tracewire.0');

/**
 * Marks a server whose spans an adapter owns, so OpenTelemetry's http instrumentation steps aside.
 *
 * @example
 * (server as Record<symbol, unknown>)[ADAPTER_OWNS_SERVER_SPANS_KEY]; // true once an adapter follows it
 */
export const ADAPTER_OWNS_SERVER_SPANS_KEY = Symbol.for('tracewire.http.adapter-owns-server-spans');

/**
 * The Sentry event an error object was captured under, and in which trace.
 *
 * @example
 * (error as Record<symbol, unknown>)[CAPTURED_EVENT_KEY]; // { eventId, traceId }
 */
export const CAPTURED_EVENT_KEY = Symbol.for('tracewire.sentry-event-id');

/**
 * The route-template name of a request (`GET /users/:id`) on its RPC metadata, for Sentry's sampling context.
 *
 * @example
 * (metadata as Record<symbol, unknown>)[REQUEST_TRANSACTION_KEY]; // 'GET /users/:id'
 */
export const REQUEST_TRANSACTION_KEY = Symbol.for('tracewire.request-transaction');

/**
 * The observed request the Express adapter keeps on `req`.
 *
 * @example
 * (req as Record<symbol, unknown>)[EXPRESS_OBSERVED_REQUEST_KEY];
 */
export const EXPRESS_OBSERVED_REQUEST_KEY = Symbol.for('tracewire.express.observed-request');

/**
 * The Express adapter's per-request route state (`baseUrl`, `route`).
 *
 * @example
 * (req as Record<symbol, unknown>)[EXPRESS_ROUTE_WATCH_KEY];
 */
export const EXPRESS_ROUTE_WATCH_KEY = Symbol.for('tracewire.express.route-watch');

/**
 * Marks Express's shared request prototype once the adapter's route accessors are on it.
 *
 * @example
 * (Object.getPrototypeOf(req) as Record<symbol, unknown>)[EXPRESS_ROUTE_ACCESSORS_KEY]; // true
 */
export const EXPRESS_ROUTE_ACCESSORS_KEY = Symbol.for('tracewire.express.route-accessors');

/**
 * The request's own `on` before the Express adapter bound its listeners to the request context.
 *
 * @example
 * (req as Record<symbol, unknown>)[EXPRESS_PREVIOUS_ON_KEY];
 */
export const EXPRESS_PREVIOUS_ON_KEY = Symbol.for('tracewire.express.previous-on');

/**
 * The request's own `addListener` before the Express adapter bound its listeners.
 *
 * @example
 * (req as Record<symbol, unknown>)[EXPRESS_PREVIOUS_ADD_LISTENER_KEY];
 */
export const EXPRESS_PREVIOUS_ADD_LISTENER_KEY = Symbol.for('tracewire.express.previous-add-listener');

/**
 * Marks an Express request or response prototype whose `on` and `addListener` the Express
 * adapter wrapped once, for every request of that Express, instead of per request.
 *
 * @example
 * (Object.getPrototypeOf(Object.getPrototypeOf(req)) as Record<symbol, unknown>)[EXPRESS_SHARED_LISTENERS_KEY]; // true
 */
export const EXPRESS_SHARED_LISTENERS_KEY = Symbol.for('tracewire.express.shared-listeners');

/**
 * The response of a request whose listeners the Express adapter binds.
 *
 * @example
 * (req as Record<symbol, unknown>)[EXPRESS_RESPONSE_KEY];
 */
export const EXPRESS_RESPONSE_KEY = Symbol.for('tracewire.express.response');

/**
 * The Koa adapter's per-request route state (`ctx._matchedRoute`).
 *
 * @example
 * (ctx as Record<symbol, unknown>)[KOA_ROUTE_WATCH_KEY];
 */
export const KOA_ROUTE_WATCH_KEY = Symbol.for('tracewire.koa.route-watch');

/**
 * The handle's recorder of `http.server.request.duration`, which request observers of any
 * copy of tracewire record into (absent when metrics are off).
 *
 * @example
 * (handle as unknown as Record<symbol, unknown>)[REQUEST_DURATIONS_KEY];
 */
export const REQUEST_DURATIONS_KEY = Symbol.for('tracewire.request-durations');

/**
 * The handle's starter of request server spans for new traces (absent when tracewire's
 * tracer provider is not the global one), which request observers use when they can.
 *
 * @example
 * (handle as unknown as Record<symbol, unknown>)[SERVER_SPANS_KEY];
 */
export const SERVER_SPANS_KEY = Symbol.for('tracewire.server-spans');
