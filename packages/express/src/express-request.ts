import type { ObservedRequest } from '@tracewire/core/adapter';

/**
 * What `observability()` adds to every Express request. Express's global `Request` type
 * is augmented with it, so `req.log` and `req.requestId` are typed in every handler once
 * `@tracewire/express` is imported anywhere in the program (Express 4 and 5 types).
 *
 * @example
 * app.get('/users/:id', (req, res) => {
 *   req.log.info({ user: req.params.id }, 'loading user'); // carries request_id and trace_id
 *   res.json({ requestId: req.requestId });
 * });
 */
export interface TracewireRequest {
  /** Request-scoped pino logger: `request_id`, `trace_id` and `span_id` on every line. */
  log: ObservedRequest['log'];
  /** The request ID: the caller's `X-Request-Id` when sane, else a fresh UUID. Echoed in the response. */
  requestId: string;
}

declare global {
  // Express's own types declare `Request` in this global namespace for augmentation.
  namespace Express {
    interface Request extends TracewireRequest {}
  }
}
