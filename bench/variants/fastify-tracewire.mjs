// Fastify with tracewire: initObservability() first, then the framework (imported after
// init so its modules are instrumented), the adapter plugin, and tracewire's logger as
// Fastify's logger so that `request.log` lines carry the trace context.
import { announceListening, exitOnStop, HELLO_ROUTE, helloBody } from './common.mjs';
import { initTracewireForBench } from './tracewire-init.mjs';

const observabilityHandle = await initTracewireForBench();
const { default: Fastify, LogController } = await import('fastify');
const { observability } = await import('@tracewire/fastify');

const app = Fastify({
  loggerInstance: observabilityHandle.logger,
  logController: new LogController({ disableRequestLogging: true }),
});
// One log line per request, as in every variant: the access log (on by default) is off.
// BENCH_FASTIFY_OTEL (for `--with-env` A/B runs only): `on` adds @fastify/otel with its
// default settings (its `request` span), `handler` also its handler span; unset (or
// `off`) is the default setup, without @fastify/otel.
const fastifyOtelSetting = {
  off: false,
  on: {},
  handler: { instrumentHandler: true },
}[process.env.BENCH_FASTIFY_OTEL ?? ''];
await app.register(observability, { accessLog: false, fastifyOtel: fastifyOtelSetting });
app.get(HELLO_ROUTE, async (request) => {
  request.log.info({ id: request.params.id }, 'hello');
  return helloBody(request.params.id);
});

await app.listen({ port: 0, host: '127.0.0.1' });
announceListening(app.server.address().port);
exitOnStop(() => observabilityHandle.shutdown());
