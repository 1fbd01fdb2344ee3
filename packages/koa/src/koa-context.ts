import type { ObservedRequest } from '@tracewire/core/adapter';

/**
 * What `observability()` adds to every Koa context. Koa's `DefaultContext` is augmented
 * with it, so `ctx.log` and `ctx.requestId` are typed in every middleware once
 * `@tracewire/koa` is imported anywhere in the program.
 *
 * @example
 * router.get('/users/:id', async (ctx) => {
 *   ctx.log.info({ user: ctx.params.id }, 'loading user'); // carries request_id and trace_id
 *   ctx.body = { requestId: ctx.requestId };
 * });
 */
export interface TracewireContext {
  /** Request-scoped pino logger: `request_id`, `trace_id` and `span_id` on every line. */
  log: ObservedRequest['log'];
  /** The request ID: the caller's `X-Request-Id` when sane, else a fresh UUID. Also `ctx.state.requestId`. */
  requestId: string;
}

declare module 'koa' {
  interface DefaultContext extends TracewireContext {}
}
