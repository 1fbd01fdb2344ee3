import {
  createRequestObserver,
  type ObservedRequest,
  type RequestObserverOptions,
} from '@tracewire/core/adapter';
import type { Middleware } from 'koa';
import { errorStatus } from './error-status.ts';
import { keepHeadersOnErrorResponse } from './error-response-headers.ts';
import { matchedRouteTemplate, watchMatchedRoute } from './route-template.ts';

/** Options for `observability()`; every field is optional. */
export interface KoaObservabilityOptions extends RequestObserverOptions {
  /**
   * Decides which failed requests reach Sentry. Default: status >= 500.
   *
   * Called with the thrown (or `ctx.app.emit('error', err, ctx)`-reported) error and the
   * status Koa answers it with. A 5xx status the app set without any error reaching
   * tracewire (`ctx.status = 503`) sends no Sentry event by default, as there is no
   * error to report; with `shouldCapture` given, it is asked with `error` undefined,
   * and a `true` sends an event for a synthetic `HttpStatusError`. A `shouldCapture`
   * that throws is replaced by the default for that call and reported once
   * (`TW_CALLBACK_FAILED`); Koa's response and `app.on('error')` see the app's error.
   */
  shouldCapture?: (error: unknown, status: number) => boolean;
}

// The observed request of a context while it is in flight, for errors the app reports
// through `ctx.app.emit('error', err, ctx)`. A module-local symbol: one property on the
// context, where a WeakMap entry per request costs more.
const OBSERVED = Symbol('tracewire.koa.observed-request');

interface ObservedContext {
  [OBSERVED]?: ObservedRequest;
}

/** Reports an error the app emitted for a request still in flight. */
function reportAppError(error: unknown, ctx: unknown): void {
  if (typeof ctx !== 'object' || ctx === null) return;
  const observed = (ctx as ObservedContext)[OBSERVED];
  if (observed !== undefined && !observed.finished) observed.fail(error, errorStatus(error));
}

/**
 * Koa middleware that follows every request with tracewire: a server span named by the
 * route template (`GET /users/:id`, taken from @koa/router), `ctx.log` (pino with
 * `request_id`, `trace_id` and `span_id` on every line), `ctx.requestId` (also
 * `ctx.state.requestId`, echoed as `X-Request-Id`), a `traceresponse` header, one access
 * log line and one `http.server.request.duration` data point per request, and one
 * Sentry event per failed request, named by its route.
 *
 * Register it FIRST, so it sees every error the rest of the app throws. It rethrows
 * them: Koa's `app.on('error')`, its default error response and any error middleware
 * registered before it still run. Paths in `ignoredPaths` (health checks, scrapes) get
 * a request ID and nothing else.
 *
 * Call `initObservability()` (or start node with `--import @tracewire/core/register`)
 * before creating the middleware, or pass the handle in `options.handle`.
 *
 * @example
 * import Koa from 'koa';
 * import Router from '@koa/router';
 * import { initObservability } from '@tracewire/core';
 * import { observability } from '@tracewire/koa';
 *
 * initObservability();
 * const app = new Koa();
 * const router = new Router();
 * router.get('/users/:id', async (ctx) => {
 *   ctx.log.info({ user: ctx.params.id }, 'loading user');
 *   ctx.body = { id: ctx.params.id };
 * });
 * app.use(observability());
 * app.use(router.routes()).use(router.allowedMethods());
 * app.listen(3000);
 */
export function observability(options: KoaObservabilityOptions = {}): Middleware {
  // The router may name the route after the request started (or the context may be
  // frozen, so the watch below could not be installed): the observer asks again when
  // the request fails or finishes.
  const observer = createRequestObserver(options, { discoverRoute: matchedRouteTemplate });

  // Koa's documented error middleware pattern catches an error, answers it and reports it
  // with `ctx.app.emit('error', err, ctx)`; that error then never reaches this middleware,
  // so it is picked up from the app's 'error' event while its request is in flight.
  const watchedApps = new WeakSet<object>();

  return async function tracewireObservability(ctx, next) {
    const responseHeaders: Record<string, string> = {};
    const observed = observer.start({
      method: ctx.method,
      url: ctx.originalUrl,
      headers: ctx.headers,
      scheme: ctx.protocol,
      httpVersion: ctx.req.httpVersion,
      socket: ctx.req.socket,
      // The observer finishes the request on the response's first 'finish' or 'close'.
      response: ctx.res,
      frameworkRequest: ctx,
      setResponseHeader: (name, value) => {
        // What `ctx.set(name, value)` does for a string value, without the arrays it
        // builds to handle header objects and lists.
        if (!ctx.headerSent) ctx.res.setHeader(name, value);
        responseHeaders[name] = value;
      },
    });
    ctx.requestId = observed.requestId;
    ctx.state.requestId = observed.requestId;
    ctx.log = observed.log;
    keepHeadersOnErrorResponse(ctx, responseHeaders);
    if (observed.ignored) return observed.run(next);

    if (!watchedApps.has(ctx.app)) {
      watchedApps.add(ctx.app);
      ctx.app.on('error', reportAppError);
    }
    // The router names the route before the route's middleware runs, so log lines,
    // Sentry events and errors from inside the route already carry it.
    watchMatchedRoute(ctx, observed);
    (ctx as ObservedContext)[OBSERVED] = observed;

    await observed.run(async () => {
      try {
        await next();
      } catch (error) {
        // The observer's failure path never throws: the app's error is rethrown as it was.
        observed.fail(error, errorStatus(error));
        throw error;
      }
      observed.failWithoutError(ctx.status);
    });
  };
}
