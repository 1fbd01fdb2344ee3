// Fastify with Sentry 11 alone (`tracesSampleRate: 1`, initialised by
// preload/sentry-init.mjs through `--import`), pino logging to a file.
import * as Sentry from '@sentry/node';
import Fastify, { LogController } from 'fastify';
import { announceListening, createBenchLogger, exitOnStop, HELLO_ROUTE, helloBody } from './common.mjs';

const logger = createBenchLogger();
const app = Fastify({
  loggerInstance: logger,
  logController: new LogController({ disableRequestLogging: true }),
});
Sentry.setupFastifyErrorHandler(app);
app.get(HELLO_ROUTE, async (request) => {
  request.log.info({ id: request.params.id }, 'hello');
  return helloBody(request.params.id);
});

await app.listen({ port: 0, host: '127.0.0.1' });
announceListening(app.server.address().port);
exitOnStop(async () => {
  logger.flush();
  await Sentry.close(2_000);
});
