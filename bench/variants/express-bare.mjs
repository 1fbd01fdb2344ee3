// Express with pino logging to a file and no instrumentation: the baseline.
import express from 'express';
import { announceListening, createBenchLogger, exitOnStop, HELLO_ROUTE, helloBody } from './common.mjs';

const logger = createBenchLogger();
const app = express();
app.get(HELLO_ROUTE, (req, res) => {
  logger.info({ id: req.params.id }, 'hello');
  res.json(helloBody(req.params.id));
});

const server = app.listen(0, '127.0.0.1', () => announceListening(server.address().port));
exitOnStop(async () => {
  logger.flush();
});
