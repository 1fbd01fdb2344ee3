// Express with tracewire: initObservability() first, then the framework (imported after
// init so its modules are instrumented), the adapter's middleware first and its error
// handler after the routes, and the correlated request logger `req.log`.
import { announceListening, exitOnStop, HELLO_ROUTE, helloBody } from './common.mjs';
import { initTracewireForBench } from './tracewire-init.mjs';

const observabilityHandle = await initTracewireForBench();
const { default: express } = await import('express');
const { observability, errorHandler } = await import('@tracewire/express');

const app = express();
// One log line per request, as in every variant: the access log (on by default) is off.
app.use(observability({ accessLog: false }));
app.get(HELLO_ROUTE, (req, res) => {
  req.log.info({ id: req.params.id }, 'hello');
  res.json(helloBody(req.params.id));
});
app.use(errorHandler());

const server = app.listen(0, '127.0.0.1', () => announceListening(server.address().port));
exitOnStop(() => observabilityHandle.shutdown());
