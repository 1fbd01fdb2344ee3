// Fastify with its pino logger writing to a file and no instrumentation: the baseline.
// Fastify's own per-request lines are off (logController) so that every variant logs one line per request.
import Fastify, { LogController } from 'fastify';
import { announceListening, createBenchLogger, exitOnStop, HELLO_ROUTE, helloBody } from './common.mjs';

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
});
