// Koa with @koa/router and pino logging to a file, no instrumentation: the baseline.
import Router from '@koa/router';
import Koa from 'koa';
import { announceListening, createBenchLogger, exitOnStop, HELLO_ROUTE, helloBody } from './common.mjs';

const logger = createBenchLogger();
const app = new Koa();
const router = new Router();
router.get(HELLO_ROUTE, (ctx) => {
  logger.info({ id: ctx.params.id }, 'hello');
  ctx.body = helloBody(ctx.params.id);
});
app.use(router.routes());

const server = app.listen(0, '127.0.0.1', () => announceListening(server.address().port));
exitOnStop(async () => {
  logger.flush();
});
