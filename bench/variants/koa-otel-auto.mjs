// Koa exactly as in koa-bare.mjs: auto-instrumentation needs no code change. The harness
// starts it with `--import preload/otel-esm-hook.mjs --import
// @opentelemetry/auto-instrumentations-node/register` and OTLP export to the sink; the
// only addition here is flushing the SDK on stop so the last batch is counted.
import Router from '@koa/router';
import Koa from 'koa';
import { announceListening, createBenchLogger, exitOnStop, HELLO_ROUTE, helloBody } from './common.mjs';
import { flushGlobalOpenTelemetry } from './otel-flush.mjs';

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
  await flushGlobalOpenTelemetry();
});
