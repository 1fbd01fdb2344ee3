import { EXPRESS_ROUTE_ACCESSORS_KEY, EXPRESS_ROUTE_WATCH_KEY } from '@tracewire/core/adapter';
// Express knows a request's route template only in two halves, and only for a moment:
// `req.route.path` is the template relative to the router that matched it, and
// `req.baseUrl` is the RAW prefix that router is mounted under (`/orgs/acme`, not
// `/orgs/:org`), rewritten as the request enters and leaves routers and sub-apps. By
// the time the response ends, or an error reaches an error handler, `req.baseUrl` has
// already been restored to an outer router's value.
//
// Both Express 4's router and Express 5's `router` package assign `req.params`,
// `req.baseUrl` and `req.route` as plain properties at exactly the moments that matter:
// `req.params` and then `req.baseUrl` when a mounted router or sub-app is entered,
// `req.baseUrl` again when it is left, and `req.route` when a route matches. Accessors
// for the two properties see each assignment as it happens, so the template is known
// before the route's handlers run, without wrapping any Express function or importing it.

type Params = Record<string, unknown>;

/** A mount prefix the request is inside: its raw value and the template it stands for. */
interface MountPrefix {
  raw: string;
  template: string;
  params: Params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function paramText(value: unknown): string | undefined {
  // Express 5 hands wildcard (`*splat`) values over as an array of segments.
  if (Array.isArray(value)) return value.map(String).join('/');
  if (typeof value === 'string' && value !== '') return value;
  return undefined;
}

/**
 * Turns the raw part of the URL a mounted router consumed (`/orgs/acme`) back into a
 * template (`/orgs/:org`): whole segments equal to a parameter of this mount become
 * `:name`. Parameters inherited unchanged from an outer mount (`mergeParams`) are not
 * candidates, so an outer ID that happens to repeat is not substituted twice.
 */
function templateOfConsumedPath(consumed: string, params: Params, outerParams: Params): string {
  const candidates: [string, string][] = [];
  for (const [name, value] of Object.entries(params)) {
    const text = paramText(value);
    if (text === undefined) continue;
    if (Object.hasOwn(outerParams, name) && paramText(outerParams[name]) === text) continue;
    candidates.push([name, text]);
  }
  if (candidates.length === 0) return consumed;
  const segments = consumed.split('/');
  const used = new Set<string>();
  const out: string[] = [];
  let index = 0;
  while (index < segments.length) {
    const segment = segments[index] ?? '';
    let width = 0;
    if (segment !== '') {
      for (const [name, text] of candidates) {
        if (used.has(name)) continue;
        const span = text.split('/').length;
        if (
          segments
            .slice(index, index + span)
            .map(decodeSegment)
            .join('/') === text
        ) {
          used.add(name);
          out.push(`:${name}`);
          width = span;
          break;
        }
      }
    }
    if (width === 0) {
      out.push(segment);
      width = 1;
    }
    index += width;
  }
  return out.join('/');
}

function isPrefixAtBoundary(prefix: string, value: string): boolean {
  if (!value.startsWith(prefix)) return false;
  const next = value[prefix.length];
  // Express 4 also ends a mount path at a dot (`/v1.json` under `/v1`).
  return prefix === '' || next === undefined || next === '/' || next === '.';
}

/**
 * The string form of a route path as given to Express: the template itself, a RegExp's
 * source form (`/^\/items\/(\d+)$/`), or the alternatives of an array joined with a
 * comma, as OpenTelemetry's Express instrumentation names them.
 */
export function routePathText(path: unknown): string | undefined {
  if (typeof path === 'string') return path;
  if (path instanceof RegExp) return String(path);
  if (Array.isArray(path)) {
    const parts = path.map(routePathText).filter((part): part is string => part !== undefined);
    return parts.length > 0 ? parts.join(',') : undefined;
  }
  return undefined;
}

/** Joins a mount template and a route path the way Express matches them. */
export function joinRouteTemplate(mount: string, path: string): string {
  if (mount === '') return path === '' ? '/' : path;
  if (path === '' || path === '/') return mount;
  return path.startsWith('/') ? `${mount}${path}` : `${mount}/${path}`;
}

const ROOT_MOUNT: MountPrefix = Object.freeze({ raw: '', template: '', params: Object.freeze({}) });

/**
 * One request's `baseUrl` and `route`, and, once `observability()` watches the request,
 * the mounts entered and who to tell about a matched route.
 */
class RouteWatch {
  /** Mount prefixes from the outermost app down to the router the request is in now. */
  private readonly mounts: MountPrefix[] = [ROOT_MOUNT];
  onRoute: ((template: string) => void) | undefined = undefined;

  constructor(
    private readonly request: object,
    public baseUrl: unknown,
    public route: unknown,
  ) {}

  enter(raw: string): MountPrefix {
    const mounts = this.mounts;
    // Leaving a router restores an outer prefix: return to it.
    for (let index = mounts.length - 1; index >= 0; index--) {
      if (mounts[index]?.raw === raw) {
        mounts.length = index + 1;
        return mounts[index] as MountPrefix;
      }
    }
    // Entering one: the router sets `req.params` to the mount's parameters first.
    while (mounts.length > 1 && !isPrefixAtBoundary((mounts.at(-1) as MountPrefix).raw, raw)) mounts.pop();
    const outer = mounts.at(-1) as MountPrefix;
    const current = (this.request as { params?: unknown }).params;
    const params = typeof current === 'object' && current !== null ? (current as Params) : {};
    const consumed = templateOfConsumedPath(raw.slice(outer.raw.length), params, outer.params);
    const mount = { raw, template: `${outer.template}${consumed}`, params };
    mounts.push(mount);
    return mount;
  }
}

interface WatchedRequest {
  [EXPRESS_ROUTE_WATCH_KEY]?: RouteWatch;
}

// `baseUrl` and `route` as accessors over the request's RouteWatch. Without a watch
// they are plain storage, so requests `observability()` never sees behave as before.
function getBaseUrl(this: WatchedRequest): unknown {
  return this[EXPRESS_ROUTE_WATCH_KEY]?.baseUrl;
}

function setBaseUrl(this: WatchedRequest, value: unknown): void {
  const watch = this[EXPRESS_ROUTE_WATCH_KEY];
  if (watch === undefined) {
    this[EXPRESS_ROUTE_WATCH_KEY] = new RouteWatch(this, value, undefined);
    return;
  }
  if (watch.onRoute !== undefined && typeof value === 'string') watch.enter(value);
  watch.baseUrl = value;
}

function getRoute(this: WatchedRequest): unknown {
  return this[EXPRESS_ROUTE_WATCH_KEY]?.route;
}

function setRoute(this: WatchedRequest, value: unknown): void {
  const watch = this[EXPRESS_ROUTE_WATCH_KEY];
  if (watch === undefined) {
    this[EXPRESS_ROUTE_WATCH_KEY] = new RouteWatch(this, undefined, value);
    return;
  }
  watch.route = value;
  if (watch.onRoute === undefined) return;
  const path = routePathText((value as { path?: unknown } | null | undefined)?.path);
  if (path === undefined) return;
  const mount = typeof watch.baseUrl === 'string' ? watch.enter(watch.baseUrl).template : '';
  watch.onRoute(joinRouteTemplate(mount, path));
}

const BASE_URL_PROPERTY: PropertyDescriptor = {
  configurable: true,
  enumerable: true,
  get: getBaseUrl,
  set: setBaseUrl,
};
const ROUTE_PROPERTY: PropertyDescriptor = {
  configurable: true,
  enumerable: true,
  get: getRoute,
  set: setRoute,
};

/**
 * Puts the two accessors on Express's shared request prototype (the object every app's
 * `app.request` inherits from, sub-apps included), once per Express copy. Express assigns
 * `req.baseUrl` when a request enters the router, before any middleware runs; with the
 * accessors inherited, that assignment already lands in the request's watch, and the
 * request never needs accessors of its own. Redefining a property an object already
 * has turns it into a slow dictionary-mode object, which every later property access
 * in Express and the app pays for. Returns false when the prototype is not recognised.
 */
function shareAccessors(request: object): boolean {
  const appRequest = Object.getPrototypeOf(request) as object | null;
  // Express's `app.request`: its own `app`, over the Express request prototype.
  if (appRequest === null || !Object.hasOwn(appRequest, 'app')) return false;
  const shared = Object.getPrototypeOf(appRequest) as (Record<PropertyKey, unknown> & object) | null;
  if (shared === null || shared === Object.prototype) return false;
  if (shared[EXPRESS_ROUTE_ACCESSORS_KEY] === true) return true;
  if (
    !Object.hasOwn(shared, 'accepts') ||
    Object.hasOwn(shared, 'baseUrl') ||
    Object.hasOwn(shared, 'route') ||
    !Object.isExtensible(shared)
  ) {
    return false;
  }
  Object.defineProperty(shared, 'baseUrl', { ...BASE_URL_PROPERTY, enumerable: false });
  Object.defineProperty(shared, 'route', { ...ROUTE_PROPERTY, enumerable: false });
  Object.defineProperty(shared, EXPRESS_ROUTE_ACCESSORS_KEY, { value: true });
  return true;
}

/**
 * Calls `onRoute` with the full route template (`/v1/users/:id`, mount paths of routers
 * and sub-apps included) each time Express matches a route for this request, so spans,
 * logs and errors raised inside the route already know it. The last matched route wins
 * (`next('route')`, or a handler passing the request on). `req.route` and `req.baseUrl`
 * stay ordinary read/write properties for Express and the app.
 */
export function watchRouteTemplate(request: object, onRoute: (template: string) => void): void {
  const fields = request as WatchedRequest & { baseUrl?: unknown; route?: unknown };
  try {
    const shared = shareAccessors(request);
    let watch = fields[EXPRESS_ROUTE_WATCH_KEY];
    if (
      !shared ||
      watch === undefined ||
      Object.hasOwn(request, 'baseUrl') ||
      Object.hasOwn(request, 'route')
    ) {
      // The request's own properties (the first request, before the accessors were
      // shared, or an Express this does not recognise): accessors on the request itself.
      watch = new RouteWatch(fields, fields.baseUrl, fields.route);
      fields[EXPRESS_ROUTE_WATCH_KEY] = watch;
      Object.defineProperty(request, 'baseUrl', BASE_URL_PROPERTY);
      Object.defineProperty(request, 'route', ROUTE_PROPERTY);
    }
    watch.onRoute = onRoute;
    if (typeof watch.baseUrl === 'string' && watch.baseUrl !== '') watch.enter(watch.baseUrl);
  } catch {
    // A request object someone froze: the span keeps its method-only name.
  }
}
