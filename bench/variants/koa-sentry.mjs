// Koa with Sentry 11 alone (`tracesSampleRate: 1`, initialised by
// preload/sentry-init.mjs through `--import`), pino logging to a file.
import Router from '@koa/router';
import * as Sentry from '@sentry/node';
import Koa from 'koa';
import { announceListening, createBenchLogger, exitOnStop, HELLO_ROUTE, helloBody } from './common.mjs';

const logger = createBenchLogger();
const app = new Koa();
Sentry.setupKoaErrorHandler(app);
const router = new Router();
router.get(HELLO_ROUTE, (ctx) => {
  logger.info({ id: ctx.params.id }, 'hello');
  ctx.body = helloBody(ctx.params.id);
});
app.use(router.routes());

const server = app.listen(0, '127.0.0.1', () => announceListening(server.address().port));
exitOnStop(async () => {
  logger.flush();
  await Sentry.close(2_000);
});
