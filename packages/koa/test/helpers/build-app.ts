import { setTimeout as delay } from 'node:timers/promises';
import Router, { type RouterContext } from '@koa/router';
import type Koa from 'koa';
import { type KoaObservabilityOptions, observability } from '../../src/index.ts';

/** The Koa constructor of either major (`koa` 3 or the `koa2` alias). */
export type KoaConstructor = typeof Koa;

/** Errors Koa reported through `app.on('error')`, in order. */
export interface BuiltApp {
  app: Koa;
  appErrors: unknown[];
}

// @koa/router 15's method signatures do not give handler arguments a contextual type
// under TypeScript 6, so handlers name `RouterContext` themselves.

/**
 * The app every in-process test drives, identical for Koa 2 and Koa 3:
 * - `GET /users/:id` logs through `ctx.log`,
 * - `GET /v2/users/:id` on a router with a prefix,
 * - `GET /v3/accounts/:accountId/users/:id` on a nested router mounted under a path
 *   with a parameter, behind a `router.use()` middleware layer (`?deny=1` makes that
 *   layer throw, `?fail=1` the route),
 * - `GET /boom/:id` fails as `?mode=` says: `throw` (an Error), `ctx-throw` (`ctx.throw(500)`),
 *   `log-first` (`ctx.log.error({ err })`, then throws the same error), `status`
 *   (`ctx.status = 503` without an error), `swallow` (Koa's documented error middleware
 *   pattern: answer, then `ctx.app.emit('error', err, ctx)`),
 * - `GET /bad/:id` answers `ctx.throw(400)`,
 * - `GET /slow/:id` waits a random few milliseconds, then logs,
 * - `/healthz` answers outside the router.
 */
export function buildApp(KoaClass: KoaConstructor, options: KoaObservabilityOptions = {}): BuiltApp {
  const app = new KoaClass();
  const appErrors: unknown[] = [];
  // A listener of its own also keeps Koa from printing every expected failure to stderr.
  app.on('error', (error: unknown) => {
    appErrors.push(error);
  });
  app.use(observability(options));

  app.use(async (ctx, next) => {
    if (ctx.path === '/healthz') {
      ctx.log.info('health check');
      ctx.body = 'ok';
      return;
    }
    await next();
  });

  // Koa's documented error middleware, only for `/boom/:id?mode=swallow`.
  app.use(async (ctx, next) => {
    if (ctx.query.mode !== 'swallow') return next();
    try {
      await next();
    } catch (error) {
      ctx.status = 500;
      ctx.body = { error: 'internal' };
      ctx.app.emit('error', error, ctx);
    }
  });

  const router = new Router();
  router.get('/users/:id', (ctx: RouterContext) => {
    ctx.log.info({ user: ctx.params.id }, 'loading user');
    ctx.body = { id: ctx.params.id, requestId: ctx.requestId, stateRequestId: ctx.state.requestId };
  });
  router.get('/boom/:id', (ctx: RouterContext) => {
    const error = new Error(`boom ${ctx.params.id}`);
    switch (ctx.query.mode) {
      case 'ctx-throw':
        ctx.throw(500);
        break;
      case 'log-first':
        ctx.log.error({ err: error }, 'about to fail');
        throw error;
      case 'status':
        ctx.status = 503;
        ctx.body = 'unavailable';
        return;
      default:
        throw error;
    }
  });
  router.get('/bad/:id', (ctx: RouterContext) => {
    ctx.throw(400, 'bad input');
  });
  router.get('/slow/:id', async (ctx: RouterContext) => {
    await delay(Math.floor(Math.random() * 15));
    ctx.log.info({ n: ctx.params.id }, 'slow work done');
    ctx.body = ctx.params.id;
  });

  const prefixed = new Router({ prefix: '/v2' });
  prefixed.get('/users/:id', (ctx: RouterContext) => {
    ctx.log.info({ user: ctx.params.id }, 'loading prefixed user');
    ctx.body = ctx.params.id;
  });

  const inner = new Router();
  inner.use(async (ctx: RouterContext, next: Koa.Next) => {
    ctx.set('x-inner-middleware', 'ran');
    if (ctx.query.deny === '1') throw new Error('denied by router middleware');
    await next();
  });
  inner.get('/users/:id', (ctx: RouterContext) => {
    ctx.log.info({ user: ctx.params.id }, 'loading nested user');
    if (ctx.query.fail === '1') throw new Error('nested failure');
    ctx.body = `${ctx.params.accountId}/${ctx.params.id}`;
  });
  const outer = new Router({ prefix: '/v3' });
  outer.use('/accounts/:accountId', inner.routes(), inner.allowedMethods());

  for (const mounted of [router, prefixed, outer]) {
    app.use(mounted.routes());
    app.use(mounted.allowedMethods());
  }
  return { app, appErrors };
}
