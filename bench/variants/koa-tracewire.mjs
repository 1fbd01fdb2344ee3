// Koa with tracewire: initObservability() first, then the framework (imported after init
// so its modules are instrumented), the adapter's middleware first, and the correlated
// request logger `ctx.log`.
import { announceListening, exitOnStop, HELLO_ROUTE, helloBody } from './common.mjs';
import { initTracewireForBench } from './tracewire-init.mjs';

const observabilityHandle = await initTracewireForBench();
const { default: Koa } = await import('koa');
const { default: Router } = await import('@koa/router');
const { observability } = await import('@tracewire/koa');

const app = new Koa();
// One log line per request, as in every variant: the access log (on by default) is off.
app.use(observability({ accessLog: false }));
const router = new Router();
router.get(HELLO_ROUTE, (ctx) => {
  ctx.log.info({ id: ctx.params.id }, 'hello');
  ctx.body = helloBody(ctx.params.id);
});
app.use(router.routes());

const server = app.listen(0, '127.0.0.1', () => announceListening(server.address().port));
exitOnStop(() => observabilityHandle.shutdown());
