import { KOA_ROUTE_WATCH_KEY } from '@tracewire/core/adapter';
// @koa/router (and koa-router before it) records the matched route on the context as
// `ctx._matchedRoute`: the template with any router prefix and nested-router mount path
// already applied (`/v2/users/:id`). It writes it when the router dispatches a matched
// request, before the route's own middleware runs, and again as each layer of the match
// runs. Layers registered with `router.use()` write their own path there too (a
// catch-all pattern, not a route), so a write only counts when it names a layer that
// handles methods. Nothing here imports the router: it is read from the context.

/** A router layer as @koa/router keeps it in `ctx.matched`. */
interface RouterLayer {
  path?: unknown;
  methods?: unknown;
}

/** The fields @koa/router writes on the Koa context. */
interface RouterContextFields {
  _matchedRoute?: unknown;
  matched?: unknown;
}

function isRouteLayerPath(layers: unknown, template: string): boolean {
  if (!Array.isArray(layers) || layers.length === 0) return true;
  return layers.some((layer: RouterLayer | null | undefined) => {
    if (!layer || layer.path !== template) return false;
    return Array.isArray(layer.methods) && layer.methods.length > 0;
  });
}

/**
 * The route template the router matched, or undefined when no route matched (404, 405)
 * or the route is a RegExp. Never the raw URL.
 */
export function matchedRouteTemplate(ctx: object, value = (ctx as RouterContextFields)._matchedRoute) {
  if (typeof value !== 'string' || value === '') return undefined;
  return isRouteLayerPath((ctx as RouterContextFields).matched, value) ? value : undefined;
}

/** Who is told about the route: the observed request. */
interface RouteListener {
  readonly route: string | undefined;
  setRoute(template: string): void;
}

interface WatchedContext {
  [KOA_ROUTE_WATCH_KEY]: { value: unknown; listener: RouteListener };
}

// The same accessor functions for every request, with the state in one object on the
// context: every watched context keeps one shape, where fresh closures per request would
// give each context a shape of its own.
function getMatchedRoute(this: WatchedContext): unknown {
  return this[KOA_ROUTE_WATCH_KEY].value;
}

function setMatchedRoute(this: WatchedContext, next: unknown): void {
  const watch = this[KOA_ROUTE_WATCH_KEY];
  watch.value = next;
  const template = matchedRouteTemplate(this, next);
  if (template && template !== watch.listener.route) watch.listener.setRoute(template);
}

const MATCHED_ROUTE_PROPERTY: PropertyDescriptor = {
  configurable: true,
  enumerable: true,
  get: getMatchedRoute,
  set: setMatchedRoute,
};

/**
 * Names the request's route (`listener.setRoute`) as soon as a router names it, so logs,
 * Sentry events and errors raised inside the route already know it. The property stays
 * a plain read/write value for the router and the app.
 */
export function watchMatchedRoute(ctx: object, listener: RouteListener): void {
  try {
    (ctx as WatchedContext)[KOA_ROUTE_WATCH_KEY] = {
      value: (ctx as RouterContextFields)._matchedRoute,
      listener,
    };
    Object.defineProperty(ctx, '_matchedRoute', MATCHED_ROUTE_PROPERTY);
  } catch {
    // A frozen or sealed context: the route is still read once the request is done.
  }
}
