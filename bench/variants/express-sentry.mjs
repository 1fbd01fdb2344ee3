// Express with Sentry 11 alone (`tracesSampleRate: 1`, initialised by
// preload/sentry-init.mjs through `--import`), pino logging to a file.
import * as Sentry from '@sentry/node';
import express from 'express';
import { announceListening, createBenchLogger, exitOnStop, HELLO_ROUTE, helloBody } from './common.mjs';

const logger = createBenchLogger();
const app = express();
app.get(HELLO_ROUTE, (req, res) => {
  logger.info({ id: req.params.id }, 'hello');
  res.json(helloBody(req.params.id));
});
Sentry.setupExpressErrorHandler(app);

const server = app.listen(0, '127.0.0.1', () => announceListening(server.address().port));
exitOnStop(async () => {
  logger.flush();
  await Sentry.close(2_000);
});
