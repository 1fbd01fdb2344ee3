import { createRequestObserver, type RequestObserverOptions } from '@tracewire/core/adapter';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { bindRequestContext } from './bind-request-context.ts';
import type { TracewireRequest } from './express-request.ts';
import { getObservedRequest, setObservedRequest } from './observed-request.ts';
import { watchRouteTemplate } from './route-template.ts';

/**
 * Options for `observability()`: the handle (default: the global one from
 * `initObservability()`), the `traceresponse` and request-ID headers, the access log,
 * and which errors reach Sentry.
 */
export type ObservabilityOptions = RequestObserverOptions;

/**
 * Express middleware that follows each request: a server span named by its route
 * (`GET /users/:id`), `req.log` with `request_id`, `trace_id` and `span_id` on every
 * line, `req.requestId` (echoed as `X-Request-Id`), a `traceresponse` header, one access
 * log line and one `http.server.request.duration` data point per request. Register it
 * before any other middleware, and `errorHandler()` after the routes.
 *
 * Works with Express 4 and 5, whether or not OpenTelemetry's http instrumentation saw
 * the server start (`node --import @tracewire/core/register` or not). Throws when
 * tracewire is not initialised and no `handle` is given.
 *
 * @example
 * import { initObservability } from '@tracewire/core';
 * import { errorHandler, observability } from '@tracewire/express';
 * import express from 'express';
 *
 * initObservability();
 * const app = express();
 * app.use(observability());
 * app.get('/users/:id', (req, res) => {
 *   req.log.info('loading user');
 *   res.json({ id: req.params.id });
 * });
 * app.use(errorHandler());
 * app.listen(3000);
 */
export function observability(options: ObservabilityOptions = {}): RequestHandler {
  const observer = createRequestObserver(options);
  return function tracewireObservability(req: Request, res: Response, next: NextFunction): void {
    // A sub-app with its own `observability()`, or the middleware registered twice:
    // the request already has its span and logger.
    if (getObservedRequest(req)) {
      next();
      return;
    }
    const observed = observer.start({
      method: req.method,
      // The router sets `originalUrl` before the first middleware; `url` is trimmed
      // when this middleware is mounted under a path.
      url: req.originalUrl ?? req.url,
      headers: req.headers,
      scheme: req.protocol,
      httpVersion: req.httpVersion,
      socket: req.socket,
      // The observer sets its headers on the response, and finishes the request on the
      // response's first 'finish' or 'close'.
      response: res,
    });
    setObservedRequest(req, observed);
    const fields: TracewireRequest = req;
    fields.log = observed.log;
    fields.requestId = observed.requestId;
    if (observed.ignored) {
      observed.run(() => next());
      return;
    }
    watchRouteTemplate(req, (template) => observed.setRoute(template));
    observed.run(() => {
      bindRequestContext(req, res);
      next();
    });
  };
}
