import { getObservability, type ObservabilityHandle } from '@tracewire/core';
import { capturedByDefault } from '@tracewire/core/adapter';
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { errorStatus } from './error-status.ts';
import { getObservedRequest } from './observed-request.ts';

/** Options for `errorHandler()`. */
export interface ErrorHandlerOptions {
  /**
   * The handle from `initObservability()`, used only for requests `observability()` did
   * not see. Defaults to the global one.
   */
  handle?: ObservabilityHandle;
}

/**
 * Express error middleware that reports the error and passes it on. The server span gets
 * status ERROR and an exception event; when the status is one Sentry should see (5xx by
 * default, `observability({ shouldCapture })` decides), Sentry gets ONE event with the
 * route as transaction (`GET /users/:id`), method, redacted URL, safe headers, status,
 * request ID and the span's trace ID. The status is the one Express's default handler
 * will answer with: `err.status`, else `err.statusCode`, else 500.
 *
 * It never answers the request: it calls `next(err)`, so Express's default 500 page and
 * any error handler registered after it still run. Register it after the routes and
 * before your own error handlers.
 *
 * @example
 * import { errorHandler, observability } from '@tracewire/express';
 *
 * app.use(observability());
 * app.get('/boom/:id', () => {
 *   throw new Error('boom');
 * });
 * app.use(errorHandler());
 * app.use((err, req, res, next) => {
 *   res.status(500).json({ error: 'internal', requestId: req.requestId });
 * });
 */
export function errorHandler(options: ErrorHandlerOptions = {}): ErrorRequestHandler {
  return function tracewireErrorHandler(
    error: unknown,
    req: Request,
    res: Response,
    next: NextFunction,
  ): void {
    try {
      const status = errorStatus(error, res.statusCode);
      const observed = getObservedRequest(req);
      // The observer's failure path asks `shouldCapture` (guarded) and reports once.
      if (observed) observed.fail(error, status);
      else if (capturedByDefault(error, status))
        (options.handle ?? getObservability())?.captureException(error);
    } catch {
      // Reporting must never replace the app's own error with one of ours.
    }
    next(error);
  };
}
