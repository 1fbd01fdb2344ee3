import type { RequestObserverOptions } from '@tracewire/core';
import { createRequestObserver } from '@tracewire/core';
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
   * and a `true` sends an event for a synthetic `HttpStatusError`.
   */
  shouldCapture?: (error: unknown, status: number) => boolean;
}

/** Stands in for the missing error when the app answered 5xx without one and `shouldCapture` wants it reported. */
class HttpStatusError extends Error {
  override name = 'HttpStatusError';
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

/** Reports an error seen for one in-flight request, once. */
type ErrorReporter = (error: unknown, status: number) => void;

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
  const appShouldCapture = options.shouldCapture;
  const shouldCapture = appShouldCapture ?? ((_error: unknown, status: number) => status >= 500);
  // Synthetic errors for a bare 5xx status are only created once the app agreed to report them.
  const agreedStatusErrors = new WeakSet<object>();
  const observer = createRequestObserver({
    ...options,
    shouldCapture: (error, status) => agreedStatusErrors.has(error as object) || shouldCapture(error, status),
  });

  // Koa's documented error middleware pattern catches an error, answers it and reports it
  // with `ctx.app.emit('error', err, ctx)`; that error then never reaches this middleware,
  // so it is picked up from the app's 'error' event while its request is in flight.
  const inFlight = new WeakMap<object, ErrorReporter>();
  const watchedApps = new WeakSet<object>();
  const onAppError = (error: unknown, ctx: unknown) => {
    if (typeof ctx === 'object' && ctx !== null) inFlight.get(ctx)?.(error, errorStatus(error));
  };

  return async function tracewireObservability(ctx, next) {
    const responseHeaders: Record<string, string> = {};
    const observed = observer.start({
      method: ctx.method,
      url: ctx.originalUrl,
      headers: ctx.headers,
      scheme: ctx.protocol,
      httpVersion: ctx.req.httpVersion,
      socket: ctx.req.socket,
      setResponseHeader: (name, value) => {
        ctx.set(name, value);
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
      ctx.app.on('error', onAppError);
    }

    const nameRoute = (template: string) => {
      if (template !== observed.route) observed.setRoute(template);
    };
    const nameRouteFromRouter = () => {
      const template = matchedRouteTemplate(ctx);
      if (template) nameRoute(template);
    };
    // The router names the route before the route's middleware runs, so log lines,
    // Sentry events and errors from inside the route already carry it.
    watchMatchedRoute(ctx, nameRoute);

    let errorSeen = false;
    const report: ErrorReporter = (error, status) => {
      if (errorSeen) return;
      errorSeen = true;
      nameRouteFromRouter();
      // A 4xx is the client's mistake, so its span stays unset unless the app wants it
      // reported; a 5xx marks the span failed even when it is kept out of Sentry.
      if (status >= 500 || shouldCapture(error, status)) observed.captureError(error, status);
    };
    inFlight.set(ctx, report);

    const response = ctx.res;
    const finish = () => {
      response.off('finish', finish);
      response.off('close', finish);
      inFlight.delete(ctx);
      nameRouteFromRouter();
      observed.finish(response.statusCode);
    };
    response.once('finish', finish);
    response.once('close', finish);

    await observed.run(async () => {
      try {
        await next();
      } catch (error) {
        report(error, errorStatus(error));
        throw error;
      }
      nameRouteFromRouter();
      const status = ctx.status;
      if (!errorSeen && status >= 500 && appShouldCapture?.(undefined, status)) {
        const label = observed.route ? `${ctx.method} ${observed.route}` : ctx.method;
        const error = new HttpStatusError(`${label} answered ${status} without an error`, status);
        agreedStatusErrors.add(error);
        report(error, status);
      }
    });
  };
}
