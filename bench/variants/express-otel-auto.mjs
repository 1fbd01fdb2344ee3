// Express exactly as in express-bare.mjs: auto-instrumentation needs no code change. The
// harness starts it with `--import preload/otel-esm-hook.mjs --import
// @opentelemetry/auto-instrumentations-node/register` and OTLP export to the sink; the
// only addition here is flushing the SDK on stop so the last batch is counted.
import express from 'express';
import { announceListening, createBenchLogger, exitOnStop, HELLO_ROUTE, helloBody } from './common.mjs';
import { flushGlobalOpenTelemetry } from './otel-flush.mjs';

const logger = createBenchLogger();
const app = express();
app.get(HELLO_ROUTE, (req, res) => {
  logger.info({ id: req.params.id }, 'hello');
  res.json(helloBody(req.params.id));
});

const server = app.listen(0, '127.0.0.1', () => announceListening(server.address().port));
exitOnStop(async () => {
  logger.flush();
  await flushGlobalOpenTelemetry();
});
