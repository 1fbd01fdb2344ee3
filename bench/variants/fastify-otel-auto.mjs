// Fastify exactly as in fastify-bare.mjs: auto-instrumentation needs no code change. The
// harness starts it with `--import preload/otel-esm-hook.mjs --import
// @opentelemetry/auto-instrumentations-node/register` and OTLP export to the sink; the
// only addition here is flushing the SDK on stop so the last batch is counted.
import Fastify, { LogController } from 'fastify';
import { announceListening, createBenchLogger, exitOnStop, HELLO_ROUTE, helloBody } from './common.mjs';
import { flushGlobalOpenTelemetry } from './otel-flush.mjs';

const logger = createBenchLogger();
const app = Fastify({
  loggerInstance: logger,
  logController: new LogController({ disableRequestLogging: true }),
});
app.get(HELLO_ROUTE, async (request) => {
  request.log.info({ id: request.params.id }, 'hello');
  return helloBody(request.params.id);
});

await app.listen({ port: 0, host: '127.0.0.1' });
announceListening(app.server.address().port);
exitOnStop(async () => {
  logger.flush();
  await flushGlobalOpenTelemetry();
});
